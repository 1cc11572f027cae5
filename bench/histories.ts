/**
 * Reading workflow histories: events per type, event times, and how late the
 * ticket's hand-off timer fired.
 */

import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

import { runConcurrently, summarizeDurations, type DurationSummary } from './statistics';

/** Histories fetched at the same time after a measurement. */
export const historyFetchConcurrency = 8;

/** Smallest, median and largest event count of some histories. */
export interface HistoryLengthRange {
  minimumEvents: number;
  medianEvents: number;
  maximumEvents: number;
}

/** History length of the lifecycle tickets. */
export interface HistoryLengthResult extends HistoryLengthRange {
  /** Tickets whose histories were read: every ticket of the measurement. */
  ticketsRead: number;
  /** Events per type in the first ticket's history. */
  eventTypesOfFirstTicket: Record<string, number>;
}

/** Lateness of the hand-off timers after the shift end, from the tickets' histories. */
export interface HandOffTimerLateness {
  /** From the shift end to the timer's TimerFired event. */
  fired: DurationSummary | null;
  /** From the shift end to the instant the timer was set for: its start event's time plus its duration. */
  setFor: DurationSummary | null;
  /**
   * From the start of the workflow task that set the timer to the timer's
   * start event, which the server writes when that task completes. The
   * workflow's clock reads the task's start time, so when this equals
   * `setFor`, the lateness comes from the task's own duration.
   */
  settingTaskDuration: DurationSummary | null;
}

/**
 * Fetches the histories of closed tickets, counts their events and reads
 * when the hand-off timer fired and for when it was set. A timer set for
 * after the shift end shows that the workflow computed its duration from a
 * workflow clock that was already behind when the server started the timer.
 *
 * @example
 *   const { history, handOffTimer } = await readLifecycleHistories(client, ticketIds, handOffAt);
 */
export async function readLifecycleHistories(
  client: Client,
  ticketIds: readonly string[],
  handOffAt: Date,
): Promise<{ history: HistoryLengthResult | null; handOffTimer: HandOffTimerLateness }> {
  const lengths: number[] = new Array<number>(ticketIds.length);
  const firedLateness: number[] = [];
  const setForLateness: number[] = [];
  const settingTaskDurations: number[] = [];
  let eventTypesOfFirstTicket: Record<string, number> = {};

  await runConcurrently(ticketIds.length, historyFetchConcurrency, async (index) => {
    const history = await client.workflow.getHandle(ticketIds[index]!).fetchHistory();
    const events = history.events ?? [];
    lengths[index] = events.length;
    if (index === 0) {
      eventTypesOfFirstTicket = countEventTypes(events);
    }

    const handOffTimer = events.find((event) => event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED && eventTimeMilliseconds(event) >= handOffAt.getTime());
    if (handOffTimer === undefined) {
      return;
    }
    firedLateness.push(eventTimeMilliseconds(handOffTimer) - handOffAt.getTime());

    const startedEventId = Number(handOffTimer.timerFiredEventAttributes?.startedEventId ?? -1);
    const timerStarted = events.find((event) => Number(event.eventId) === startedEventId);
    const duration = timerStarted?.timerStartedEventAttributes?.startToFireTimeout;
    if (timerStarted !== undefined && duration !== undefined && duration !== null) {
      setForLateness.push(eventTimeMilliseconds(timerStarted) + protoMilliseconds(duration) - handOffAt.getTime());
    }

    const taskStarted = events
      .filter((event) => event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && Number(event.eventId) < startedEventId)
      .at(-1);
    if (timerStarted !== undefined && taskStarted !== undefined) {
      settingTaskDurations.push(eventTimeMilliseconds(timerStarted) - eventTimeMilliseconds(taskStarted));
    }
  });

  const handOffTimer: HandOffTimerLateness = {
    fired: summarizeDurations(firedLateness),
    setFor: summarizeDurations(setForLateness),
    settingTaskDuration: summarizeDurations(settingTaskDurations),
  };
  const range = summarizeHistoryLengths(lengths);
  if (range === null) {
    return { history: null, handOffTimer };
  }
  return {
    history: { ticketsRead: lengths.length, ...range, eventTypesOfFirstTicket },
    handOffTimer,
  };
}

/**
 * Fetches the events of every run of a workflow, oldest run first, by
 * following each run's `continuedExecutionRunId` back from the latest run. A
 * long-open ticket continues as new when its history grows long, and its
 * latest run alone would miss the events of the earlier runs.
 *
 * @example
 *   const runs = await fetchAllRuns(client, 'SD-1-543979253'); // runs[0] starts with the ticket's opening
 */
export async function fetchAllRuns(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[][]> {
  const runs: temporal.api.history.v1.IHistoryEvent[][] = [];
  let runId: string | undefined;

  for (;;) {
    const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    runs.unshift(events);
    const previousRunId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (previousRunId === undefined || previousRunId === null || previousRunId === '') {
      return runs;
    }
    runId = previousRunId;
  }
}

/**
 * Returns the smallest, median (the lower middle value for an even count)
 * and largest of some history lengths, or null for none.
 *
 * @example
 *   summarizeHistoryLengths([46, 51, 46]); // { minimumEvents: 46, medianEvents: 46, maximumEvents: 51 }
 */
export function summarizeHistoryLengths(lengths: readonly number[]): HistoryLengthRange | null {
  if (lengths.length === 0) {
    return null;
  }

  const sorted = [...lengths].sort((left, right) => left - right);
  return {
    minimumEvents: sorted[0]!,
    medianEvents: sorted[Math.floor((sorted.length - 1) / 2)]!,
    maximumEvents: sorted.at(-1)!,
  };
}

/**
 * Returns an event's time in milliseconds since the epoch, or 0 when it has none.
 *
 * @example
 *   eventTimeMilliseconds(history.events[0]); // the workflow's start
 */
export function eventTimeMilliseconds(event: temporal.api.history.v1.IHistoryEvent | undefined): number {
  const time = event?.eventTime;
  if (time === undefined || time === null) {
    return 0;
  }
  return protoMilliseconds(time);
}

/** Converts a protobuf Timestamp or Duration (seconds and nanoseconds) to whole milliseconds. */
function protoMilliseconds(value: { seconds?: unknown; nanos?: number | null }): number {
  return Number(value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1_000_000);
}

/** Counts history events by type, named without the `EVENT_TYPE_` prefix (for example `TIMER_FIRED`). */
export function countEventTypes(events: readonly temporal.api.history.v1.IHistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    const typeName = temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
    const name = typeName.replace(/^EVENT_TYPE_/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
