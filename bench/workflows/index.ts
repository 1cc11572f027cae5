/**
 * Bare baseline workflows: the least work the engine can do for each shape
 * that the ticket workflow uses (a signal, an update, a timer). They call no
 * activities, so their speed is the engine's own on this machine.
 */

import { condition, setHandler, sleep } from '@temporalio/workflow';

import { finishSignal, touchCountQuery, touchUpdate, type TimerWorkflowInput, type TimerWorkflowResult } from './messages';

/** Starts, waits for one `finish` signal and completes. */
export async function signalOnceWorkflow(): Promise<void> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });

  await condition(() => finished);
}

/** Counts `touch` updates until a `finish` signal; the update's whole work is the increment. */
export async function noOpUpdateWorkflow(): Promise<void> {
  let touchCount = 0;
  let finished = false;
  setHandler(touchUpdate, () => {
    touchCount += 1;
    return touchCount;
  });
  setHandler(touchCountQuery, () => touchCount);
  setHandler(finishSignal, () => {
    finished = true;
  });

  await condition(() => finished);
}

/**
 * Sleeps until the due instant and completes. It computes the sleep from its
 * own clock, as a ticket does for an absolute deadline such as a shift end.
 */
export async function timerWorkflow(input: TimerWorkflowInput): Promise<TimerWorkflowResult> {
  const sleepMilliseconds = Math.max(1, input.dueAtEpochMilliseconds - Date.now());
  await sleep(sleepMilliseconds);

  return { dueAtEpochMilliseconds: input.dueAtEpochMilliseconds, resumedAtEpochMilliseconds: Date.now() };
}
