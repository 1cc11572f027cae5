/**
 * The engine's own limit for measurement 2: bare lifecycles that make the
 * ticket lifecycle's engine interactions and nothing else. Each one is
 * started, takes the `bareAssign` update, fires one timer at the hand-off
 * instant, runs one no-op activity on a second bare task queue there, and
 * takes `bareResolve` and `bareConfirm`, after which it completes. It runs no
 * local activity, upserts no search attribute and writes nothing to
 * PostgreSQL (see `bareLifecycleWorkflow`).
 *
 * The phases are those of lifecycle.ts, with the same warm-up, concurrency
 * and estimate of the hand-off instant, which is not rounded up to a whole
 * minute (a bare timer has no shift). It starts and assigns every workflow,
 * waits for the instant (idle, not counted), lets every workflow hand off,
 * then resolves and confirms every workflow and awaits its result. Unlike a
 * ticket opened after the shift end, a bare lifecycle started after the hand-off instant still hands
 * off, at once, so every one makes the same interactions.
 *
 * How the hand-off phase is timed: no store row shows the hand-off, and
 * polling the server (a query or a describe per workflow) would add engine
 * work to the phase being measured. So each workflow calls a sink after it
 * records its hand-off, which the worker process counts in its own memory,
 * and the benchmark reads that count over IPC every 100 ms, as the ticket
 * polls its rows. The next phase starts once every workflow has counted. A
 * count of the hand-off activities would not do: a workflow whose activity
 * has run but whose next workflow task has not started yet would receive
 * `bareResolve` in that task, and so skip one workflow task that a ticket
 * makes. The phase's length comes from the histories, read after the whole
 * run: for each workflow, the completion of the workflow task that follows
 * its `ACTIVITY_TASK_COMPLETED` event, where it records the hand-off. The
 * phase ends at the latest of these instants, and when that falls after the
 * next phase started, the overlap is counted once. The phase's CPU reading
 * ends when the poll sees the last count, so the rest of the last workflow
 * tasks counts in the next phase's CPU, and the three readings together
 * still cover all of it.
 */

import { temporal } from '@temporalio/proto';

import type { BenchContext } from './context';
import { addCpu, cpuSecondsBetween, type CpuReading } from './cpu-usage';
import { countEventTypes, eventTimeMilliseconds, historyFetchConcurrency, summarizeHistoryLengths, type HistoryLengthRange } from './histories';
import { estimateFirstPhaseSeconds, handOffTimeoutMilliseconds, warmUpTicketCount } from './lifecycle';
import { millisecondsSince, runConcurrently, sleep, summarizeDurations, waitUntil, type DurationSummary } from './statistics';
import type { bareLifecycleWorkflow } from './workflows';
import { bareAssignUpdate, bareConfirmUpdate, bareResolveUpdate, bareTaskQueue, type BareLifecycleState } from './workflows/messages';

export interface BareLifecycleResult {
  workflowCount: number;
  concurrency: number;
  /** The instant at which the workflows hand off (ISO instant, on a whole second). */
  handOffAt: string;
  phaseSeconds: { startAndAssign: number; waitForHandOff: number; handOff: number; resolveAndConfirm: number };
  /** Seconds in which the hand-off phase, timed from the histories, ran on after the resolve-and-confirm phase started. `busySeconds` counts them once. */
  phaseOverlapSeconds: number;
  /** The three busy phases, their overlap counted once. */
  busySeconds: number;
  /** CPU seconds each process spent in the three busy phases. */
  cpuSeconds: CpuReading;
  workflowsPerSecond: number;
  /** Workflows whose history shows the hand-off activity completed and the workflow task after it. */
  workflowsHandedOff: number;
  /** Workflows without that: not handed off within the time limit. */
  workflowsWithoutHandOff: number;
  /** Seconds from the hand-off phase's start until the IPC poll counted every hand-off (or the time limit passed). */
  handOffsCountedSeconds: number;
  /** Per workflow, from the hand-off instant to the completion of the workflow task after the hand-off activity. */
  handOffCompletion: DurationSummary | null;
  /** Per workflow, from the hand-off instant to the server's TimerFired event. */
  handOffTimerFired: DurationSummary | null;
  /** Workflows whose result was a closed state. */
  workflowsClosed: number;
  history: BareLifecycleHistoryLength | null;
}

/** History length of the bare lifecycles. */
export interface BareLifecycleHistoryLength extends HistoryLengthRange {
  /** Workflows whose histories were read: every bare lifecycle of the measurement. */
  workflowsRead: number;
  /** Events per type in the first workflow's history. */
  eventTypesOfFirstWorkflow: Record<string, number>;
}

const handOffPollIntervalMilliseconds = 100;
/** Delay to the warm-up workflows' hand-off instant: an hour, so they close before it and never hand off, like the warm-up tickets. */
const warmUpHandOffDelayMilliseconds = 60 * 60 * 1000;

