/** `sundesk desk …`: who is on duty and where tickets go next. */

import { Command } from 'commander';
import { DateTime } from 'luxon';

import { computeDeskStatus } from '../../calendar/desk-status';
import { exampleDeskConfiguration } from '../../domain/desks';
import { CommandError } from '../connections';
import { printJson, printTable } from '../print';

/** Parses an ISO 8601 instant with offset, or throws a CommandError naming it. */
export function parseInstant(text: string, option: string): DateTime {
  const instant = DateTime.fromISO(text, { setZone: true });
  if (!instant.isValid || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(text)) {
    throw new CommandError(`invalid ${option} '${text}': use an ISO 8601 instant with offset, for example 2026-12-07T09:00:00Z`, 2);
  }
  return instant;
}

/**
 * Builds the `desk` command group.
 *
 * @example
 *   program.addCommand(deskCommand());
 */
export function deskCommand(): Command {
  const desk = new Command('desk').description('desks, shifts and hand-offs');

  desk
    .command('status')
    .description('show which desks are on duty and where their tickets go at shift end')
    .option('--at <instant>', 'ISO 8601 instant to evaluate (default: now)')
    .option('--json', 'print JSON')
    .action((options: { at?: string; json?: boolean }) => {
      const instant = options.at === undefined ? DateTime.utc() : parseInstant(options.at, '--at');
      const statuses = computeDeskStatus(exampleDeskConfiguration, instant);
      if (options.json) {
        printJson({ at: instant.toUTC().toISO(), desks: statuses });
        return;
      }

      process.stdout.write(`at ${instant.toUTC().toISO()}\n`);
      printTable(
        ['desk', 'local time', 'on duty', 'shift ends (UTC)', 'hands off to', 'next shift (UTC)'],
        statuses.map((status) => [status.deskId, status.localTime, status.onDuty ? 'yes' : 'no', status.shiftEndsAt ?? '-', status.handsOffTo ?? '-', status.nextShiftStartsAt ?? '-']),
      );
    });

  return desk;
}
