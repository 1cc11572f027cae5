import pino, { type Logger } from 'pino';

/**
 * Creates the structured logger of a sundesk process: JSON lines on standard
 * error, or into `file` when given. Writes are synchronous, so a process that
 * exits on an error keeps its last lines. Every line about a ticket carries `ticketId`.
 *
 * @example
 *   const logger = createLogger({ name: 'desk-worker' });
 *   logger.info({ ticketId: 'SD-1001' }, 'ticket routed');
 */
export function createLogger(options: { name: string; level?: string; file?: string }): Logger {
  const destination = options.file === undefined ? pino.destination(2) : pino.destination({ dest: options.file, mkdir: true, sync: true });
  return pino({ name: options.name, level: options.level ?? process.env.SUNDESK_LOG_LEVEL ?? 'info' }, destination);
}
