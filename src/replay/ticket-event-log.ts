/**
 * The generic ticket-event format that `sundesk replay` drives through the desk.
 * Adapters (for example the BPI Challenge 2013 one) turn other logs into it.
 * docs/replay-format.md documents the CSV and JSON Lines forms.
 */

import type { Impact, Urgency } from '../domain/priority';
import type { PendingReason } from '../domain/ticket';

/** What happened to the ticket at this instant. */
export type ReplayAction =
  | 'open'
  | 'queue'
  | 'assign'
  | 'pending'
  | 'resolve'
  | 'confirm'
  | 'reject'
  | 'cancel'
  | 'comment';

export interface ReplayEvent {
  ticketId: string;
  /** ISO 8601 instant with offset, as in the source log. */
  occurredAt: string;
  action: ReplayAction;
  actor: string;
  /** Assignment group (support team) that holds the ticket after this event. */
  assignmentGroup: string | null;
  /** Support line of that group: L1, L2, L3 (or L2/L3 as some logs write it). */
  supportLevel: string | null;
  impact: Impact | null;
  urgency: Urgency | null;
  /** For `pending`. */
  pendingReason: PendingReason | null;
  /** For `resolve`: the log says the resolution happened during the first contact (the customer was on the line). */
  firstContact: boolean;
  /** Free text: the source status, a resolution note or a comment. */
  note: string | null;
}

/** A source row that an adapter could not turn into an event; the replay counts and reports it, then goes on. */
export interface RejectedLogRow {
  /** 1-based line number in the source file, counting the header as line 1. */
  line: number;
  ticketId: string | null;
  reason: string;
}

/** One ticket's events in time order, ready for the replay driver. */
export interface ReplayTicket {
  ticketId: string;
  title: string;
  customer: string;
  customerTimeZone: string;
  events: ReplayEvent[];
}

export interface ReplayLog {
  tickets: ReplayTicket[];
  rejectedRows: RejectedLogRow[];
  rowCount: number;
}
