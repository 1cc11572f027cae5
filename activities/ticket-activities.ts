import { DateTime } from 'luxon';
import type { Logger } from 'pino';

import { addBusinessDays } from '../src/calendar/business-days';
import { buildSlaCalendarRegistry } from '../src/calendar/business-calendars';
import { chooseOwningDesk, currentShift } from '../src/calendar/desk-schedule';
import { routeTicketToDesk } from '../src/calendar/desk-routing';
import { computeSlaClockSnapshot, type SlaClockRecord, type SlaClockSnapshot } from '../src/calendar/sla-clock';
import { defaultSlaPolicy, resolveCalendarName, selectSlaTargets, type SlaPolicy } from '../src/domain/sla';
import { defaultConfirmationPolicy, type ConfirmationPolicy } from '../src/config/organisation';
import type { DeskConfiguration } from '../src/domain/desks';
import type { Priority } from '../src/domain/priority';
import type { ConfirmationClock, DeskOwnership, TicketEvent, TicketState } from '../src/domain/ticket';
import type { StoreDatabase } from '../src/store/database';
import { projectTicket } from '../src/store/ticket-store';

export interface TicketActivityDependencies {
  database: StoreDatabase;
  /** Returns the desk configuration in force now, so a changed configuration applies at the ticket's next decision. */
  deskConfiguration: () => DeskConfiguration;
  /** Returns the confirmation policy in force now; the default policy when absent. */
  confirmationPolicy?: () => ConfirmationPolicy;
  /** Returns the SLA policy in force now; the default policy when absent. */
  slaPolicy?: () => SlaPolicy;
  /** Seconds a desk's workers may take to pick up a hand-off before the desk counts as unreachable; 60 when absent. */
  deskUnreachableAfterSeconds?: number;
  logger: Logger;
}

/** A desk's ownership together with the routing rule that applies to the ticket. */
export interface RoutingDecision {
  ownership: DeskOwnership;
  /** Whether the ticket passes to the next desk on duty when this shift ends. */
  followsTheSun: boolean;
  /** Priorities that follow the sun, so the workflow can re-decide after a priority change. */
  followTheSunPriorities: Priority[];
  /** Seconds the receiving desk's workers may take to pick up a hand-off before the desk counts as unreachable. */
  deskUnreachableAfterSeconds: number;
}

/** The customer's location, which `local` desk structures route by. */
export interface CustomerLocation {
  customerTimeZone?: string;
  customerSite?: string;
}

/** Reads SUNDESK_DESK_UNREACHABLE_SECONDS (default 60), the time a desk's workers may take to pick up a hand-off. */
function unreachableSecondsFromEnvironment(): number {
  const text = process.env.SUNDESK_DESK_UNREACHABLE_SECONDS;
  const seconds = text === undefined ? 60 : Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`invalid SUNDESK_DESK_UNREACHABLE_SECONDS '${text}': use a whole number of seconds greater than 0`);
  }
  return seconds;
}

/**
 * Builds the activities that run on the ticket task queue.
 *
 * @example
 *   const activities = createTicketActivities({ database, deskConfiguration: () => exampleDeskConfiguration, logger });
 */
