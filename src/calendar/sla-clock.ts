/**
 * One SLA clock as plain JSON, for the activity that computes it. The workflow
 * records when the clock started, paused and stopped (instants from its own
 * history). The activity returns elapsed business time, the due instant and the
 * escalation instants, and the workflow sleeps until those instants. Because
 * the result is recorded in history, a tzdata update or a calendar change never
 * breaks replay.
 */

import { DateTime, Interval } from 'luxon';

import type { EscalationAction, EscalationLevel, SlaClockKind } from '../domain/sla';
import { findSlaCalendar, type SlaCalendarRegistry } from './business-calendars';
import { computeDueInstant, elapsedBusinessMinutes, escalationInstants, InvalidSlaArgumentError } from './sla-calendar';

/** A pause of the clock; `end` is null while the ticket is still pending. */
export interface SlaPauseRecord {
  /** ISO 8601 instant with offset. */
  start: string;
  /** ISO 8601 instant with offset, or null while the pause lasts. */
  end: string | null;
}

/**
 * A clock as the workflow keeps it. A clock run starts at opening, at a reopen
 * and at a priority change. Minutes counted by earlier runs are carried over in
 * `carriedElapsedMinutes`, so each run needs only its own pauses.
 */
export interface SlaClockRecord {
  kind: SlaClockKind;
  /** Calendar name, already resolved (`desk:emea`, not `owning-desk`). */
  calendar: string;
  targetMinutes: number;
  /** ISO instant at which the current run started. */
  runStartedAt: string;
  /** Business minutes counted before `runStartedAt`; 0 for a new clock. */
  carriedElapsedMinutes: number;
  /** Pauses since `runStartedAt`, in time order. */
  pauses: SlaPauseRecord[];
  /** ISO instant at which the clock stopped for good (first response, resolution), or null. */
  stoppedAt: string | null;
}

/** The state of one escalation level of a clock. */
export interface EscalationLevelSnapshot {
  name: string;
  percentOfTarget: number;
  actions: EscalationAction[];
  /** ISO instant (UTC) at which the level is reached; null while the clock is paused. */
  dueAt: string | null;
  /** True when minutes carried over from earlier runs already reach the level. */
  reachedAtStart: boolean;
}

/** A clock evaluated at one instant. */
export interface SlaClockSnapshot {
  kind: SlaClockKind;
  calendar: string;
  /** IANA zone of the calendar, for showing instants in it. */
  calendarTimeZone: string;
  state: 'running' | 'paused' | 'stopped';
  targetMinutes: number;
  /** Business minutes counted up to the evaluation instant (or the stop), over all runs. */
  elapsedBusinessMinutes: number;
  /** Target minus elapsed minutes; negative when the clock is over its target. */
  remainingMinutes: number;
  /**
   * ISO instant (UTC) at which the target is reached, given the pauses so far;
   * null while paused. For a stopped clock it is the instant at which the target
   * fell or would have fallen due, so comparing it with the stop shows whether the target was met.
   */
  dueAt: string | null;
  /** `dueAt` in the calendar's zone. */
  dueAtLocal: string | null;
  escalations: EscalationLevelSnapshot[];
}

function parseRecordInstant(text: string, field: string): DateTime {
  const instant = DateTime.fromISO(text, { setZone: true });
  if (!instant.isValid) {
    throw new InvalidSlaArgumentError(`invalid ${field} '${text}': use an ISO 8601 instant with offset, for example 2026-12-07T09:00:00Z`);
  }
  return instant;
}

/**
 * Evaluates a clock at `evaluatedAt`: its state, the business minutes elapsed,
 * the remaining minutes, its due instant and the instants of the escalation
 * levels. A pause without an end lasts until `evaluatedAt`, and the clock is
 * paused then. Elapsed minutes stop growing at `stoppedAt`.
 *
 * @throws UnknownSlaCalendarError for a calendar name the registry does not contain.
 * @throws InvalidSlaArgumentError for an invalid instant, or a pause that ends before it starts.
 * @throws NoOpenTimeError when the calendar has no open time to reach the target.
 * @example
 *   computeSlaClockSnapshot(calendars, {
 *     kind: 'resolution', calendar: '24x7', targetMinutes: 240, runStartedAt: '2026-12-07T09:00:00Z',
 *     carriedElapsedMinutes: 0, pauses: [], stoppedAt: null,
 *   }, defaultEscalationLevels, '2026-12-07T10:00:00Z');
 *   // { state: 'running', elapsedBusinessMinutes: 60, remainingMinutes: 180, dueAt: '2026-12-07T13:00:00.000Z', ... }
 */
