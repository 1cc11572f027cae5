/**
 * Measurement 2, the ticket lifecycle through `TicketClient`: open, assign,
 * one follow-the-sun hand-off, resolve and confirm, with every change
 * projected to PostgreSQL. Also measurement 4's history length.
 *
 * A hand-off happens at a shift end, which is a wall-clock instant on a whole
 * minute. So the run has three busy phases and one idle wait. It opens and
 * assigns every ticket, waits for the shift end, lets every ticket hand off,
 * then resolves and confirms every ticket. The throughput counts the busy
 * phases only, because the clock sets the wait, not the desk. Every ticket's
 * history is read afterwards, outside the timed phases.
 */

import { benchDeskIds, createBenchDeskConfiguration, nextWholeMinute } from './bench-desks';
import { benchTicket, readTicketRows, type BenchContext } from './context';
import { addCpu, cpuSecondsBetween, type CpuReading } from './cpu-usage';
import { readLifecycleHistories, type HandOffTimerLateness, type HistoryLengthResult } from './histories';
import { millisecondsSince, runConcurrently, sleep, summarizeDurations, waitUntil, type DurationSummary } from './statistics';

export interface LifecycleResult {
  ticketCount: number;
  concurrency: number;
  /** The shift end at which the tickets hand off (ISO instant). */
  handOffAt: string;
  phaseSeconds: { openAndAssign: number; waitForShiftEnd: number; handOff: number; resolveAndConfirm: number };
  /** Sum of the three busy phases. */
  busySeconds: number;
  /** CPU seconds each process spent in the three busy phases. */
  cpuSeconds: CpuReading;
  ticketsPerSecond: number;
  ticketsHandedOff: number;
  /** Tickets that did not hand off: opened after the shift end, or not handed off within the time limit. */
  ticketsWithoutHandOff: number;
  /** Per ticket, from the shift end until its row showed the hand-off. */
  handOffCompletion: DurationSummary | null;
  /** Per ticket, from the shift end until the server fired the hand-off timer (TimerFired), and until the instant the timer was set for. */
  handOffTimer: HandOffTimerLateness;
  ticketsClosed: number;
  history: HistoryLengthResult | null;
}

/** Tickets in each of the two warm-up rounds; the bare lifecycle uses as many. */
export const warmUpTicketCount = 20;
/** How long the hand-off phase may take before the measurement goes on without the missing hand-offs. */
export const handOffTimeoutMilliseconds = 180_000;
const storeTimeoutMilliseconds = 60_000;
/** Safety factor on the estimated open-and-assign time when choosing the shift end. */
const estimateSafetyFactor = 1.5;

/**
 * Estimates the seconds that opening and assigning `count` items will take,
 * from the time a warm-up round of `warmUpCount` took, with a safety factor.
 *
 * @example
 *   estimateFirstPhaseSeconds(300, 20, 1.2); // 27
 */
export function estimateFirstPhaseSeconds(count: number, warmUpCount: number, warmUpSeconds: number): number {
  return (count / warmUpCount) * warmUpSeconds * estimateSafetyFactor;
}

/**
 * Runs `ticketCount` tickets through the whole lifecycle with
 * `context.concurrency` client calls in flight, and reads their histories.
 *
 * @example
 *   const lifecycle = await measureLifecycle(context, 300);
 *   console.log(lifecycle.ticketsPerSecond);
 */
