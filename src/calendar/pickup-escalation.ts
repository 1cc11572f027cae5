/**
 * Pickup watch of a ticket that waits unassigned in a group's queue: when the
 * group comes on duty, and when the policy escalates the ticket to the next
 * group because no agent picked it up. Both follow the group's own hours, so a
 * ticket escalated at night to a group that works office hours waits for the
 * group's next shift before its pickup time starts counting.
 */

import { DateTime } from 'luxon';

import type { DeskConfiguration } from '../domain/desks';
import type { PickupEscalationRule, SlaPolicy } from '../domain/sla';
import type { Priority } from '../domain/priority';
import { deskCalendarPrefix, findSlaCalendar, groupCalendarPrefix, type SlaCalendarRegistry } from './business-calendars';
import { computeDueInstant, maximumClosedDays, type SlaCalendar } from './sla-calendar';

/** A ticket waiting unassigned in a group's queue. */
export interface PickupWaitInput {
  priority: Priority;
  /** Assignment group whose queue contains the ticket. */
  assignmentGroup: string;
  /** Desk that owns the ticket; its calendar counts for groups that are not specialist groups. */
  deskId: string | null;
  /** Instant (ISO) at which the ticket entered the queue unassigned. */
  waitingSince: string;
}

/** The escalation that a policy rule plans for a waiting ticket. */
export interface PlannedPickupEscalation {
  /** Instant (ISO, UTC) at which the ticket moves to `toGroup` unless someone picks it up first. */
  dueAt: string;
  toGroup: string;
  supportLevel: string;
  notPickedUpWithinMinutes: number;
  /** Calendar on which the minutes count, for example `group:network-l2`. */
  calendar: string;
}

/** Pickup plan that the workflow keeps while a ticket waits for an agent. */
export interface PickupPlan {
  assignmentGroup: string;
  waitingSince: string;
  /**
   * For a specialist group: the instant (ISO, UTC) at which the group is on
   * duty, `waitingSince` itself when it is on duty then. Null for other groups
   * and for a group with no shift within a year.
   */
  groupOnDutyFrom: string | null;
  escalation: PlannedPickupEscalation | null;
}

/**
 * Returns the first instant at or after `from` at which the calendar is open,
 * or null when it has no open time within a year.
 *
 * @example
 *   nextOpening(calendars.get('group:network-l2')!, DateTime.fromISO('2026-12-05T10:00Z')); // Monday's shift start
 */
export function nextOpening(calendar: SlaCalendar, from: DateTime): DateTime | null {
  const searchWindowDays = 14;
  let windowStart = from.toUTC();
  const searchEnd = windowStart.plus({ days: maximumClosedDays });
  while (windowStart < searchEnd) {
    const windowEnd = windowStart.plus({ days: searchWindowDays });
    const [first] = calendar.openIntervals(windowStart, windowEnd);
    if (first !== undefined) {
      return first.start!.toUTC();
    }
    windowStart = windowEnd;
  }

  return null;
}

/**
 * Chooses the policy's first pickup rule that applies to the group and the
 * priority, skipping rules that would move the ticket to the group it is in.
 *
 * @example
 *   matchingPickupRule(policy, 'service-desk', 2)?.toGroup; // 'network-l2'
 */
export function matchingPickupRule(policy: SlaPolicy, assignmentGroup: string, priority: Priority): PickupEscalationRule | undefined {
  return (policy.pickupEscalations ?? []).find(
    (rule) =>
      (rule.fromGroup === undefined || rule.fromGroup === assignmentGroup) &&
      (rule.priorities === undefined || rule.priorities.includes(priority)) &&
      rule.toGroup !== assignmentGroup,
  );
}

/**
 * Plans the pickup watch of a waiting ticket. The waiting time counts on the
 * group's calendar (`group:<id>`) when the group is a configured specialist
 * group, else on the owning desk's calendar, else on 24x7.
 *
 * @throws NoOpenTimeError when the calendar never opens again within a year.
 * @example
 *   planPickup(registry, configuration, policy, { priority: 2, assignmentGroup: 'service-desk', deskId: 'emea', waitingSince: '2026-12-07T09:00:00Z' });
 */
export function planPickup(registry: SlaCalendarRegistry, configuration: DeskConfiguration, policy: SlaPolicy, input: PickupWaitInput): PickupPlan {
  const waitingSince = DateTime.fromISO(input.waitingSince, { zone: 'utc' });
  const isSpecialistGroup = (configuration.specialistGroups ?? []).some((group) => group.id === input.assignmentGroup);
  const deskCalendarName = input.deskId === null ? undefined : `${deskCalendarPrefix}${input.deskId}`;
  const calendarName = isSpecialistGroup ? `${groupCalendarPrefix}${input.assignmentGroup}` : deskCalendarName !== undefined && registry.has(deskCalendarName) ? deskCalendarName : '24x7';
  const calendar = findSlaCalendar(registry, calendarName);

  const groupOnDutyFrom = isSpecialistGroup ? (nextOpening(calendar, waitingSince)?.toISO() ?? null) : null;

  const rule = matchingPickupRule(policy, input.assignmentGroup, input.priority);
  const escalation: PlannedPickupEscalation | null =
    rule === undefined
      ? null
      : {
          dueAt: computeDueInstant(calendar, waitingSince, rule.notPickedUpWithinMinutes).toUTC().toISO()!,
          toGroup: rule.toGroup,
          supportLevel: rule.supportLevel,
          notPickedUpWithinMinutes: rule.notPickedUpWithinMinutes,
          calendar: calendarName,
        };

  return { assignmentGroup: input.assignmentGroup, waitingSince: waitingSince.toISO()!, groupOnDutyFrom, escalation };
}
