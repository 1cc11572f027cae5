/**
 * Messages of the bare baseline workflows. The benchmark's client imports
 * these definitions; the workflows in ./index.ts register the handlers.
 */

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Task queue of the bare baseline workflows, apart from the desk's queues. */
export const bareTaskQueue = 'sundesk-bench-bare';

/** Lets a bare workflow complete. */
export const finishSignal = defineSignal('finish');

/** Increments the no-op workflow's counter and returns the new value; it changes nothing else. */
export const touchUpdate = defineUpdate<number, []>('touch');

/** The no-op workflow's counter. */
export const touchCountQuery = defineQuery<number>('touchCount');

/** Input of the bare timer workflow. */
export interface TimerWorkflowInput {
  /** Instant (milliseconds since the epoch) at which the timer is due. */
  dueAtEpochMilliseconds: number;
}

/** What the bare timer workflow returns. */
export interface TimerWorkflowResult {
  dueAtEpochMilliseconds: number;
  /** Workflow time of the task that follows the timer, which is the start time of that workflow task on the server. */
  resumedAtEpochMilliseconds: number;
}
