/**
 * Custom search attributes of ticket workflows, so operations staff can filter
 * tickets in the Web UI and with `temporal workflow list --query`. The set fits
 * the dev server's SQLite visibility limits (at most 10 Keyword, 3 Int,
 * 3 Bool and 3 Datetime attributes per namespace).
 */

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ticketStatusKey = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
export const ticketPriorityKey = defineSearchAttributeKey('TicketPriority', SearchAttributeType.INT);
export const ownerDeskKey = defineSearchAttributeKey('OwnerDesk', SearchAttributeType.KEYWORD);
export const assignmentGroupKey = defineSearchAttributeKey('AssignmentGroup', SearchAttributeType.KEYWORD);
export const ticketTypeKey = defineSearchAttributeKey('TicketType', SearchAttributeType.KEYWORD);
export const slaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const resolutionDueKey = defineSearchAttributeKey('ResolutionDue', SearchAttributeType.DATETIME);

/** Names and types as `temporal server start-dev --search-attribute NAME=TYPE` takes them. */
export const ticketSearchAttributeTypes: Record<string, 'Keyword' | 'Int' | 'Bool' | 'Datetime'> = {
  TicketStatus: 'Keyword',
  TicketPriority: 'Int',
  OwnerDesk: 'Keyword',
  AssignmentGroup: 'Keyword',
  TicketType: 'Keyword',
  SlaBreached: 'Bool',
  ResolutionDue: 'Datetime',
};
