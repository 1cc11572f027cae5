/**
 * Messages, task queues and activity types of the bare baseline workflows.
 * The benchmark's client imports these definitions; the workflows in
 * ./index.ts register the handlers, and the worker process implements the
 * activity.
 */

import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';

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

/**
 * Task queue of the bare lifecycle's hand-off activity: a second bare queue,
 * as a ticket's hand-off runs on the receiving desk's own queue.
 */
export const bareDeskTaskQueue = 'sundesk-bench-bare-desk';

/** Input of the bare lifecycle workflow. */
export interface BareLifecycleInput {
  /** Instant (milliseconds since the epoch) of the hand-off, like a ticket's shift end. */
  handOffAtEpochMilliseconds: number;
}

/** Stage of a bare lifecycle, in the order the updates move it. */
export type BareLifecycleStatus = 'new' | 'assigned' | 'resolved' | 'closed';

/** State that the bare lifecycle's updates return and the workflow completes with. */
export interface BareLifecycleState {
  status: BareLifecycleStatus;
  assignee: string | null;
  /** Hand-offs accepted on the bare desk queue: 0 before the hand-off instant, then 1. */
  handOffCount: number;
}

export interface BareAssignRequest {
  actor: string;
  assignee: string;
}

export interface BareResolveRequest {
  actor: string;
  notes: string;
}

export interface BareConfirmRequest {
  actor: string;
}

/** Assigns a new bare lifecycle; rejected unless its status is `new`. */
export const bareAssignUpdate = defineUpdate<BareLifecycleState, [BareAssignRequest]>('bareAssign');

/** Resolves an assigned bare lifecycle; rejected unless its status is `assigned`. */
export const bareResolveUpdate = defineUpdate<BareLifecycleState, [BareResolveRequest]>('bareResolve');

/** Confirms a resolved bare lifecycle, which then completes; rejected unless its status is `resolved`. */
export const bareConfirmUpdate = defineUpdate<BareLifecycleState, [BareConfirmRequest]>('bareConfirm');

/** Note that the bare lifecycle sends with its hand-off. */
export interface BareHandOffNote {
  workflowId: string;
  assignee: string | null;
}

/** Receipt that the bare desk's hand-off activity returns. */
export interface BareHandOffReceipt {
  workflowId: string;
  /** Task queue that the activity ran on. */
  taskQueue: string;
}

/** The activity that the bare desk worker registers on {@link bareDeskTaskQueue}. */
export interface BareDeskActivities {
  /** Accepts the hand-off without any other work and returns the receipt. */
  acceptBareHandOff(note: BareHandOffNote): Promise<BareHandOffReceipt>;
}

/**
 * Sink through which a bare lifecycle reports to the worker process that it
 * has recorded its hand-off. The worker (SDK 1.24) calls sinks in its own
 * process after the workflow activation and before it reports the workflow
 * task completed, so this creates no history event and no request to the
 * server.
 */
export interface BareLifecycleSinks extends Sinks {
  bareLifecycle: {
    handOffRecorded(): void;
  };
}
