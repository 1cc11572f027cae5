/**
 * Shift arithmetic and routing on real time-zone data, without Temporal.
 * Every expected instant is written out; the comments show the local times
 * they come from.
 *
 * Brazil has observed no DST since 2019 (tzdata keeps America/Sao_Paulo at
 * UTC-3 all year), so the southern-hemisphere DST cases use Australia/Sydney:
 * AEDT (UTC+11) ends on 2026-04-05 and starts again on 2026-10-04.
 */

import path from 'node:path';

import { DateTime } from 'luxon';

import { computeWeekCoverage } from '../src/calendar/desk-coverage';
import { routeTicketToDesk, ticketFollowsTheSun } from '../src/calendar/desk-routing';
import { chooseOwningDesk, currentShift, deskShifts, nextShift, NoDeskCoverageError } from '../src/calendar/desk-schedule';
import { computeDeskStatus, computeDutyReport, computeSpecialistGroupStatus } from '../src/calendar/desk-status';
import { scheduleShifts, searchHorizonDays, shiftContaining, shiftStartingAfter } from '../src/calendar/weekly-schedule';
import { loadDeskConfiguration } from '../src/config/desk-configuration';
import { exampleDeskConfiguration, type DeskConfiguration, type DeskDefinition, type ShiftDefinition } from '../src/domain/desks';

const examples = path.resolve(__dirname, '../examples/desks');
const globalConfiguration = loadDeskConfiguration(path.join(examples, 'global-follow-the-sun.yaml'));
const localConfiguration = loadDeskConfiguration(path.join(examples, 'local-sites.yaml'));
const centralizedConfiguration = loadDeskConfiguration(path.join(examples, 'centralized.yaml'));
const virtualConfiguration = loadDeskConfiguration(path.join(examples, 'virtual.json'));

function utc(text: string): DateTime {
  return DateTime.fromISO(text, { zone: 'utc' });
}

function desk(id: string, timeZone: string, shifts: ShiftDefinition[], holidays: DeskDefinition['holidays'] = []): DeskDefinition {
  return { id, name: id, timeZone, taskQueue: `desk-${id}`, shifts, holidays };
}

function spans(intervals: Array<{ start: DateTime | null; end: DateTime | null }>): string[] {
  return intervals.map((interval) => `${interval.start?.toUTC().toISO()}/${interval.end?.toUTC().toISO()}`);
}

const weekdays: ShiftDefinition['weekdays'] = [1, 2, 3, 4, 5];

/**
 * Sydney hands to Warsaw in the European morning; Warsaw's end leaves a gap
 * until Sydney's next morning.
 */
const twoHemispheres: DeskConfiguration = {
  desks: [
    desk('sydney', 'Australia/Sydney', [{ weekdays, start: '08:00', end: '17:00' }]),
    desk('warsaw', 'Europe/Warsaw', [{ weekdays, start: '07:00', end: '16:00' }]),
  ],
  followTheSunPriorities: [1, 2],
  structure: { type: 'follow-the-sun', ring: ['sydney', 'warsaw'] },
};

