/**
 * Measurement 6, timer precision under load: bare timer workflows start at a
 * steady intake rate, each due a few seconds after its start, so timers fire
 * while new workflows keep arriving. Lateness is measured from the due
 * instant to two points: the start of the workflow task that follows the
 * timer (the workflow's clock), and the workflow's close time, when the
 * worker has acted on the timer.
 *
 * NOTE: only the bare side is measured. The ticket workflow sets SLA
 * escalation timers, but `createDeskWorkers` takes no SLA policy, so the
 * benchmark cannot give tickets targets that escalate within a run.
 */

import type { BenchContext } from './context';
import { cpuSecondsBetween, type CpuReading } from './cpu-usage';
import { sleep, summarizeDurations, type DurationSummary } from './statistics';
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
  /** From the due instant to the workflow's close. */
  latenessToClose: DurationSummary | null;
  /** CPU seconds each process spent from the first start until every result arrived. */
  cpuSeconds: CpuReading;
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
  const intervalMilliseconds = 1000 / settings.ratePerSecond;
  context.progress(`timers: ${workflowCount} timer workflows at ${settings.ratePerSecond}/s, each due ${settings.delaySeconds} s after its start`);

  const started: Array<Promise<{ workflowId: string; dueAtEpochMilliseconds: number }>> = [];
  const cpuBefore = context.readCpu();
  const intakeStartedAt = performance.now();
  let lastStartCallAt = intakeStartedAt;
  for (let index = 0; index < workflowCount; index++) {
    const scheduledAt = intakeStartedAt + index * intervalMilliseconds;
    const waitMilliseconds = scheduledAt - performance.now();
    if (waitMilliseconds > 0) {
      await sleep(waitMilliseconds);
    }

    lastStartCallAt = performance.now();
    const workflowId = `${context.runId}-timer-${index}`;
    const dueAtEpochMilliseconds = Date.now() + settings.delaySeconds * 1000;
    started.push(
      context.client.workflow
        .start<typeof timerWorkflow>('timerWorkflow', { taskQueue: bareTaskQueue, workflowId, args: [{ dueAtEpochMilliseconds }] })
        .then(() => ({ workflowId, dueAtEpochMilliseconds })),
    );
  }
  const intakeElapsedSeconds = (lastStartCallAt - intakeStartedAt) / 1000;
  const startedWorkflows = await Promise.all(started);

  const results = await Promise.all(startedWorkflows.map(({ workflowId }) => context.client.workflow.getHandle<typeof timerWorkflow>(workflowId).result()));
  const cpuSeconds = cpuSecondsBetween(cpuBefore, context.readCpu());

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
    achievedIntakeRatePerSecond: intakeElapsedSeconds > 0 ? (workflowCount - 1) / intakeElapsedSeconds : workflowCount,
    latenessToWorkflowTask: summarizeDurations(toWorkflowTask),
    latenessToClose: summarizeDurations(toClose),
    cpuSeconds,
  };
}
