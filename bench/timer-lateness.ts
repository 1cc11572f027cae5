/**
 * Measurement 6, timer precision under load: bare timer workflows start at a
 * steady intake rate, each due a few seconds after its start, so timers fire
 * while new workflows keep arriving. Lateness is measured from the due
 * instant to two points: the start of the workflow task that follows the
 * timer (the workflow's clock), and the workflow's close time, when the
 * worker has acted on the timer. escalation-lateness.ts measures the SLA
 * escalation timers of tickets at the same intake rate, to the first point.
 */

import os from 'node:os';

import type { BenchContext } from './context';
import { cpuSecondsBetween, type CpuReading } from './cpu-usage';
import { achievedRatePerSecond, startAtSteadyRate, summarizeDurations, summarizeInSegments, type DurationSummary, type SegmentSummary } from './statistics';
import type { timerWorkflow } from './workflows';
import { bareTaskQueue } from './workflows/messages';

export interface TimerLatenessResult {
  intakeRatePerSecond: number;
  intakeSeconds: number;
  timerDelaySeconds: number;
  workflowCount: number;
  /** Starts per second that the client achieved, from the first start call to the last. */
  achievedIntakeRatePerSecond: number;
  /** From the due instant to the start of the workflow task after the timer. */
  latenessToWorkflowTask: DurationSummary | null;
  /** The same lateness in four consecutive quarters of the workflows in start order. A rise shows a queue building up. */
  latenessToWorkflowTaskByIntakeQuarter: SegmentSummary[];
  /** From the due instant to the workflow's close. */
  latenessToClose: DurationSummary | null;
  /** CPU seconds each process spent from the first start until every result arrived. */
  cpuSeconds: CpuReading;
  /** The machine's 1-, 5- and 15-minute load averages over the same span; other work on the machine shows here. */
  loadAverages: { atStart: number[]; atEnd: number[] };
}

/**
 * Starts `ratePerSecond` timer workflows a second for `intakeSeconds`, each
 * due `delaySeconds` after its start call, and waits for all of them.
 *
 * @example
 *   const timers = await measureTimerLateness(context, { ratePerSecond: 20, intakeSeconds: 20, delaySeconds: 5 });
 */
export async function measureTimerLateness(
  context: BenchContext,
  settings: { ratePerSecond: number; intakeSeconds: number; delaySeconds: number },
): Promise<TimerLatenessResult> {
  const workflowCount = Math.max(1, Math.round(settings.ratePerSecond * settings.intakeSeconds));
  context.progress(`timers: ${workflowCount} timer workflows at ${settings.ratePerSecond}/s, each due ${settings.delaySeconds} s after its start`);

  const cpuBefore = context.readCpu();
  const loadAveragesAtStart = os.loadavg();
  const { calls, intakeSeconds } = await startAtSteadyRate(workflowCount, settings.ratePerSecond, async (index) => {
    const workflowId = `${context.runId}-timer-${index}`;
    const dueAtEpochMilliseconds = Date.now() + settings.delaySeconds * 1000;
    await context.client.workflow.start<typeof timerWorkflow>('timerWorkflow', { taskQueue: bareTaskQueue, workflowId, args: [{ dueAtEpochMilliseconds }] });
    return { workflowId, dueAtEpochMilliseconds };
  });
  const startedWorkflows = await Promise.all(calls);

  const results = await Promise.all(startedWorkflows.map(({ workflowId }) => context.client.workflow.getHandle<typeof timerWorkflow>(workflowId).result()));
  const cpuSeconds = cpuSecondsBetween(cpuBefore, context.readCpu());
  const loadAverages = { atStart: loadAveragesAtStart, atEnd: os.loadavg() };

  const toWorkflowTask: number[] = [];
  const toClose: number[] = [];
  for (const [index, { workflowId, dueAtEpochMilliseconds }] of startedWorkflows.entries()) {
    const result = results[index]!;
    const description = await context.client.workflow.getHandle(workflowId).describe();

    toWorkflowTask.push(result.resumedAtEpochMilliseconds - dueAtEpochMilliseconds);
    if (description.closeTime !== undefined) {
      toClose.push(description.closeTime.getTime() - dueAtEpochMilliseconds);
    }
  }

  return {
    intakeRatePerSecond: settings.ratePerSecond,
    intakeSeconds: settings.intakeSeconds,
    timerDelaySeconds: settings.delaySeconds,
    workflowCount,
    achievedIntakeRatePerSecond: achievedRatePerSecond(workflowCount, intakeSeconds),
    latenessToWorkflowTask: summarizeDurations(toWorkflowTask),
    latenessToWorkflowTaskByIntakeQuarter: summarizeInSegments(toWorkflowTask, 4),
    latenessToClose: summarizeDurations(toClose),
    cpuSeconds,
    loadAverages,
  };
}