/**
 * Runs `workflowCount` bare lifecycles through the phases of the ticket
 * lifecycle with `context.concurrency` client calls in flight, and reads
 * their histories afterwards.
 *
 * @throws Error from the client when a start, update or result fails.
 * @example
 *   const bare = await measureBareLifecycle(context, 300);
 *   console.log(bare.workflowsPerSecond);
 */
export async function measureBareLifecycle(context: BenchContext, workflowCount: number): Promise<BareLifecycleResult> {
  const { client } = context;
  const workflowIds = Array.from({ length: workflowCount }, (_, index) => `${context.runId}-bare-lifecycle-${index}`);

  const startAndAssign = async (workflowId: string, index: number, handOffAt: Date): Promise<void> => {
    const handle = await client.workflow.start<typeof bareLifecycleWorkflow>('bareLifecycleWorkflow', {
      taskQueue: bareTaskQueue,
      workflowId,
      args: [{ handOffAtEpochMilliseconds: handOffAt.getTime() }],
    });
    await handle.executeUpdate(bareAssignUpdate, { args: [{ actor: 'bench-agent', assignee: `agent-${index % 20}` }] });
  };
  const resolveAndConfirm = async (workflowId: string): Promise<BareLifecycleState> => {
    await client.workflow.getHandle(workflowId).executeUpdate(bareResolveUpdate, { args: [{ actor: 'bench-agent', notes: 'restarted the service' }] });
    await client.workflow.getHandle(workflowId).executeUpdate(bareConfirmUpdate, { args: [{ actor: 'bench-customer' }] });
    return await client.workflow.getHandle<typeof bareLifecycleWorkflow>(workflowId).result();
  };

  // Two warm-up rounds, as for the tickets: the first loads the code path, the second times starting for the estimate of the hand-off instant.
  const warmUpCount = Math.min(warmUpTicketCount, workflowCount);
  context.progress(`bare lifecycle: warming up with 2 x ${warmUpCount} bare lifecycles`);
  let warmUpSeconds = 0;
  for (const round of [1, 2]) {
    const warmUpIds = Array.from({ length: warmUpCount }, (_, index) => `${context.runId}-bare-lifecycle-warm-up-${round}-${index}`);
    const warmUpHandOffAt = new Date(Date.now() + warmUpHandOffDelayMilliseconds);
    const warmUpStartedAt = performance.now();
    await runConcurrently(warmUpCount, context.concurrency, async (index) => {
      await startAndAssign(warmUpIds[index]!, index, warmUpHandOffAt);
    });
    warmUpSeconds = millisecondsSince(warmUpStartedAt) / 1000;
    await runConcurrently(warmUpCount, context.concurrency, async (index) => {
      await resolveAndConfirm(warmUpIds[index]!);
    });
  }

  const estimatedStartSeconds = estimateFirstPhaseSeconds(workflowCount, warmUpCount, warmUpSeconds);
  // A bare timer needs no shift, so the instant is not rounded to a whole minute as the tickets' shift end is.
  const handOffAt = new Date(Math.ceil((Date.now() + (estimatedStartSeconds + 5) * 1000) / 1000) * 1000);
  const handOffCountBefore = await context.host.countBareHandOffs();

  context.progress(`bare lifecycle: starting and assigning ${workflowCount} bare lifecycles; they hand off at ${handOffAt.toISOString()}`);
  const startCpuBefore = context.readCpu();
  const startStartedAt = performance.now();
  await runConcurrently(workflowCount, context.concurrency, async (index) => {
    await startAndAssign(workflowIds[index]!, index, handOffAt);
  });
  const startAndAssignSeconds = millisecondsSince(startStartedAt) / 1000;
  let cpuSeconds = cpuSecondsBetween(startCpuBefore, context.readCpu());
  const startEndedAt = Date.now();

  const waitMilliseconds = Math.max(0, handOffAt.getTime() - Date.now());
  context.progress(`bare lifecycle: waiting ${(waitMilliseconds / 1000).toFixed(0)} s for the hand-off instant, then ${workflowCount} hand-offs`);
  await sleep(waitMilliseconds);
  const handOffCpuBefore = context.readCpu();

  // If starting ran past the hand-off instant, the hand-offs overlapped it, so only the time after it counts.
  const handOffPhaseStart = Math.max(handOffAt.getTime(), startEndedAt);
  let handOffsCounted = 0;
  await waitUntil(
    async () => {
      handOffsCounted = (await context.host.countBareHandOffs()) - handOffCountBefore;
      return handOffsCounted >= workflowCount;
    },
    { intervalMilliseconds: handOffPollIntervalMilliseconds, timeoutMilliseconds: handOffTimeoutMilliseconds },
  );
  if (handOffsCounted < workflowCount) {
    context.progress(`bare lifecycle: only ${handOffsCounted} of ${workflowCount} bare lifecycles recorded their hand-off within ${handOffTimeoutMilliseconds / 1000} s; see the worker log`);
  }
  const handOffsCountedAt = Date.now();
  cpuSeconds = addCpu(cpuSeconds, cpuSecondsBetween(handOffCpuBefore, context.readCpu()));

  context.progress(`bare lifecycle: resolving and confirming ${workflowCount} bare lifecycles`);
  const closeCpuBefore = context.readCpu();
  const closeStartedAt = Date.now();
  const closeStartedAtMonotonic = performance.now();
  let closedCount = 0;
  await runConcurrently(workflowCount, context.concurrency, async (index) => {
    const finalState = await resolveAndConfirm(workflowIds[index]!);
    if (finalState.status === 'closed') {
      closedCount += 1;
    }
  });
  const resolveAndConfirmSeconds = millisecondsSince(closeStartedAtMonotonic) / 1000;
  cpuSeconds = addCpu(cpuSeconds, cpuSecondsBetween(closeCpuBefore, context.readCpu()));

  context.progress(`bare lifecycle: reading ${workflowCount} histories`);
  const histories = await readBareLifecycleHistories(context, workflowIds, handOffAt);

  // When the poll gave up, the phase lasted at least until then, as the ticket's phase lasts until its time limit.
  const allHandOffsCounted = handOffsCounted >= workflowCount;
  const latestHandOff = histories.latestHandOffCompletedAt ?? handOffsCountedAt;
  const handOffPhaseEnd = allHandOffsCounted ? latestHandOff : Math.max(latestHandOff, handOffsCountedAt);
  const handOffSeconds = Math.max(0, handOffPhaseEnd - handOffPhaseStart) / 1000;
  const phaseOverlapSeconds = Math.max(0, handOffPhaseEnd - closeStartedAt) / 1000;
  const busySeconds = startAndAssignSeconds + handOffSeconds + resolveAndConfirmSeconds - phaseOverlapSeconds;

  return {
    workflowCount,
    concurrency: context.concurrency,
    handOffAt: handOffAt.toISOString(),
    phaseSeconds: { startAndAssign: startAndAssignSeconds, waitForHandOff: waitMilliseconds / 1000, handOff: handOffSeconds, resolveAndConfirm: resolveAndConfirmSeconds },
    phaseOverlapSeconds,
    busySeconds,
    cpuSeconds,
    workflowsPerSecond: workflowCount / busySeconds,
    workflowsHandedOff: histories.handOffCompletedAt.length,
    workflowsWithoutHandOff: workflowCount - histories.handOffCompletedAt.length,
    handOffsCountedSeconds: (handOffsCountedAt - handOffPhaseStart) / 1000,
    handOffCompletion: summarizeDurations(histories.handOffCompletedAt.map((instant) => instant - handOffAt.getTime())),
    handOffTimerFired: summarizeDurations(histories.timerFiredAt.map((instant) => instant - handOffAt.getTime())),
    workflowsClosed: closedCount,
    history: histories.length,
  };
}

