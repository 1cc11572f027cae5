/** Entry point of the `sundesk` command. */

import { Command, CommanderError } from 'commander';

import { deskCommand } from './commands/desk';
import { migrateCommand } from './commands/migrate';
import { replayCommand } from './commands/replay';
import { slaCommand } from './commands/sla';
import { ticketCommand } from './commands/ticket';
import { upCommand } from './commands/up';
import { InvalidSettingsError } from '../config/organisation';
import { CommandError } from './connections';

const program = new Command('sundesk')
  .description('follow-the-sun IT service desk on Temporal')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(upCommand());
program.addCommand(ticketCommand());
program.addCommand(deskCommand());
program.addCommand(replayCommand());
program.addCommand(slaCommand());
program.addCommand(migrateCommand());

// A reader that stops early (`sundesk desk status | head -2`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(0);
  }
  throw error;
});

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CommanderError) {
      process.exit(error.exitCode);
    }
    if (error instanceof InvalidSettingsError) {
      process.stderr.write(`sundesk: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof CommandError) {
      process.stderr.write(`sundesk: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`sundesk: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
