/**
 * Shared state of the dev-server measurements: the Temporal client, the
 * ticket client, a PostgreSQL pool for reading the store, the worker process
 * and the run's id prefix.
 */

import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';

import type { TicketClient } from '../src/client/ticket-client';
import type { OpenTicketInput } from '../src/domain/ticket';
import type { CpuReading } from './cpu-usage';
import type { WorkerHost } from './worker-host';

export interface BenchContext {
  client: Client;
  tickets: TicketClient;
  /** Pool of the benchmark's own connections to the ticket store, apart from the workers' pool, for reading rows. */
  store: Pool;
  host: WorkerHost;
  /** Prefix of every workflow id of this run, so ids never collide with an earlier run's. */
  runId: string;
  /** Client calls in flight in the throughput measurements. */
  concurrency: number;
  /** Reads the CPU time that each process of the run has used so far. */
  readCpu(): CpuReading;
  /** Writes a progress line to standard error. */
  progress(message: string): void;
}

/**
 * Builds the input of a benchmark ticket: P1 for even indexes and P2 for odd
 * ones (the default matrix), so every ticket follows the sun.
 *
 * @example
 *   await tickets.open(benchTicket('BENCH-x-L-1', 1));
 */
export function benchTicket(ticketId: string, index: number): OpenTicketInput {
  return {
    ticketId,
    title: `Benchmark ticket ${index}`,
    description: 'Opened by npm run bench.',
    customer: 'bench-customer',
    customerTimeZone: 'UTC',
    impact: 'high',
    urgency: index % 2 === 0 ? 'high' : 'medium',
    actor: 'bench-customer',
  };
}

/**
 * Reads the stored rows of some tickets: status, hand-off count, last event
 * sequence and the time of the last projection.
 *
 * @example
 *   const rows = await readTicketRows(context.store, ticketIds);
 */
export async function readTicketRows(
  store: Pool,
  ticketIds: readonly string[],
): Promise<Array<{ id: string; status: string; handOffCount: number; lastEventSequence: number; updatedAt: Date }>> {
  const result = await store.query<{ id: string; status: string; hand_off_count: number; last_event_sequence: number; updated_at: Date }>(
    'select id, status, hand_off_count, last_event_sequence, updated_at from tickets where id = any($1)',
    [ticketIds],
  );

  return result.rows.map((row) => ({
    id: row.id,
    status: row.status,
    handOffCount: row.hand_off_count,
    lastEventSequence: row.last_event_sequence,
    updatedAt: row.updated_at,
  }));
}
