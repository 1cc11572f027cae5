/**
 * The ticket lifecycle as pure functions: which message is allowed in which
 * status, and what it changes. Deterministic (no I/O, no clock of its own), so
 * both the workflow's update validators and its handlers use it.
 */

import { pendingReasons, type TicketEvent, type TicketEventType, type TicketState, type TicketStatus } from '../src/domain/ticket';
import type { TicketCommand, TicketCommandName } from './messages';

/** How many events the state keeps for the query; the store keeps them all. */
export const recentEventLimit = 20;

/** How many request ids the workflow remembers to drop repeated messages. */
export const rememberedRequestIdLimit = 200;

/** A message that the rules refuse; `message` says why and what to send instead. */
export class TicketCommandRefusal extends Error {
  override name = 'TicketCommandRefusal';
}

const openStatuses: readonly TicketStatus[] = ['new', 'assigned', 'pending'];

/** The statuses from which each message is allowed. */
const allowedStatuses: Record<TicketCommandName, readonly TicketStatus[]> = {
  assign: openStatuses,
  transfer: openStatuses,
  setPending: openStatuses,
  resume: ['pending'],
  resolve: openStatuses,
  confirm: ['resolved'],
  reject: ['resolved'],
  cancel: [...openStatuses, 'resolved'],
  comment: [...openStatuses, 'resolved'],
};

const hints: Partial<Record<TicketCommandName, string>> = {
  confirm: 'only a resolved ticket can be confirmed; resolve it first',
  reject: 'only a resolved ticket can be rejected',
  resume: 'only a pending ticket can be resumed',
};

function requireText(value: unknown, field: string, name: TicketCommandName): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TicketCommandRefusal(`${name}: missing or invalid '${field}': send a non-empty string`);
  }

  return value;
}

function optionalText(value: unknown, field: string, name: TicketCommandName): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }

  return requireText(value, field, name);
}

/**
 * Checks a message's payload and whether the ticket's status allows it.
 *
 * @throws TicketCommandRefusal naming the bad field or the status conflict.
 * @example
 *   checkTicketCommand(state, { name: 'confirm', request: { actor: 'alice' } });
 */
export function checkTicketCommand(state: TicketState, command: TicketCommand): void {
  const { name } = command;
  const request: unknown = command.request;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new TicketCommandRefusal(`${name}: the payload must be a JSON object with at least an 'actor' field`);
  }

  const fields = request as Record<string, unknown>;
  requireText(fields.actor, 'actor', name);
  optionalText(fields.requestId, 'requestId', name);
  if (fields.version !== undefined && fields.version !== 1) {
    throw new TicketCommandRefusal(`${name}: unsupported version ${JSON.stringify(fields.version)}: this workflow speaks version 1`);
  }
  if (fields.occurredAt !== undefined && (typeof fields.occurredAt !== 'string' || Number.isNaN(Date.parse(fields.occurredAt)))) {
    throw new TicketCommandRefusal(`${name}: invalid occurredAt ${JSON.stringify(fields.occurredAt)}: send an ISO 8601 instant with offset`);
  }

  switch (name) {
    case 'transfer':
      requireText(fields.assignmentGroup, 'assignmentGroup', name);
      break;
    case 'setPending':
      if (!pendingReasons.includes(fields.reason as never)) {
        throw new TicketCommandRefusal(`setPending: invalid reason ${JSON.stringify(fields.reason)}: use one of ${pendingReasons.join(', ')}`);
      }
      break;
    case 'reject':
    case 'cancel':
      requireText(fields.reason, 'reason', name);
      break;
    case 'comment':
      requireText(fields.text, 'text', name);
      break;
    default:
      break;
  }

  if (!allowedStatuses[name].includes(state.status)) {
    const hint = hints[name] ?? `allowed in ${allowedStatuses[name].join(', ')}`;
    throw new TicketCommandRefusal(`${name} refused: ticket ${state.ticketId} is ${state.status}: ${hint}`);
  }
}

/** Whether this message repeats one the ticket already took (same request id). */
export function isRepeatedRequest(takenRequestIds: readonly string[], command: TicketCommand): boolean {
  const requestId = command.request.requestId;
  return requestId !== undefined && takenRequestIds.includes(requestId);
}

