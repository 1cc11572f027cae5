/**
 * Activities of the desk. `createTicketActivities` builds the desk-neutral ones
 * (store, calendar) that run on the ticket task queue; `createDeskActivities`
 * builds the work that runs on one desk's own task queue.
 */

export { createTicketActivities, type TicketActivities, type TicketActivityDependencies } from './ticket-activities';
export { createDeskActivities, type DeskActivities, type HandOffNote, type HandOffReceipt } from './desk-activities';
