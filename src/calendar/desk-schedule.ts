/**
 * Desk shift arithmetic on real calendars: which desk is on duty at an instant,
 * when its shift ends, and who receives its tickets then. Runs in activities and
 * in the CLI, never in workflow code, because it depends on the time-zone database.
 *
 * The shift arithmetic itself is in weekly-schedule.ts (shared with specialist
 * groups) and the routing rules per desk structure in desk-routing.ts.
 */

import type { DateTime, Interval } from 'luxon';

import type { DeskConfiguration, DeskDefinition } from '../domain/desks';
import type { DeskOwnership } from '../domain/ticket';
import { routeTicketToDesk, type TicketRoutingRequest } from './desk-routing';
import { scheduleShifts, shiftContaining, shiftStartingAfter } from './weekly-schedule';

export { NoDeskCoverageError } from './desk-routing';

/**
 * Lists a desk's shifts that overlap [from, until) in UTC and time order, each
 * whole (not cut at `from` or `until`). Shifts that overlap or meet are merged
 * into one. A holiday closes the desk from 00:00 to 24:00 of its local date,
 * so it also cuts a shift that crosses into or out of that day.
 *
 * @example
 *   deskShifts(emeaDesk, DateTime.fromISO('2026-12-07T00:00Z'), DateTime.fromISO('2026-12-08T00:00Z'));
 *   // [2026-12-07T07:00:00.000Z/2026-12-07T16:00:00.000Z]
 */
export function deskShifts(desk: DeskDefinition, from: DateTime, until: DateTime): Interval<true>[] {
  return scheduleShifts(desk, from, until);
}

/**
 * Finds the desk's shift that contains the instant, or undefined when the desk is off duty then.
 *
 * @example
 *   currentShift(emeaDesk, DateTime.utc()); // Interval, or undefined at night
 */
export function currentShift(desk: DeskDefinition, instant: DateTime): Interval<true> | undefined {
  return shiftContaining(desk, instant);
}

/**
 * Finds the desk's first shift that starts after the instant, or undefined when
 * none starts within 60 days.
 *
 * @example
 *   nextShift(emeaDesk, DateTime.fromISO('2026-12-05T12:00Z')); // Monday's shift
 */
export function nextShift(desk: DeskDefinition, instant: DateTime): Interval<true> | undefined {
  return shiftStartingAfter(desk, instant);
}

/**
 * Chooses the desk that owns a ticket from the instant on, by the rules of the
 * configuration's structure (see `routeTicketToDesk`). Without
 * `previousDeskId` the ticket is new; with it, the ticket is handed off from
 * that desk, which keeps it only while it is on duty. `customer` carries what
 * the `local` structure routes by; without it a new ticket of a local
 * structure goes to the fallback desk.
 *
 * @throws NoDeskCoverageError when no candidate desk has a shift in the next 60 days.
 * @example
 *   chooseOwningDesk(exampleDeskConfiguration, DateTime.fromISO('2026-12-07T09:00Z'));
 *   // { deskId: 'emea', shiftEndsAt: '2026-12-07T16:00:00.000Z', ... }
 *   chooseOwningDesk(localConfiguration, instant, undefined, { customerSite: 'GOT-TORSLANDA', customerTimeZone: 'Europe/Stockholm' });
 */
export function chooseOwningDesk(
  configuration: DeskConfiguration,
  instant: DateTime,
  previousDeskId?: string,
  customer: Pick<TicketRoutingRequest, 'customerSite' | 'customerTimeZone'> = {},
): DeskOwnership {
  return routeTicketToDesk(configuration, { instant, previousDeskId, ...customer }).ownership;
}
