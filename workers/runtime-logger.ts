import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * Routes the Temporal SDK's own log lines (worker start and stop, retries,
 * workflow logger output) to the process's pino logger. Call once per process,
 * before the first worker or connection is created.
 *
 * @example
 *   installRuntimeLogger(createLogger({ name: 'desk-worker' }));
 */
export function installRuntimeLogger(logger: Logger, level: LogLevel = 'INFO'): void {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      logger[levels[entry.level]]({ ...entry.meta, source: 'temporal-sdk' }, entry.message);
    }),
    // The native core logs to stderr on its own unless its lines are forwarded here.
    telemetryOptions: { logging: { filter: { core: level, other: 'WARN' }, forward: {} } },
  });
}