describe('shifts across DST changes', () => {
  const nightShift: ShiftDefinition[] = [{ weekdays: [6], start: '22:00', end: '06:00' }];

  test('Warsaw night shift when clocks go forward', () => {
    // Sat 28 Mar 22:00 CET (UTC+1) to Sun 29 Mar 06:00 CEST (UTC+2): 7 hours.
    const shifts = deskShifts(desk('warsaw', 'Europe/Warsaw', nightShift), utc('2026-03-28T00:00'), utc('2026-03-30T00:00'));
    expect(spans(shifts)).toEqual(['2026-03-28T21:00:00.000Z/2026-03-29T04:00:00.000Z']);
  });

  test('Warsaw night shift when clocks go back', () => {
    // Sat 24 Oct 22:00 CEST (UTC+2) to Sun 25 Oct 06:00 CET (UTC+1): 9 hours.
    const shifts = deskShifts(desk('warsaw', 'Europe/Warsaw', nightShift), utc('2026-10-24T00:00'), utc('2026-10-26T00:00'));
    expect(spans(shifts)).toEqual(['2026-10-24T20:00:00.000Z/2026-10-25T05:00:00.000Z']);
  });

  test('Sydney night shift when clocks go back', () => {
    // Sat 4 Apr 22:00 AEDT (UTC+11) to Sun 5 Apr 06:00 AEST (UTC+10): 9 hours.
    const shifts = deskShifts(desk('sydney', 'Australia/Sydney', nightShift), utc('2026-04-04T00:00'), utc('2026-04-06T00:00'));
    expect(spans(shifts)).toEqual(['2026-04-04T11:00:00.000Z/2026-04-04T20:00:00.000Z']);
  });

  test('Sydney night shift when clocks go forward', () => {
    // Sat 3 Oct 22:00 AEST (UTC+10) to Sun 4 Oct 06:00 AEDT (UTC+11): 7 hours.
    const shifts = deskShifts(desk('sydney', 'Australia/Sydney', nightShift), utc('2026-10-03T00:00'), utc('2026-10-05T00:00'));
    expect(spans(shifts)).toEqual(['2026-10-03T12:00:00.000Z/2026-10-03T19:00:00.000Z']);
  });

  test('start time skipped by the clock moves forward', () => {
    // 02:30 does not exist in Warsaw on 29 Mar 2026; the shift starts at 03:30 CEST.
    const shifts = deskShifts(desk('warsaw', 'Europe/Warsaw', [{ weekdays: [7], start: '02:30', end: '10:00' }]), utc('2026-03-29T00:00'), utc('2026-03-30T00:00'));
    expect(spans(shifts)).toEqual(['2026-03-29T01:30:00.000Z/2026-03-29T08:00:00.000Z']);
  });
});

describe('hand-off instants across DST changes', () => {
  test('Sydney to Warsaw after Warsaw moves to summer time', () => {
    // Mon 30 Mar: Sydney 08:00-17:00 AEDT is 29 Mar 21:00Z-30 Mar 06:00Z;
    // Warsaw 07:00-16:00 CEST is 05:00Z-14:00Z.
    const handOff = routeTicketToDesk(twoHemispheres, { instant: utc('2026-03-30T06:00'), previousDeskId: 'sydney' });
    expect(handOff.rule).toBe('next-in-ring');
    expect(handOff.ownership).toEqual({ deskId: 'warsaw', taskQueue: 'desk-warsaw', onDutyFrom: '2026-03-30T05:00:00.000Z', shiftEndsAt: '2026-03-30T14:00:00.000Z' });
  });

  test('Sydney shift end before and after Sydney leaves summer time', () => {
    // Fri 3 Apr 17:00 AEDT is 06:00Z; Mon 6 Apr 17:00 AEST is 07:00Z.
    const sydney = twoHemispheres.desks[0]!;
    expect(currentShift(sydney, utc('2026-04-03T01:00'))?.end.toISO()).toBe('2026-04-03T06:00:00.000Z');
    expect(currentShift(sydney, utc('2026-04-06T01:00'))?.end.toISO()).toBe('2026-04-06T07:00:00.000Z');
  });

  test('weekend gap across Sydney leaving summer time', () => {
    // Warsaw ends Fri 3 Apr 16:00 CEST = 14:00Z. No desk works the weekend, and Sydney opens Mon 6 Apr 08:00 AEST = Sun 5 Apr 22:00Z.
    const handOff = routeTicketToDesk(twoHemispheres, { instant: utc('2026-04-03T14:00'), previousDeskId: 'warsaw' });
    expect(handOff.rule).toBe('first-to-come-on-duty');
    expect(handOff.ownership).toEqual({ deskId: 'sydney', taskQueue: 'desk-sydney', onDutyFrom: '2026-04-05T22:00:00.000Z', shiftEndsAt: '2026-04-06T07:00:00.000Z' });
  });

  test('weekend gap across Sydney entering summer time', () => {
    // Warsaw ends Fri 2 Oct 16:00 CEST = 14:00Z; Sydney opens Mon 5 Oct 08:00 AEDT = Sun 4 Oct 21:00Z.
    const handOff = chooseOwningDesk(twoHemispheres, utc('2026-10-02T14:00'), 'warsaw');
    expect(handOff.onDutyFrom).toBe('2026-10-04T21:00:00.000Z');
    expect(handOff.shiftEndsAt).toBe('2026-10-05T06:00:00.000Z');
  });

  test('Sydney to Warsaw after Warsaw leaves summer time', () => {
    // Mon 19 Oct: Warsaw 07:00 CEST = 05:00Z. Mon 26 Oct: Warsaw 07:00 CET = 06:00Z,
    // exactly when Sydney's shift (08:00-17:00 AEDT) ends, so Warsaw is on duty then.
    const before = chooseOwningDesk(twoHemispheres, utc('2026-10-19T06:00'), 'sydney');
    expect(before).toEqual({ deskId: 'warsaw', taskQueue: 'desk-warsaw', onDutyFrom: '2026-10-19T05:00:00.000Z', shiftEndsAt: '2026-10-19T14:00:00.000Z' });

    const after = chooseOwningDesk(twoHemispheres, utc('2026-10-26T06:00'), 'sydney');
    expect(after).toEqual({ deskId: 'warsaw', taskQueue: 'desk-warsaw', onDutyFrom: '2026-10-26T06:00:00.000Z', shiftEndsAt: '2026-10-26T15:00:00.000Z' });
  });

  test('weekend gap across Warsaw leaving summer time', () => {
    // Warsaw ends Fri 23 Oct 16:00 CEST = 14:00Z; Sydney opens Mon 26 Oct 08:00 AEDT = Sun 25 Oct 21:00Z.
    expect(chooseOwningDesk(twoHemispheres, utc('2026-10-23T14:00'), 'warsaw').onDutyFrom).toBe('2026-10-25T21:00:00.000Z');
  });
});

