/**
 * Measurement 1, the baseline: bare workflows that start, receive one signal
 * and complete, with no activities. Their rate is what the engine itself
 * sustains on this machine with the same worker process and client.
 */

import type { BenchContext } from './context';
import { cpuSecondsBetween, type CpuReading } from './cpu-usage';
import { millisecondsSince, runConcurrently, summarizeDurations, type DurationSummary } from './statistics';
import type { signalOnceWorkflow } from './workflows';
import { bareTaskQueue, finishSignal } from './workflows/messages';

export interface BaselineResult {
  workflowCount: number;
  concurrency: number;
  elapsedSeconds: number;
  workflowsPerSecond: number;
  /** Per workflow, from the start call until its result arrived. */
  workflowLatency: DurationSummary | null;
  /** CPU seconds each process spent during the timed run. */
  cpuSeconds: CpuReading;
}

/** Workflows run before the clock starts, so the worker's code is loaded and compiled. */
const warmUpCount = 20;

/**
 * Runs `workflowCount` bare workflows with `context.concurrency` in flight:
 * start, signal, await the result.
 *
 * @example
 *   const baseline = await measureBaseline(context, 500);
 *   console.log(baseline.workflowsPerSecond);
 */
export async function measureBaseline(context: BenchContext, workflowCount: number): Promise<BaselineResult> {
  const runOne = async (workflowId: string): Promise<number> => {
    const startedAt = performance.now();
    const handle = await context.client.workflow.start<typeof signalOnceWorkflow>('signalOnceWorkflow', { taskQueue: bareTaskQueue, workflowId });
    await handle.signal(finishSignal);
    await handle.result();
    return millisecondsSince(startedAt);
  };

  context.progress(`baseline: warming up with ${warmUpCount} bare workflows`);
  await runConcurrently(warmUpCount, context.concurrency, async (index) => {
    await runOne(`${context.runId}-baseline-warm-up-${index}`);
  });

  context.progress(`baseline: ${workflowCount} bare workflows (start, one signal, complete), ${context.concurrency} in flight`);
  const latencies: number[] = [];
  const cpuBefore = context.readCpu();
  const startedAt = performance.now();
  await runConcurrently(workflowCount, context.concurrency, async (index) => {
    latencies.push(await runOne(`${context.runId}-baseline-${index}`));
  });
  const elapsedSeconds = millisecondsSince(startedAt) / 1000;
  const cpuSeconds = cpuSecondsBetween(cpuBefore, context.readCpu());

  return {
    workflowCount,
    concurrency: context.concurrency,
    elapsedSeconds,
    workflowsPerSecond: workflowCount / elapsedSeconds,
    workflowLatency: summarizeDurations(latencies),
    cpuSeconds,
  };
}
