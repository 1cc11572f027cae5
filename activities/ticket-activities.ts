import { DateTime } from 'luxon';
import type { Logger } from 'pino';

import { addBusinessDays } from '../src/calendar/business-days';
import { buildSlaCalendarRegistry, type SlaCalendarRegistry } from '../src/calendar/business-calendars';
import { cachedCalendar } from '../src/calendar/cached-calendar';
import { chooseOwningDesk, currentShift } from '../src/calendar/desk-schedule';
import { routeTicketToDesk } from '../src/calendar/desk-routing';
import { planPickup, type PickupPlan, type PickupWaitInput } from '../src/calendar/pickup-escalation';
import { computeSlaClockSnapshot, type SlaClockRecord, type SlaClockSnapshot } from '../src/calendar/sla-clock';
import { defaultSlaPolicy, resolveCalendarName, selectSlaTargets, type SlaPolicy } from '../src/domain/sla';
import { defaultConfirmationPolicy, type ConfirmationPolicy } from '../src/config/organisation';
import type { DeskConfiguration } from '../src/domain/desks';
import type { Priority } from '../src/domain/priority';
import type { ConfirmationClock, DeskOwnership, TicketEvent, TicketState } from '../src/domain/ticket';
import type { StoreDatabase } from '../src/store/database';
import type { TicketSlaClocks } from '../workflows/sla-rules';
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

/** A resolved ticket whose customer-confirmation clock is to be planned. */
export interface ConfirmationRequest {
  ticketId: string;
  deskId: string | null;
  resolvedAt: string;
}

/** A ticket whose SLA clocks start: its priority and type choose the targets, its desk the `owning-desk` calendar. */
export interface SlaStartRequest {
  ticketId: string;
  priority: Priority;
  ticketType: string;
  /** Customer group of the ticket; the general rules when absent. */
  customerGroup?: string;
  deskId: string;
  startedAt: string;
}

/** Clocks as `startSlaClocks` starts them; the workflow adds the fired levels. */
export type StartedSlaClocks = Omit<TicketSlaClocks, 'firedLevels'>;

/** Request of one ticket step to `recordTicketStep`. */
export interface TicketStepRequest {
  /** The state to write, after the step's results are put into it. */
  state: TicketState;
  /** Events not yet written. */
  events: TicketEvent[];
  /** Start the SLA clocks (a new ticket). */
  startSla?: SlaStartRequest;
  /** Evaluate the clock records at the instant (an event moved them). */
  evaluateSla?: { records: SlaClockRecord[]; evaluatedAt: string };
  /** Plan the confirmation clock (the ticket was resolved). */
  confirmation?: ConfirmationRequest;
  /** Plan the pickup watch (the ticket waits unassigned in a group's queue). */
  pickup?: { ticketId: string } & PickupWaitInput;
}

/** Results of a ticket step; the workflow puts the same values into its state. */
export interface TicketStepResult {
  /** The worker's clock when the write finished (see `recordTicketChanges`). */
  recordedAt: string;
  startedSla?: StartedSlaClocks;
  /** Response and resolution snapshots, in that order. */
  slaSnapshots?: SlaClockSnapshot[];
  /** Reason the clocks could not be started or evaluated; the ticket keeps its last clocks. */
  slaError?: string;
  confirmation?: ConfirmationClock;
  pickup?: PickupPlan;
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

  // Building the calendars parses every shift and holiday; build them once per configuration in force.
  const registries = new WeakMap<DeskConfiguration, SlaCalendarRegistry>();
  const calendarsInForce = (): SlaCalendarRegistry => {
    const configuration = deskConfiguration();
    let registry = registries.get(configuration);
    if (registry === undefined) {
      const built = buildSlaCalendarRegistry({ desks: configuration.desks, specialistGroups: configuration.specialistGroups });
      registry = new Map([...built].map(([name, calendar]) => [name, cachedCalendar(calendar)]));
      registries.set(configuration, registry);
    }
    return registry;
  };

  const evaluate = (records: SlaClockRecord[], evaluatedAt: string): SlaClockSnapshot[] => {
    const registry = calendarsInForce();
    return records.map((record) => computeSlaClockSnapshot(registry, record, slaPolicy().escalationLevels, evaluatedAt));
  };

  const planConfirmationClock = (input: ConfirmationRequest): ConfirmationClock => {
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
  };

  const startClocks = (input: SlaStartRequest): StartedSlaClocks => {
    const policy = slaPolicy();
    const rule = selectSlaTargets(policy, { priority: input.priority, ticketType: input.ticketType, customerGroup: input.customerGroup });
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
  };