describe('hand-offs of the global example', () => {
  test('late shift that crosses midnight', () => {
    // Tue 24 Mar: Sao Paulo ends 17:00 BRT = 20:00Z. Greensboro's day shift
    // (08:00-17:00 EDT) and late shift (17:00-01:00 EDT) form one shift, 12:00Z to Wed 05:00Z.
    const toGreensboro = routeTicketToDesk(globalConfiguration, { instant: utc('2026-03-24T20:00'), previousDeskId: 'sao-paulo' });
    expect(toGreensboro.rule).toBe('next-in-ring');
    expect(toGreensboro.ownership).toEqual({ deskId: 'greensboro', taskQueue: 'desk-greensboro', onDutyFrom: '2026-03-24T12:00:00.000Z', shiftEndsAt: '2026-03-25T05:00:00.000Z' });

    // At 05:00Z Bengaluru (09:00-18:00 IST = 03:30Z-12:30Z) is on duty.
    const toBengaluru = routeTicketToDesk(globalConfiguration, { instant: utc('2026-03-25T05:00'), previousDeskId: 'greensboro' });
    expect(toBengaluru.ownership).toEqual({ deskId: 'bengaluru', taskQueue: 'desk-bengaluru', onDutyFrom: '2026-03-25T03:30:00.000Z', shiftEndsAt: '2026-03-25T12:30:00.000Z' });
  });

  test('late shift into Saturday, then the weekend gap', () => {
    // Fri 27 Mar late shift ends Sat 01:00 EDT = 05:00Z. Krakow's Saturday shift
    // 09:00-15:00 CET is 08:00Z-14:00Z; Bengaluru opens Mon 30 Mar 09:00 IST = 03:30Z.
    const toKrakow = chooseOwningDesk(globalConfiguration, utc('2026-03-28T05:00'), 'greensboro');
    expect(toKrakow).toEqual({ deskId: 'krakow', taskQueue: 'desk-krakow', onDutyFrom: '2026-03-28T08:00:00.000Z', shiftEndsAt: '2026-03-28T14:00:00.000Z' });

    const toBengaluru = routeTicketToDesk(globalConfiguration, { instant: utc('2026-03-28T14:00'), previousDeskId: 'krakow' });
    expect(toBengaluru.rule).toBe('first-to-come-on-duty');
    expect(toBengaluru.ownership.deskId).toBe('bengaluru');
    expect(toBengaluru.ownership.onDutyFrom).toBe('2026-03-30T03:30:00.000Z');
  });

  test('holiday of the receiving desk', () => {
    // Tue 21 Apr 2026 is Tiradentes in Brazil. Gothenburg ends 18:00 CEST = 16:00Z;
    // Sao Paulo is closed, so the ticket skips to Greensboro (12:00Z to Wed 05:00Z).
    const handOff = routeTicketToDesk(globalConfiguration, { instant: utc('2026-04-21T16:00'), previousDeskId: 'gothenburg' });
    expect(handOff.rule).toBe('next-in-ring');
    expect(handOff.ownership).toEqual({ deskId: 'greensboro', taskQueue: 'desk-greensboro', onDutyFrom: '2026-04-21T12:00:00.000Z', shiftEndsAt: '2026-04-22T05:00:00.000Z' });

    // A week later Sao Paulo (08:00-17:00 BRT = 11:00Z-20:00Z) takes it.
    expect(chooseOwningDesk(globalConfiguration, utc('2026-04-28T16:00'), 'gothenburg').deskId).toBe('sao-paulo');
  });

  test('holiday of the only desk that comes next', () => {
    // Mon 6 Apr 2026 is Easter Monday in Poland. Sydney ends 17:00 AEST = 07:00Z;
    // Warsaw is closed all day, so the ticket waits for Sydney's Tuesday shift (08:00 AEST = Mon 22:00Z).
    const withEaster: DeskConfiguration = {
      ...twoHemispheres,
      desks: [twoHemispheres.desks[0]!, { ...twoHemispheres.desks[1]!, holidays: [{ date: '2026-04-06', name: 'Easter Monday' }] }],
    };
    const handOff = routeTicketToDesk(withEaster, { instant: utc('2026-04-06T07:00'), previousDeskId: 'sydney' });
    expect(handOff.rule).toBe('first-to-come-on-duty');
    expect(handOff.ownership.deskId).toBe('sydney');
    expect(handOff.ownership.onDutyFrom).toBe('2026-04-06T22:00:00.000Z');
  });

  test('example desk status names the receiving desk', () => {
    // Fri 27 Mar 09:00Z: Bengaluru (until 12:30Z), Krakow (until 16:00Z) and Gothenburg (until 17:00Z) are on duty.
    const statuses = computeDeskStatus(globalConfiguration, utc('2026-03-27T09:00'));
    const onDuty = statuses.filter((status) => status.onDuty).map((status) => [status.deskId, status.shiftEndsAt, status.handsOffTo]);
    expect(onDuty).toEqual([
      ['bengaluru', '2026-03-27T12:30:00.000Z', 'krakow'],
      ['krakow', '2026-03-27T16:00:00.000Z', 'gothenburg'],
      ['gothenburg', '2026-03-27T17:00:00.000Z', 'sao-paulo'],
    ]);
  });
});

