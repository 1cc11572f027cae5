/**
 * The ticket lifecycle as pure functions: which message is allowed in which
 * status, and what it changes. Deterministic (no I/O, no clock of its own), so
 * both the workflow's update validators and its handlers use it.
 */

import { computePriority, type PriorityMatrix } from '../src/domain/priority';
import { pendingReasons, type TicketEvent, type TicketEventType, type TicketState, type TicketStatus } from '../src/domain/ticket';
import type { TicketCommand, TicketCommandName } from './messages';

/** How many events the state keeps for the query; the store keeps them all. */
export const recentEventLimit = 20;

/** How many request ids the workflow remembers to drop repeated messages. */
export const rememberedRequestIdLimit = 200;

/** Error for a message that the rules refuse; `message` gives the reason and what to send instead. */
export class TicketCommandRefusal extends Error {
  override name = 'TicketCommandRefusal';
}

const openStatuses: readonly TicketStatus[] = ['new', 'assigned', 'pending'];
const notTerminal: readonly TicketStatus[] = [...openStatuses, 'resolved'];

/** The statuses from which each message is allowed. */
const allowedStatuses: Record<TicketCommandName, readonly TicketStatus[]> = {
  assign: openStatuses,
  transfer: openStatuses,
  setPending: openStatuses,
  resume: ['pending'],
  resolve: openStatuses,
  confirm: ['resolved'],
  reject: ['resolved'],
  cancel: notTerminal,
  comment: notTerminal,
  workNote: notTerminal,
  customerReply: notTerminal,
  changePriority: openStatuses,
};

const hints: Partial<Record<TicketCommandName, string>> = {
  confirm: 'only a resolved ticket can be confirmed; resolve it first',
  reject: 'only a resolved ticket can be rejected',
  resume: 'only a pending ticket can be resumed',
};

type FieldKind = 'text' | 'optionalText' | 'optionalBoolean' | 'pendingReason';

const envelopeFields: Record<string, FieldKind> = {
  actor: 'text',
  requestId: 'optionalText',
  occurredAt: 'optionalText',
  version: 'optionalText',
  assignmentGroup: 'optionalText',
  supportLevel: 'optionalText',
};

/** The fields each message accepts besides the envelope; any other field is refused. */
const messageFields: Record<TicketCommandName, Record<string, FieldKind>> = {
  assign: { assignee: 'optionalText' },
  transfer: { assignmentGroup: 'text', reason: 'optionalText' },
  setPending: { reason: 'pendingReason', note: 'optionalText' },
  resume: { note: 'optionalText' },
  resolve: { resolutionCode: 'optionalText', notes: 'optionalText', knowledgeArticleId: 'optionalText', firstContact: 'optionalBoolean' },
  confirm: {},
  reject: { reason: 'text' },
  cancel: { reason: 'text' },
  comment: { text: 'text' },
  workNote: { text: 'text' },
  customerReply: { text: 'text' },
  changePriority: { impact: 'optionalText', urgency: 'optionalText' },
};

function checkField(name: TicketCommandName, field: string, kind: FieldKind, value: unknown): void {
  const absent = value === undefined || value === null;
  switch (kind) {
    case 'text':
      if (typeof value !== 'string' || value.trim() === '') {
        throw new TicketCommandRefusal(`${name}: missing or invalid '${field}': send a non-empty string`);
      }
      return;
    case 'optionalText':
      if (!absent && typeof value !== 'string') {
        throw new TicketCommandRefusal(`${name}: invalid '${field}' ${JSON.stringify(value)}: send a string or leave it out`);
      }
      return;
    case 'optionalBoolean':
      if (!absent && typeof value !== 'boolean') {
        throw new TicketCommandRefusal(`${name}: invalid '${field}' ${JSON.stringify(value)}: send true or false`);
      }
      return;
    case 'pendingReason':
      if (!pendingReasons.includes(value as never)) {
        throw new TicketCommandRefusal(`${name}: invalid '${field}' ${JSON.stringify(value)}: use one of ${pendingReasons.join(', ')}`);
      }
      return;
  }
}

/**
 * Checks a message's payload (types, required and unknown fields) and whether
 * the ticket's status allows it.
 *
 * @throws TicketCommandRefusal naming the bad field or the status conflict.
 * @example
 *   checkTicketCommand(state, { name: 'confirm', request: { actor: 'alice' } }, matrix);
 */
