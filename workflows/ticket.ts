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
import type { SlaStartRequest, TicketStepRequest } from '../activities/ticket-activities';
import type { NotificationActivities } from '../activities/notification-activities';
import type { Notification, NotificationKind } from '../src/notifications/notification';
import type { PickupWatch } from '../src/domain/ticket';
import { formatTargetDuration } from '../src/domain/sla';
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
  /** Whether to send notifications through the outbox and its channels; on when absent. Reminders and escalations still enter the trail without them. */
  notifications?: boolean;
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

// Notifications are ordinary activities on the ticket task queue with retries
// of their own: a channel that fails is retried with back-off for up to a day
// while the ticket goes on, because the workflow does not wait for them.
const notificationActivities = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['InvalidNotification'] },
});

/** Recipients of an SLA escalation level's notification, from the level's actions. */
function escalationRecipients(actions: readonly string[], assignee: string | null, deskId: string | null): string[] {
  const recipients: string[] = [];
  if (actions.includes('notify_assignee') && assignee !== null) {
    recipients.push(`assignee:${assignee}`);
  }
  if (actions.includes('notify_desk_lead') && deskId !== null) {
    recipients.push(`desk-lead:${deskId}`);
  }
  if (actions.includes('notify_duty_manager')) {
    recipients.push('duty-manager');
  }
  if (actions.includes('notify_service_owner')) {
    recipients.push('service-owner');
  }
  return recipients;
}

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

/**
 * Maximum amount by which a worker's clock reading (see `recordTicketChanges`)
 * moves the workflow's clock forward when a timer starts. A worker whose clock
 * is ahead therefore makes timers fire early by at most this much.
 */
const workerClockCorrectionLimitMilliseconds = 5000;

/** Something the ticket must do at an instant unless a message changes its plans first. */
interface Deadline {
  kind: 'hand-off' | 'hand-back' | 'reminder' | 'auto-close' | 'escalation' | 'group-notice' | 'pickup-escalation';
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
  // Set with the version patch below. The SDK records a stack trace for every
  // promise that workflow code creates, so version 2 skips the wait once routed.
  let stepsVersion2 = false;
  const mustWaitForRouting = (): boolean => !(routed && stepsVersion2);

  setHandler(ticketStateQuery, state);