describe('holidays', () => {
  test('holiday closes its whole local day, also inside a chain of shifts', () => {
    // Ghent works round the clock Mon 06:00 to Sat 06:00 (CEST); Tue 21 Jul is a holiday.
    // The chain stops at Tue 00:00 CEST (Mon 22:00Z) and resumes at Wed 00:00 CEST (Tue 22:00Z).
    const ghent = localConfiguration.desks.find((candidate) => candidate.id === 'ghent')!;
    const shifts = deskShifts(ghent, utc('2026-07-20T00:00'), utc('2026-07-27T00:00'));
    expect(spans(shifts)).toEqual(['2026-07-20T04:00:00.000Z/2026-07-20T22:00:00.000Z', '2026-07-21T22:00:00.000Z/2026-07-25T04:00:00.000Z']);
  });

  test('bare-date holiday entries still work', () => {
    const withBareDate = desk('emea', 'Europe/Warsaw', [{ weekdays, start: '08:00', end: '17:00' }], ['2026-11-11']);
    expect(currentShift(withBareDate, utc('2026-11-11T10:00'))).toBeUndefined();
    expect(nextShift(withBareDate, utc('2026-11-11T10:00'))?.start.toISO()).toBe('2026-11-12T07:00:00.000Z');
  });

  test('desk closed longer than the horizon has no next shift', () => {
    const holidays = Array.from({ length: 70 }, (_, index) => utc('2026-01-01').plus({ days: index }).toISODate()!);
    const closed = desk('closed', 'Europe/Warsaw', [{ weekdays, start: '08:00', end: '17:00' }], holidays);
    expect(nextShift(closed, utc('2026-01-01T00:00'))).toBeUndefined();
    expect(() => chooseOwningDesk({ desks: [closed], followTheSunPriorities: [1] }, utc('2026-01-01T00:00'))).toThrow(NoDeskCoverageError);
  });
});

