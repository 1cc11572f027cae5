/**
 * Small helpers that every measurement uses: percentiles, a bounded pool of
 * concurrent calls, and waiting.
 */

/** Percentiles of a sample of durations, all in milliseconds. */
export interface DurationSummary {
  count: number;
  p50Milliseconds: number;
  p95Milliseconds: number;
  p99Milliseconds: number;
  maxMilliseconds: number;
  meanMilliseconds: number;
}

/**
 * Returns the nearest-rank percentile of `values` (which need not be sorted).
 * For 300 values, p99 is the third largest.
 *
 * @throws RangeError for an empty sample or a percentile outside 0..100.
 * @example
 *   percentile([5, 1, 3], 50); // 3
 */
export function percentile(values: readonly number[], percent: number): number {
  if (values.length === 0) {
    throw new RangeError('cannot take a percentile of an empty sample');
  }
  if (percent < 0 || percent > 100) {
    throw new RangeError(`invalid percentile ${percent}: use 0 to 100`);
  }

  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Summarises durations in milliseconds; null for an empty sample.
 *
 * @example
 *   summarizeDurations([12, 15, 40]).p50Milliseconds; // 15
 */
export function summarizeDurations(values: readonly number[]): DurationSummary | null {
  if (values.length === 0) {
    return null;
  }

  return {
    count: values.length,
    p50Milliseconds: percentile(values, 50),
    p95Milliseconds: percentile(values, 95),
    p99Milliseconds: percentile(values, 99),
    maxMilliseconds: Math.max(...values),
    meanMilliseconds: values.reduce((sum, value) => sum + value, 0) / values.length,
  };
}

/**
 * Calls `work` for every index from 0 to `count - 1` with at most
 * `concurrency` calls in flight, and resolves when all have settled. The
 * first error is thrown after the calls in flight have settled; no new call
 * starts after an error.
 *
 * @example
 *   await runConcurrently(500, 50, async (index) => startOne(index));
 */
export async function runConcurrently(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let nextIndex = 0;
  let firstError: unknown;

  const lane = async (): Promise<void> => {
    while (nextIndex < count && firstError === undefined) {
      const index = nextIndex;
      nextIndex += 1;
      try {
        await work(index);
      } catch (error) {
        firstError ??= error;
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (firstError !== undefined) {
    throw firstError;
  }
}

/** Resolves after `milliseconds`. */
export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Polls `probe` every `intervalMilliseconds` until it returns true. Returns
 * false when `timeoutMilliseconds` pass first.
 *
 * @example
 *   const done = await waitUntil(async () => (await countClosed()) === 300, { intervalMilliseconds: 100, timeoutMilliseconds: 60_000 });
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { intervalMilliseconds: number; timeoutMilliseconds: number },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMilliseconds;
  for (;;) {
    if (await probe()) {
      return true;
    }
    if (Date.now() >= deadline) {
      return false;
    }
    await sleep(options.intervalMilliseconds);
  }
}

/** Milliseconds since `startMilliseconds` on the monotonic clock (`performance.now()`). */
export function millisecondsSince(startMilliseconds: number): number {
  return performance.now() - startMilliseconds;
}

/** Percentiles of one consecutive part of a sample that is in intake order. */
export interface SegmentSummary {
  /** Index of the segment's first value in the whole sample. */
  fromIndex: number;
  /** Index of the segment's last value in the whole sample. */
  toIndex: number;
  p50Milliseconds: number;
  p99Milliseconds: number;
  maxMilliseconds: number;
}

/**
 * Splits durations that are in intake order into `segmentCount` consecutive
 * parts of nearly equal size and summarises each, so a figure that grows
 * through a run (a queue that builds up) shows as rising segments. Returns
 * fewer segments when the sample has fewer values than `segmentCount`.
 *
 * @throws RangeError when `segmentCount` is not a whole number of at least 1.
 * @example
 *   summarizeInSegments([10, 12, 11, 13, 40, 45, 90, 95], 4).map((segment) => segment.p50Milliseconds); // [10, 11, 40, 90]
 */
export function summarizeInSegments(valuesInOrder: readonly number[], segmentCount: number): SegmentSummary[] {
  if (!Number.isInteger(segmentCount) || segmentCount < 1) {
    throw new RangeError(`invalid segment count ${segmentCount}: use a whole number of at least 1`);
  }

  const segments: SegmentSummary[] = [];
  const count = Math.min(segmentCount, valuesInOrder.length);
  for (let segment = 0; segment < count; segment++) {
    const fromIndex = Math.floor((segment * valuesInOrder.length) / count);
    const toIndex = Math.floor(((segment + 1) * valuesInOrder.length) / count) - 1;
    const values = valuesInOrder.slice(fromIndex, toIndex + 1);
    segments.push({ fromIndex, toIndex, p50Milliseconds: percentile(values, 50), p99Milliseconds: percentile(values, 99), maxMilliseconds: Math.max(...values) });
  }
  return segments;
}

/**
 * Calls `start(index)` for every index from 0 to `count - 1`, the call of
 * index n at n / `ratePerSecond` seconds after the first, without waiting for
 * earlier calls to settle, so a slow server does not slow the intake. A call
 * that is behind its schedule starts at once. The returned promises reject as
 * their calls do. They are marked as handled, so a rejection during the
 * intake does not end the process before the caller awaits it.
 *
 * @returns every call's promise in index order, and the seconds from the first call to the last.
 * @example
 *   const { calls, intakeSeconds } = await startAtSteadyRate(400, 20, (index) => startOne(index));
 *   const started = await Promise.all(calls);
 */
export async function startAtSteadyRate<Result>(
  count: number,
  ratePerSecond: number,
  start: (index: number) => Promise<Result>,
): Promise<{ calls: Array<Promise<Result>>; intakeSeconds: number }> {
  const intervalMilliseconds = 1000 / ratePerSecond;
  const calls: Array<Promise<Result>> = [];
  const intakeStartedAt = performance.now();
  let lastCallAt = intakeStartedAt;

  for (let index = 0; index < count; index++) {
    const waitMilliseconds = intakeStartedAt + index * intervalMilliseconds - performance.now();
    if (waitMilliseconds > 0) {
      await sleep(waitMilliseconds);
    }

    lastCallAt = performance.now();
    const call = start(index);
    call.catch(() => undefined);
    calls.push(call);
  }
  return { calls, intakeSeconds: (lastCallAt - intakeStartedAt) / 1000 };
}

/**
 * Returns the calls per second from the first call to the last: `count - 1`
 * intervals over `intakeSeconds`, or `count` when all calls fell within the same instant.
 *
 * @example
 *   achievedRatePerSecond(400, 19.95); // 20
 */
export function achievedRatePerSecond(count: number, intakeSeconds: number): number {
  return intakeSeconds > 0 ? (count - 1) / intakeSeconds : count;
}
