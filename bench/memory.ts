/**
 * Measurement 4, worker memory: the resident set of a fresh worker process
 * before and after it keeps a number of open workflows in its cache, once
 * for open tickets and, in another fresh process, for as many bare no-op
 * workflows. Both readings follow two full garbage collections of the worker
 * process's main thread.
 */

import { benchTicket, readTicketRows, type BenchContext } from './context';
import { runConcurrently, sleep, waitUntil } from './statistics';
import type { noOpUpdateWorkflow } from './workflows';
import { bareTaskQueue, finishSignal, touchUpdate } from './workflows/messages';
import type { WorkerMemory } from './worker-protocol';

export interface MemoryResult {
  /** `ticket` for open tickets, `bare` for waiting no-op workflows. */
  workflowKind: 'ticket' | 'bare';
  openWorkflows: number;
  /** Workflow cache size of the worker that held them. */
  maxCachedWorkflows: number;
  before: WorkerMemory;
  after: WorkerMemory;
  residentSetMegabytesPerThousandWorkflows: number;
  mainThreadHeapMegabytesPerThousandWorkflows: number;
}

const warmUpCount = 10;
const storeTimeoutMilliseconds = 120_000;
const megabyte = 2 ** 20;

/**
 * Opens `count` workflows of the kind that stay open and reads the worker
 * process's memory before and after. `context.host` must be a worker process
 * that has served nothing yet, with room for all of them in its cache.
 *
 * @throws Error when the cache is too small, or when the workflows are not all held within two minutes.
 * @example
 *   const memory = await measureWorkerMemory(context, 'ticket', 1000);
 *   console.log(memory.residentSetMegabytesPerThousandWorkflows);
 */
export async function measureWorkerMemory(context: BenchContext, workflowKind: 'ticket' | 'bare', count: number): Promise<MemoryResult> {
  const { maxCachedWorkflows } = context.host.workerOptions;
  if (maxCachedWorkflows < count + warmUpCount) {
    throw new Error(`worker cache too small: maxCachedWorkflows is ${maxCachedWorkflows}, the memory measurement needs ${count + warmUpCount}; lower --memory-tickets`);
  }

  // A few workflows through their whole life first, so the code path is loaded and compiled before the first reading.
  context.progress(`memory: warming up a fresh worker process with ${warmUpCount} ${workflowKind} workflows`);
  await runConcurrently(warmUpCount, context.concurrency, async (index) => {
    if (workflowKind === 'ticket') {
      await runWarmUpTicket(context, `${context.runId}-memory-warm-up-${index}`, index);
    } else {
      await runWarmUpBareWorkflow(context, `${context.runId}-memory-bare-warm-up-${index}`);
    }
  });
  await sleep(1000);
  const before = await context.host.measureMemory();

  context.progress(`memory: opening ${count} ${workflowKind} workflows that stay open`);
  if (workflowKind === 'ticket') {
    await openTickets(context, count);
  } else {
    await startBareWorkflows(context, count);
  }
  await sleep(1000);
  const after = await context.host.measureMemory();

  const perThousand = (bytes: number): number => (bytes / megabyte / count) * 1000;
  return {
    workflowKind,
    openWorkflows: count,
    maxCachedWorkflows,
    before,
    after,
    residentSetMegabytesPerThousandWorkflows: perThousand(after.residentSetBytes - before.residentSetBytes),
    mainThreadHeapMegabytesPerThousandWorkflows: perThousand(after.mainThreadHeapUsedBytes - before.mainThreadHeapUsedBytes),
  };
}

async function runWarmUpTicket(context: BenchContext, ticketId: string, index: number): Promise<void> {
  await context.tickets.open(benchTicket(ticketId, index));
  await context.tickets.assign(ticketId, { actor: 'bench-agent' });
  await context.tickets.resolve(ticketId, { actor: 'bench-agent', notes: 'warm-up' });
  await context.tickets.confirm(ticketId, { actor: 'bench-customer' });
}

async function runWarmUpBareWorkflow(context: BenchContext, workflowId: string): Promise<void> {
  const handle = await context.client.workflow.start<typeof noOpUpdateWorkflow>('noOpUpdateWorkflow', { taskQueue: bareTaskQueue, workflowId });
  await handle.executeUpdate(touchUpdate);
  await handle.signal(finishSignal);
  await handle.result();
}

/** Opens tickets and waits until each has a row, which its first workflow task writes. */
async function openTickets(context: BenchContext, count: number): Promise<void> {
  const ticketIds = Array.from({ length: count }, (_, index) => `${context.runId}-memory-${index}`);
  await runConcurrently(count, context.concurrency, async (index) => {
    await context.tickets.open(benchTicket(ticketIds[index]!, index));
  });

  const stored = await waitUntil(async () => (await readTicketRows(context.store, ticketIds)).length === count, {
    intervalMilliseconds: 250,
    timeoutMilliseconds: storeTimeoutMilliseconds,
  });
  if (!stored) {
    throw new Error(`not every one of the ${count} open tickets reached the store within ${storeTimeoutMilliseconds / 1000} s; see the worker log`);
  }
}

/** Starts no-op workflows and sends each one update, whose result shows that the workflow is in the worker's cache. */
async function startBareWorkflows(context: BenchContext, count: number): Promise<void> {
  await runConcurrently(count, context.concurrency, async (index) => {
    const handle = await context.client.workflow.start<typeof noOpUpdateWorkflow>('noOpUpdateWorkflow', {
      taskQueue: bareTaskQueue,
      workflowId: `${context.runId}-memory-bare-${index}`,
    });
    await handle.executeUpdate(touchUpdate);
  });
}
