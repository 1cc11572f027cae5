/**
 * The bare stand-in that the replay benchmark drives in place of the ticket
 * workflow. It has the ticket workflow's type name, so the replay driver
 * starts and signals it unchanged, but it does no ticket work: it accepts the
 * signals and fires the timers of a plan, then completes on `confirm` or
 * `cancel`. With `stepPerMessageBatch` in its plan it also runs one no-op
 * local activity for each batch of signals, where the desk runs its store
 * step. Bundle this file on its own, never next to the real ticket workflow.
 */

import { condition, proxyLocalActivities, setDefaultSignalHandler, sleep } from '@temporalio/workflow';

/** Plan of the stand-in: the timers it fires and whether it steps, read from the ticket description that the benchmark writes. */
export interface StandInPlan {
  /** Instants of the timers to fire, in milliseconds after the workflow's start, ascending. */
  timerOffsetsMilliseconds: number[];
  /** Whether to run `recordStandInStep` once for the signals of each workflow activation, as the desk runs its store step. */
  stepPerMessageBatch: boolean;
}

/** The local activity of a stepping stand-in: it does nothing, so it costs only the engine's local-activity round trip. */
export interface StandInActivities {
  recordStandInStep(): Promise<void>;
}

/** The part of the ticket workflow's input that the stand-in reads. */
interface StandInInput {
  ticket: { description: string };
}

const closingSignalNames = ['confirm', 'cancel'];

const { recordStandInStep } = proxyLocalActivities<StandInActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * Stands in for the ticket workflow in the replay baselines: it fires the
 * planned timers one after the other, each started when the previous one
 * fired, and accepts every signal, until a closing signal arrives. So it
 * costs one started and fired timer per planned deadline and one signal per
 * message. With `stepPerMessageBatch` it also costs one local activity per
 * batch of signals, and the signals that arrive while a step runs form the
 * next batch.
 */
export async function ticketWorkflow(input: StandInInput): Promise<void> {
  const plan = JSON.parse(input.ticket.description) as StandInPlan;
  const startedAt = Date.now();
  let closed = false;
  let unrecordedSignals = 0;
  setDefaultSignalHandler((signalName) => {
    unrecordedSignals += 1;
    if (closingSignalNames.includes(signalName)) {
      closed = true;
    }
  });

  const firePlannedTimers = async (): Promise<void> => {
    for (const offsetMilliseconds of plan.timerOffsetsMilliseconds) {
      await sleep(Math.max(1, startedAt + offsetMilliseconds - Date.now()));
    }
  };
  void firePlannedTimers();

  if (!plan.stepPerMessageBatch) {
    await condition(() => closed);
    return;
  }

  while (!closed || unrecordedSignals > 0) {
    await condition(() => closed || unrecordedSignals > 0);
    if (unrecordedSignals > 0) {
      unrecordedSignals = 0;
      await recordStandInStep();
    }
  }
}
