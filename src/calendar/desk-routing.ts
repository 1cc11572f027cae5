/**
 * Routing: the choice of the desk that owns a ticket, for every desk
 * structure. Runs in activities and in the CLI, never in workflow code,
 * because it depends on the time-zone database. docs/desks.md describes the
 * rules for people.
 */

import type { DateTime, Interval } from 'luxon';

import type { DeskConfiguration, DeskDefinition, DeskStructure } from '../domain/desks';
import type { Priority } from '../domain/priority';
import type { DeskOwnership } from '../domain/ticket';
import { searchHorizonDays, shiftContaining, shiftStartingAfter } from './weekly-schedule';

/** Thrown when the desk that must own a ticket has no shift within the search horizon. */
export class NoDeskCoverageError extends Error {
  override name = 'NoDeskCoverageError';
}

/** What a routing decision depends on besides the configuration. */
export interface TicketRoutingRequest {
  /** Instant of the decision: the ticket's opening, or the owning desk's shift end. */
  instant: DateTime;
  /** Desk that owned the ticket until now; absent for a new ticket. */
  previousDeskId?: string;
  /** Site code of the customer (`local` structure), for example `GOT-TORSLANDA`. */
  customerSite?: string;
  /** IANA time zone of the customer (`local` structure), for example `Europe/Stockholm`. */
  customerTimeZone?: string;
  /** Desks whose workers did not take work in time; ring and pool routing passes over them unless no other desk is left. */
  excludedDeskIds?: string[];
}

/** The rule that chose the desk, one per case of docs/desks.md. */
export type RoutingRule =
  /** The previous owner is on duty at the instant and keeps the ticket. */
  | 'kept-by-owner'
  /** A new ticket goes to the desk on duty whose shift runs longest. */
  | 'longest-shift-on-duty'
  /** At hand-off, the first desk on duty after the owner in ring order. */
  | 'next-in-ring'
  /** No candidate desk is on duty; the one whose next shift starts first. */
  | 'first-to-come-on-duty'
  /** The only desk of a centralized structure. */
  | 'central-desk'
  /** Local structure: the desk of the customer's site. */
  | 'customer-site'
  /** Local structure: the desk assigned to the customer's time zone, or located in it. */
  | 'customer-time-zone'
  /** Local structure: neither site nor time zone matched. */
  | 'fallback-desk';

/** A routing decision with the rule that made it. */
export interface DeskRoute {
  ownership: DeskOwnership;
  rule: RoutingRule;
  /** One sentence for people, for example `no desk on duty; amer comes on duty first`. */
  reason: string;
}

/** A desk together with one of its shifts. */
interface DeskShift {
  desk: DeskDefinition;
  shift: Interval<true>;
}

/**
 * Returns the configuration's structure; a configuration without one is a
 * follow-the-sun ring in `desks` order.
 *
 * @example
 *   deskStructureOf({ desks, followTheSunPriorities: [1] }); // { type: 'follow-the-sun', ring: ['apac', 'emea', 'amer'] }
 */
export function deskStructureOf(configuration: DeskConfiguration): DeskStructure {
  return configuration.structure ?? { type: 'follow-the-sun', ring: configuration.desks.map((desk) => desk.id) };
}

/**
 * Tells whether tickets of the priority pass to another desk at shift end.
 * Always false for `local` and `centralized` structures, where no other desk
 * takes over.
 *
 * @example
 *   ticketFollowsTheSun(exampleDeskConfiguration, 2); // true
 *   ticketFollowsTheSun(exampleDeskConfiguration, 4); // false
 */
export function ticketFollowsTheSun(configuration: DeskConfiguration, priority: Priority): boolean {
  const structure = deskStructureOf(configuration);
  if (structure.type === 'local' || structure.type === 'centralized') {
    return false;
  }

  return configuration.followTheSunPriorities.includes(priority);
}

function ownershipOf(entry: DeskShift): DeskOwnership {
  return {
    deskId: entry.desk.id,
    taskQueue: entry.desk.taskQueue,
    onDutyFrom: entry.shift.start.toUTC().toISO(),
    shiftEndsAt: entry.shift.end.toUTC().toISO(),
  };
}

function route(entry: DeskShift, rule: RoutingRule, reason: string): DeskRoute {
  return { ownership: ownershipOf(entry), rule, reason };
}

