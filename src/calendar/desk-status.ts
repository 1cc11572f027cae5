/**
 * Duty reports, the data behind `sundesk desk status`: the desks on duty at
 * an instant, and the desk that receives each one's tickets at its shift end.
 */

import type { DateTime } from 'luxon';

import type { DeskConfiguration, DeskStructure, SpecialistGroupDefinition, SpecialistSupportLevel, WeeklySchedule } from '../domain/desks';
import type { Priority } from '../domain/priority';
import { deskStructureOf, routeTicketToDesk, type RoutingRule } from './desk-routing';
import { holidayAt, shiftContaining, shiftStartingAfter } from './weekly-schedule';

/** Hand-off of a desk's follow-the-sun tickets at the end of its current shift. */
export interface DeskHandOff {
  /** End of the current shift (ISO, UTC): the hand-off instant. */
  at: string;
  /** Receiving desk; the same desk in `local` and `centralized` structures. */
  toDeskId: string;
  /** Start of the receiving desk's shift (ISO, UTC); later than `at` when no desk is on duty then. */
  toDeskOnDutyFrom: string;
  rule: RoutingRule;
  reason: string;
}

/** One desk's duty at an instant, and where its tickets go next. */
export interface DeskDutyStatus {
  deskId: string;
  name: string;
  timeZone: string;
  onDuty: boolean;
  /** Local time at the desk, `ccc HH:mm`. */
  localTime: string;
  /** End of the current shift (ISO, UTC); null when off duty. */
  shiftEndsAt: string | null;
  /** Start of the first shift after the instant (ISO, UTC); null when none starts within 60 days. */
  nextShiftStartsAt: string | null;
  /** The desk that receives follow-the-sun tickets when this shift ends; null when off duty. */
  handsOffTo: string | null;
  /** The hand-off at the end of the current shift; null when off duty. */
  handOff: DeskHandOff | null;
  /** Name of the holiday that closes the desk on its local date; null on a working day. */
  holiday: string | null;
}

/** One specialist group's duty at an instant. */
export interface SpecialistGroupDutyStatus {
  groupId: string;
  name: string;
  supportLevel: SpecialistSupportLevel;
  timeZone: string;
  onDuty: boolean;
  /** Local time at the group, `ccc HH:mm`. */
  localTime: string;
  /** End of the current shift (ISO, UTC); null when off duty. */
  shiftEndsAt: string | null;
  /** Start of the first shift after the instant (ISO, UTC); null when none starts within 60 days. */
  nextShiftStartsAt: string | null;
  holiday: string | null;
}

/** Everything `sundesk desk status` shows for one instant. */
export interface DutyReport {
  /** The instant (ISO, UTC). */
  at: string;
  structure: DeskStructure['type'];
  followTheSunPriorities: Priority[];
  /** Ids of the desks on duty at the instant, in configuration order. */
  desksOnDuty: string[];
  desks: DeskDutyStatus[];
  specialistGroups: SpecialistGroupDutyStatus[];
}

interface ScheduleDuty {
  onDuty: boolean;
  localTime: string;
  shiftEndsAt: string | null;
  nextShiftStartsAt: string | null;
  holiday: string | null;
}

function dutyOfSchedule(schedule: WeeklySchedule, instant: DateTime): ScheduleDuty {
  const shift = shiftContaining(schedule, instant);
  const upcoming = shiftStartingAfter(schedule, instant);

  return {
    onDuty: shift !== undefined,
    localTime: instant.setZone(schedule.timeZone).toFormat('ccc HH:mm'),
    shiftEndsAt: shift?.end.toUTC().toISO() ?? null,
    nextShiftStartsAt: upcoming?.start.toUTC().toISO() ?? null,
    holiday: holidayAt(schedule, instant)?.name ?? null,
  };
}

/**
 * Computes who is on duty at the instant and each desk's next hand-off.
 *
 * @throws NoDeskCoverageError when a hand-off finds no desk with a shift in the next 60 days.
 * @example
 *   computeDeskStatus(exampleDeskConfiguration, DateTime.fromISO('2026-12-07T09:00Z'));
 *   // [{ deskId: 'apac', onDuty: false, ... }, { deskId: 'emea', onDuty: true, handsOffTo: 'amer', ... }, ...]
 */
export function computeDeskStatus(configuration: DeskConfiguration, instant: DateTime): DeskDutyStatus[] {
  return configuration.desks.map((desk) => {
    const duty = dutyOfSchedule(desk, instant);

    let handOff: DeskHandOff | null = null;
    const shift = shiftContaining(desk, instant);
    if (shift !== undefined) {
      const decision = routeTicketToDesk(configuration, { instant: shift.end, previousDeskId: desk.id });
      handOff = {
        at: shift.end.toUTC().toISO(),
        toDeskId: decision.ownership.deskId,
        toDeskOnDutyFrom: decision.ownership.onDutyFrom,
        rule: decision.rule,
        reason: decision.reason,
      };
    }

    return {
      deskId: desk.id,
      name: desk.name,
      timeZone: desk.timeZone,
      ...duty,
      handsOffTo: handOff?.toDeskId ?? null,
      handOff,
    };
  });
}

/**
 * Computes the duty of one specialist group at the instant.
 *
 * @example
 *   computeSpecialistGroupStatus(networkGroup, DateTime.fromISO('2026-12-07T09:00Z')).onDuty; // true
 */
export function computeSpecialistGroupStatus(group: SpecialistGroupDefinition, instant: DateTime): SpecialistGroupDutyStatus {
  return {
    groupId: group.id,
    name: group.name,
    supportLevel: group.supportLevel,
    timeZone: group.timeZone,
    ...dutyOfSchedule(group, instant),
  };
}

/**
 * Computes the whole duty report for an instant: desks, hand-offs and
 * specialist groups.
 *
 * @example
 *   computeDutyReport(exampleDeskConfiguration, DateTime.fromISO('2026-12-07T09:00Z')).desksOnDuty; // ['emea']
 */
export function computeDutyReport(configuration: DeskConfiguration, instant: DateTime): DutyReport {
  const desks = computeDeskStatus(configuration, instant);

  return {
    at: instant.toUTC().toISO() ?? '',
    structure: deskStructureOf(configuration).type,
    followTheSunPriorities: configuration.followTheSunPriorities,
    desksOnDuty: desks.filter((desk) => desk.onDuty).map((desk) => desk.deskId),
    desks,
    specialistGroups: (configuration.specialistGroups ?? []).map((group) => computeSpecialistGroupStatus(group, instant)),
  };
}
