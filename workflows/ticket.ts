/**
 * The ticket workflow: one per ticket, workflow id = ticket id. It owns the
 * ticket from first contact to closure, hands it to the next desk on duty when
 * its desk's shift ends (for priorities that follow the sun), and writes every
 * transition to the ticket store through an idempotent activity.
 */

import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

import type { DeskActivities, TicketActivities } from '../activities';
import { computePriority } from '../src/domain/priority';
import { assignmentGroupKey, ownerDeskKey, ticketPriorityKey, ticketStatusKey, ticketTypeKey } from '../src/domain/search-attributes';
import { terminalStatuses, type OpenTicketInput, type TicketEvent, type TicketState } from '../src/domain/ticket';
import * as messages from './messages';
import type { TicketCommand } from './messages';
import {
  applyTicketCommand,
  checkTicketCommand,
  isRepeatedRequest,
  recentEventLimit,
  rememberedRequestIdLimit,
  TicketCommandRefusal,
  type EventDraft,
} from './ticket-rules';


/** Input of a ticket workflow run: a new ticket, or the state a previous run carried over. */
export interface TicketWorkflowInput {
  ticket: OpenTicketInput;
  /** Set by continue-as-new only. */
  carriedOver?: CarriedOverState;
  /** Whether to maintain the ticket search attributes; off on servers that have not registered them. */
  searchAttributes?: boolean;
}

/** What one run hands to the next at continue-as-new. */
export interface CarriedOverState {
  state: TicketState;
  unrecordedEvents: TicketEvent[];
  takenRequestIds: string[];
}

// Store writes and calendar arithmetic run as local activities: they are short,
// idempotent and need no desk, so they skip the round trip through a task queue.
const ticketActivities = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function deskActivities(taskQueue: string) {
  return proxyActivities<DeskActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
}

function initialState(ticket: OpenTicketInput, openedAt: string): TicketState {
  return {
    ticketId: ticket.ticketId,
    title: ticket.title,
    description: ticket.description,
    customer: ticket.customer,
    customerTimeZone: ticket.customerTimeZone,
    impact: ticket.impact,
    urgency: ticket.urgency,
    priority: computePriority(ticket.impact, ticket.urgency),
    status: 'new',
    pendingReason: null,
    ownership: null,
    followsTheSun: false,
    assignmentGroup: ticket.assignmentGroup ?? 'service-desk',
    supportLevel: ticket.supportLevel ?? 'L1',
    assignee: null,
    openedAt,
    resolvedAt: null,
    closedAt: null,
    resolution: null,
    closedWithoutConfirmation: false,
    firstContactResolution: false,
    handOffCount: 0,
    transferCount: 0,
    reopenCount: 0,
    refusedMessageCount: 0,
    lastSequence: 0,
    recentEvents: [],
  };
}