function findDesk(configuration: DeskConfiguration, deskId: string): DeskDefinition {
  const desk = configuration.desks.find((candidate) => candidate.id === deskId);
  if (desk === undefined) {
    throw new Error(`desk '${deskId}' of the desk structure is not among the configured desks: validate the configuration with 'sundesk desk check'`);
  }

  return desk;
}

function desksOnDuty(desks: DeskDefinition[], instant: DateTime): DeskShift[] {
  const onDuty: DeskShift[] = [];
  for (const desk of desks) {
    const shift = shiftContaining(desk, instant);
    if (shift !== undefined) {
      onDuty.push({ desk, shift });
    }
  }

  return onDuty;
}

/** Finds the desk whose next shift starts first. The earlier desk in `desks` wins a tie. */
function firstToComeOnDuty(desks: DeskDefinition[], instant: DateTime): DeskShift {
  let first: DeskShift | undefined;
  for (const desk of desks) {
    const shift = shiftStartingAfter(desk, instant);
    if (shift !== undefined && (first === undefined || shift.start < first.shift.start)) {
      first = { desk, shift };
    }
  }

  if (first === undefined) {
    const names = desks.map((desk) => desk.id).join(', ');
    throw new NoDeskCoverageError(`no desk of ${names} has a shift in the ${searchHorizonDays} days after ${instant.toUTC().toISO()}: add shifts to the desk configuration or remove holidays`);
  }

  return first;
}

/** Finds the desk on duty whose shift ends last. The earlier desk in the list wins a tie. */
function longestShift(onDuty: DeskShift[]): DeskShift | undefined {
  let best: DeskShift | undefined;
  for (const entry of onDuty) {
    if (best === undefined || entry.shift.end > best.shift.end) {
      best = entry;
    }
  }

  return best;
}

/** Finds the desk's current shift, else its next one. */
function dutyOfDesk(desk: DeskDefinition, instant: DateTime): { entry: DeskShift; onDuty: boolean } {
  const current = shiftContaining(desk, instant);
  if (current !== undefined) {
    return { entry: { desk, shift: current }, onDuty: true };
  }

  return { entry: firstToComeOnDuty([desk], instant), onDuty: false };
}

/** Routing among interchangeable desks: a follow-the-sun ring or a virtual pool. */
function routeAmongDesks(allMembers: DeskDefinition[], request: TicketRoutingRequest, inRingOrder: boolean): DeskRoute {
  const { instant, previousDeskId } = request;
  const excluded = request.excludedDeskIds ?? [];
  const reachable = allMembers.filter((desk) => !excluded.includes(desk.id) || desk.id === previousDeskId);
  const members = reachable.some((desk) => desk.id !== previousDeskId) ? reachable : allMembers;
  const previousIndex = members.findIndex((desk) => desk.id === previousDeskId);
  const previous = members[previousIndex];

  if (previous !== undefined) {
    const current = shiftContaining(previous, instant);
    if (current !== undefined) {
      return route({ desk: previous, shift: current }, 'kept-by-owner', `${previous.id} is on duty and keeps the ticket`);
    }
  }

  // Candidates in ring order starting after the previous owner, which comes last.
  const ordered = previous === undefined ? members : [...members.slice(previousIndex + 1), ...members.slice(0, previousIndex + 1)];
  const onDuty = desksOnDuty(ordered, instant);

  if (previous !== undefined && inRingOrder && onDuty[0] !== undefined) {
    return route(onDuty[0], 'next-in-ring', `${onDuty[0].desk.id} is the next desk on duty after ${previous.id} in the follow-the-sun ring`);
  }

  const longest = longestShift(onDuty);
  if (longest !== undefined) {
    return route(longest, 'longest-shift-on-duty', `${longest.desk.id} is on duty and its shift runs longest`);
  }

  const first = firstToComeOnDuty(ordered, instant);
  return route(first, 'first-to-come-on-duty', `no desk on duty; ${first.desk.id} comes on duty first`);
}

