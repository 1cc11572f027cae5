/**
 * The in-memory side of one ticket workflow run: its state, the event trail not
 * yet written to the store, and how messages change them. Deterministic: the
 * workflow supplies the clock.
 */

import { ApplicationFailure, log } from '@temporalio/workflow';

import { computePriority, defaultPriorityMatrix, type Priority, type PriorityMatrix } from '../src/domain/priority';
import { firstLineAssignmentGroup, type OpenTicketInput, type TicketEvent, type TicketState } from '../src/domain/ticket';
import type { TicketCommand } from './messages';
import { applyEventToSlaClocks } from './sla-rules';
import {
  applyTicketCommand,
  checkTicketCommand,
  isRepeatedRequest,
  recentEventLimit,
  rememberedRequestIdLimit,
  TicketCommandRefusal,
  type EventDraft,
} from './ticket-rules';

/** State that one run hands to the next at continue-as-new. */
export interface CarriedOverState {
  state: TicketState;
  unrecordedEvents: TicketEvent[];
  takenRequestIds: string[];
  priorityMatrix: PriorityMatrix;
  followTheSunPriorities: Priority[];
}

/**
 * Builds the state of a newly opened ticket.
 *
 * @throws Error for an impact or urgency outside the matrix.
 * @example
 *   const state = initialTicketState(ticket, '2026-12-07T09:00:00.000Z', defaultPriorityMatrix);
 */
export function initialTicketState(ticket: OpenTicketInput, openedAt: string, priorityMatrix: PriorityMatrix): TicketState {
  return {
    ticketId: ticket.ticketId,
    ticketType: ticket.ticketType ?? 'incident',
    title: ticket.title,
    description: ticket.description,
    customer: ticket.customer,
    customerTimeZone: ticket.customerTimeZone,
    customerGroup: ticket.customerGroup ?? null,
    impact: ticket.impact,
    urgency: ticket.urgency,
    priority: computePriority(ticket.impact, ticket.urgency, priorityMatrix),
    status: 'new',
    pendingReason: null,
    ownership: null,
    followsTheSun: false,
    reroutedFrom: null,
    assignmentGroup: ticket.assignmentGroup ?? firstLineAssignmentGroup,
    supportLevel: ticket.supportLevel ?? 'L1',
    assignee: null,
    openedAt,
    resolvedAt: null,
    closedAt: null,
    resolution: null,
    closedWithoutConfirmation: false,
    firstContactResolution: false,
    confirmation: null,
    sla: null,
    slaBreached: false,
    handOffCount: 0,
    escalationCount: 0,
    transferCount: 0,
    reopenCount: 0,
    refusedMessageCount: 0,
    lastSequence: 0,
    recentEvents: [],
  };
}

/** State and message handling of one run of the ticket workflow. */
export class TicketRun {
  /** Set when an event moved an SLA clock record, so the workflow re-evaluates the clocks. */
  slaChanged = false;
  unrecordedEvents: TicketEvent[];
  takenRequestIds: string[];
  followTheSunPriorities: Priority[];

  constructor(
    public state: TicketState,
    readonly priorityMatrix: PriorityMatrix,
    private readonly now: () => string,
    carriedOver?: CarriedOverState,
  ) {
    this.unrecordedEvents = carriedOver?.unrecordedEvents ?? [];
    this.takenRequestIds = carriedOver?.takenRequestIds ?? [];
    this.followTheSunPriorities = carriedOver?.followTheSunPriorities ?? [];
  }

  /** Creates the run of a new ticket, or throws a non-retryable failure for invalid input. */
  static open(ticket: OpenTicketInput, now: () => string): TicketRun {
    const priorityMatrix = ticket.priorityMatrix ?? defaultPriorityMatrix;
    try {
      return new TicketRun(initialTicketState(ticket, ticket.occurredAt ?? now(), priorityMatrix), priorityMatrix, now);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(`cannot open ticket ${ticket.ticketId}: ${(error as Error).message}`, 'InvalidTicketInput');
    }
  }

  /** Resumes a run from the state that continue-as-new carried over. */
  static resume(carriedOver: CarriedOverState, now: () => string): TicketRun {
    return new TicketRun(carriedOver.state, carriedOver.priorityMatrix, now, carriedOver);
  }

  /** Returns what the next run needs at continue-as-new. */
  carryOver(): CarriedOverState {
    return {
      state: this.state,
      unrecordedEvents: this.unrecordedEvents,
      takenRequestIds: this.takenRequestIds,
      priorityMatrix: this.priorityMatrix,
      followTheSunPriorities: this.followTheSunPriorities,
    };
  }

