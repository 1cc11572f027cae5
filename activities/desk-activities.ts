import { hostname } from 'node:os';

import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';

import type { TicketStatus } from '../src/domain/ticket';

/** Hand-off note from the sending desk to the receiving desk. */
export interface HandOffNote {
  ticketId: string;
  fromDeskId: string;
  toDeskId: string;
  status: TicketStatus;
  /** The last few events, newest last, as short lines. */
  lastActions: string[];
  nextStep: string;
}

/** Proof that a desk's own worker took the hand-off. */
export interface HandOffReceipt {
  deskId: string;
  taskQueue: string;
  workerIdentity: string;
}

/**
 * Builds the activities that run on one desk's task queue, in that desk's workers.
 *
 * @example
 *   const activities = createDeskActivities({ deskId: 'emea', logger });
 */
export function createDeskActivities(dependencies: { deskId: string; logger: Logger }) {
  const { deskId, logger } = dependencies;

  return {
    /** Takes a ticket into the desk's queue at shift change and returns the receipt. */
    async acceptHandOff(note: HandOffNote): Promise<HandOffReceipt> {
      const { taskQueue } = Context.current().info;

      logger.info({ ticketId: note.ticketId, fromDeskId: note.fromDeskId, deskId, status: note.status, nextStep: note.nextStep }, 'hand-off accepted');
      return { deskId, taskQueue, workerIdentity: `${hostname()}:${process.pid}` };
    },
  };
}

export type DeskActivities = ReturnType<typeof createDeskActivities>;
