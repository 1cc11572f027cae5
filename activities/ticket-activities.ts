import { DateTime } from 'luxon';
import type { Logger } from 'pino';

import { chooseOwningDesk } from '../src/calendar/desk-schedule';
import type { DeskConfiguration } from '../src/domain/desks';
import type { Priority } from '../src/domain/priority';
import type { DeskOwnership, TicketEvent, TicketState } from '../src/domain/ticket';
import type { StoreDatabase } from '../src/store/database';
import { projectTicket } from '../src/store/ticket-store';

export interface TicketActivityDependencies {
  database: StoreDatabase;
  /** Returns the desk configuration in force now, so a changed configuration applies at the ticket's next decision. */
  deskConfiguration: () => DeskConfiguration;
  logger: Logger;
}

/** A desk's ownership together with the routing rule that applies to the ticket. */
export interface RoutingDecision {
  ownership: DeskOwnership;
  /** Whether the ticket passes to the next desk on duty when this shift ends. */
  followsTheSun: boolean;
}

/**
 * Builds the activities that run on the ticket task queue.
 *
 * @example
 *   const activities = createTicketActivities({ database, deskConfiguration: () => exampleDeskConfiguration, logger });
 */
export function createTicketActivities(dependencies: TicketActivityDependencies) {
  const { database, deskConfiguration, logger } = dependencies;

  return {
    /** Chooses the desk that owns a new (or resumed) ticket at the instant. */
    async routeTicket(input: { ticketId: string; priority: Priority; at: string }): Promise<RoutingDecision> {
      const configuration = deskConfiguration();
      const ownership = chooseOwningDesk(configuration, DateTime.fromISO(input.at, { zone: 'utc' }));

      logger.info({ ticketId: input.ticketId, deskId: ownership.deskId, shiftEndsAt: ownership.shiftEndsAt }, 'ticket routed');
      return { ownership, followsTheSun: configuration.followTheSunPriorities.includes(input.priority) };
    },

    /** Chooses the desk that receives a ticket when its owning desk's shift ends at `at`. */
    async planHandOff(input: { ticketId: string; priority: Priority; fromDeskId: string; at: string }): Promise<RoutingDecision> {
      const configuration = deskConfiguration();
      const ownership = chooseOwningDesk(configuration, DateTime.fromISO(input.at, { zone: 'utc' }), input.fromDeskId);

      logger.info({ ticketId: input.ticketId, fromDeskId: input.fromDeskId, toDeskId: ownership.deskId }, 'hand-off planned');
      return { ownership, followsTheSun: configuration.followTheSunPriorities.includes(input.priority) };
    },

    /** Writes the ticket's state and new events to the store; idempotent, so retries are safe. */
    async recordTicketChanges(input: { state: TicketState; events: TicketEvent[] }): Promise<void> {
      await projectTicket(database, input.state, input.events);
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;