describe('routing of a new ticket per structure', () => {
  test('follow-the-sun: desk on duty whose shift runs longest', () => {
    // Wed 25 Mar 09:00Z: Bengaluru until 12:30Z, Krakow until 16:00Z, Gothenburg until 17:00Z.
    const decision = routeTicketToDesk(globalConfiguration, { instant: utc('2026-03-25T09:00') });
    expect(decision.rule).toBe('longest-shift-on-duty');
    expect(decision.ownership.deskId).toBe('gothenburg');
    expect(decision.ownership.shiftEndsAt).toBe('2026-03-25T17:00:00.000Z');
  });

  test('follow-the-sun: no desk on duty on Sunday', () => {
    const decision = routeTicketToDesk(globalConfiguration, { instant: utc('2026-03-29T12:00') });
    expect(decision.rule).toBe('first-to-come-on-duty');
    expect(decision.ownership.deskId).toBe('bengaluru');
    expect(decision.ownership.onDutyFrom).toBe('2026-03-30T03:30:00.000Z');
  });

  test('owner on duty keeps a resumed ticket', () => {
    const decision = routeTicketToDesk(globalConfiguration, { instant: utc('2026-03-25T09:00'), previousDeskId: 'krakow' });
    expect(decision.rule).toBe('kept-by-owner');
    expect(decision.ownership.deskId).toBe('krakow');
  });

  test('configuration without structure is a ring in desk order', () => {
    // Mon 7 Dec 09:00Z: only EMEA (08:00-17:00 CET = 07:00Z-16:00Z) is on duty;
    // at 16:00Z AMER (10:00-19:00 EST = 15:00Z-24:00Z) is next in the ring.
    const plain: DeskConfiguration = { desks: exampleDeskConfiguration.desks, followTheSunPriorities: [1, 2] };
    expect(chooseOwningDesk(plain, utc('2026-12-07T09:00'))).toEqual({ deskId: 'emea', taskQueue: 'desk-emea', onDutyFrom: '2026-12-07T07:00:00.000Z', shiftEndsAt: '2026-12-07T16:00:00.000Z' });
    expect(chooseOwningDesk(plain, utc('2026-12-07T16:00'), 'emea')).toEqual({ deskId: 'amer', taskQueue: 'desk-amer', onDutyFrom: '2026-12-07T15:00:00.000Z', shiftEndsAt: '2026-12-08T00:00:00.000Z' });
  });

  test('virtual: member on duty whose shift runs longest', () => {
    // Wed 25 Mar 10:00Z: Manila (07:00-19:00 PHT = 23:00Z-11:00Z) and Dublin (08:00-18:00 GMT) are on duty.
    const decision = routeTicketToDesk(virtualConfiguration, { instant: utc('2026-03-25T10:00') });
    expect(decision.rule).toBe('longest-shift-on-duty');
    expect(decision.ownership).toEqual({ deskId: 'dublin', taskQueue: 'desk-dublin', onDutyFrom: '2026-03-25T08:00:00.000Z', shiftEndsAt: '2026-03-25T18:00:00.000Z' });
  });

  test('virtual: hand-off goes to any member on duty', () => {
    // Dublin ends 18:00Z; Austin (08:00-19:00 CDT = 13:00Z-00:00Z) is on duty, Manila opens at 23:00Z.
    const fromDublin = routeTicketToDesk(virtualConfiguration, { instant: utc('2026-03-25T18:00'), previousDeskId: 'dublin' });
    expect(fromDublin.ownership.deskId).toBe('austin');
    expect(fromDublin.ownership.shiftEndsAt).toBe('2026-03-26T00:00:00.000Z');

    const fromAustin = routeTicketToDesk(virtualConfiguration, { instant: utc('2026-03-26T00:00'), previousDeskId: 'austin' });
    expect(fromAustin.ownership).toEqual({ deskId: 'manila', taskQueue: 'desk-manila', onDutyFrom: '2026-03-25T23:00:00.000Z', shiftEndsAt: '2026-03-26T11:00:00.000Z' });
    expect(ticketFollowsTheSun(virtualConfiguration, 3)).toBe(true);
    expect(ticketFollowsTheSun(virtualConfiguration, 4)).toBe(false);
  });

  test('centralized: the central desk, on duty or next', () => {
    // Central desk 06:00-22:00 CET on weekdays = 05:00Z-21:00Z.
    const weekday = routeTicketToDesk(centralizedConfiguration, { instant: utc('2026-03-25T10:00') });
    expect(weekday.rule).toBe('central-desk');
    expect(weekday.ownership).toEqual({ deskId: 'central', taskQueue: 'desk-central', onDutyFrom: '2026-03-25T05:00:00.000Z', shiftEndsAt: '2026-03-25T21:00:00.000Z' });

    // Sunday 29 Mar: the ticket waits for Monday 06:00 CEST = 04:00Z.
    const sunday = routeTicketToDesk(centralizedConfiguration, { instant: utc('2026-03-29T10:00') });
    expect(sunday.ownership.onDutyFrom).toBe('2026-03-30T04:00:00.000Z');
    expect(sunday.ownership.shiftEndsAt).toBe('2026-03-30T20:00:00.000Z');

    const atShiftEnd = chooseOwningDesk(centralizedConfiguration, utc('2026-03-25T21:00'), 'central');
    expect(atShiftEnd.onDutyFrom).toBe('2026-03-26T05:00:00.000Z');
    expect(ticketFollowsTheSun(centralizedConfiguration, 1)).toBe(false);
  });

  test('local: desk of the site, any case', () => {
    const bySite = routeTicketToDesk(localConfiguration, { instant: utc('2026-03-25T14:00'), customerSite: 'GSO-HQ', customerTimeZone: 'Europe/Paris' });
    expect(bySite.rule).toBe('customer-site');
    // Greensboro 07:00-18:00 EDT = 11:00Z-22:00Z.
    expect(bySite.ownership).toEqual({ deskId: 'greensboro', taskQueue: 'desk-greensboro', onDutyFrom: '2026-03-25T11:00:00.000Z', shiftEndsAt: '2026-03-25T22:00:00.000Z' });
    expect(chooseOwningDesk(localConfiguration, utc('2026-03-25T14:00'), undefined, { customerSite: 'got-lundby' }).deskId).toBe('gothenburg');
  });

  test('local: desk of the time zone when the site is unknown', () => {
    const assigned = routeTicketToDesk(localConfiguration, { instant: utc('2026-03-25T14:00'), customerSite: 'NOWHERE', customerTimeZone: 'Europe/Paris' });
    expect(assigned.rule).toBe('customer-time-zone');
    expect(assigned.ownership.deskId).toBe('ghent');

    const located = routeTicketToDesk(localConfiguration, { instant: utc('2026-03-25T14:00'), customerTimeZone: 'America/New_York' });
    expect(located.rule).toBe('customer-time-zone');
    expect(located.ownership.deskId).toBe('greensboro');
  });

  test('local: fallback desk, and the ticket waits for it', () => {
    // Gothenburg 07:00-17:00 CET = 06:00Z-16:00Z; at 20:00Z it waits for Thursday 06:00Z.
    const decision = routeTicketToDesk(localConfiguration, { instant: utc('2026-03-25T20:00'), customerTimeZone: 'Asia/Tokyo' });
    expect(decision.rule).toBe('fallback-desk');
    expect(decision.ownership.deskId).toBe('gothenburg');
    expect(decision.ownership.onDutyFrom).toBe('2026-03-26T06:00:00.000Z');
    expect(chooseOwningDesk(localConfiguration, utc('2026-03-25T20:00')).deskId).toBe('gothenburg');
  });

  test('local: the owner keeps its ticket across shifts', () => {
    const decision = routeTicketToDesk(localConfiguration, { instant: utc('2026-03-25T22:00'), previousDeskId: 'greensboro', customerSite: 'GOT-LUNDBY' });
    expect(decision.rule).toBe('kept-by-owner');
    expect(decision.ownership.deskId).toBe('greensboro');
    expect(decision.ownership.onDutyFrom).toBe('2026-03-26T11:00:00.000Z');
    expect(ticketFollowsTheSun(localConfiguration, 1)).toBe(false);
  });

  test('local: site desk on its holiday makes the ticket wait', () => {
    // Tue 21 Jul is Belgian National Day; Ghent reopens Wed 00:00 CEST = Tue 22:00Z
    // with the tail of the night shift, and works on until Sat 06:00 CEST.
    const decision = routeTicketToDesk(localConfiguration, { instant: utc('2026-07-21T10:00'), customerSite: 'GNT-PLANT' });
    expect(decision.ownership).toEqual({ deskId: 'ghent', taskQueue: 'desk-ghent', onDutyFrom: '2026-07-21T22:00:00.000Z', shiftEndsAt: '2026-07-25T04:00:00.000Z' });
  });
});

