/**
 * Measurement 3, the latency of a lifecycle update next to a bare update.
 *
 * For a ticket update (assign, then resolve) it takes three times, all from
 * the client call: the update's result arrived, a query returned the new
 * state, and the ticket's row in PostgreSQL showed the update's events. The
 * row is polled every 5 ms from the moment of the call, so that figure has a
 * resolution of about 5 ms. For a bare update on the no-op workflow it takes
 * the first two. Ticket and bare samples alternate in each lane, so both see
 * the same machine.
 *
 * The closing confirm is not sampled: the workflow completes with it, and a
 * query to a completed workflow replays its history, which is another path.
 */

import type { TicketState } from '../src/domain/ticket';
import { benchTicket, readTicketRows, type BenchContext } from './context';
import { runConcurrently, sleep, summarizeDurations, waitUntil, type DurationSummary } from './statistics';
import type { noOpUpdateWorkflow } from './workflows';
import { bareTaskQueue, finishSignal, touchCountQuery, touchUpdate } from './workflows/messages';

export interface UpdateLatencyResult {
  samplesPerKind: number;
  lanes: number;
  ticketUpdateReturned: DurationSummary | null;
  ticketStateInQuery: DurationSummary | null;
  ticketRowInStore: DurationSummary | null;
  bareUpdateReturned: DurationSummary | null;
  bareStateInQuery: DurationSummary | null;
}

/** Updates sampled per ticket and per bare workflow. */
const updatesPerWorkflow = 2;
const storePollIntervalMilliseconds = 5;
const storeTimeoutMilliseconds = 30_000;
const queryAttempts = 50;

interface Sample {
  updateReturned: number;
  stateInQuery: number;
  rowInStore?: number;
}

/**
 * Takes about `samplesPerKind` ticket-update samples and as many bare-update
 * samples, in `lanes` parallel lanes.
 *
 * @example
 *   const latency = await measureUpdateLatency(context, 300, 4);
 *   console.log(latency.ticketStateInQuery?.p99Milliseconds);
 */
export async function measureUpdateLatency(context: BenchContext, samplesPerKind: number, lanes: number): Promise<UpdateLatencyResult> {
  const workflowCount = Math.ceil(samplesPerKind / updatesPerWorkflow);
  const ticketSamples: Sample[] = [];
  const bareSamples: Sample[] = [];

  context.progress(`update latency: ${workflowCount} tickets and ${workflowCount} bare workflows, ${updatesPerWorkflow} updates each, ${lanes} lanes`);
  await runConcurrently(workflowCount, lanes, async (index) => {
    ticketSamples.push(...(await sampleTicketUpdates(context, `${context.runId}-latency-${index}`, index)));
    bareSamples.push(...(await sampleBareUpdates(context, `${context.runId}-latency-bare-${index}`)));
  });

  return {
    samplesPerKind: ticketSamples.length,
    lanes,
    ticketUpdateReturned: summarizeDurations(ticketSamples.map((sample) => sample.updateReturned)),
    ticketStateInQuery: summarizeDurations(ticketSamples.map((sample) => sample.stateInQuery)),
    ticketRowInStore: summarizeDurations(ticketSamples.map((sample) => sample.rowInStore!)),
    bareUpdateReturned: summarizeDurations(bareSamples.map((sample) => sample.updateReturned)),
    bareStateInQuery: summarizeDurations(bareSamples.map((sample) => sample.stateInQuery)),
  };
}

async function sampleTicketUpdates(context: BenchContext, ticketId: string, index: number): Promise<Sample[]> {
  const { tickets } = context;
  await tickets.open(benchTicket(ticketId, index));

  // The row exists once the first workflow task recorded the opening, so the query then runs on the cached workflow.
  const routed = await waitUntil(async () => (await readTicketRows(context.store, [ticketId])).length === 1, { intervalMilliseconds: 20, timeoutMilliseconds: storeTimeoutMilliseconds });
  if (!routed) {
    throw new Error(`ticket ${ticketId} has no row in the store ${storeTimeoutMilliseconds / 1000} s after it opened; see the worker log`);
  }
  let previous = await tickets.state(ticketId);

  const samples: Sample[] = [];
  const changes: Array<{ expectedStatus: TicketState['status']; send: () => Promise<TicketState> }> = [
    { expectedStatus: 'assigned', send: () => tickets.assign(ticketId, { actor: 'bench-agent', assignee: 'agent-1' }) },
    { expectedStatus: 'resolved', send: () => tickets.resolve(ticketId, { actor: 'bench-agent', notes: 'restarted the service' }) },
  ];
  for (const change of changes) {
    const startedAt = performance.now();
    const rowVisible = waitForRowAfter(context, ticketId, previous.lastSequence, startedAt);
    // Awaited below; this only keeps a failed update from leaving the poll's rejection unhandled.
    rowVisible.catch(() => undefined);

    const updated = await change.send();
    const updateReturned = performance.now() - startedAt;
    await waitForQuery(async () => {
      const state = await tickets.state(ticketId);
      return state.status === change.expectedStatus && state.lastSequence >= updated.lastSequence;
    }, ticketId);
    const stateInQuery = performance.now() - startedAt;

    samples.push({ updateReturned, stateInQuery, rowInStore: await rowVisible });
    previous = updated;
  }

  await tickets.confirm(ticketId, { actor: 'bench-customer' });
  return samples;
}

async function sampleBareUpdates(context: BenchContext, workflowId: string): Promise<Sample[]> {
  const handle = await context.client.workflow.start<typeof noOpUpdateWorkflow>('noOpUpdateWorkflow', { taskQueue: bareTaskQueue, workflowId });

  const samples: Sample[] = [];
  for (let update = 0; update < updatesPerWorkflow; update++) {
    const startedAt = performance.now();
    const touchCount = await handle.executeUpdate(touchUpdate);
    const updateReturned = performance.now() - startedAt;
    await waitForQuery(async () => (await handle.query(touchCountQuery)) >= touchCount, workflowId);
    samples.push({ updateReturned, stateInQuery: performance.now() - startedAt });
  }

  await handle.signal(finishSignal);
  await handle.result();
  return samples;
}

/** Polls the ticket's row until it reflects an event after `previousSequence`; returns the milliseconds since `startedAt`. */
async function waitForRowAfter(context: BenchContext, ticketId: string, previousSequence: number, startedAt: number): Promise<number> {
  const deadline = startedAt + storeTimeoutMilliseconds;
  while (performance.now() < deadline) {
    const [row] = await readTicketRows(context.store, [ticketId]);
    if (row !== undefined && row.lastEventSequence > previousSequence) {
      return performance.now() - startedAt;
    }
    await sleep(storePollIntervalMilliseconds);
  }
  throw new Error(`ticket ${ticketId}: the store did not show the update within ${storeTimeoutMilliseconds / 1000} s; see the worker log`);
}

/** Queries until `probe` returns true. An update's result implies the new state, so a second query points to a fault. */
async function waitForQuery(probe: () => Promise<boolean>, workflowId: string): Promise<void> {
  for (let attempt = 0; attempt < queryAttempts; attempt++) {
    if (await probe()) {
      return;
    }
  }
  throw new Error(`workflow ${workflowId}: the query did not show the update's state after ${queryAttempts} attempts`);
}
