/**
 * Ticket vocabulary shared by the workflow, the activities, the store and the
 * clients. Everything here is plain data, so workflow code may import it.
 */

import type { PickupPlan } from '../calendar/pickup-escalation';
import type { TicketSlaClocks } from '../../workflows/sla-rules';
import type { Impact, Priority, PriorityMatrix, Urgency } from './priority';

/** Assignment group of the desk's first line, whose queue new tickets enter unless their input names another group. */
export const firstLineAssignmentGroup = 'service-desk';

/** Lifecycle states of a ticket, in ITIL Service Operation terms. */
export type TicketStatus = 'new' | 'assigned' | 'pending' | 'resolved' | 'closed' | 'cancelled';

export const ticketStatuses: readonly TicketStatus[] = ['new', 'assigned', 'pending', 'resolved', 'closed', 'cancelled'];

/** Statuses after which the ticket workflow completes. */
export const terminalStatuses: readonly TicketStatus[] = ['closed', 'cancelled'];

/** Reason a ticket waits; the SLA resolution clock pauses for the reasons the policy names. */
export type PendingReason = 'customer' | 'vendor' | 'change' | 'problem' | 'other';

export const pendingReasons: readonly PendingReason[] = ['customer', 'vendor', 'change', 'problem', 'other'];

/** Kinds of entries in a ticket's event trail. */
export type TicketEventType =
  | 'opened'
  | 'routed'
  | 'assigned'
  | 'transferred'
  | 'queued'
  | 'pending'
  | 'resumed'
  | 'resolved'
  | 'confirmed'
  | 'rejected'
  | 'reopened'
  | 'closed'
  | 'cancelled'
  | 'commented'
  | 'handed_off'
  | 'work_noted'
  | 'customer_replied'
  | 'priority_changed'
  | 'reminder_sent'
  | 'sla_escalated'
  | 'rerouted'
  | 'handed_back'
  | 'group_notified'
  | 'refused';

/**
 * One entry of a ticket's event trail. `sequence` numbers the events of one
 * ticket from 1 without gaps, so (ticketId, sequence) identifies an event and
 * makes every store write idempotent.
 */
export interface TicketEvent {
  ticketId: string;
  sequence: number;
  type: TicketEventType;
  actor: string;
  /** Desk that owned the ticket when the event happened; null while no desk owns it. */
  deskId: string | null;
  /** ISO 8601 instant with offset. */
  occurredAt: string;
  reason: string | null;
  details: Record<string, unknown>;
}

/** Fields a caller supplies to open a ticket. */
export interface OpenTicketInput {
  ticketId: string;
  title: string;
  description: string;
  customer: string;
  /** IANA time zone of the customer's site, for example `Europe/Warsaw`. */
  customerTimeZone: string;
  /** Site code of the customer, which `local` desk structures route by. */
  customerSite?: string;
  /** Customer group whose SLA rules apply, for example `executives`; the general rules when absent. */
  customerGroup?: string;
  impact: Impact;
  urgency: Urgency;
  actor: string;
  /** Assignment group that takes the ticket first; the desk's first line when absent. */
  assignmentGroup?: string;
  /** Support line of that group: L1, L2 or L3. */
  supportLevel?: string;
  /** Instant the request reached the desk, when it differs from the workflow's start (replays). */
  occurredAt?: string;
  /** Incident (something broke) or service request (something is wanted); incident when absent. */
  ticketType?: TicketType;
  /** The organisation's impact x urgency matrix at opening; the default 3x3 matrix when absent. */
  priorityMatrix?: PriorityMatrix;
}

export type TicketType = 'incident' | 'service_request';

export const ticketTypes: readonly TicketType[] = ['incident', 'service_request'];

/** A desk's ownership of a ticket, as the calendar activity computed it. */
export interface DeskOwnership {
  deskId: string;
  taskQueue: string;
  /** Start of the shift that works the ticket (ISO instant); may lie in the future when no desk is on duty. */
  onDutyFrom: string;
  /** End of that shift (ISO instant): the hand-off instant for tickets that follow the sun. */
  shiftEndsAt: string;
}

/** The customer-confirmation clock of a resolved ticket. */
export interface ConfirmationClock {
  /** Instants (ISO) at which reminders go to the customer, in order. */
  reminderInstants: string[];
  remindersSent: number;
  /** Instant at which the ticket closes without confirmation; null when the policy never auto-closes. */
  autoCloseAt: string | null;
  /** Name of the policy that set the clock, for the trail. */
  policyName: string;
}

/** Pickup plan of a waiting ticket, with the instant its group was notified (null until then). */
export type PickupWatch = PickupPlan & { groupNotifiedAt: string | null };

/** Current state of a ticket as the workflow query returns it. */
export interface TicketState {
  ticketId: string;
  ticketType: TicketType;
  title: string;
  description: string;
  customer: string;
  customerTimeZone: string;
  /** Customer group whose SLA rules apply; absent or null for the general rules. */
  customerGroup?: string | null;
  impact: Impact;
  urgency: Urgency;
  priority: Priority;
  status: TicketStatus;
  pendingReason: PendingReason | null;
  ownership: DeskOwnership | null;
  followsTheSun: boolean;
  /** The desk that should own the ticket by its schedule while its workers are unreachable; null otherwise. */
  reroutedFrom: string | null;
  assignmentGroup: string;
  supportLevel: string;
  assignee: string | null;
  openedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  resolution: { code: string; notes: string; knowledgeArticleId: string | null } | null;
  closedWithoutConfirmation: boolean;
  firstContactResolution: boolean;
  /** Set while a resolved ticket waits for the customer's answer. */
  confirmation: ConfirmationClock | null;
  /** Response and resolution clocks with their latest evaluation; null for tickets opened before SLA clocks existed. */
  sla: TicketSlaClocks | null;
  /** Whether an SLA target was missed (an escalation level that marks the breach fired). */
  slaBreached: boolean;
  /**
   * Set while the ticket waits unassigned in a group's queue: when the group is
   * on duty, when it was notified, and the automatic escalation the policy plans.
   * Absent in states of runs that predate the pickup watch.
   */
  pickup?: PickupWatch | null;
  handOffCount: number;
  /** Functional escalations to 2nd/3rd-level groups (support line raised by a transfer). */
  escalationCount: number;
  transferCount: number;
  reopenCount: number;
  refusedMessageCount: number;
  lastSequence: number;
  recentEvents: TicketEvent[];
}
