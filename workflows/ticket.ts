/**
 * The ticket workflow: one per ticket, workflow id = ticket id. It owns the
 * ticket from first contact to closure, hands it to the next desk on duty when
 * its desk's shift ends (for priorities that follow the sun), reminds the
 * customer while a resolution waits for confirmation, and writes every
 * transition to the ticket store through an idempotent activity.
 */

import {
  ActivityFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setDefaultSignalHandler,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

import type { DeskActivities, TicketActivities } from '../activities';
import { assignmentGroupKey, ownerDeskKey, resolutionDueKey, slaBreachedKey, ticketPriorityKey, ticketStatusKey, ticketTypeKey } from '../src/domain/search-attributes';
import { terminalStatuses, type OpenTicketInput, type TicketState } from '../src/domain/ticket';
import { ticketCommandNames, ticketSignals, ticketStateQuery, ticketUpdates, type TicketCommand } from './messages';
import { pendingEscalations, type DueEscalation } from './sla-rules';
import { TicketRun, type CarriedOverState } from './ticket-run';

export type { CarriedOverState } from './ticket-run';

/** Input of a ticket workflow run: a new ticket, or the state a previous run carried over. */
export interface TicketWorkflowInput {
  ticket: OpenTicketInput;
  /** Set by continue-as-new only. */
  carriedOver?: CarriedOverState;
  /** Whether to maintain the ticket search attributes; off on servers that have not registered them. */
  searchAttributes?: boolean;
  /** History length at which the run continues as new; 2,000 events when absent. */
  historyEventLimit?: number;
  /** Whether to run SLA clocks and escalations; on when absent. */
  slaClocks?: boolean;
}

/**
 * Default bound on a run's history. A busy ticket (hand-offs three times a
 * weekday, comments, transfers) stays far below the server's 51,200-event
 * limit, and replaying 2,000 events when a worker's cache evicts the ticket
 * takes well under a second.
 */
export const defaultHistoryEventLimit = 2000;

// Store writes and calendar arithmetic run as local activities: they are short,
// idempotent and need no desk, so they skip the round trip through a task queue.
const ticketActivities = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// SLA evaluation depends on the desk configuration in force. A bad configuration must not
// wedge the ticket, so these give up after a few attempts and the workflow keeps its last clocks.
const slaActivities = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/**
 * Activities on one desk's task queue. A desk whose workers do not pick the task
 * up within `unreachableAfterSeconds` counts as unreachable: the schedule-to-start
 * timeout is not retried, so the workflow learns it and re-routes the ticket.
 */
function deskActivities(taskQueue: string, unreachableAfterSeconds: number) {
  return proxyActivities<DeskActivities>({
    taskQueue,
    scheduleToStartTimeout: unreachableAfterSeconds * 1000,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
}

/** How often a re-routed ticket checks whether the desk that owns it by schedule picks up work again. */
const handBackCheckIntervalMilliseconds = 15 * 60 * 1000;

function isDeskUnreachable(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === 'SCHEDULE_TO_START';
}

/** Something the ticket must do at an instant unless a message changes its plans first. */
interface Deadline {
  kind: 'hand-off' | 'hand-back' | 'reminder' | 'auto-close' | 'escalation';
  at: string;
  escalation?: DueEscalation;
}

/** Runs one ticket from first contact to closure or cancellation. */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  const nowIso = (): string => new Date(Date.now()).toISOString();
  const run = input.carriedOver === undefined ? TicketRun.open(input.ticket, nowIso) : TicketRun.resume(input.carriedOver, nowIso);
  const state = (): TicketState => run.state;
  const isTerminal = (): boolean => terminalStatuses.includes(run.state.status);

  // Messages that arrive before the first routing wait for it, so every trail starts with opened and routed.
  let routed = input.carriedOver !== undefined;

  setHandler(ticketStateQuery, state);

  // The default handler comes first: signals that arrived before the handlers
  // existed are then dispatched in arrival order, not grouped by name as each
  // named handler's registration would dispatch them.
  setDefaultSignalHandler(async (signalName, ...payload) => {
    await condition(() => routed);
    if ((ticketCommandNames as readonly string[]).includes(signalName)) {
      run.applySignal({ name: signalName, request: payload[0] } as TicketCommand);
      return;
    }
    run.refuse(signalName, payload[0], `unknown signal '${signalName}': use one of ${ticketCommandNames.join(', ')}`);
  });

  for (const name of ticketCommandNames) {
    const command = (request: unknown): TicketCommand => ({ name, request }) as TicketCommand;
    setHandler(
      ticketUpdates[name] as typeof ticketUpdates.comment,
      async (request) => {
        await condition(() => routed);
        return run.applyUpdate(command(request));
      },
      { validator: (request) => run.validateUpdate(command(request)) },
    );
    setHandler(ticketSignals[name] as typeof ticketSignals.comment, async (request) => {
      await condition(() => routed);
      run.applySignal(command(request));
    });
  }
  let indexedAttributes = '';
  const updateSearchAttributes = (): void => {
    if (input.searchAttributes === false) {
      return;
    }

    const ticket = run.state;
    const ownerDesk = ticket.ownership?.deskId ?? 'none';
    const resolutionDue = ticket.sla?.snapshots.resolution.state === 'running' ? ticket.sla.snapshots.resolution.dueAt : null;
    const fingerprint = [ticket.status, ticket.priority, ownerDesk, ticket.assignmentGroup, ticket.ticketType, ticket.slaBreached, resolutionDue].join('|');
    if (fingerprint === indexedAttributes) {
      return;
    }

    indexedAttributes = fingerprint;
    upsertSearchAttributes([
      { key: ticketStatusKey, value: ticket.status },
      { key: ticketPriorityKey, value: ticket.priority },
      { key: ownerDeskKey, value: ownerDesk },
      { key: assignmentGroupKey, value: ticket.assignmentGroup },
      { key: ticketTypeKey, value: ticket.ticketType },
      { key: slaBreachedKey, value: ticket.slaBreached },
      ...(resolutionDue === null ? [] : [{ key: resolutionDueKey, value: new Date(resolutionDue) }]),
    ]);
  };

  const recordChanges = async (): Promise<void> => {
    updateSearchAttributes();
    while (run.unrecordedEvents.length > 0) {
      const events = run.unrecordedEvents;
      run.unrecordedEvents = [];
      await ticketActivities.recordTicketChanges({ state: { ...run.state, recentEvents: [] }, events });
    }
  };

  const needsDeskWork = (): boolean => run.state.status === 'new' || run.state.status === 'assigned';

  let unreachableAfterSeconds = 60;
  let handBackCheckAt: string | null = null;

  const handOffNote = (toDeskId: string) => {
    const ticket = run.state;
    return {
      ticketId: ticket.ticketId,
      fromDeskId: ticket.ownership?.deskId ?? 'none',
      toDeskId,
      status: ticket.status,
      lastActions: ticket.recentEvents.slice(-3).map((event) => `${event.occurredAt} ${event.type} by ${event.actor}${event.reason === null ? '' : `: ${event.reason}`}`),
      nextStep: ticket.assignee === null ? `take the ticket from the ${ticket.assignmentGroup} queue` : `continue the work of ${ticket.assignee}`,
    };
  };

  /** Hands the ticket to the desk on duty at `handOffAt`: the shift end, or now when the ticket needs work again after it. */
  const handOff = async (handOffAt: string): Promise<void> => {
    const ticket = run.state;
    const ownership = ticket.ownership!;
    const customer = { customerTimeZone: ticket.customerTimeZone, customerSite: input.ticket.customerSite };
    const decision = await ticketActivities.planHandOff({ ticketId: ticket.ticketId, priority: ticket.priority, fromDeskId: ownership.deskId, at: handOffAt, ...customer });
    run.followTheSunPriorities = decision.followTheSunPriorities ?? run.followTheSunPriorities;
    unreachableAfterSeconds = decision.deskUnreachableAfterSeconds ?? unreachableAfterSeconds;
    ticket.followsTheSun = decision.followsTheSun;
    if (decision.ownership.deskId === ownership.deskId) {
      ticket.ownership = decision.ownership;
      return;
    }

    // Try the planned desk, then the next ones on duty, passing over desks whose workers do not pick up.
    const unreachable: string[] = [];
    let target = decision.ownership;
    for (;;) {
      const note = handOffNote(target.deskId);
      try {
        const receipt = await deskActivities(target.taskQueue, unreachableAfterSeconds).acceptHandOff(note);
        ticket.ownership = target;
        ticket.handOffCount += 1;
        run.record([{ type: 'handed_off', actor: 'sundesk', occurredAt: handOffAt, reason: 'shift ended', details: { ...note, receivedOn: receipt.taskQueue, receivedBy: receipt.workerIdentity } }], target.deskId);
        log.info('ticket handed off', { ticketId: ticket.ticketId, fromDeskId: note.fromDeskId, toDeskId: note.toDeskId });
        break;
      } catch (error) {
        if (!isDeskUnreachable(error)) {
          throw error;
        }
      }

      unreachable.push(target.deskId);
      log.warn('desk unreachable', { ticketId: ticket.ticketId, deskId: target.deskId, unreachableAfterSeconds });
      const reroute = await ticketActivities.planHandOff({ ticketId: ticket.ticketId, priority: ticket.priority, fromDeskId: ownership.deskId, at: nowIso(), excludedDeskIds: unreachable, ...customer });
      if (unreachable.includes(reroute.ownership.deskId)) {
        // No other desk is left: the ticket stays planned for the unreachable desk and waits for its workers.
        ticket.ownership = target;
        run.record([{ type: 'rerouted', actor: 'sundesk', occurredAt: nowIso(), reason: `no reachable desk: ${unreachable.join(', ')} did not pick up within ${unreachableAfterSeconds} s`, details: { unreachableDeskIds: unreachable, toDeskId: target.deskId } }], target.deskId);
        break;
      }

      ticket.reroutedFrom ??= decision.ownership.deskId;
      handBackCheckAt = new Date(Date.now() + handBackCheckIntervalMilliseconds).toISOString();
      run.record([{ type: 'rerouted', actor: 'sundesk', occurredAt: nowIso(), reason: `${target.deskId} did not pick up the hand-off within ${unreachableAfterSeconds} s`, details: { unreachableDeskId: target.deskId, toDeskId: reroute.ownership.deskId } }], reroute.ownership.deskId);
      target = reroute.ownership;
    }
  };

  /** Gives a re-routed ticket back to the desk that owns it by schedule once that desk's workers pick up again. */
  const tryHandBack = async (): Promise<void> => {
    const ticket = run.state;
    const scheduledDeskId = ticket.reroutedFrom!;
    const shift = await ticketActivities.deskShiftAt({ ticketId: ticket.ticketId, deskId: scheduledDeskId, at: nowIso() });
    if (shift === null) {
      // Its shift is over: the ticket follows the normal hand-offs from its current desk.
      ticket.reroutedFrom = null;
      handBackCheckAt = null;
      return;
    }

    const note = handOffNote(scheduledDeskId);
    try {
      const receipt = await deskActivities(shift.taskQueue, unreachableAfterSeconds).acceptHandOff(note);
      ticket.ownership = shift;
      ticket.reroutedFrom = null;
      handBackCheckAt = null;
      ticket.handOffCount += 1;
      run.record([{ type: 'handed_back', actor: 'sundesk', occurredAt: nowIso(), reason: `${scheduledDeskId} picks up work again`, details: { ...note, receivedOn: receipt.taskQueue, receivedBy: receipt.workerIdentity } }], scheduledDeskId);
    } catch (error) {
      if (!isDeskUnreachable(error)) {
        throw error;
      }
      handBackCheckAt = new Date(Date.now() + handBackCheckIntervalMilliseconds).toISOString();
    }
  };

  /** Starts the clocks from the SLA policy; a failure leaves the ticket without clocks and logs why. */
  const startSlaClocks = async (startedAt: string): Promise<void> => {
    const ticket = run.state;
    try {
      const started = await slaActivities.startSlaClocks({ ticketId: ticket.ticketId, priority: ticket.priority, ticketType: ticket.ticketType, deskId: ticket.ownership?.deskId ?? 'none', startedAt });
      ticket.sla = { ...started, firedLevels: ticket.sla?.firedLevels ?? [] };
    } catch (error) {
      log.warn('SLA clocks not started', { ticketId: ticket.ticketId, error: String(error) });
    }
  };

  /** Re-evaluates the clocks after an event moved them (pause, stop, reopen) or the priority changed. */
  const evaluateSlaClocks = async (priorityChanged: boolean): Promise<void> => {
    const ticket = run.state;
    const sla = ticket.sla!;
    try {
      const [response, resolution] = await slaActivities.evaluateSlaClocks({ ticketId: ticket.ticketId, records: [sla.records.response, sla.records.resolution], evaluatedAt: nowIso() });
      sla.snapshots = { response: response!, resolution: resolution! };

      if (priorityChanged) {
        // A new run of each clock on the new priority's target, carrying the business time already elapsed.
        const previous = sla;
        await startSlaClocks(nowIso());
        for (const kind of ['response', 'resolution'] as const) {
          ticket.sla!.records[kind].carriedElapsedMinutes = previous.snapshots[kind].elapsedBusinessMinutes;
          ticket.sla!.records[kind].stoppedAt = previous.records[kind].stoppedAt;
          ticket.sla!.records[kind].pauses = previous.records[kind].pauses.filter((pause) => pause.end === null).map((pause) => ({ start: nowIso(), end: null }));
        }
        const [newResponse, newResolution] = await slaActivities.evaluateSlaClocks({ ticketId: ticket.ticketId, records: [ticket.sla!.records.response, ticket.sla!.records.resolution], evaluatedAt: nowIso() });
        ticket.sla!.snapshots = { response: newResponse!, resolution: newResolution! };
      }
    } catch (error) {
      log.warn('SLA clocks not evaluated', { ticketId: ticket.ticketId, error: String(error) });
    }
  };

  const nextDeadline = (): Deadline | undefined => {
    const ticket = run.state;
    const deadlines: Deadline[] = [];
    if (ticket.followsTheSun && needsDeskWork() && ticket.ownership !== null) {
      deadlines.push({ kind: 'hand-off', at: ticket.ownership.shiftEndsAt });
    }
    if (ticket.reroutedFrom !== null && handBackCheckAt !== null && !isTerminal()) {
      deadlines.push({ kind: 'hand-back', at: handBackCheckAt });
    }
    if (ticket.status === 'resolved' && ticket.confirmation !== null) {
      const reminderAt = ticket.confirmation.reminderInstants[ticket.confirmation.remindersSent];
      if (reminderAt !== undefined) {
        deadlines.push({ kind: 'reminder', at: reminderAt });
      }
      if (ticket.confirmation.autoCloseAt !== null) {
        deadlines.push({ kind: 'auto-close', at: ticket.confirmation.autoCloseAt });
      }
    }

    const escalation = ticket.sla === null ? undefined : pendingEscalations(ticket.sla)[0];
    if (escalation !== undefined) {
      deadlines.push({ kind: 'escalation', at: escalation.at, escalation });
    }

    return deadlines.reduce<Deadline | undefined>((earliest, deadline) => (earliest === undefined || Date.parse(deadline.at) < Date.parse(earliest.at) ? deadline : earliest), undefined);
  };

  const meetDeadline = async (deadline: Deadline, at: string): Promise<void> => {
    const ticket = run.state;
    if (deadline.kind === 'hand-off') {
      await handOff(at);
      return;
    }
    if (deadline.kind === 'hand-back') {
      await tryHandBack();
      return;
    }

    if (deadline.kind === 'escalation') {
      const escalation = deadline.escalation!;
      ticket.sla!.firedLevels.push(`${escalation.clock}:${escalation.level}`);
      if (escalation.actions.includes('mark_breached')) {
        ticket.slaBreached = true;
      }
      await ticketActivities.sendEscalationNotice({ ticketId: ticket.ticketId, clock: escalation.clock, level: escalation.level, actions: escalation.actions, assignee: ticket.assignee, deskId: ticket.ownership?.deskId ?? null });
      run.record([{ type: 'sla_escalated', actor: 'sundesk', occurredAt: at, reason: `${escalation.clock} clock reached ${escalation.percentOfTarget} % of its target`, details: { ...escalation } }]);
      log.info('SLA escalation', { ticketId: ticket.ticketId, clock: escalation.clock, level: escalation.level });
      return;
    }

    const confirmation = ticket.confirmation!;
    if (deadline.kind === 'reminder') {
      confirmation.remindersSent += 1;
      await ticketActivities.sendCustomerReminder({ ticketId: ticket.ticketId, customer: ticket.customer, reminderNumber: confirmation.remindersSent });
      run.record([{ type: 'reminder_sent', actor: 'sundesk', occurredAt: at, reason: null, details: { reminderNumber: confirmation.remindersSent, policy: confirmation.policyName } }]);
      return;
    }

    ticket.status = 'closed';
    ticket.closedAt = at;
    ticket.closedWithoutConfirmation = true;
    ticket.confirmation = null;
    run.record([{ type: 'closed', actor: 'sundesk', occurredAt: at, reason: `closed without confirmation: no answer from the customer (policy ${confirmation.policyName})`, details: { withoutConfirmation: true } }]);
  };

  if (input.carriedOver === undefined) {
    const ticket = run.state;
    run.record([{ type: 'opened', actor: input.ticket.actor, occurredAt: ticket.openedAt, reason: null, details: { priority: ticket.priority, impact: ticket.impact, urgency: ticket.urgency, title: ticket.title, assignmentGroup: ticket.assignmentGroup, supportLevel: ticket.supportLevel } }], null);

    const decision = await ticketActivities.routeTicket({ ticketId: ticket.ticketId, priority: ticket.priority, at: nowIso(), customerTimeZone: ticket.customerTimeZone, customerSite: input.ticket.customerSite });
    unreachableAfterSeconds = decision.deskUnreachableAfterSeconds ?? unreachableAfterSeconds;
    ticket.ownership = decision.ownership;
    ticket.followsTheSun = decision.followsTheSun;
    run.followTheSunPriorities = decision.followTheSunPriorities ?? [];
    run.record([{ type: 'routed', actor: 'sundesk', occurredAt: ticket.openedAt, reason: null, details: { ...decision.ownership, followsTheSun: decision.followsTheSun } }]);

    if (input.slaClocks !== false && patched('sla-clocks')) {
      await startSlaClocks(nowIso());
    }
    routed = true;
  }

  const historyEventLimit = input.historyEventLimit ?? defaultHistoryEventLimit;
  let slaEvaluatedThrough = run.state.lastSequence;
  if (input.carriedOver !== undefined && run.state.sla !== null) {
    // The previous run may have ended before evaluating its last events.
    run.slaChanged = true;
  }
  while (!isTerminal()) {
    await recordChanges();

    const info = workflowInfo();
    if (info.historyLength >= historyEventLimit || info.continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await recordChanges();
      log.info('ticket continues as new', { ticketId: run.state.ticketId, historyLength: workflowInfo().historyLength });
      await continueAsNew<typeof ticketWorkflow>({ ...input, carriedOver: run.carryOver() });
    }

    const priorityChanged = run.state.sla !== null && run.state.recentEvents.some((event) => event.type === 'priority_changed' && event.sequence > slaEvaluatedThrough);
    if (run.state.sla !== null && (run.slaChanged || priorityChanged)) {
      run.slaChanged = false;
      slaEvaluatedThrough = run.state.lastSequence;
      await evaluateSlaClocks(priorityChanged);
      continue;
    }

    if (run.state.status === 'resolved' && run.state.confirmation === null && patched('customer-confirmation-clock')) {
      run.state.confirmation = await ticketActivities.planConfirmation({ ticketId: run.state.ticketId, deskId: run.state.ownership?.deskId ?? null, resolvedAt: nowIso() });
      continue;
    }

    const deadline = nextDeadline();
    if (deadline === undefined) {
      await condition(() => run.unrecordedEvents.length > 0 || isTerminal());
      continue;
    }

    const millisecondsToDeadline = Date.parse(deadline.at) - Date.now();
    if (millisecondsToDeadline > 0) {
      const changed = await condition(() => run.unrecordedEvents.length > 0 || isTerminal(), millisecondsToDeadline);
      if (changed) {
        continue;
      }
    }
    await meetDeadline(deadline, millisecondsToDeadline > 0 ? deadline.at : nowIso());
  }

  await condition(allHandlersFinished);
  await recordChanges();
  log.info('ticket workflow completed', { ticketId: run.state.ticketId, status: run.state.status });
  return run.state;
}