export function checkTicketCommand(state: TicketState, command: TicketCommand, priorityMatrix: PriorityMatrix): void {
  const { name } = command;
  const request: unknown = command.request;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new TicketCommandRefusal(`${name}: the payload must be a JSON object with at least an 'actor' field`);
  }

  const fields = request as Record<string, unknown>;
  const known = { ...envelopeFields, ...messageFields[name] };
  const unknownFields = Object.keys(fields).filter((field) => !Object.hasOwn(known, field));
  if (unknownFields.length > 0) {
    throw new TicketCommandRefusal(`${name}: unknown field ${unknownFields.map((field) => `'${field}'`).join(', ')}: allowed fields are ${Object.keys(known).join(', ')}`);
  }
  for (const [field, kind] of Object.entries(known)) {
    if (field !== 'version') {
      checkField(name, field, kind, fields[field]);
    }
  }

  if (fields.version !== undefined && fields.version !== 1) {
    throw new TicketCommandRefusal(`${name}: unsupported version ${JSON.stringify(fields.version)}: this workflow speaks version 1`);
  }
  if (fields.occurredAt !== undefined && (typeof fields.occurredAt !== 'string' || Number.isNaN(Date.parse(fields.occurredAt)))) {
    throw new TicketCommandRefusal(`${name}: invalid occurredAt ${JSON.stringify(fields.occurredAt)}: send an ISO 8601 instant with offset`);
  }

  if (!allowedStatuses[name].includes(state.status)) {
    const hint = hints[name] ?? `allowed when the ticket is ${allowedStatuses[name].join(', ')}`;
    throw new TicketCommandRefusal(`${name} refused: ticket ${state.ticketId} is ${state.status}: ${hint}`);
  }

  if (name === 'changePriority') {
    const { impact, urgency } = command.request;
    if (impact === undefined && urgency === undefined) {
      throw new TicketCommandRefusal('changePriority: send impact, urgency or both');
    }
    try {
      computePriority(impact ?? state.impact, urgency ?? state.urgency, priorityMatrix);
    } catch (error) {
      throw new TicketCommandRefusal(`changePriority: ${(error as Error).message}`);
    }
  }
}

/** Checks whether this message repeats one the ticket already took (same request id). */
export function isRepeatedRequest(takenRequestIds: readonly string[], command: TicketCommand): boolean {
  const request: unknown = command.request;
  if (typeof request !== 'object' || request === null) {
    return false;
  }

  const requestId = (request as Record<string, unknown>).requestId;
  return typeof requestId === 'string' && takenRequestIds.includes(requestId);
}

/** Events a command adds, before the workflow numbers them. */
export type EventDraft = Pick<TicketEvent, 'type' | 'reason' | 'details'> & { actor: string; occurredAt: string };

function draft(type: TicketEventType, actor: string, occurredAt: string, reason: string | null, details: Record<string, unknown> = {}): EventDraft {
  return { type, actor, occurredAt, reason, details };
}

/** Support lines above the first; moving a ticket into one is a functional escalation. */
function lineNumber(supportLevel: string): number {
  const match = /L(\d)/.exec(supportLevel);
  return match === null ? 1 : Number(match[1]);
}

/**
 * Applies an accepted command to the state and returns the events it adds.
 * Call `checkTicketCommand` first; this function assumes the command is valid.
 *
 * @example
 *   const drafts = applyTicketCommand(state, { name: 'resolve', request: { actor: 'bob' } }, now, matrix);
 */
export function applyTicketCommand(state: TicketState, command: TicketCommand, nowIso: string, priorityMatrix: PriorityMatrix): EventDraft[] {
  const actor = command.request.actor;
  const at = command.request.occurredAt ?? nowIso;
  const drafts: EventDraft[] = [];

  const { assignmentGroup, supportLevel } = command.request;
  if (supportLevel !== undefined && supportLevel !== null) {
    if (lineNumber(supportLevel) > lineNumber(state.supportLevel)) {
      state.escalationCount += 1;
    }
    state.supportLevel = supportLevel;
  }
  if (assignmentGroup !== undefined && assignmentGroup !== null && assignmentGroup !== state.assignmentGroup) {
    const reason = command.name === 'transfer' ? (command.request.reason ?? null) : null;
    drafts.push(draft('transferred', actor, at, reason, { from: state.assignmentGroup, to: assignmentGroup, supportLevel: state.supportLevel }));
    state.assignmentGroup = assignmentGroup;
    state.assignee = null;
    state.transferCount += 1;
  }

  return [...drafts, ...applyLifecycleChange(state, command, actor, at, priorityMatrix)];
}

function applyLifecycleChange(state: TicketState, command: TicketCommand, actor: string, at: string, priorityMatrix: PriorityMatrix): EventDraft[] {
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
      state.confirmation = null;
      return [draft('confirmed', actor, at, null), draft('closed', actor, at, 'confirmed by the customer')];
    }

    case 'reject': {
      state.status = 'assigned';
      state.reopenCount += 1;
      state.resolvedAt = null;
      state.resolution = null;
      state.firstContactResolution = false;
      state.confirmation = null;
      return [draft('rejected', actor, at, command.request.reason), draft('reopened', actor, at, command.request.reason, { reopenCount: state.reopenCount })];
    }

    case 'cancel': {
      state.status = 'cancelled';
      state.closedAt = at;
      state.confirmation = null;
      return [draft('cancelled', actor, at, command.request.reason)];
    }

    case 'comment': {
      return [draft('commented', actor, at, null, { text: command.request.text })];
    }

    case 'workNote': {
      return [draft('work_noted', actor, at, null, { text: command.request.text, internal: true })];
    }

    case 'customerReply': {
      const resumes = state.status === 'pending' && state.pendingReason === 'customer';
      const drafts = [draft('customer_replied', actor, at, null, { text: command.request.text })];
      if (resumes) {
        state.status = 'assigned';
        state.pendingReason = null;
        drafts.push(draft('resumed', actor, at, 'the customer replied'));
      }
      return drafts;
    }

    case 'changePriority': {
      const from = state.priority;
      state.impact = command.request.impact ?? state.impact;
      state.urgency = command.request.urgency ?? state.urgency;
      state.priority = computePriority(state.impact, state.urgency, priorityMatrix);
      return [draft('priority_changed', actor, at, null, { from, to: state.priority, impact: state.impact, urgency: state.urgency })];
    }
  }
}
