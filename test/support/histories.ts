/**
 * Recorded workflow histories for the replay test, stored as binary protobuf
 * (`temporal.api.history.v1.History`). Run the time-skipping tests with
 * SUNDESK_RECORD_HISTORIES=1 to add them under test/histories/; a recording
 * never overwrites a file but takes the next free `-vN` name. Commit the new
 * files whenever the workflow's behaviour changes and keep the old ones, so
 * that a change which would break running tickets fails CI.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const historiesFolder = path.resolve(__dirname, '../histories');

/**
 * Saves the workflow's history as `test/histories/<name>.binpb` (or `<name>-vN.binpb`
 * when that exists) when recording is on.
 *
 * @example
 *   await recordHistory(handle, 'ticket-hand-off');
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.SUNDESK_RECORD_HISTORIES !== '1') {
    return;
  }

  const history = await handle.fetchHistory();
  let file = path.join(historiesFolder, `${name}.binpb`);
  for (let version = 2; existsSync(file); version += 1) {
    file = path.join(historiesFolder, `${name}-v${version}.binpb`);
  }
  writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
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