  /** Numbers event drafts, adds them to the trail and queues them for the store. */
  record(drafts: EventDraft[], deskId: string | null = this.state.ownership?.deskId ?? null): void {
    for (const eventDraft of drafts) {
      this.state.lastSequence += 1;
      const event: TicketEvent = { ticketId: this.state.ticketId, sequence: this.state.lastSequence, deskId, ...eventDraft };
      this.unrecordedEvents.push(event);
      this.state.recentEvents.push(event);

      const sla = this.state.sla;
      // SLA clocks run on the workflow's clock, not on an event's reported instant (a replay reports the log's past).
      if (sla !== null && applyEventToSlaClocks(sla, event.type, this.state.pendingReason, this.now(), sla.snapshots.resolution.elapsedBusinessMinutes)) {
        this.slaChanged = true;
      }
    }
    this.state.recentEvents = this.state.recentEvents.slice(-recentEventLimit);
  }

  /** Re-decides whether the ticket follows the sun, for example after a priority change. */
  refreshFollowTheSun(): void {
    this.state.followsTheSun = this.followTheSunPriorities.includes(this.state.priority);
  }

  /** Validates an update before it is accepted; a repeated request id is always accepted (and changes nothing). */
  validateUpdate(command: TicketCommand): void {
    if (isRepeatedRequest(this.takenRequestIds, command)) {
      return;
    }

    try {
      checkTicketCommand(this.state, command, this.priorityMatrix);
    } catch (error) {
      // Non-retryable, so callers see that sending the same payload again cannot succeed.
      throw ApplicationFailure.nonRetryable((error as Error).message, 'TicketCommandRefusal');
    }
  }

  /** Applies an accepted update and returns the new state. */
  applyUpdate(command: TicketCommand): TicketState {
    if (isRepeatedRequest(this.takenRequestIds, command)) {
      return this.state;
    }

    try {
      checkTicketCommand(this.state, command, this.priorityMatrix);
    } catch (error) {
      // The status changed between validation and handling; fail only this update.
      throw ApplicationFailure.nonRetryable((error as Error).message, 'TicketCommandRefusal');
    }
    this.take(command);
    return this.state;
  }

  /** Applies a signal, or records it as refused; never throws, so a bad signal cannot fail the workflow. */
  applySignal(command: TicketCommand): void {
    if (isRepeatedRequest(this.takenRequestIds, command)) {
      return;
    }

    try {
      checkTicketCommand(this.state, command, this.priorityMatrix);
      this.take(command);
    } catch (error) {
      this.refuse(command.name, command.request, error instanceof TicketCommandRefusal ? error.message : `${command.name}: ${String(error)}`);
    }
  }

  /**
   * Applies a change that the desk itself decides, such as an automatic
   * escalation, with the reason shown on its first event. Returns false, and
   * changes nothing, when the rules refuse it in the ticket's current status.
   */
  applySystemCommand(command: TicketCommand, reason: string): boolean {
    try {
      checkTicketCommand(this.state, command, this.priorityMatrix);
    } catch (error) {
      log.warn('desk change rejected', { ticketId: this.state.ticketId, message: command.name, reason: String(error) });
      return false;
    }

    const drafts = applyTicketCommand(this.state, command, this.now(), this.priorityMatrix);
    this.record(drafts.map((eventDraft, index) => (index === 0 ? { ...eventDraft, reason } : eventDraft)));
    return true;
  }

  /** Records a message that the rules do not accept, such as a signal of an unknown name. */
  refuse(messageName: string, payload: unknown, reason: string): void {
    this.state.refusedMessageCount += 1;
    const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
    const actor = typeof fields.actor === 'string' && fields.actor !== '' ? fields.actor : 'unknown';
    const occurredAt = typeof fields.occurredAt === 'string' && !Number.isNaN(Date.parse(fields.occurredAt)) ? fields.occurredAt : this.now();

    this.record([{ type: 'refused', actor, occurredAt, reason, details: { message: messageName, payload: payload ?? null } }]);
    log.warn('message refused', { ticketId: this.state.ticketId, message: messageName, reason });
  }

  private take(command: TicketCommand): void {
    if (command.request.requestId !== undefined) {
      this.takenRequestIds = [...this.takenRequestIds, command.request.requestId].slice(-rememberedRequestIdLimit);
    }

    const priorityBefore = this.state.priority;
    this.record(applyTicketCommand(this.state, command, this.now(), this.priorityMatrix));

    // The pickup watch ends with an assignment or a move to another group; the next step plans a new one.
    const watch = this.state.pickup ?? null;
    if (watch !== null && (this.state.assignee !== null || watch.assignmentGroup !== this.state.assignmentGroup)) {
      this.state.pickup = null;
    }
    if (this.state.priority !== priorityBefore) {
      this.refreshFollowTheSun();
    }
  }
}