/** Figures read from the bare lifecycles' histories, with instants in milliseconds since the epoch. */
interface BareLifecycleHistories {
  /** Per handed-off workflow, the completion of the workflow task that follows its hand-off activity's completion. */
  handOffCompletedAt: number[];
  latestHandOffCompletedAt: number | null;
  /** Per workflow whose hand-off timer fired, the TimerFired event. */
  timerFiredAt: number[];
  length: BareLifecycleHistoryLength | null;
}

const eventType = temporal.api.enums.v1.EventType;

/**
 * Fetches every bare lifecycle's history and reads its length, when its
 * hand-off timer fired, and when the workflow task after its hand-off
 * activity completed.
 */
async function readBareLifecycleHistories(context: BenchContext, workflowIds: readonly string[], handOffAt: Date): Promise<BareLifecycleHistories> {
  const lengths: number[] = new Array<number>(workflowIds.length);
  const handOffCompletedAt: number[] = [];
  const timerFiredAt: number[] = [];
  let eventTypesOfFirstWorkflow: Record<string, number> = {};

  await runConcurrently(workflowIds.length, historyFetchConcurrency, async (index) => {
    const history = await context.client.workflow.getHandle(workflowIds[index]!).fetchHistory();
    const events = history.events ?? [];
    lengths[index] = events.length;
    if (index === 0) {
      eventTypesOfFirstWorkflow = countEventTypes(events);
    }

    const timerFired = events.find((event) => event.eventType === eventType.EVENT_TYPE_TIMER_FIRED && eventTimeMilliseconds(event) >= handOffAt.getTime());
    if (timerFired !== undefined) {
      timerFiredAt.push(eventTimeMilliseconds(timerFired));
    }

    const activityCompletedIndex = events.findIndex((event) => event.eventType === eventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    if (activityCompletedIndex < 0) {
      return;
    }
    const taskCompleted = events.slice(activityCompletedIndex + 1).find((event) => event.eventType === eventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    if (taskCompleted !== undefined) {
      handOffCompletedAt.push(eventTimeMilliseconds(taskCompleted));
    }
  });

  const range = summarizeHistoryLengths(lengths);
  return {
    handOffCompletedAt,
    latestHandOffCompletedAt: handOffCompletedAt.length === 0 ? null : Math.max(...handOffCompletedAt),
    timerFiredAt,
    length: range === null ? null : { workflowsRead: lengths.length, ...range, eventTypesOfFirstWorkflow },
  };
}
