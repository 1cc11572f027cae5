/** Workflow entry points that workers register; import message definitions from './messages'. */
export { ticketWorkflow } from './ticket';