  // The default handler comes first: signals that arrived before the handlers
  // existed are then dispatched in arrival order, not grouped by name as each
  // named handler's registration would dispatch them.
  setDefaultSignalHandler(async (signalName, ...payload) => {
    if (mustWaitForRouting()) {
      await condition(() => routed);
    }
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
        if (mustWaitForRouting()) {
          await condition(() => routed);
        }
        return run.applyUpdate(command(request));
      },
      { validator: (request) => run.validateUpdate(command(request)) },
    );
    setHandler(ticketSignals[name] as typeof ticketSignals.comment, async (request) => {
      if (mustWaitForRouting()) {
        await condition(() => routed);
      }
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

  // The workflow's clock does not move during a workflow task, but the task's
  // local activities take real time. The store write therefore reports the
  // worker's clock, and timers start from it (bounded by the correction limit).
  let workerClockMilliseconds = 0;
  const timerStartMilliseconds = (): number => Date.now() + Math.min(Math.max(0, workerClockMilliseconds - Date.now()), workerClockCorrectionLimitMilliseconds);

  const recordChanges = async (): Promise<void> => {
    updateSearchAttributes();
    while (run.unrecordedEvents.length > 0) {
      const events = run.unrecordedEvents;
      run.unrecordedEvents = [];
      const receipt = await ticketActivities.recordTicketChanges({ state: { ...run.state, recentEvents: [] }, events });
      // Histories recorded before the receipt existed return nothing here.
      if (receipt !== undefined && receipt !== null) {
        workerClockMilliseconds = Date.parse(receipt.recordedAt);
      }
    }
  };

  const needsDeskWork = (): boolean => run.state.status === 'new' || run.state.status === 'assigned';

  let unreachableAfterSeconds = 60;
  /** Sequence of the last event whose effect on the clocks was evaluated. */
  let slaEvaluatedThrough = run.state.lastSequence;
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

  /** Builds the request that starts the ticket's clocks at `startedAt` on its current priority, type, customer group and desk. */
  const slaStartRequest = (startedAt: string): SlaStartRequest => {
    const ticket = run.state;
    return {
      ticketId: ticket.ticketId,
      priority: ticket.priority,
      ticketType: ticket.ticketType,
      ...(ticket.customerGroup == null ? {} : { customerGroup: ticket.customerGroup }),
      deskId: ticket.ownership?.deskId ?? 'none',
      startedAt,
    };
  };

  /** Starts the clocks from the SLA policy; a failure leaves the ticket without clocks and logs why. */
  const startSlaClocks = async (startedAt: string): Promise<void> => {
    const ticket = run.state;
    try {
      const started = await slaActivities.startSlaClocks(slaStartRequest(startedAt));
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

        if (stoppedClocksKeepTheirOutcome) {
          // A clock that stopped before the change (the first response, a resolution) keeps its target and outcome.
          for (const kind of ['response', 'resolution'] as const) {
            if (previous.records[kind].stoppedAt !== null) {
              ticket.sla!.records[kind] = previous.records[kind];
              ticket.sla!.snapshots[kind] = previous.snapshots[kind];
            }
          }
        }
      }
    } catch (error) {
      log.warn('SLA clocks not evaluated', { ticketId: ticket.ticketId, error: String(error) });
    }
  };

  // Deliveries in flight; the run waits for them only before it ends or continues as new.
  const deliveries = new Set<Promise<void>>();

  /** Sends a notification about the event just recorded, without waiting for its delivery. */
  const notify = (kind: NotificationKind, recipients: string[], subject: string, payload: Notification['payload']): void => {
    const ticket = run.state;
    if (recipients.length === 0) {
      return;
    }

    const notification: Notification = { notificationId: `${ticket.ticketId}:${kind}:${ticket.lastSequence}`, ticketId: ticket.ticketId, kind, recipients, subject, payload, createdAt: nowIso() };
    const delivery: Promise<void> = notificationActivities.deliverNotification(notification).then(
      () => undefined,
      (error: unknown) => log.warn('notification not delivered', { ticketId: ticket.ticketId, notificationId: notification.notificationId, error: String(error) }),
    );
    deliveries.add(delivery);
    void delivery.then(() => deliveries.delete(delivery));
  };

  const waitsForPickup = (): boolean => needsDeskWork() && run.state.assignee === null;

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

    const watch = ticket.pickup ?? null;
    if (watch !== null && waitsForPickup()) {
      // At the same instant the group hears of the ticket before the ticket moves on.
      if (watch.groupOnDutyFrom !== null && watch.groupNotifiedAt === null) {
        deadlines.push({ kind: 'group-notice', at: watch.groupOnDutyFrom });
      }
      if (watch.escalation !== null) {
        deadlines.push({ kind: 'pickup-escalation', at: watch.escalation.dueAt });
      }
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
      if (!notificationsEnabled) {
        await ticketActivities.sendEscalationNotice({ ticketId: ticket.ticketId, clock: escalation.clock, level: escalation.level, actions: escalation.actions, assignee: ticket.assignee, deskId: ticket.ownership?.deskId ?? null });
      }
      run.record([{ type: 'sla_escalated', actor: 'sundesk', occurredAt: at, reason: `${escalation.clock} clock reached ${escalation.percentOfTarget} % of its target`, details: { ...escalation, firedAt: nowIso() } }]);
      if (notificationsEnabled) {
        const recipients = escalationRecipients(escalation.actions, ticket.assignee, ticket.ownership?.deskId ?? null);
        notify('sla_escalation', recipients, `${ticket.ticketId} ${escalation.clock} clock: ${escalation.level} (${escalation.percentOfTarget} % of its target)`, {
          clock: escalation.clock,
          level: escalation.level,
          percentOfTarget: escalation.percentOfTarget,
          dueAt: escalation.at,
          priority: ticket.priority,
          title: ticket.title,
          assignmentGroup: ticket.assignmentGroup,
          deskId: ticket.ownership?.deskId ?? null,
          breached: ticket.slaBreached,
        });
      }
      log.info('SLA escalation', { ticketId: ticket.ticketId, clock: escalation.clock, level: escalation.level });
      return;
    }

    if (deadline.kind === 'group-notice') {
      const watch = ticket.pickup!;
      watch.groupNotifiedAt = at;
      const onDutyNow = watch.groupOnDutyFrom === watch.waitingSince;
      run.record([{ type: 'group_notified', actor: 'sundesk', occurredAt: at, reason: onDutyNow ? `${watch.assignmentGroup} is on duty` : `${watch.assignmentGroup} came on duty`, details: { assignmentGroup: watch.assignmentGroup, supportLevel: ticket.supportLevel, waitingSince: watch.waitingSince, onDutyFrom: watch.groupOnDutyFrom } }]);
      log.info('group notified', { ticketId: ticket.ticketId, assignmentGroup: watch.assignmentGroup, onDutyFrom: watch.groupOnDutyFrom });
      if (notificationsEnabled) {
        notify('group_escalation', [`group:${watch.assignmentGroup}`], `${ticket.ticketId} waits in the ${watch.assignmentGroup} queue: ${ticket.title}`, {
          assignmentGroup: watch.assignmentGroup,
          supportLevel: ticket.supportLevel,
          priority: ticket.priority,
          waitingSince: watch.waitingSince,
          deskId: ticket.ownership?.deskId ?? null,
        });
      }
      return;
    }

    if (deadline.kind === 'pickup-escalation') {
      const watch = ticket.pickup!;
      const planned = watch.escalation!;
      const reason = `not picked up by ${watch.assignmentGroup} within ${formatTargetDuration(planned.notPickedUpWithinMinutes)} of ${planned.calendar} open time`;
      const moved = run.applySystemCommand({ name: 'transfer', request: { actor: 'sundesk', assignmentGroup: planned.toGroup, supportLevel: planned.supportLevel } }, reason);
      if (!moved) {
        watch.escalation = null;
      }
      log.info('ticket escalated automatically', { ticketId: ticket.ticketId, fromGroup: watch.assignmentGroup, toGroup: planned.toGroup, moved });
      return;
    }

    const confirmation = ticket.confirmation!;
    if (deadline.kind === 'reminder') {
      confirmation.remindersSent += 1;
      if (!notificationsEnabled) {
        await ticketActivities.sendCustomerReminder({ ticketId: ticket.ticketId, customer: ticket.customer, reminderNumber: confirmation.remindersSent });
      }
      run.record([{ type: 'reminder_sent', actor: 'sundesk', occurredAt: at, reason: null, details: { reminderNumber: confirmation.remindersSent, policy: confirmation.policyName } }]);
      if (notificationsEnabled) {
        notify('customer_reminder', [`customer:${ticket.customer}`], `${ticket.ticketId} is resolved: please confirm or reject the resolution`, {
          reminderNumber: confirmation.remindersSent,
          resolvedAt: ticket.resolvedAt,
          title: ticket.title,
          policy: confirmation.policyName,
        });
      }
      return;
    }

    ticket.status = 'closed';
    ticket.closedAt = at;
    ticket.closedWithoutConfirmation = true;
    ticket.confirmation = null;
    run.record([{ type: 'closed', actor: 'sundesk', occurredAt: at, reason: `closed without confirmation: no answer from the customer (policy ${confirmation.policyName})`, details: { withoutConfirmation: true } }]);
  };