describe('specialist groups and coverage', () => {
  test('specialist group hours', () => {
    // Network operations 07:00-19:00 CET = 06:00Z-18:00Z.
    const networkGroup = globalConfiguration.specialistGroups!.find((group) => group.id === 'network-l2')!;
    const evening = computeSpecialistGroupStatus(networkGroup, utc('2026-03-25T18:30'));
    expect(evening.onDuty).toBe(false);
    expect(evening.nextShiftStartsAt).toBe('2026-03-26T06:00:00.000Z');

    const report = computeDutyReport(centralizedConfiguration, utc('2026-03-29T03:00'));
    expect(report.specialistGroups.find((group) => group.groupId === 'security-l3')?.onDuty).toBe(true);
    expect(report.desksOnDuty).toEqual([]);
  });

  test('week of the built-in example', () => {
    // Desks cover Mon 00:00Z (APAC since Sun 23:00Z) to Fri 23:00Z (AMER 19:00 EDT);
    // APAC opens again Mon 30 Mar 07:00 SGT = Sun 29 Mar 23:00Z.
    const coverage = computeWeekCoverage(exampleDeskConfiguration, utc('2026-03-25'));
    expect(coverage.weekStart.toISO()).toBe('2026-03-23T00:00:00.000Z');
    expect(spans(coverage.gaps)).toEqual(['2026-03-27T23:00:00.000Z/2026-03-29T23:00:00.000Z']);

    // Monday overlaps: APAC and EMEA 07:00Z-08:00Z, EMEA and AMER 14:00Z-16:00Z (AMER on EDT, EMEA on CET).
    const monday = coverage.overlaps.filter((overlap) => overlap.interval.start.hasSame(utc('2026-03-23'), 'day'));
    expect(monday.map((overlap) => [overlap.interval.toISO(), overlap.deskIds.join('+')])).toEqual([
      ['2026-03-23T07:00:00.000Z/2026-03-23T08:00:00.000Z', 'apac+emea'],
      ['2026-03-23T14:00:00.000Z/2026-03-23T16:00:00.000Z', 'emea+amer'],
    ]);
  });

  test('holiday closures appear in the week', () => {
    const coverage = computeWeekCoverage(globalConfiguration, utc('2026-04-21'));
    const saoPaulo = coverage.desks.find((week) => week.id === 'sao-paulo')!;
    expect(spans(saoPaulo.holidayClosures)).toEqual(['2026-04-21T11:00:00.000Z/2026-04-21T20:00:00.000Z']);
    expect(saoPaulo.holidays).toEqual([{ date: '2026-04-21', name: 'Tiradentes' }]);
  });
});

