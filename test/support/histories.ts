/**
 * Recorded workflow histories for the replay test, stored as binary protobuf
 * (`temporal.api.history.v1.History`). Run the time-skipping tests with
 * SUNDESK_RECORD_HISTORIES=1 to write (or overwrite) them under test/histories/.
 * Commit a new file whenever the workflow's behaviour changes and keep the old
 * ones, so that a change which would break running tickets fails CI.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const historiesFolder = path.resolve(__dirname, '../histories');

/**
 * Saves the workflow's history as `test/histories/<name>.binpb` when recording is on.
 *
 * @example
 *   await recordHistory(handle, 'ticket-hand-off');
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.SUNDESK_RECORD_HISTORIES !== '1') {
    return;
  }

  const history = await handle.fetchHistory();
  writeFileSync(path.join(historiesFolder, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
}

/**
 * Reads a recorded history file.
 *
 * @example
 *   const history = readHistory(path.join(historiesFolder, 'ticket-reopen.binpb'));
 */
export function readHistory(file: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.decode(readFileSync(file));
}
