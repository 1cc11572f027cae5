/**
 * The typed client library for integrators: open tickets, change them through
 * validated updates, and read their state. Wraps a Temporal `Client`.
 */

import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';

import { ticketTaskQueue } from '../domain/desks';
import { computePriority, defaultPriorityMatrix, type PriorityMatrix } from '../domain/priority';
import { ticketPriorityKey, ticketStatusKey } from '../domain/search-attributes';
import { ticketTypes, type OpenTicketInput, type TicketState } from '../domain/ticket';
import * as messages from '../../workflows/messages';
import type { ticketWorkflow } from '../../workflows/ticket';

/** Thrown when no ticket workflow has the id. */
export class TicketNotFoundError extends Error {
  override name = 'TicketNotFoundError';
}

/** Thrown when the workflow's validator refuses a change; nothing was recorded. */
export class TicketChangeRefusedError extends Error {
  override name = 'TicketChangeRefusedError';
}

/** Thrown for invalid input that the client catches before it reaches the desk. */
export class InvalidTicketInputError extends Error {
  override name = 'InvalidTicketInputError';
}

export interface TicketClientOptions {
  /** Set false on servers without the ticket search attributes (the time-skipping test server). */
  searchAttributes?: boolean;
  /** The organisation's impact x urgency matrix; new tickets carry it. The default 3x3 matrix when absent. */
  priorityMatrix?: PriorityMatrix;
  /** Task queue of the ticket workflows; `sundesk-tickets` when absent. */
  taskQueue?: string;
  /** Whether new tickets run SLA clocks; on when absent. */
  slaClocks?: boolean;
  /** Whether new tickets send notifications through the outbox and its channels; on when absent. */
  notifications?: boolean;
}

/** The result of `open`: whether this call started the ticket, or found a ticket with that id. */
export interface OpenTicketResult {
  ticketId: string;
  created: boolean;
  /** For an existing ticket: whether it is still open, or closed or cancelled (its id cannot be used again). */
  existing?: 'open' | 'closed';
}

const ticketIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Opens and changes tickets.
 *
 * @example
 *   const tickets = new TicketClient(client);
 *   await tickets.open({ ticketId: 'SD-1001', title: 'VPN down', description: '', customer: 'ana', customerTimeZone: 'Europe/Warsaw', impact: 'high', urgency: 'high', actor: 'ana' });
 *   await tickets.resolve('SD-1001', { actor: 'agent-7', notes: 'restarted the gateway' });
 */
export class TicketClient {
  constructor(
    private readonly client: Client,
    private readonly options: TicketClientOptions = {},
  ) {}

