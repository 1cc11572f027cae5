/**
 * Bare baseline workflows: the least work the engine can do for each shape
 * that the ticket workflow uses (a signal, an update, a timer, and the whole
 * lifecycle's interactions). Only the bare lifecycle calls an activity, a
 * no-op on a second bare queue, so their speed is the engine's own on this
 * machine.
 */

import { ApplicationFailure, condition, proxyActivities, proxySinks, setHandler, sleep, workflowInfo } from '@temporalio/workflow';

import {
  bareAssignUpdate,
  bareConfirmUpdate,
  bareDeskTaskQueue,
  bareResolveUpdate,
  finishSignal,
  touchCountQuery,
  touchUpdate,
  type BareDeskActivities,
  type BareLifecycleSinks,
  type BareLifecycleInput,
  type BareLifecycleState,
  type BareLifecycleStatus,
  type TimerWorkflowInput,
  type TimerWorkflowResult,
} from './messages';

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

/**
 * Hand-off activity on the second bare queue, with the timeouts and retries
 * that the ticket gives `acceptHandOff` on a desk's queue.
 */
const bareDeskActivities = proxyActivities<BareDeskActivities>({
  taskQueue: bareDeskTaskQueue,
  scheduleToStartTimeout: '1 minute',
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { bareLifecycle: bareLifecycleSink } = proxySinks<BareLifecycleSinks>();

/**
 * Makes the engine interactions of a ticket's lifecycle and nothing else:
 * the `bareAssign`, `bareResolve` and `bareConfirm` updates, one timer to the
 * hand-off instant, and at that instant one regular activity on
 * {@link bareDeskTaskQueue}. It runs no local activity, upserts no search
 * attribute and writes no store. After the hand-off it calls the
 * `bareLifecycle.handOffRecorded` sink, which the benchmark counts without
 * asking the server. It completes after `bareConfirm` with its state. A
 * lifecycle confirmed before the hand-off instant (the benchmark's warm-up)
 * cancels the timer and completes without handing off.
 *
 * @throws ApplicationFailure (non-retryable, type `InvalidBareLifecycleInput`) when the hand-off instant is not a finite number.
 */
export async function bareLifecycleWorkflow(input: BareLifecycleInput): Promise<BareLifecycleState> {
  if (!Number.isFinite(input?.handOffAtEpochMilliseconds)) {
    throw ApplicationFailure.nonRetryable(
      `invalid handOffAtEpochMilliseconds ${String(input?.handOffAtEpochMilliseconds)}: pass the hand-off instant in milliseconds since the epoch`,
      'InvalidBareLifecycleInput',
    );
  }

  const state: BareLifecycleState = { status: 'new', assignee: null, handOffCount: 0 };
  const requireStatus = (expected: BareLifecycleStatus, updateName: string): void => {
    if (state.status !== expected) {
      throw new Error(`${updateName} rejected: the workflow is ${state.status}, and ${updateName} needs ${expected}`);
    }
  };

  setHandler(
    bareAssignUpdate,
    (request) => {
      state.status = 'assigned';
      state.assignee = request.assignee;
      return { ...state };
    },
    {
      validator: (request) => {
        requireStatus('new', bareAssignUpdate.name);
        if (typeof request.assignee !== 'string' || request.assignee.trim() === '') {
          throw new Error(`invalid assignee ${JSON.stringify(request.assignee)}: pass a non-empty name`);
        }
      },
    },
  );
  setHandler(
    bareResolveUpdate,
    (_request) => {
      state.status = 'resolved';
      return { ...state };
    },
    { validator: (_request) => requireStatus('assigned', bareResolveUpdate.name) },
  );
  setHandler(
    bareConfirmUpdate,
    (_request) => {
      state.status = 'closed';
      return { ...state };
    },
    { validator: (_request) => requireStatus('resolved', bareConfirmUpdate.name) },
  );

  // One timer, started once and computed from the workflow clock, as a ticket computes its shift end.
  const handOffDelayMilliseconds = Math.max(1, input.handOffAtEpochMilliseconds - Date.now());
  const closedBeforeHandOff = await condition(() => state.status === 'closed', handOffDelayMilliseconds);
  if (!closedBeforeHandOff) {
    await bareDeskActivities.acceptBareHandOff({ workflowId: workflowInfo().workflowId, assignee: state.assignee });
    state.handOffCount += 1;
    bareLifecycleSink.handOffRecorded();
    await condition(() => state.status === 'closed');
  }

  return { ...state };
}