/** Events a command adds, before the workflow numbers them. */
export type EventDraft = Pick<TicketEvent, 'type' | 'reason' | 'details'> & { actor: string; occurredAt: string };

function draft(type: TicketEventType, actor: string, occurredAt: string, reason: string | null, details: Record<string, unknown> = {}): EventDraft {
  return { type, actor, occurredAt, reason, details };
}

/**
 * Applies an accepted command to the state and returns the events it adds.
 * Call `checkTicketCommand` first; this function assumes the command is valid.
 *
 * @example
 *   const drafts = applyTicketCommand(state, { name: 'resolve', request: { actor: 'bob' } }, now);
 */
export function applyTicketCommand(state: TicketState, command: TicketCommand, nowIso: string): EventDraft[] {
  const actor = command.request.actor;
  const at = command.request.occurredAt ?? nowIso;
  const drafts: EventDraft[] = [];

  const { assignmentGroup, supportLevel } = command.request;
  if (supportLevel !== undefined) {
    state.supportLevel = supportLevel;
  }
  if (assignmentGroup !== undefined && assignmentGroup !== state.assignmentGroup) {
    drafts.push(draft('transferred', actor, at, null, { from: state.assignmentGroup, to: assignmentGroup, supportLevel: state.supportLevel }));
    state.assignmentGroup = assignmentGroup;
    state.assignee = null;
    state.transferCount += 1;
  }

  return [...drafts, ...applyLifecycleChange(state, command, actor, at)];
}

function applyLifecycleChange(state: TicketState, command: TicketCommand, actor: string, at: string): EventDraft[] {
  switch (command.name) {
    case 'assign': {
      const resumed = state.status === 'pending';
      state.status = 'assigned';
      state.pendingReason = null;
      state.assignee = command.request.assignee ?? actor;
      return [draft('assigned', actor, at, null, { assignee: state.assignee, assignmentGroup: state.assignmentGroup, supportLevel: state.supportLevel, resumed })];
    }

    case 'transfer': {
      state.assignee = null;
      if (state.status === 'pending') {
        state.status = 'assigned';
        state.pendingReason = null;
      }
      return [draft('queued', actor, at, null, { assignmentGroup: state.assignmentGroup, supportLevel: state.supportLevel })];
    }

    case 'setPending': {
      state.status = 'pending';
      state.pendingReason = command.request.reason;
      return [draft('pending', actor, at, command.request.reason, command.request.note === undefined ? {} : { note: command.request.note })];
    }

    case 'resume': {
      state.status = 'assigned';
      state.pendingReason = null;
      return [draft('resumed', actor, at, null, command.request.note === undefined ? {} : { note: command.request.note })];
    }

    case 'resolve': {
      const { resolutionCode, notes, knowledgeArticleId, firstContact } = command.request;
      state.status = 'resolved';
      state.pendingReason = null;
      state.resolvedAt = at;
      state.resolution = { code: resolutionCode ?? 'solved', notes: notes ?? '', knowledgeArticleId: knowledgeArticleId ?? null };
      state.firstContactResolution = firstContact === true && state.transferCount === 0 && state.reopenCount === 0 && state.handOffCount === 0;
      return [draft('resolved', actor, at, null, { ...state.resolution, firstContact: state.firstContactResolution })];
    }

    case 'confirm': {
      state.status = 'closed';
      state.closedAt = at;
      state.closedWithoutConfirmation = false;
      return [draft('confirmed', actor, at, null), draft('closed', actor, at, 'confirmed by the customer')];
    }

    case 'reject': {
      state.status = 'assigned';
      state.reopenCount += 1;
      state.resolvedAt = null;
      state.resolution = null;
      state.firstContactResolution = false;
      return [draft('rejected', actor, at, command.request.reason), draft('reopened', actor, at, command.request.reason, { reopenCount: state.reopenCount })];
    }

    case 'cancel': {
      state.status = 'cancelled';
      state.closedAt = at;
      return [draft('cancelled', actor, at, command.request.reason)];
    }

    case 'comment': {
      return [draft('commented', actor, at, null, { text: command.request.text })];
    }
  }
}