  /**
   * Opens a ticket: starts its workflow with the ticket id as workflow id. Opening
   * an id that is already open returns `created: false` and changes nothing.
   *
   * @throws InvalidTicketInputError for a bad id, time zone, impact or urgency.
   */
  async open(ticket: OpenTicketInput): Promise<OpenTicketResult> {
    const input = this.prepare(ticket);

    try {
      await this.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
        workflowId: ticket.ticketId,
        taskQueue: this.options.taskQueue ?? ticketTaskQueue,
        args: [{ ticket: input, searchAttributes: this.options.searchAttributes !== false, slaClocks: this.options.slaClocks, notifications: this.options.notifications }],
        typedSearchAttributes: this.initialSearchAttributes(input),
        // A ticket id names one ticket for ever: a closed ticket's id is never reused.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { ticketId: ticket.ticketId, created: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        const description = await this.client.workflow.getHandle(ticket.ticketId).describe();
        return { ticketId: ticket.ticketId, created: false, existing: description.status.name === 'RUNNING' ? 'open' : 'closed' };
      }
      throw error;
    }
  }

  /**
   * Opens the ticket if it is not open yet and adds a comment, in one call
   * (signal-with-start): an integrator's event either creates the ticket or
   * lands on the open one. A repeated `requestId` adds the comment once.
   *
   * @throws InvalidTicketInputError for bad ticket fields.
   */
  async openOrComment(ticket: OpenTicketInput, comment: messages.CommentRequest): Promise<void> {
    const input = this.prepare(ticket);

    await this.client.workflow.signalWithStart<typeof ticketWorkflow, [messages.CommentRequest]>('ticketWorkflow', {
      workflowId: ticket.ticketId,
      taskQueue: this.options.taskQueue ?? ticketTaskQueue,
      args: [{ ticket: input, searchAttributes: this.options.searchAttributes !== false, slaClocks: this.options.slaClocks, notifications: this.options.notifications }],
      typedSearchAttributes: this.initialSearchAttributes(input),
      signal: messages.commentSignal,
      signalArgs: [comment],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }).catch((error: unknown) => {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new TicketChangeRefusedError(`ticket '${ticket.ticketId}' is closed or cancelled: open a new ticket with another id`);
      }
      throw error;
    });
  }

  private prepare(ticket: OpenTicketInput): OpenTicketInput {
    const priorityMatrix = ticket.priorityMatrix ?? this.options.priorityMatrix ?? defaultPriorityMatrix;
    validateOpenTicketInput(ticket, priorityMatrix);
    return { ...ticket, customerTimeZone: canonicalTimeZone(ticket.customerTimeZone), priorityMatrix };
  }

  private initialSearchAttributes(ticket: OpenTicketInput) {
    if (this.options.searchAttributes === false) {
      return undefined;
    }

    return [
      { key: ticketStatusKey, value: 'new' },
      { key: ticketPriorityKey, value: computePriority(ticket.impact, ticket.urgency, ticket.priorityMatrix) },
    ];
  }

  /** Reads the ticket's current state from its workflow. */
  async state(ticketId: string): Promise<TicketState> {
    return this.call(ticketId, (handle) => handle.query(messages.ticketStateQuery));
  }

  /** Assigns the ticket to an agent (the actor by default), resuming it when pending. */
  assign(ticketId: string, request: messages.AssignRequest): Promise<TicketState> {
    return this.update(ticketId, messages.assignUpdate, request);
  }

  /** Moves the ticket to another assignment group's queue. */
  transfer(ticketId: string, request: messages.TransferRequest): Promise<TicketState> {
    return this.update(ticketId, messages.transferUpdate, request);
  }

  /** Puts the ticket on hold, waiting for the customer, a vendor, a change or a problem. */
  setPending(ticketId: string, request: messages.PendingRequest): Promise<TicketState> {
    return this.update(ticketId, messages.setPendingUpdate, request);
  }

  /** Resumes a pending ticket. */
  resume(ticketId: string, request: messages.ResumeRequest): Promise<TicketState> {
    return this.update(ticketId, messages.resumeUpdate, request);
  }

  /** Resolves the ticket; it then waits for the customer's confirmation. */
  resolve(ticketId: string, request: messages.ResolveRequest): Promise<TicketState> {
    return this.update(ticketId, messages.resolveUpdate, request);
  }

  /** Records the customer's confirmation of a resolved ticket, which closes it. */
  confirm(ticketId: string, request: messages.ConfirmRequest): Promise<TicketState> {
    return this.update(ticketId, messages.confirmUpdate, request);
  }

  /** Records the customer's rejection of the resolution, which reopens the ticket. */
  reject(ticketId: string, request: messages.RejectRequest): Promise<TicketState> {
    return this.update(ticketId, messages.rejectUpdate, request);
  }

  /** Cancels the ticket (duplicate or withdrawn request). */
  cancel(ticketId: string, request: messages.CancelRequest): Promise<TicketState> {
    return this.update(ticketId, messages.cancelUpdate, request);
  }

  /** Adds a comment to the ticket's trail. */
  comment(ticketId: string, request: messages.CommentRequest): Promise<TicketState> {
    return this.update(ticketId, messages.commentUpdate, request);
  }

  /** Adds an internal work note. */
  workNote(ticketId: string, request: messages.WorkNoteRequest): Promise<TicketState> {
    return this.update(ticketId, messages.workNoteUpdate, request);
  }

  /** Records the customer's reply; it resumes a ticket pending on the customer. */
  customerReply(ticketId: string, request: messages.CustomerReplyRequest): Promise<TicketState> {
    return this.update(ticketId, messages.customerReplyUpdate, request);
  }

  /** Changes impact and/or urgency; the workflow recomputes the priority. */
  changePriority(ticketId: string, request: messages.ChangePriorityRequest): Promise<TicketState> {
    return this.update(ticketId, messages.changePriorityUpdate, request);
  }

  /**
   * Sends any change by its message name, for callers that pick the message at
   * run time (the payload is validated by the workflow).
   *
   * @example
   *   await tickets.change('SD-1001', 'comment', { actor: 'crm', text: 'called the customer' });
   */
  change(ticketId: string, name: messages.TicketCommandName, request: unknown): Promise<TicketState> {
    return this.update(ticketId, messages.ticketUpdates[name] as typeof messages.commentUpdate, request as messages.CommentRequest);
  }

  private update<Request>(ticketId: string, definition: import('@temporalio/client').UpdateDefinition<TicketState, [Request]>, request: Request): Promise<TicketState> {
    return this.call(ticketId, async (handle) => {
      try {
        return await handle.executeUpdate(definition, { args: [request] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
          throw new TicketChangeRefusedError(cause);
        }
        throw error;
      }
    });
  }

  private async call<Result>(ticketId: string, action: (handle: WorkflowHandle<typeof ticketWorkflow>) => Promise<Result>): Promise<Result> {
    const handle = this.client.workflow.getHandle<typeof ticketWorkflow>(ticketId);
    try {
      return await action(handle);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) {
        throw error;
      }

      // The server returns "not found" both for unknown ids and for changes to a completed workflow.
      const description = await handle.describe().catch(() => undefined);
      if (description !== undefined && description.status.name !== 'RUNNING') {
        throw new TicketChangeRefusedError(`ticket '${ticketId}' is closed or cancelled (workflow ${description.status.name.toLowerCase()}): open a new ticket instead`);
      }
      throw new TicketNotFoundError(`ticket '${ticketId}' not found: check the id (ticket ids look like SD-1001)`);
    }
  }
}

