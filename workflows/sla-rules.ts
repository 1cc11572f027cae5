/**
 * How ticket transitions move its SLA clocks, as pure functions on the clock
 * records. The workflow applies them, and an activity evaluates the records
 * because business calendars need the time-zone database.
 */

import type { SlaClockRecord, SlaClockSnapshot } from '../src/calendar/sla-clock';
import type { PendingReason, TicketEventType } from '../src/domain/ticket';

/** Both clocks of a ticket, their latest evaluation, and the escalation levels already fired. */
export interface TicketSlaClocks {
  records: { response: SlaClockRecord; resolution: SlaClockRecord };
  snapshots: { response: SlaClockSnapshot; resolution: SlaClockSnapshot };
  /** `<clock>:<level>` of every level that fired; a level fires once per ticket. */
  firedLevels: string[];
  pausingPendingReasons: PendingReason[];
  reopenBehaviour: 'resume' | 'restart';
}

/** Events that count as the desk's first response to the customer and stop the response clock. */
const responseEvents: readonly TicketEventType[] = ['assigned', 'commented', 'pending', 'resolved', 'cancelled'];

/**
 * Moves the clock records for one recorded event. Returns true when a record
 * changed, so the workflow re-evaluates the clocks.
 *
 * @example
 *   applyEventToSlaClocks(clocks, 'pending', 'customer', '2026-12-07T10:00:00Z', 0); // pauses resolution
 */
export function applyEventToSlaClocks(
  clocks: TicketSlaClocks,
  eventType: TicketEventType,
  pendingReason: PendingReason | null,
  at: string,
  resolutionElapsedMinutes: number,
): boolean {
  const { response, resolution } = clocks.records;
  let changed = false;

  if (response.stoppedAt === null && responseEvents.includes(eventType)) {
    response.stoppedAt = at;
    changed = true;
  }

  const openPause = resolution.pauses.find((pause) => pause.end === null);
  if (eventType === 'pending') {
    const pauses = pendingReason !== null && clocks.pausingPendingReasons.includes(pendingReason);
    if (pauses && openPause === undefined && resolution.stoppedAt === null) {
      resolution.pauses.push({ start: at, end: null });
      changed = true;
    } else if (!pauses && openPause !== undefined) {
      openPause.end = at;
      changed = true;
    }
  } else if (openPause !== undefined && ['assigned', 'resumed', 'queued', 'resolved', 'cancelled', 'closed'].includes(eventType)) {
    openPause.end = at;
    changed = true;
  }

  if ((eventType === 'resolved' || eventType === 'cancelled') && resolution.stoppedAt === null) {
    resolution.stoppedAt = at;
    changed = true;
  }

  if (eventType === 'reopened') {
    clocks.records.resolution = {
      ...resolution,
      runStartedAt: at,
      carriedElapsedMinutes: clocks.reopenBehaviour === 'resume' ? resolutionElapsedMinutes : 0,
      pauses: [],
      stoppedAt: null,
    };
    changed = true;
  }

  return changed;
}

/** An escalation level that is due at an instant and has not fired yet. */
export interface DueEscalation {
  clock: 'response' | 'resolution';
  level: string;
  percentOfTarget: number;
  actions: string[];
  at: string;
}

/**
 * Lists the escalation levels of running clocks that have not fired, earliest first.
 *
 * @example
 *   pendingEscalations(clocks)[0]; // { clock: 'response', level: 'warning', at: '…' }
 */
export function pendingEscalations(clocks: TicketSlaClocks): DueEscalation[] {
  const due: DueEscalation[] = [];
  for (const snapshot of [clocks.snapshots.response, clocks.snapshots.resolution]) {
    if (snapshot.state !== 'running') {
      continue;
    }
    for (const level of snapshot.escalations) {
      if (level.dueAt !== null && !clocks.firedLevels.includes(`${snapshot.kind}:${level.name}`)) {
        due.push({ clock: snapshot.kind, level: level.name, percentOfTarget: level.percentOfTarget, actions: level.actions, at: level.dueAt });
      }
    }
  }

  return due.sort((left, right) => Date.parse(left.at) - Date.parse(right.at));
}
