/**
 * The ticket workflow's public message API, version 1. Every transition is an
 * update of the name below (validated: a refused change fails the caller at once
 * and records nothing) and a signal of the same name (fire and forget, for the
 * `temporal` CLI and other SDKs: a refused signal is recorded as a `refused`
 * event). Payloads are plain JSON objects; docs/messages.md lists them.
 */

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { PendingReason, TicketState } from '../src/domain/ticket';

/** Fields every message carries. */
export interface MessageEnvelope {
  /** Person or system that sends the change: an agent, a customer, an integration. Required. */
  actor: string;
  /** The caller's id for this change; a message repeated with the same id takes effect once. */
  requestId?: string;
  /** When the change happened, if earlier than its delivery (ISO 8601 with offset); replays use it. */
  occurredAt?: string;
  /** Payload version; 1 when absent. */
  version?: 1;
  /**
   * Group on whose behalf the actor acts. When it differs from the ticket's
   * assignment group, the ticket moves to that group first (a transfer event).
   */
  assignmentGroup?: string;
  /** Support line of that group: L1, L2 or L3. */
  supportLevel?: string;
}

export interface AssignRequest extends MessageEnvelope {
  /** Agent who works the ticket; the actor when absent. */
  assignee?: string;
}

export interface TransferRequest extends MessageEnvelope {
  /** Group whose queue receives the ticket, unassigned. Required. */
  assignmentGroup: string;
  /** Reason for the move, for example the symptom that needs the 2nd line; shown in the trail. */
  reason?: string;
}

export interface PendingRequest extends MessageEnvelope {
  reason: PendingReason;
  note?: string;
}

export interface ResumeRequest extends MessageEnvelope {
  note?: string;
}

export interface ResolveRequest extends MessageEnvelope {
  resolutionCode?: string;
  notes?: string;
  knowledgeArticleId?: string;
  /** Resolved during the first contact with the customer on the line. */
  firstContact?: boolean;
}

export type ConfirmRequest = MessageEnvelope;

export interface RejectRequest extends MessageEnvelope {
  /** Reason the customer does not accept the resolution. Required. */
  reason: string;
}

export interface CancelRequest extends MessageEnvelope {
  /** For example "duplicate of SD-1001" or "withdrawn by the customer". Required. */
  reason: string;
}

export interface CommentRequest extends MessageEnvelope {
  /** Comment text, visible to the customer. Required. */
  text: string;
}

export interface WorkNoteRequest extends MessageEnvelope {
  /** An internal note for the desk and its groups; customers do not see it. Required. */
  text: string;
}

export interface CustomerReplyRequest extends MessageEnvelope {
  /** The customer's reply text. Required. It resumes a ticket pending on the customer and never reopens a resolved one. */
  text: string;
}

export interface ChangePriorityRequest extends MessageEnvelope {
  /** New impact level of the ticket's priority matrix; unchanged when absent. */
  impact?: string;
  /** New urgency level; unchanged when absent. */
  urgency?: string;
}

/** A message together with its name, as the transition rules take it. */
export type TicketCommand =
  | { name: 'assign'; request: AssignRequest }
  | { name: 'transfer'; request: TransferRequest }
  | { name: 'setPending'; request: PendingRequest }
  | { name: 'resume'; request: ResumeRequest }
  | { name: 'resolve'; request: ResolveRequest }
  | { name: 'confirm'; request: ConfirmRequest }
  | { name: 'reject'; request: RejectRequest }
  | { name: 'cancel'; request: CancelRequest }
  | { name: 'comment'; request: CommentRequest }
  | { name: 'workNote'; request: WorkNoteRequest }
  | { name: 'customerReply'; request: CustomerReplyRequest }
  | { name: 'changePriority'; request: ChangePriorityRequest };

export type TicketCommandName = TicketCommand['name'];

export const ticketCommandNames: readonly TicketCommandName[] = [
  'assign',
  'transfer',
  'setPending',
  'resume',
  'resolve',
  'confirm',
  'reject',
  'cancel',
  'comment',
  'workNote',
  'customerReply',
  'changePriority',
];

export const assignUpdate = defineUpdate<TicketState, [AssignRequest]>('assign');
export const transferUpdate = defineUpdate<TicketState, [TransferRequest]>('transfer');
export const setPendingUpdate = defineUpdate<TicketState, [PendingRequest]>('setPending');
export const resumeUpdate = defineUpdate<TicketState, [ResumeRequest]>('resume');
export const resolveUpdate = defineUpdate<TicketState, [ResolveRequest]>('resolve');
export const confirmUpdate = defineUpdate<TicketState, [ConfirmRequest]>('confirm');
export const rejectUpdate = defineUpdate<TicketState, [RejectRequest]>('reject');
export const cancelUpdate = defineUpdate<TicketState, [CancelRequest]>('cancel');
export const commentUpdate = defineUpdate<TicketState, [CommentRequest]>('comment');
export const workNoteUpdate = defineUpdate<TicketState, [WorkNoteRequest]>('workNote');
export const customerReplyUpdate = defineUpdate<TicketState, [CustomerReplyRequest]>('customerReply');
export const changePriorityUpdate = defineUpdate<TicketState, [ChangePriorityRequest]>('changePriority');

export const assignSignal = defineSignal<[AssignRequest]>('assign');
export const transferSignal = defineSignal<[TransferRequest]>('transfer');
export const setPendingSignal = defineSignal<[PendingRequest]>('setPending');
export const resumeSignal = defineSignal<[ResumeRequest]>('resume');
export const resolveSignal = defineSignal<[ResolveRequest]>('resolve');
export const confirmSignal = defineSignal<[ConfirmRequest]>('confirm');
export const rejectSignal = defineSignal<[RejectRequest]>('reject');
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
export const commentSignal = defineSignal<[CommentRequest]>('comment');
export const workNoteSignal = defineSignal<[WorkNoteRequest]>('workNote');
export const customerReplySignal = defineSignal<[CustomerReplyRequest]>('customerReply');
export const changePrioritySignal = defineSignal<[ChangePriorityRequest]>('changePriority');

/** The ticket's current state. */
export const ticketStateQuery = defineQuery<TicketState>('state');

/** Every change's update definition by message name, for registering handlers in one place. */
export const ticketUpdates = {
  assign: assignUpdate,
  transfer: transferUpdate,
  setPending: setPendingUpdate,
  resume: resumeUpdate,
  resolve: resolveUpdate,
  confirm: confirmUpdate,
  reject: rejectUpdate,
  cancel: cancelUpdate,
  comment: commentUpdate,
  workNote: workNoteUpdate,
  customerReply: customerReplyUpdate,
  changePriority: changePriorityUpdate,
} as const;

/** Every change's signal definition by message name. */
export const ticketSignals = {
  assign: assignSignal,
  transfer: transferSignal,
  setPending: setPendingSignal,
  resume: resumeSignal,
  resolve: resolveSignal,
  confirm: confirmSignal,
  reject: rejectSignal,
  cancel: cancelSignal,
  comment: commentSignal,
  workNote: workNoteSignal,
  customerReply: customerReplySignal,
  changePriority: changePrioritySignal,
} as const;