/** Runs one ticket from first contact to closure or cancellation. */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  const nowIso = (): string => new Date(Date.now()).toISOString();

  let state: TicketState;
  let unrecordedEvents: TicketEvent[] = [];
  let takenRequestIds: string[] = [];

  if (input.carriedOver !== undefined) {
    state = input.carriedOver.state;
    unrecordedEvents = input.carriedOver.unrecordedEvents;
    takenRequestIds = input.carriedOver.takenRequestIds;
  } else {
    try {
      state = initialState(input.ticket, input.ticket.occurredAt ?? nowIso());
    } catch (error) {
      throw ApplicationFailure.nonRetryable(`cannot open ticket ${input.ticket.ticketId}: ${(error as Error).message}`, 'InvalidTicketInput');
    }
  }

  const record = (drafts: EventDraft[], deskId: string | null = state.ownership?.deskId ?? null): void => {
    for (const eventDraft of drafts) {
      state.lastSequence += 1;
      const event: TicketEvent = { ticketId: state.ticketId, sequence: state.lastSequence, deskId, ...eventDraft };
      unrecordedEvents.push(event);
      state.recentEvents.push(event);
    }
    state.recentEvents = state.recentEvents.slice(-recentEventLimit);
  };

  const rememberRequest = (command: TicketCommand): void => {
    if (command.request.requestId !== undefined) {
      takenRequestIds = [...takenRequestIds, command.request.requestId].slice(-rememberedRequestIdLimit);
    }
  };

  const takeCommand = (command: TicketCommand): void => {
    if (isRepeatedRequest(takenRequestIds, command)) {
      log.info('repeated request ignored', { ticketId: state.ticketId, message: command.name, requestId: command.request.requestId });
      return;
    }

    rememberRequest(command);
    record(applyTicketCommand(state, command, nowIso()));
  };

  const refuseSignal = (command: TicketCommand, refusal: Error): void => {
    state.refusedMessageCount += 1;
    const request = command.request as unknown as Record<string, unknown> | null;
    const actor = typeof request?.actor === 'string' && request.actor !== '' ? request.actor : 'unknown';
    record([{ type: 'refused', actor, occurredAt: nowIso(), reason: refusal.message, details: { message: command.name, payload: request } }]);
    log.warn('signal refused', { ticketId: state.ticketId, message: command.name, reason: refusal.message });
  };

  // Messages that arrive before the first routing wait for it, so every trail starts with opened and routed.
  let routed = input.carriedOver !== undefined;

  const handleSignal = async (command: TicketCommand): Promise<void> => {
    await condition(() => routed);
    if (isRepeatedRequest(takenRequestIds, command)) {
      return;
    }

    try {
      checkTicketCommand(state, command);
    } catch (error) {
      if (error instanceof TicketCommandRefusal) {
        refuseSignal(command, error);
        return;
      }
      throw error;
    }

    takeCommand(command);
  };

  const validateUpdate = (command: TicketCommand): void => {
    if (isRepeatedRequest(takenRequestIds, command)) {
      return;
    }
    checkTicketCommand(state, command);
  };

  const handleUpdate = async (command: TicketCommand): Promise<TicketState> => {
    await condition(() => routed);
    try {
      checkTicketCommand(state, command);
    } catch (error) {
      // The status changed between validation and handling; fail only this update.
      throw ApplicationFailure.nonRetryable((error as Error).message, 'TicketCommandRefusal');
    }
    takeCommand(command);
    return state;
  };

  setHandler(messages.ticketStateQuery, () => state);

  setHandler(messages.assignUpdate, (request) => handleUpdate({ name: 'assign', request }), { validator: (request) => validateUpdate({ name: 'assign', request }) });
  setHandler(messages.transferUpdate, (request) => handleUpdate({ name: 'transfer', request }), { validator: (request) => validateUpdate({ name: 'transfer', request }) });
  setHandler(messages.setPendingUpdate, (request) => handleUpdate({ name: 'setPending', request }), { validator: (request) => validateUpdate({ name: 'setPending', request }) });
  setHandler(messages.resumeUpdate, (request) => handleUpdate({ name: 'resume', request }), { validator: (request) => validateUpdate({ name: 'resume', request }) });
  setHandler(messages.resolveUpdate, (request) => handleUpdate({ name: 'resolve', request }), { validator: (request) => validateUpdate({ name: 'resolve', request }) });
  setHandler(messages.confirmUpdate, (request) => handleUpdate({ name: 'confirm', request }), { validator: (request) => validateUpdate({ name: 'confirm', request }) });
  setHandler(messages.rejectUpdate, (request) => handleUpdate({ name: 'reject', request }), { validator: (request) => validateUpdate({ name: 'reject', request }) });
  setHandler(messages.cancelUpdate, (request) => handleUpdate({ name: 'cancel', request }), { validator: (request) => validateUpdate({ name: 'cancel', request }) });
  setHandler(messages.commentUpdate, (request) => handleUpdate({ name: 'comment', request }), { validator: (request) => validateUpdate({ name: 'comment', request }) });

  setHandler(messages.assignSignal, (request) => handleSignal({ name: 'assign', request }));
  setHandler(messages.transferSignal, (request) => handleSignal({ name: 'transfer', request }));
  setHandler(messages.setPendingSignal, (request) => handleSignal({ name: 'setPending', request }));
  setHandler(messages.resumeSignal, (request) => handleSignal({ name: 'resume', request }));
  setHandler(messages.resolveSignal, (request) => handleSignal({ name: 'resolve', request }));
  setHandler(messages.confirmSignal, (request) => handleSignal({ name: 'confirm', request }));
  setHandler(messages.rejectSignal, (request) => handleSignal({ name: 'reject', request }));
  setHandler(messages.cancelSignal, (request) => handleSignal({ name: 'cancel', request }));
  setHandler(messages.commentSignal, (request) => handleSignal({ name: 'comment', request }));


  let indexedAttributes = '';
  const updateSearchAttributes = (): void => {
    if (input.searchAttributes === false) {
      return;
    }

    const ownerDesk = state.ownership?.deskId ?? 'none';
    const fingerprint = [state.status, state.priority, ownerDesk, state.assignmentGroup].join('|');
    if (fingerprint === indexedAttributes) {
      return;
    }

    indexedAttributes = fingerprint;
    upsertSearchAttributes([
      { key: ticketStatusKey, value: state.status },
      { key: ticketPriorityKey, value: state.priority },
      { key: ownerDeskKey, value: ownerDesk },
      { key: assignmentGroupKey, value: state.assignmentGroup },
      { key: ticketTypeKey, value: 'incident' },
    ]);
  };

  const recordChanges = async (): Promise<void> => {
    updateSearchAttributes();
    while (unrecordedEvents.length > 0) {
      const events = unrecordedEvents;
      unrecordedEvents = [];
      await ticketActivities.recordTicketChanges({ state: { ...state, recentEvents: [] }, events });
    }
  };

  const needsDeskWork = (): boolean => state.status === 'new' || state.status === 'assigned';

  /** Hands the ticket to the desk on duty at `handOffAt`: the shift end, or now when the ticket needs work again after it. */
  const handOff = async (handOffAt: string): Promise<void> => {
    const ownership = state.ownership!;
    const decision = await ticketActivities.planHandOff({ ticketId: state.ticketId, priority: state.priority, fromDeskId: ownership.deskId, at: handOffAt });
    state.followsTheSun = decision.followsTheSun;
    if (decision.ownership.deskId === ownership.deskId) {
      state.ownership = decision.ownership;
      return;
    }

    const note = {
      ticketId: state.ticketId,
      fromDeskId: ownership.deskId,
      toDeskId: decision.ownership.deskId,
      status: state.status,
      lastActions: state.recentEvents.slice(-3).map((event) => `${event.occurredAt} ${event.type} by ${event.actor}${event.reason === null ? '' : `: ${event.reason}`}`),
      nextStep: state.assignee === null ? `take the ticket from the ${state.assignmentGroup} queue` : `continue the work of ${state.assignee}`,
    };
    const receipt = await deskActivities(decision.ownership.taskQueue).acceptHandOff(note);

    state.ownership = decision.ownership;
    state.handOffCount += 1;
    record([{ type: 'handed_off', actor: 'sundesk', occurredAt: handOffAt, reason: 'shift ended', details: { ...note, receivedOn: receipt.taskQueue, receivedBy: receipt.workerIdentity } }], decision.ownership.deskId);
    log.info('ticket handed off', { ticketId: state.ticketId, fromDeskId: note.fromDeskId, toDeskId: note.toDeskId });
  };

  if (input.carriedOver === undefined) {
    record([{ type: 'opened', actor: input.ticket.actor, occurredAt: state.openedAt, reason: null, details: { priority: state.priority, impact: state.impact, urgency: state.urgency, title: state.title, assignmentGroup: state.assignmentGroup, supportLevel: state.supportLevel } }], null);

    const decision = await ticketActivities.routeTicket({ ticketId: state.ticketId, priority: state.priority, at: nowIso() });
    state.ownership = decision.ownership;
    state.followsTheSun = decision.followsTheSun;
    record([{ type: 'routed', actor: 'sundesk', occurredAt: state.openedAt, reason: null, details: { ...decision.ownership, followsTheSun: decision.followsTheSun } }]);
    routed = true;
  }

  while (!terminalStatuses.includes(state.status)) {
    await recordChanges();

    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await recordChanges();
      await continueAsNew<typeof ticketWorkflow>({ ...input, carriedOver: { state, unrecordedEvents, takenRequestIds } });
    }

    const handOffDue = state.followsTheSun && needsDeskWork() && state.ownership !== null;
    if (!handOffDue) {
      await condition(() => unrecordedEvents.length > 0 || terminalStatuses.includes(state.status));
      continue;
    }

    const shiftEndsAt = state.ownership!.shiftEndsAt;
    const millisecondsToShiftEnd = Date.parse(shiftEndsAt) - Date.now();
    if (millisecondsToShiftEnd <= 0) {
      await handOff(nowIso());
      continue;
    }

    const changed = await condition(() => unrecordedEvents.length > 0 || !needsDeskWork(), millisecondsToShiftEnd);
    if (!changed) {
      await handOff(shiftEndsAt);
    }
  }

  await condition(allHandlersFinished);
  await recordChanges();
  log.info('ticket workflow completed', { ticketId: state.ticketId, status: state.status });
  return state;
}