export async function measureLifecycle(context: BenchContext, ticketCount: number): Promise<LifecycleResult> {
  const { tickets } = context;
  const ticketIds = Array.from({ length: ticketCount }, (_, index) => `${context.runId}-lifecycle-${index}`);

  const openAndAssign = async (ticketId: string, index: number): Promise<string | null> => {
    await tickets.open(benchTicket(ticketId, index));
    const state = await tickets.assign(ticketId, { actor: 'bench-agent', assignee: `agent-${index % 20}` });
    return state.ownership?.deskId ?? null;
  };
  const resolveAndConfirm = async (ticketId: string): Promise<void> => {
    await tickets.resolve(ticketId, { actor: 'bench-agent', notes: 'restarted the service' });
    await tickets.confirm(ticketId, { actor: 'bench-customer' });
    await context.client.workflow.getHandle(ticketId).result();
  };

  // Two warm-up rounds: the first loads the ticket code path, the second times opening for the estimate of the shift end.
  const warmUpCount = Math.min(warmUpTicketCount, ticketCount);
  context.progress(`lifecycle: warming up with 2 x ${warmUpCount} tickets`);
  let warmUpSeconds = 0;
  for (const round of [1, 2]) {
    const warmUpIds = Array.from({ length: warmUpCount }, (_, index) => `${context.runId}-lifecycle-warm-up-${round}-${index}`);
    const warmUpStartedAt = performance.now();
    await runConcurrently(warmUpCount, context.concurrency, async (index) => {
      await openAndAssign(warmUpIds[index]!, index);
    });
    warmUpSeconds = millisecondsSince(warmUpStartedAt) / 1000;
    await runConcurrently(warmUpCount, context.concurrency, async (index) => resolveAndConfirm(warmUpIds[index]!));
  }

  const estimatedOpenSeconds = estimateFirstPhaseSeconds(ticketCount, warmUpCount, warmUpSeconds);
  const handOffAt = nextWholeMinute(new Date(Date.now() + (estimatedOpenSeconds + 5) * 1000));
  await context.host.configure(createBenchDeskConfiguration(handOffAt));

  context.progress(`lifecycle: opening and assigning ${ticketCount} tickets; the first desk's shift ends at ${handOffAt.toISOString()}`);
  const ownerDeskIds: Array<string | null> = new Array<string | null>(ticketCount).fill(null);
  const openCpuBefore = context.readCpu();
  const openStartedAt = performance.now();
  await runConcurrently(ticketCount, context.concurrency, async (index) => {
    ownerDeskIds[index] = await openAndAssign(ticketIds[index]!, index);
  });
  const openAndAssignSeconds = millisecondsSince(openStartedAt) / 1000;
  let cpuSeconds = cpuSecondsBetween(openCpuBefore, context.readCpu());
  const openEndedAt = Date.now();

  const handOffIds = ticketIds.filter((_, index) => ownerDeskIds[index] === benchDeskIds.first);
  const waitMilliseconds = Math.max(0, handOffAt.getTime() - Date.now());
  context.progress(`lifecycle: waiting ${(waitMilliseconds / 1000).toFixed(0)} s for the shift end, then ${handOffIds.length} hand-offs`);
  await sleep(waitMilliseconds);
  const handOffCpuBefore = context.readCpu();

  // If opening ran past the shift end, the hand-offs overlapped it; count only the time after it.
  const handOffPhaseStart = Math.max(handOffAt.getTime(), openEndedAt);
  let handedOffRows: Awaited<ReturnType<typeof readTicketRows>> = [];
  await waitUntil(
    async () => {
      handedOffRows = (await readTicketRows(context.store, handOffIds)).filter((row) => row.handOffCount >= 1);
      return handedOffRows.length === handOffIds.length;
    },
    { intervalMilliseconds: 100, timeoutMilliseconds: handOffTimeoutMilliseconds },
  );
  if (handedOffRows.length < handOffIds.length) {
    context.progress(`lifecycle: only ${handedOffRows.length} of ${handOffIds.length} tickets handed off within ${handOffTimeoutMilliseconds / 1000} s; see the worker log`);
  }
  const handOffSeconds = (Date.now() - handOffPhaseStart) / 1000;
  cpuSeconds = addCpu(cpuSeconds, cpuSecondsBetween(handOffCpuBefore, context.readCpu()));
  const handOffCompletion = summarizeDurations(handedOffRows.map((row) => row.updatedAt.getTime() - handOffAt.getTime()));

  context.progress(`lifecycle: resolving and confirming ${ticketCount} tickets`);
  const closeCpuBefore = context.readCpu();
  const closeStartedAt = performance.now();
  await runConcurrently(ticketCount, context.concurrency, async (index) => resolveAndConfirm(ticketIds[index]!));
  let closedCount = 0;
  await waitUntil(
    async () => {
      closedCount = (await readTicketRows(context.store, ticketIds)).filter((row) => row.status === 'closed').length;
      return closedCount === ticketCount;
    },
    { intervalMilliseconds: 100, timeoutMilliseconds: storeTimeoutMilliseconds },
  );
  const resolveAndConfirmSeconds = millisecondsSince(closeStartedAt) / 1000;
  cpuSeconds = addCpu(cpuSeconds, cpuSecondsBetween(closeCpuBefore, context.readCpu()));

  const busySeconds = openAndAssignSeconds + handOffSeconds + resolveAndConfirmSeconds;
  context.progress(`lifecycle: reading ${ticketCount} ticket histories`);
  const { history, handOffTimer } = await readLifecycleHistories(context.client, ticketIds, handOffAt);

  return {
    ticketCount,
    concurrency: context.concurrency,
    handOffAt: handOffAt.toISOString(),
    phaseSeconds: { openAndAssign: openAndAssignSeconds, waitForShiftEnd: waitMilliseconds / 1000, handOff: handOffSeconds, resolveAndConfirm: resolveAndConfirmSeconds },
    busySeconds,
    cpuSeconds,
    ticketsPerSecond: ticketCount / busySeconds,
    ticketsHandedOff: handedOffRows.length,
    ticketsWithoutHandOff: ticketCount - handedOffRows.length,
    handOffCompletion,
    handOffTimer,
    ticketsClosed: closedCount,
    history,
  };
}