  // Decided once per run, before the first activity, so a run that replays a
  // history of an older version never takes the new paths halfway. Version 2
  // does a ticket's calendar work and its store write in one local activity per
  // step, watches pickups, keeps stopped clocks at a priority change, and sends
  // notifications through the outbox.
  stepsVersion2 = patched('desk-steps-v2');
  const slaClocksEnabled = input.slaClocks !== false;
  const pickupWatchEnabled = slaClocksEnabled && stepsVersion2;
  const stoppedClocksKeepTheirOutcome = stepsVersion2;
  const notificationsEnabled = input.notifications !== false && stepsVersion2;

  /**
   * Version 2's step: one local activity that starts or evaluates the clocks,
   * plans the confirmation and the pickup watch as the ticket's changes need,
   * and writes state and events to the store. `nextStep` builds the request
   * (undefined when there is nothing to do) and `runStep` runs it.
   */
  const nextStep = (startSla?: SlaStartRequest): Omit<TicketStepRequest, 'state' | 'events'> | undefined => {
    const ticket = run.state;
    const request: Omit<TicketStepRequest, 'state' | 'events'> = {};
    if (startSla !== undefined) {
      request.startSla = startSla;
    }
    if (ticket.sla !== null && run.slaChanged) {
      run.slaChanged = false;
      slaEvaluatedThrough = ticket.lastSequence;
      request.evaluateSla = { records: [ticket.sla.records.response, ticket.sla.records.resolution], evaluatedAt: nowIso() };
    }
    if (ticket.status === 'resolved' && ticket.confirmation === null) {
      request.confirmation = { ticketId: ticket.ticketId, deskId: ticket.ownership?.deskId ?? null, resolvedAt: nowIso() };
    }
    if (pickupWatchEnabled) {
      const watch = ticket.pickup ?? null;
      if (waitsForPickup() && (watch === null || watch.assignmentGroup !== ticket.assignmentGroup)) {
        request.pickup = { ticketId: ticket.ticketId, priority: ticket.priority, assignmentGroup: ticket.assignmentGroup, deskId: ticket.ownership?.deskId ?? null, waitingSince: nowIso() };
      } else if (!waitsForPickup() && watch !== null) {
        ticket.pickup = null;
      }
    }
    if (run.unrecordedEvents.length === 0 && Object.keys(request).length === 0) {
      return undefined;
    }
    return request;
  };

