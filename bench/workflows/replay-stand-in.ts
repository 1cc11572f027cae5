/**
 * The bare stand-in that the replay benchmark drives in place of the ticket
 * workflow. It has the ticket workflow's type name, so the replay driver
 * starts and signals it unchanged, but it does no ticket work: it accepts the
 * signals and fires the timers of a plan, then completes on `confirm` or
 * `cancel`. Bundle this file on its own, never next to the real ticket
 * workflow.
 */

import { condition, setDefaultSignalHandler, sleep } from '@temporalio/workflow';

/** Timers that the stand-in fires, read from the ticket description that the benchmark writes. */
export interface StandInPlan {
  /** Instants of the timers to fire, in milliseconds after the workflow's start, ascending. */
  timerOffsetsMilliseconds: number[];
}

/** The part of the ticket workflow's input that the stand-in reads. */
interface StandInInput {
  ticket: { description: string };
}

const closingSignalNames = ['confirm', 'cancel'];

/**
 * Stands in for the ticket workflow in the replay baseline: it fires the
 * planned timers one after the other, each started when the previous one
 * fired, and accepts every signal without further work, until a closing
 * signal arrives. So it costs one started and fired timer per planned
 * deadline and one signal per message.
 */
export async function ticketWorkflow(input: StandInInput): Promise<void> {
  const plan = JSON.parse(input.ticket.description) as StandInPlan;
  const startedAt = Date.now();
  let closed = false;
  setDefaultSignalHandler((signalName) => {
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

  await condition(() => closed);
}
