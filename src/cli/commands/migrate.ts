/** `sundesk migrate`: apply the ticket store's schema migrations. */

import { Command } from 'commander';

import { exampleDeskConfiguration } from '../../domain/desks';
import { migrateToLatest } from '../../store/migrate';
import { saveDesks } from '../../store/ticket-store';
import { openStore } from '../connections';

/**
 * Builds the `migrate` command.
 *
 * @example
 *   program.addCommand(migrateCommand());
 */
export function migrateCommand(): Command {
  return new Command('migrate').description('apply pending migrations to the ticket store (DATABASE_URL or the running desk)').action(async () => {
    const database = openStore();
    try {
      const applied = await migrateToLatest(database);
      await saveDesks(database, exampleDeskConfiguration);
      process.stdout.write(applied.length === 0 ? 'the ticket store is up to date\n' : `applied ${applied.join(', ')}\n`);
    } finally {
      await database.destroy();
    }
  });
}