export function computeSlaClockSnapshot(registry: SlaCalendarRegistry, clock: SlaClockRecord, levels: readonly EscalationLevel[], evaluatedAt: string): SlaClockSnapshot {
  const calendar = findSlaCalendar(registry, clock.calendar);
  const runStartedAt = parseRecordInstant(clock.runStartedAt, 'runStartedAt');
  const evaluationInstant = parseRecordInstant(evaluatedAt, 'evaluatedAt');
  const stoppedAt = clock.stoppedAt === null ? null : parseRecordInstant(clock.stoppedAt, 'stoppedAt');

  const closedPauses: Interval[] = [];
  let openPauseStart: DateTime | null = null;
  for (const [index, pause] of clock.pauses.entries()) {
    const start = parseRecordInstant(pause.start, `pauses[${index}].start`);
    if (pause.end === null) {
      openPauseStart = start;
      continue;
    }

    const end = parseRecordInstant(pause.end, `pauses[${index}].end`);
    if (end < start) {
      throw new InvalidSlaArgumentError(`invalid pauses[${index}]: end ${pause.end} is before start ${pause.start}; record the pause in time order`);
    }
    closedPauses.push(Interval.fromDateTimes(start, end));
  }

  const countUntil = DateTime.max(runStartedAt, stoppedAt === null ? evaluationInstant : DateTime.min(stoppedAt, evaluationInstant));
  const pausesSoFar = openPauseStart === null ? closedPauses : [...closedPauses, Interval.fromDateTimes(openPauseStart, DateTime.max(openPauseStart, countUntil))];
  const elapsedMinutes = clock.carriedElapsedMinutes + elapsedBusinessMinutes(calendar, runStartedAt, countUntil, pausesSoFar);

  const paused = openPauseStart !== null && stoppedAt === null;
  let state: SlaClockSnapshot['state'] = 'running';
  if (stoppedAt !== null) {
    state = 'stopped';
  } else if (paused) {
    state = 'paused';
  }

  let dueAt: DateTime | null = null;
  let escalations: EscalationLevelSnapshot[];
  if (paused) {
    const sortedLevels = [...levels].sort((first, second) => first.percentOfTarget - second.percentOfTarget);
    escalations = sortedLevels.map((level) => ({ name: level.name, percentOfTarget: level.percentOfTarget, actions: level.actions, dueAt: null, reachedAtStart: false }));
  } else {
    const minutesAfterRunStart = Math.max(0, clock.targetMinutes - clock.carriedElapsedMinutes);
    // A clock stopped during a pause keeps that pause up to the stop.
    const duePauses = stoppedAt === null ? closedPauses : pausesSoFar;
    dueAt = computeDueInstant(calendar, runStartedAt, minutesAfterRunStart, duePauses);
    escalations = escalationInstants(calendar, runStartedAt, clock.targetMinutes, levels, { pauses: duePauses, carriedElapsedMinutes: clock.carriedElapsedMinutes }).map((instant) => ({
      name: instant.level.name,
      percentOfTarget: instant.level.percentOfTarget,
      actions: instant.level.actions,
      dueAt: instant.dueAt.toUTC().toISO(),
      reachedAtStart: instant.reachedAtStart,
    }));
  }

  return {
    kind: clock.kind,
    calendar: calendar.name,
    calendarTimeZone: calendar.timeZone,
    state,
    targetMinutes: clock.targetMinutes,
    elapsedBusinessMinutes: elapsedMinutes,
    remainingMinutes: clock.targetMinutes - elapsedMinutes,
    dueAt: dueAt === null ? null : dueAt.toUTC().toISO(),
    dueAtLocal: dueAt === null ? null : dueAt.setZone(calendar.timeZone).toISO(),
    escalations,
  };
}
