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