  const planPickupWatch = (input: { ticketId: string } & PickupWaitInput): PickupPlan => {
    const plan = planPickup(calendarsInForce(), deskConfiguration(), slaPolicy(), input);

    logger.info({ ticketId: input.ticketId, assignmentGroup: plan.assignmentGroup, groupOnDutyFrom: plan.groupOnDutyFrom, escalationDueAt: plan.escalation?.dueAt ?? null, toGroup: plan.escalation?.toGroup ?? null }, 'pickup watch planned');
    return plan;
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
    async planConfirmation(input: ConfirmationRequest): Promise<ConfirmationClock> {
      return planConfirmationClock(input);
    },

    /**
     * Sends the customer a reminder that their resolved ticket waits for confirmation.
     * NOTE: delivery is a structured log line for now; notification channels (outbox table, webhook) are not built yet.
     */
    async sendCustomerReminder(input: { ticketId: string; customer: string; reminderNumber: number }): Promise<void> {
      logger.info({ ticketId: input.ticketId, customer: input.customer, reminderNumber: input.reminderNumber }, 'confirmation reminder sent');
    },

    /** Starts a ticket's response and resolution clocks from the SLA policy in force, and evaluates them. */
    async startSlaClocks(input: SlaStartRequest): Promise<StartedSlaClocks> {
      return startClocks(input);
    },

    /** Evaluates clock records at an instant: elapsed business time, due instants and escalation instants. */
    async evaluateSlaClocks(input: { ticketId: string; records: SlaClockRecord[]; evaluatedAt: string }): Promise<SlaClockSnapshot[]> {
      return evaluate(input.records, input.evaluatedAt);
    },

    /**
     * Runs one step of a ticket in one local activity: starts or evaluates its SLA
     * clocks, plans its customer confirmation and its pickup watch when asked,
     * puts the results into the state, and writes state and events to the
     * store. SLA and pickup failures (a configuration that cannot serve the
     * ticket) are logged and reported in the result, so the ticket keeps its
     * last clocks. A store failure throws, and the retry repeats the step,
     * which is idempotent.
     *
     * @example
     *   const result = await recordTicketStep({ state, events, evaluateSla: { records, evaluatedAt } });
     */
    async recordTicketStep(input: TicketStepRequest): Promise<TicketStepResult> {
      const state: TicketState = { ...input.state };
      const result: TicketStepResult = { recordedAt: '' };

      if (input.startSla !== undefined) {
        try {
          const started = startClocks(input.startSla);
          result.startedSla = started;
          state.sla = { ...started, firedLevels: state.sla?.firedLevels ?? [] };
        } catch (error) {
          result.slaError = String(error);
          logger.warn({ ticketId: state.ticketId, err: error }, 'SLA clocks not started');
        }
      }
      if (input.evaluateSla !== undefined && state.sla !== null) {
        try {
          const [response, resolution] = evaluate(input.evaluateSla.records, input.evaluateSla.evaluatedAt);
          result.slaSnapshots = [response!, resolution!];
          state.sla = { ...state.sla, snapshots: { response: response!, resolution: resolution! } };
        } catch (error) {
          result.slaError = String(error);
          logger.warn({ ticketId: state.ticketId, err: error }, 'SLA clocks not evaluated');
        }
      }
      if (input.confirmation !== undefined) {
        result.confirmation = planConfirmationClock(input.confirmation);
        state.confirmation = result.confirmation;
      }
      if (input.pickup !== undefined) {
        try {
          result.pickup = planPickupWatch(input.pickup);
        } catch (error) {
          logger.warn({ ticketId: state.ticketId, assignmentGroup: input.pickup.assignmentGroup, err: error }, 'pickup watch not planned');
          result.pickup = { assignmentGroup: input.pickup.assignmentGroup, waitingSince: input.pickup.waitingSince, groupOnDutyFrom: null, escalation: null };
        }
        state.pickup = { ...result.pickup, groupNotifiedAt: null };
      }

      await projectTicket(database, state, input.events);
      result.recordedAt = new Date().toISOString();
      return result;
    },

    /**
     * Notifies the people an escalation level names.
     * NOTE: delivery is a structured log line for now; notification channels (outbox table, webhook) are not built yet.
     */
    async sendEscalationNotice(input: { ticketId: string; clock: string; level: string; actions: string[]; assignee: string | null; deskId: string | null }): Promise<void> {
      logger.warn({ ticketId: input.ticketId, clock: input.clock, escalationLevel: input.level, actions: input.actions, assignee: input.assignee, deskId: input.deskId }, 'SLA escalation');
    },

    /**
     * Writes the ticket's state and new events to the store; idempotent, so retries are safe.
     * Returns the worker's clock when the write finished: the workflow's own clock
     * does not move during its workflow task, so it uses this reading to start
     * timers that fire at their instant rather than late by the task's duration.
     */
    async recordTicketChanges(input: { state: TicketState; events: TicketEvent[] }): Promise<{ recordedAt: string }> {
      await projectTicket(database, input.state, input.events);
      return { recordedAt: new Date().toISOString() };
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;
