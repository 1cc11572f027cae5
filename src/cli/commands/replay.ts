/** `sundesk replay <log>`: drive a real incident log through the desk on the time-skipping server. */

import path from 'node:path';

import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';

import { resolveSettings } from '../../config/settings';
import { createLogger } from '../../logging';
import { defaultClockStepMinutes } from '../../replay/driver';
import { readReplayLog } from '../../replay/read-log';
import type { ReplayReport } from '../../replay/report';
import { runReplay } from '../../replay/run-replay';
import { startEmbeddedPostgres } from '../../services/embedded-postgres';
import { createStoreDatabase } from '../../store/database';
import { installRuntimeLogger } from '../../../workers/runtime-logger';
import { CommandError } from '../connections';
import { printFields, printJson } from '../print';
import { positiveInteger } from './ticket';

function printReport(report: ReplayReport): void {
  printFields([
    ['log spans', `${report.logStartsAt} to ${report.logEndsAt}`],
    ['tickets replayed', String(report.ticketsReplayed)],
    ['tickets the log closes', String(report.ticketsTheLogCloses)],
    ['tickets closed', String(report.ticketsClosed)],
    ['closed without confirmation', String(report.ticketsClosedWithoutConfirmation)],
    ['tickets cancelled', String(report.ticketsCancelled)],
    ['tickets still open', String(report.ticketsStillOpen)],
    ['closed by the log, open here', report.ticketsNotClosedAsLogged.length === 0 ? 'none' : report.ticketsNotClosedAsLogged.join(', ')],
    ['first-contact resolutions', String(report.firstContactResolutions)],
    ['reopened tickets', String(report.reopenedTickets)],
    ['hand-offs per desk', Object.entries(report.handOffsPerDesk).map(([desk, count]) => `${desk} ${count}`).join(', ') || 'none'],
    ['tickets reaching L2', String(report.ticketsReachingL2)],
    ['tickets reaching L3', String(report.ticketsReachingL3)],
    ['ping-pong transfers', `${report.pingPongTransfers} in ${report.ticketsWithPingPong} tickets`],
    ['events delivered', `${report.eventsDelivered} in ${report.clockSteps} clock steps`],
    ['failed deliveries', String(report.failedDeliveries)],
    ['refused messages', String(report.refusedMessages)],
    ['rejected log rows', String(report.rejectedLogRows)],
    ['wall time', `${report.wallTimeSeconds.toFixed(1)} s`],
    ['tickets per second', report.ticketsPerSecond.toFixed(1)],
  ]);
}

/**
 * Builds the `replay` command.
 *
 * @example
 *   program.addCommand(replayCommand());
 */
export function replayCommand(): Command {
  return new Command('replay')
    .description('replay a ticket-event log (generic CSV/JSON Lines, or the BPI Challenge 2013 log) through real ticket workflows on the time-skipping server')
    .argument('<log>', 'log file: .csv, .csv.gz, .jsonl or .jsonl.gz')
    .option('--limit <count>', 'replay only the first N tickets in file order', (value) => positiveInteger(value, '--limit'))
    .option('--format <format>', 'log format: bpic2013 or generic (default: detected from the header)', (value: string) => {
      if (value !== 'bpic2013' && value !== 'generic') {
        throw new InvalidArgumentError('Use bpic2013 or generic for --format.');
      }
      return value;
    })
    .option('--clock-step-minutes <minutes>', `widest clock step between two duty boundaries; smaller steps deliver each event closer to its recorded instant and take longer (default ${defaultClockStepMinutes})`, (value) => positiveInteger(value, '--clock-step-minutes'))
    .option('--database-url <url>', 'PostgreSQL for the replayed tickets (default: DATABASE_URL, else an embedded database in the data folder)')
    .option('--json', 'print the report as JSON')
    .action(async (logPath: string, options: { limit?: number; format?: 'bpic2013' | 'generic'; clockStepMinutes?: number; databaseUrl?: string; json?: boolean }) => {
      const settings = resolveSettings();
      const logger = createLogger({ name: 'sundesk-replay', file: path.join(settings.dataDirectory, 'logs', 'replay.log') });
      installRuntimeLogger(logger, 'WARN');

      let log;
      try {
        log = await readReplayLog(logPath, { limit: options.limit, format: options.format });
      } catch (error) {
        throw new CommandError((error as Error).message);
      }
      if (!options.json) {
        process.stdout.write(`read ${log.tickets.length} tickets (${log.rowCount} rows, ${log.rejectedRows.length} rejected) from ${logPath}\n`);
      }
      for (const rejected of log.rejectedRows.slice(0, 10)) {
        process.stderr.write(`rejected line ${rejected.line}${rejected.ticketId === null ? '' : ` (${rejected.ticketId})`}: ${rejected.reason}\n`);
      }

      const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
      const embedded = databaseUrl === undefined ? await startEmbeddedPostgres({ dataDirectory: path.join(settings.dataDirectory, 'replay-pglite') }) : undefined;
      const database = createStoreDatabase(databaseUrl ?? embedded!.connectionString, { maxConnections: 8 });

      const bar = options.json || !process.stderr.isTTY ? undefined : new SingleBar({ format: 'replaying [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left', stream: process.stderr }, Presets.shades_classic);
      let lastPrintedPercent = -1;
      try {
        const report = await runReplay({
          log,
          database,
          logger,
          clockStepMinutes: options.clockStepMinutes,
          onProgress: (delivered, total) => {
            if (bar !== undefined) {
              if (delivered === 0 || lastPrintedPercent === -1) {
                bar.start(total, 0);
                lastPrintedPercent = 0;
              }
              bar.update(delivered);
              return;
            }
            const percent = Math.floor((delivered / total) * 10) * 10;
            if (!options.json && percent > lastPrintedPercent) {
              lastPrintedPercent = percent;
              process.stderr.write(`replayed ${delivered}/${total} events (${percent} %)\n`);
            }
          },
        });
        bar?.stop();

        if (options.json) {
          printJson(report);
        } else {
          printReport(report);
        }
      } finally {
        bar?.stop();
        await database.destroy();
        await embedded?.stop();
      }
    });
}
