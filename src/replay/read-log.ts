/**
 * Entry point for `sundesk replay`: picks the reader for a replay log and
 * returns the log in the generic ticket-event format.
 */

import { readBpic2013Log, bpic2013HeaderStart } from './bpic2013';
import { openReplayLogFile, readGenericLog, ReplayLogError, type ReplayLogReadOptions } from './generic-log';
import type { ReplayLog } from './ticket-event-log';

export { ReplayLogError } from './generic-log';

/** Source formats that `readReplayLog` reads. */
export type ReplayLogFormat = 'bpic2013' | 'generic';

export const replayLogFormats: readonly ReplayLogFormat[] = ['bpic2013', 'generic'];

/** Options of `readReplayLog`. */
export interface ReadReplayLogOptions extends ReplayLogReadOptions {
  /** Source format. Without it the format is detected from the file's first line. */
  format?: ReplayLogFormat;
}

/**
 * Reads a replay log with the reader for its format. Without an explicit
 * `format`, a file whose first line starts with `SR Number,Change Date+Time`
 * (after an optional byte-order mark, in plain or gzip files) is read as the
 * BPI Challenge 2013 log, and any other file as the generic format.
 *
 * @throws ReplayLogError when the file is missing, unreadable or damaged, or
 *   when its header or name does not fit the format. RangeError for an invalid
 *   limit or format.
 * @example
 *   const log = await readReplayLog('bpic2013-incidents.csv.gz', { limit: 200 });
 *   console.log(`${log.tickets.length} tickets, ${log.rejectedRows.length} rejected rows`);
 */
export async function readReplayLog(path: string, options: ReadReplayLogOptions = {}): Promise<ReplayLog> {
  const { format, ...readOptions } = options;
  if (format !== undefined && !replayLogFormats.includes(format)) {
    throw new RangeError(`invalid replay log format '${String(format)}': use one of ${replayLogFormats.join(', ')}`);
  }

  const chosenFormat = format ?? (await detectReplayLogFormat(path));
  if (chosenFormat === 'bpic2013') {
    return readBpic2013Log(path, readOptions);
  }
  return readGenericLog(path, readOptions);
}

/**
 * Detects the format of a replay log from its first characters, after
 * decompressing a gzip file and skipping a byte-order mark.
 *
 * @throws ReplayLogError when the file is missing, unreadable or damaged.
 * @example
 *   await detectReplayLogFormat('bpic2013-incidents.csv.gz'); // 'bpic2013'
 *   await detectReplayLogFormat('tickets.jsonl'); // 'generic'
 */
export async function detectReplayLogFormat(path: string): Promise<ReplayLogFormat> {
  const start = await readTextStart(path, Buffer.byteLength(bpic2013HeaderStart) + 3);
  const withoutBom = start.startsWith('\uFEFF') ? start.slice(1) : start;
  return withoutBom.startsWith(bpic2013HeaderStart) ? 'bpic2013' : 'generic';
}

/** Reads at least `byteCount` bytes from the start of the (decompressed) file, fewer when it is shorter. */
async function readTextStart(path: string, byteCount: number): Promise<string> {
  const source = await openReplayLogFile(path);
  const chunks: Buffer[] = [];
  let bytesRead = 0;

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      bytesRead += chunk.length;
      if (bytesRead >= byteCount) {
        break;
      }
    }
  } catch (error) {
    throw new ReplayLogError(
      `failed to read the start of replay log ${path}: ${describeStreamError(error)}. ` +
        `Check that the file is complete, or pass the format explicitly`,
    );
  } finally {
    source.destroy();
  }

  return Buffer.concat(chunks).toString('utf8');
}

function describeStreamError(error: unknown): string {
  const message: unknown = typeof error === 'object' && error !== null && 'message' in error ? error.message : undefined;
  return typeof message === 'string' ? message : String(error);
}