/**
 * Checks a new ticket's fields before the ticket is opened.
 *
 * @throws InvalidTicketInputError naming the first bad field and how to fix it.
 * @example
 *   validateOpenTicketInput({ ...ticket, impact: 'huge' }); // throws: invalid impact 'huge'
 */
export function validateOpenTicketInput(ticket: OpenTicketInput, priorityMatrix: PriorityMatrix = defaultPriorityMatrix): void {
  if (!ticketIdPattern.test(ticket.ticketId)) {
    throw new InvalidTicketInputError(`invalid ticket id '${ticket.ticketId}': use letters, digits, '.', '_', ':' or '-' (at most 128), for example SD-1001`);
  }
  if (ticket.title.trim() === '') {
    throw new InvalidTicketInputError('missing title: describe the request in a few words');
  }
  if (ticket.actor.trim() === '') {
    throw new InvalidTicketInputError('missing actor: say who opens the ticket');
  }
  if (ticket.ticketType !== undefined && !ticketTypes.includes(ticket.ticketType)) {
    throw new InvalidTicketInputError(`invalid ticket type '${String(ticket.ticketType)}': use one of ${ticketTypes.join(', ')}`);
  }
  if (ticket.customerGroup !== undefined && (typeof ticket.customerGroup !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(ticket.customerGroup))) {
    throw new InvalidTicketInputError(`invalid customer group '${String(ticket.customerGroup)}': use letters, digits, '.', '_', ':' or '-' (at most 64), for example executives, or leave it out`);
  }
  if (!isValidTimeZone(ticket.customerTimeZone)) {
    throw new InvalidTicketInputError(`invalid time zone '${ticket.customerTimeZone}': use an IANA zone such as Europe/Warsaw`);
  }

  try {
    computePriority(ticket.impact, ticket.urgency, priorityMatrix);
  } catch (error) {
    throw new InvalidTicketInputError((error as Error).message);
  }
}

/** Spells an IANA zone the way the time-zone database does (`europe/warsaw` becomes `Europe/Warsaw`). */
function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