/** Finds the local desk of a new ticket: by site, then time zone, then the fallback desk. */
function chooseLocalDesk(
  configuration: DeskConfiguration,
  structure: Extract<DeskStructure, { type: 'local' }>,
  request: TicketRoutingRequest,
): { desk: DeskDefinition; rule: RoutingRule; reason: string } {
  const site = request.customerSite?.trim().toLowerCase();
  if (site !== undefined && site !== '') {
    const assignment = structure.assignments.find((candidate) => candidate.sites.some((code) => code.toLowerCase() === site));
    if (assignment !== undefined) {
      return { desk: findDesk(configuration, assignment.deskId), rule: 'customer-site', reason: `${assignment.deskId} serves site ${request.customerSite}` };
    }
  }

  const timeZone = request.customerTimeZone;
  if (timeZone !== undefined) {
    const assignment = structure.assignments.find((candidate) => candidate.customerTimeZones.includes(timeZone));
    if (assignment !== undefined) {
      return { desk: findDesk(configuration, assignment.deskId), rule: 'customer-time-zone', reason: `${assignment.deskId} serves customers in ${timeZone}` };
    }

    const sameZone = configuration.desks.find((desk) => desk.timeZone === timeZone && structure.assignments.some((candidate) => candidate.deskId === desk.id));
    if (sameZone !== undefined) {
      return { desk: sameZone, rule: 'customer-time-zone', reason: `${sameZone.id} is located in ${timeZone}` };
    }
  }

  return { desk: findDesk(configuration, structure.fallbackDeskId), rule: 'fallback-desk', reason: `no desk serves this customer's site or time zone; ${structure.fallbackDeskId} is the fallback desk` };
}

function routeLocal(configuration: DeskConfiguration, structure: Extract<DeskStructure, { type: 'local' }>, request: TicketRoutingRequest): DeskRoute {
  const previous = configuration.desks.find((desk) => desk.id === request.previousDeskId);
  const chosen = previous === undefined ? chooseLocalDesk(configuration, structure, request) : { desk: previous, rule: 'kept-by-owner' as const, reason: `${previous.id} keeps the tickets of its customers` };

  const duty = dutyOfDesk(chosen.desk, request.instant);
  const waiting = duty.onDuty ? '' : `; the ticket waits for its shift at ${duty.entry.shift.start.toUTC().toISO()}`;
  return route(duty.entry, chosen.rule, `${chosen.reason}${waiting}`);
}

function routeCentralized(configuration: DeskConfiguration, deskId: string, instant: DateTime): DeskRoute {
  const duty = dutyOfDesk(findDesk(configuration, deskId), instant);
  const waiting = duty.onDuty ? 'is on duty' : `is off duty; the ticket waits for its shift at ${duty.entry.shift.start.toUTC().toISO()}`;
  return route(duty.entry, 'central-desk', `${deskId} is the central desk and ${waiting}`);
}

/**
 * Chooses the desk that owns a ticket from `request.instant` on, as the
 * configuration's structure prescribes:
 *
 * - every structure: a previous owner that is on duty keeps the ticket;
 * - `follow-the-sun`: a new ticket goes to the desk on duty whose shift runs
 *   longest. A handed-off ticket goes to the next desk on duty after its
 *   owner in ring order;
 * - `virtual`: the member on duty whose shift runs longest;
 * - `centralized`: the central desk;
 * - `local`: the desk of the customer's site, else the desk assigned to (or
 *   located in) the customer's time zone, else the fallback desk. A ticket
 *   with an owner stays with it;
 * - `follow-the-sun` and `virtual` with no desk on duty: the desk whose next
 *   shift starts first. In every case the ownership's `onDutyFrom` then lies
 *   after the instant and the ticket waits for that shift.
 *
 * Ties go to the desk listed first (in ring order after the previous owner).
 *
 * @throws NoDeskCoverageError when the chosen desks have no shift within 60 days.
 * @example
 *   routeTicketToDesk(exampleDeskConfiguration, { instant: DateTime.fromISO('2026-12-07T16:00Z'), previousDeskId: 'emea' });
 *   // { rule: 'next-in-ring', ownership: { deskId: 'amer', shiftEndsAt: '2026-12-08T00:00:00.000Z', ... }, ... }
 */
export function routeTicketToDesk(configuration: DeskConfiguration, request: TicketRoutingRequest): DeskRoute {
  const structure = deskStructureOf(configuration);

  switch (structure.type) {
    case 'follow-the-sun':
      return routeAmongDesks(
        structure.ring.map((deskId) => findDesk(configuration, deskId)),
        request,
        true,
      );
    case 'virtual':
      return routeAmongDesks(
        structure.pool.map((deskId) => findDesk(configuration, deskId)),
        request,
        false,
      );
    case 'centralized':
      return routeCentralized(configuration, structure.deskId, request.instant);
    case 'local':
      return routeLocal(configuration, structure, request);
  }
}