describe('weekly memo of shifts', () => {
  /** Results without the memo: `scheduleShifts` around the instant itself. */
  const containingWithoutMemo = (schedule: DeskDefinition, instant: DateTime) =>
    scheduleShifts(schedule, instant, instant.plus({ milliseconds: 1 })).find((shift) => shift.start <= instant && instant < shift.end);
  const startingAfterWithoutMemo = (schedule: DeskDefinition, instant: DateTime) =>
    scheduleShifts(schedule, instant, instant.plus({ days: 8 })).find((shift) => shift.start > instant) ??
    scheduleShifts(schedule, instant, instant.plus({ days: searchHorizonDays })).find((shift) => shift.start > instant);

  const roundTheClock: DeskDefinition = { id: 'noc', name: 'Network operations', timeZone: 'Europe/Warsaw', taskQueue: 'desk-noc', shifts: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }], holidays: [] };
  const overnightWithHolidays: DeskDefinition = {
    id: 'night',
    name: 'Night desk',
    timeZone: 'America/New_York',
    taskQueue: 'desk-night',
    shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '22:00', end: '06:00' }, { weekdays: [6], start: '10:00', end: '14:00' }],
    holidays: ['2026-11-26', { date: '2026-12-25', name: 'Christmas Day' }],
  };
  const schedules = [...exampleDeskConfiguration.desks, overnightWithHolidays];

  test('memo matches per-instant shifts', () => {
    // Every 9 h 31 min meets each hour of the week within a few weeks. The
    // ranges contain both DST changes of each zone and the two holidays.
    const ranges: Array<[string, string]> = [
      ['2026-03-01T00:00', '2026-04-12T00:00'],
      ['2026-10-18T00:00', '2026-12-31T00:00'],
    ];
    const mismatches: string[] = [];
    for (const [from, until] of ranges) {
      for (let instant = utc(from); instant < utc(until); instant = instant.plus({ hours: 9, minutes: 31 })) {
        for (const schedule of schedules) {
          const expectedContaining = containingWithoutMemo(schedule, instant)?.toISO();
          const expectedStartingAfter = startingAfterWithoutMemo(schedule, instant)?.toISO();
          if (shiftContaining(schedule, instant)?.toISO() !== expectedContaining || shiftStartingAfter(schedule, instant)?.toISO() !== expectedStartingAfter) {
            mismatches.push(`${schedule.id} at ${instant.toISO()}`);
          }
        }
      }
    }

    expect(mismatches).toEqual([]);
  });

  test('round-the-clock shift bypasses memo', () => {
    // The one merged shift of a desk that never closes reaches the search horizon on both sides, so it depends on the instant.
    for (const instant of [utc('2026-03-29T00:30'), utc('2026-07-01T12:00'), utc('2026-10-25T01:30')]) {
      expect(shiftContaining(roundTheClock, instant)?.toISO()).toBe(containingWithoutMemo(roundTheClock, instant)?.toISO());
      expect(shiftStartingAfter(roundTheClock, instant)).toBeUndefined();
    }
  });
});