export function createTicketActivities(dependencies: TicketActivityDependencies) {
  const { database, deskConfiguration, logger } = dependencies;
  const confirmationPolicy = dependencies.confirmationPolicy ?? (() => defaultConfirmationPolicy);
  const slaPolicy = dependencies.slaPolicy ?? (() => defaultSlaPolicy);
  const deskUnreachableAfterSeconds = dependencies.deskUnreachableAfterSeconds ?? unreachableSecondsFromEnvironment();

  const evaluate = (records: SlaClockRecord[], evaluatedAt: string): SlaClockSnapshot[] => {
    const configuration = deskConfiguration();
    const registry = buildSlaCalendarRegistry({ desks: configuration.desks, specialistGroups: configuration.specialistGroups });
    return records.map((record) => computeSlaClockSnapshot(registry, record, slaPolicy().escalationLevels, evaluatedAt));
  };

  return {
    /** Chooses the desk that owns a new (or resumed) ticket at the instant. */
    async routeTicket(input: { ticketId: string; priority: Priority; at: string } & CustomerLocation): Promise<RoutingDecision> {
      const configuration = deskConfiguration();
      const ownership = chooseOwningDesk(configuration, DateTime.fromISO(input.at, { zone: 'utc' }), undefined, { customerTimeZone: input.customerTimeZone, customerSite: input.customerSite });

      logger.info({ ticketId: input.ticketId, deskId: ownership.deskId, shiftEndsAt: ownership.shiftEndsAt }, 'ticket routed');
      return { ownership, followsTheSun: configuration.followTheSunPriorities.includes(input.priority), followTheSunPriorities: configuration.followTheSunPriorities, deskUnreachableAfterSeconds };
    },

    /** Chooses the desk that receives a ticket when its owning desk's shift ends at `at`. */
    async planHandOff(input: { ticketId: string; priority: Priority; fromDeskId: string; at: string; excludedDeskIds?: string[] } & CustomerLocation): Promise<RoutingDecision> {
      const configuration = deskConfiguration();
      const ownership = routeTicketToDesk(configuration, {
        instant: DateTime.fromISO(input.at, { zone: 'utc' }),
        previousDeskId: input.fromDeskId,
        excludedDeskIds: input.excludedDeskIds,
        customerTimeZone: input.customerTimeZone,
        customerSite: input.customerSite,
      }).ownership;

      logger.info({ ticketId: input.ticketId, fromDeskId: input.fromDeskId, toDeskId: ownership.deskId }, 'hand-off planned');
      return { ownership, followsTheSun: configuration.followTheSunPriorities.includes(input.priority), followTheSunPriorities: configuration.followTheSunPriorities, deskUnreachableAfterSeconds };
    },

    /** Returns the desk's ownership for its shift at the instant, or null when the desk is off duty or no longer configured. */
    async deskShiftAt(input: { ticketId: string; deskId: string; at: string }): Promise<DeskOwnership | null> {
      const desk = deskConfiguration().desks.find((candidate) => candidate.id === input.deskId);
      const shift = desk === undefined ? undefined : currentShift(desk, DateTime.fromISO(input.at, { zone: 'utc' }));
      if (desk === undefined || shift === undefined) {
        return null;
      }

      return { deskId: desk.id, taskQueue: desk.taskQueue, onDutyFrom: shift.start!.toUTC().toISO()!, shiftEndsAt: shift.end!.toUTC().toISO()! };
    },

    /** Computes the reminder instants and the auto-close instant of a resolved ticket, on the owning desk's business days. */
    async planConfirmation(input: { ticketId: string; deskId: string | null; resolvedAt: string }): Promise<ConfirmationClock> {
      const policy = confirmationPolicy();
      const desk = deskConfiguration().desks.find((candidate) => candidate.id === input.deskId);
      const resolvedAt = DateTime.fromISO(input.resolvedAt, { zone: 'utc' });

      const clock: ConfirmationClock = {
        reminderInstants: policy.reminderAfterBusinessDays.map((days) => addBusinessDays(desk, resolvedAt, days).toISO()!),
        remindersSent: 0,
        autoCloseAt: policy.autoCloseAfterBusinessDays === null ? null : addBusinessDays(desk, resolvedAt, policy.autoCloseAfterBusinessDays).toISO()!,
        policyName: policy.name,
      };
      logger.info({ ticketId: input.ticketId, policy: policy.name, reminders: clock.reminderInstants, autoCloseAt: clock.autoCloseAt }, 'confirmation planned');
      return clock;
    },

    /**
     * Sends the customer a reminder that their resolved ticket waits for confirmation.
     * NOTE: delivery is a structured log line for now; notification channels (outbox table, webhook) are not built yet.
     */
    async sendCustomerReminder(input: { ticketId: string; customer: string; reminderNumber: number }): Promise<void> {
      logger.info({ ticketId: input.ticketId, customer: input.customer, reminderNumber: input.reminderNumber }, 'confirmation reminder sent');
    },

    /** Starts a ticket's response and resolution clocks from the SLA policy in force, and evaluates them. */
    async startSlaClocks(input: { ticketId: string; priority: Priority; ticketType: string; deskId: string; startedAt: string }) {
      const policy = slaPolicy();
      const rule = selectSlaTargets(policy, { priority: input.priority, ticketType: input.ticketType });
      const record = (kind: 'response' | 'resolution'): SlaClockRecord => ({
        kind,
        calendar: resolveCalendarName(rule[kind].calendar, input.deskId),
        targetMinutes: rule[kind].targetMinutes,
        runStartedAt: input.startedAt,
        carriedElapsedMinutes: 0,
        pauses: [],
        stoppedAt: null,
      });

      const records = { response: record('response'), resolution: record('resolution') };
      const [response, resolution] = evaluate([records.response, records.resolution], input.startedAt);
      logger.info({ ticketId: input.ticketId, policy: policy.name, responseDueAt: response!.dueAt, resolutionDueAt: resolution!.dueAt }, 'SLA clocks started');
      return {
        records,
        snapshots: { response: response!, resolution: resolution! },
        pausingPendingReasons: policy.pausingPendingReasons,
        reopenBehaviour: policy.reopenBehaviour,
      };
    },

    /** Evaluates clock records at an instant: elapsed business time, due instants and escalation instants. */
    async evaluateSlaClocks(input: { ticketId: string; records: SlaClockRecord[]; evaluatedAt: string }): Promise<SlaClockSnapshot[]> {
      return evaluate(input.records, input.evaluatedAt);
    },

    /**
     * Notifies the people an escalation level names.
     * NOTE: delivery is a structured log line for now; notification channels (outbox table, webhook) are not built yet.
     */
    async sendEscalationNotice(input: { ticketId: string; clock: string; level: string; actions: string[]; assignee: string | null; deskId: string | null }): Promise<void> {
      logger.warn({ ticketId: input.ticketId, clock: input.clock, escalationLevel: input.level, actions: input.actions, assignee: input.assignee, deskId: input.deskId }, 'SLA escalation');
    },

    /** Writes the ticket's state and new events to the store; idempotent, so retries are safe. */
    async recordTicketChanges(input: { state: TicketState; events: TicketEvent[] }): Promise<void> {
      await projectTicket(database, input.state, input.events);
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;