  const runStep = async (request: Omit<TicketStepRequest, 'state' | 'events'>): Promise<void> => {
    const ticket = run.state;
    const events = run.unrecordedEvents;
    run.unrecordedEvents = [];
    const result = await ticketActivities.recordTicketStep({ state: { ...ticket, recentEvents: [] }, events, ...request });
    workerClockMilliseconds = Date.parse(result.recordedAt);

    if (result.startedSla !== undefined) {
      ticket.sla = { ...result.startedSla, firedLevels: ticket.sla?.firedLevels ?? [] };
    }
    if (result.slaSnapshots !== undefined && ticket.sla !== null) {
      ticket.sla.snapshots = { response: result.slaSnapshots[0]!, resolution: result.slaSnapshots[1]! };
    }
    if (result.slaError !== undefined) {
      log.warn('SLA clocks not started or evaluated', { ticketId: ticket.ticketId, error: result.slaError });
    }
    // A message handled while the activity ran may have moved the ticket on; stale plans are dropped.
    if (result.confirmation !== undefined && ticket.status === 'resolved') {
      ticket.confirmation = result.confirmation;
    }
    if (result.pickup !== undefined && waitsForPickup() && result.pickup.assignmentGroup === ticket.assignmentGroup) {
      ticket.pickup = { ...result.pickup, groupNotifiedAt: null };
    }
  };

  /** Runs steps until the ticket's changes are all written (each step may let new messages in), then indexes it once. */
  const settle = async (): Promise<void> => {
    for (let request = nextStep(); request !== undefined; request = nextStep()) {
      await runStep(request);
    }
    updateSearchAttributes();
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

    if (stepsVersion2) {
      // The clocks start with the first write, before any message is let in, so an early response stops them.
      await runStep(nextStep(slaClocksEnabled ? slaStartRequest(nowIso()) : undefined)!);
    } else if (slaClocksEnabled && patched('sla-clocks')) {
      await startSlaClocks(nowIso());
    }
    routed = true;
  }

  const historyEventLimit = input.historyEventLimit ?? defaultHistoryEventLimit;
  if (input.carriedOver !== undefined && run.state.sla !== null) {
    // The previous run may have ended before evaluating its last events.
    run.slaChanged = true;
  }
  while (!isTerminal()) {
    if (stepsVersion2) {
      const priorityChanged = run.state.sla !== null && run.state.recentEvents.some((event) => event.type === 'priority_changed' && event.sequence > slaEvaluatedThrough);
      if (priorityChanged) {
        run.slaChanged = false;
        slaEvaluatedThrough = run.state.lastSequence;
        await evaluateSlaClocks(true);
      }
      await settle();
    } else {
      await recordChanges();
    }

    const info = workflowInfo();
    const historyIsLong = info.historyLength >= historyEventLimit || info.continueAsNewSuggested;
    // Notifications in flight belong to this run, so it waits for them before it continues as new.
    // While a channel retries, the run goes on and its history may grow to twice the limit.
    if (historyIsLong && (deliveries.size === 0 || info.historyLength >= 2 * historyEventLimit)) {
      await Promise.all(deliveries);
      await condition(allHandlersFinished);
      if (stepsVersion2) {
        await settle();
      } else {
        await recordChanges();
      }
      log.info('ticket continues as new', { ticketId: run.state.ticketId, historyLength: workflowInfo().historyLength });
      await continueAsNew<typeof ticketWorkflow>({ ...input, carriedOver: run.carryOver() });
    }

    // Version 2 did all of the following in its steps; older histories replay them one by one.
    const priorityChanged = !stepsVersion2 && run.state.sla !== null && run.state.recentEvents.some((event) => event.type === 'priority_changed' && event.sequence > slaEvaluatedThrough);
    if (!stepsVersion2 && run.state.sla !== null && (run.slaChanged || priorityChanged)) {
      run.slaChanged = false;
      slaEvaluatedThrough = run.state.lastSequence;
      await evaluateSlaClocks(priorityChanged);
      continue;
    }

    if (!stepsVersion2 && run.state.status === 'resolved' && run.state.confirmation === null && patched('customer-confirmation-clock')) {
      run.state.confirmation = await ticketActivities.planConfirmation({ ticketId: run.state.ticketId, deskId: run.state.ownership?.deskId ?? null, resolvedAt: nowIso() });
      continue;
    }

    const deadline = nextDeadline();
    if (deadline === undefined) {
      await condition(() => run.unrecordedEvents.length > 0 || isTerminal());
      continue;
    }

    const millisecondsToDeadline = Date.parse(deadline.at) - timerStartMilliseconds();
    if (millisecondsToDeadline > 0) {
      const changed = await condition(() => run.unrecordedEvents.length > 0 || isTerminal(), millisecondsToDeadline);
      if (changed) {
        continue;
      }
    }
    await meetDeadline(deadline, millisecondsToDeadline > 0 ? deadline.at : nowIso());
  }

  await condition(allHandlersFinished);
  if (stepsVersion2) {
    await settle();
  } else {
    await recordChanges();
  }
  await Promise.all(deliveries);
  log.info('ticket workflow completed', { ticketId: run.state.ticketId, status: run.state.status });
  return run.state;
}
