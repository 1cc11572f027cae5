import { readdirSync } from 'node:fs';
import path from 'node:path';

import { Worker } from '@temporalio/worker';

import { bundleTicketWorkflows } from '../workers/desk-workers';
import { historiesFolder, readHistory } from './support/histories';

const historyFiles = readdirSync(historiesFolder).filter((file) => file.endsWith('.binpb'));

describe('recorded ticket histories replay deterministically', () => {
  test('histories exist', () => {
    expect(historyFiles.length).toBeGreaterThanOrEqual(3);
  });

  test.each(historyFiles)('%s', async (file) => {
    const history = readHistory(path.join(historiesFolder, file));
    const workflowBundle = await bundleTicketWorkflows();

    await expect(Worker.runReplayHistory({ workflowBundle }, history, path.basename(file, '.binpb'))).resolves.toBeUndefined();
  });
});
