/**
 * `sundesk sla due` through commander's parseAsync, with standard output
 * captured. Usage errors surface as CommandError (exit status 2), which the
 * CLI's entry point prints as `sundesk: <message>`.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Command, CommanderError } from 'commander';

import { slaCommand } from '../src/cli/commands/sla';
import { CommandError } from '../src/cli/connections';
import { exampleDeskConfiguration } from '../src/domain/desks';

interface CliRun {
  stdout: string;
  error: unknown;
}

/** Applies exitOverride and captured output to a command and all its subcommands. */
function captureRecursively(command: Command, output: { text: string }): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => {
      output.text += text;
    },
    writeErr: (text) => {
      output.text += text;
    },
  });
  for (const subcommand of command.commands) {
    captureRecursively(subcommand, output);
  }
}

async function sundesk(...args: string[]): Promise<CliRun> {
  const program = new Command('sundesk');
  program.addCommand(slaCommand());
  const output = { text: '' };
  captureRecursively(program, output);

  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.text += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'sundesk', ...args]);
    return { stdout: output.text, error: undefined };
  } catch (error) {
    return { stdout: output.text, error };
  } finally {
    write.mockRestore();
  }
}

function expectUsageError(run: CliRun, messagePattern: RegExp): void {
  expect(run.error).toBeInstanceOf(CommandError);
  expect((run.error as CommandError).exitCode).toBe(2);
  expect((run.error as CommandError).message).toMatch(messagePattern);
}

describe('sundesk sla due', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'sundesk-sla-cli-'));

  /** Writes a file into the test's folder and returns its path. */
  function writeConfig(name: string, content: unknown): string {
    const file = path.join(directory, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  /** A centralized desk in Pune with one specialist group in Stockholm, in the desk configuration file format. */
  const deskConfiguration = {
    version: 1,
    structure: { type: 'centralized', desk: 'pune' },
    desks: [
      {
        id: 'pune',
        name: 'Pune desk',
        timeZone: 'Asia/Kolkata',
        taskQueue: 'desk-pune',
        shifts: [{ weekdays: 'mon-fri', start: '09:00', end: '18:00' }],
        holidays: [{ date: '2026-01-26', name: 'Republic Day' }],
      },
    ],
    specialistGroups: [{ id: 'network-l2', name: 'Network operations', supportLevel: 'L2', timeZone: 'Europe/Stockholm', shifts: [{ weekdays: 'mon-fri', start: '07:00', end: '16:00' }] }],
  };

  const londonOffice = {
    name: 'london-office',
    timeZone: 'Europe/London',
    weeklyHours: [{ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' }],
    breaks: [{ start: '12:30', end: '13:00' }],
    holidays: ['2026-04-03', '2026-04-06'],
  };

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('24x7 with pauses as JSON', async () => {
    // 4 h from Fri 12:00Z, paused Fri 14:00Z to Mon 08:00Z: 2 h before, 2 h after.
    const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h', '--pauses', '2026-01-16T14:00:00Z/2026-01-19T08:00:00Z', '--json');

    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout)).toEqual({
      calendar: '24x7',
      calendarTimeZone: 'UTC',
      start: '2026-01-16T12:00:00.000Z',
      targetMinutes: 240,
      pauses: [{ start: '2026-01-16T14:00:00.000Z', end: '2026-01-19T08:00:00.000Z' }],
      dueAt: '2026-01-19T10:00:00.000Z',
      dueAtLocal: '2026-01-19T10:00:00.000Z',
    });
  });

  test('built-in desk calendar as text', async () => {
    // The example EMEA desk works 08:00-17:00 Warsaw. Fri 27 Mar 16:00 CET: 1 h; Warsaw springs forward
    // on Sunday; Mon 08:00 CEST + 3 h = 11:00 CEST = 09:00Z.
    const run = await sundesk('sla', 'due', '--calendar', 'desk:emea', '--start', '2026-03-27T15:00:00Z', '--target', '4h');

    expect(run.error).toBeUndefined();
    expect(run.stdout).toMatch(/^due \(UTC\): +2026-03-30T09:00:00\.000Z$/m);
    expect(run.stdout).toMatch(/^due \(Europe\/Warsaw\): +2026-03-30T11:00:00\.000\+02:00 {2}Mon 2026-03-30 11:00$/m);
    expect(run.stdout).toMatch(/^target: +4h = 240 minutes of open calendar time$/m);
  });

  test('start with offset other than Z', async () => {
    // 2026-01-16T17:00+01:00 is 16:00Z; 90 min on 24x7.
    const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T17:00:00+01:00', '--target', '90m', '--json');

    expect(JSON.parse(run.stdout).dueAt).toBe('2026-01-16T17:30:00.000Z');
  });

  test('weekly calendar from calendar file', async () => {
    // Thu 2 Apr 16:00 BST: 1.5 h; Good Friday and Easter Monday closed; Tue 09:00 BST + 2.5 h = 11:30 BST.
    const calendars = writeConfig('office.json', { calendars: [londonOffice] });
    const run = await sundesk('sla', 'due', '--calendars', calendars, '--calendar', 'london-office', '--start', '2026-04-02T15:00:00Z', '--target', '4h', '--json');

    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout)).toMatchObject({ calendar: 'london-office', calendarTimeZone: 'Europe/London', dueAt: '2026-04-07T10:30:00.000Z', dueAtLocal: '2026-04-07T11:30:00.000+01:00' });
  });

  test('calendar file in YAML', async () => {
    // Kolkata office, Thu 15 Jan 08:30 IST, 10 h: Thu 8 h (lunch 13:00-14:00),
    // Fri 09:30 IST + 2 h = 11:30 IST = 06:00Z.
    const yaml = [
      'calendars:',
      '  - name: kolkata-office',
      '    timeZone: Asia/Kolkata',
      '    weeklyHours: [{ weekdays: [1, 2, 3, 4, 5, 6], start: "09:30", end: "18:30" }]',
      '    breaks: [{ start: "13:00", end: "14:00" }]',
      '',
    ].join('\n');
    const calendars = writeConfig('kolkata.yaml', yaml);
    const run = await sundesk('sla', 'due', '--calendars', calendars, '--calendar', 'kolkata-office', '--start', '2026-01-15T03:00:00Z', '--target', '10h', '--json');

    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout)).toMatchObject({ dueAt: '2026-01-16T06:00:00.000Z', dueAtLocal: '2026-01-16T11:30:00.000+05:30' });
  });

  test('desk from desk configuration', async () => {
    // Pune desk 09:00-18:00 IST. Fri 23 Jan 17:00 IST = 11:30Z: 1 h. Mon 26 is Republic Day.
    // Tue 27 09:00 IST + 1 h = 10:00 IST = 04:30Z.
    const config = writeConfig('pune.json', deskConfiguration);
    const run = await sundesk('sla', 'due', '--config', config, '--calendar', 'desk:pune', '--start', '2026-01-23T11:30:00Z', '--target', '2h', '--json');

    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout)).toMatchObject({ dueAt: '2026-01-27T04:30:00.000Z', dueAtLocal: '2026-01-27T10:00:00.000+05:30' });
  });

  test('specialist group from desk configuration', async () => {
    // Network group 07:00-16:00 Stockholm. Fri 16 Jan 15:00 CET = 14:00Z: 1 h. Mon 07:00 CET = 06:00Z + 1 h.
    const config = writeConfig('groups.json', deskConfiguration);
    const run = await sundesk('sla', 'due', '--config', config, '--calendar', 'group:network-l2', '--start', '2026-01-16T14:00:00Z', '--target', '2h', '--json');

    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout)).toMatchObject({ calendarTimeZone: 'Europe/Stockholm', dueAt: '2026-01-19T07:00:00.000Z' });
  });

  test('desk configuration replaces built-in desks', async () => {
    const config = writeConfig('replace.json', deskConfiguration);
    const calendars = writeConfig('replace-calendars.json', { calendars: [londonOffice] });
    const run = await sundesk('sla', 'due', '--config', config, '--calendars', calendars, '--calendar', 'desk:emea', '--start', '2026-01-16T12:00:00Z', '--target', '1h');

    expectUsageError(run, /^unknown calendar 'desk:emea': use one of 24x7, follow-the-sun, desk:pune, group:network-l2, london-office$/);
  });

  test('help lists the calendars', async () => {
    const run = await sundesk('sla', 'due', '--help');

    expect(run.error).toBeInstanceOf(CommanderError);
    expect((run.error as CommanderError).code).toBe('commander.helpDisplayed');
    for (const name of ['24x7', 'follow-the-sun', ...exampleDeskConfiguration.desks.map((desk) => `desk:${desk.id}`)]) {
      expect(run.stdout).toContain(`  ${name} `);
    }
  });

  test('unknown calendar names the known ones', async () => {
    const run = await sundesk('sla', 'due', '--calendar', 'business-hours', '--start', '2026-01-16T12:00:00Z', '--target', '4h');
    const builtInNames = ['24x7', 'follow-the-sun', ...exampleDeskConfiguration.desks.map((desk) => `desk:${desk.id}`)].join(', ');

    expectUsageError(run, new RegExp(`^unknown calendar 'business-hours': use one of ${builtInNames}$`));
  });

  test('start without offset is rejected', async () => {
    const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00', '--target', '4h');

    expectUsageError(run, /^invalid --start '2026-01-16T12:00:00': the instant has no UTC offset; add Z/);
  });

  test('invalid start is rejected', async () => {
    expectUsageError(await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-02-30T12:00:00Z', '--target', '4h'), /^invalid --start '2026-02-30T12:00:00Z'/);
    expectUsageError(await sundesk('sla', 'due', '--calendar', '24x7', '--start', 'tomorrow', '--target', '4h'), /^invalid --start 'tomorrow'.*for example 2026-03-27T16:00:00Z$/);
  });

  test('bad durations are rejected', async () => {
    for (const target of ['4x', '4 hours', '30m2h', 'h', '-4h', '1.5h']) {
      expectUsageError(await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', target), new RegExp(`^invalid --target '${target.replace('.', '\\.')}': use whole days, hours and minutes`));
    }
    expectUsageError(await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '0m'), /^invalid --target '0m': a target must be longer than zero minutes$/);
  });

  test('bad pauses are rejected', async () => {
    const due = (pauses: string): Promise<CliRun> => sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h', '--pauses', pauses);

    expectUsageError(await due('2026-01-16T14:00:00Z'), /^invalid pause '2026-01-16T14:00:00Z' in --pauses: write each pause as start\/end/);
    expectUsageError(await due('2026-01-16T15:00:00Z/2026-01-16T14:00:00Z'), /ends before or when it starts; put the earlier instant first$/);
    expectUsageError(await due('2026-01-16T14:00:00/2026-01-16T15:00:00Z'), /^invalid start of pause 1 in --pauses '2026-01-16T14:00:00': the instant has no UTC offset/);
    expectUsageError(await due('2026-01-16T14:00:00Z/2026-01-16T15:00:00Z,2026-01-17T14:00:00Z/PT2H'), /^invalid end of pause 2 in --pauses 'PT2H'/);
  });

  test('missing option is a commander error', async () => {
    const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z');

    expect(run.error).toBeInstanceOf(CommanderError);
    expect(run.stdout).toContain("required option '--target <duration>' not specified");
  });

  test('bad desk configuration is rejected', async () => {
    const due = (config: string): Promise<CliRun> => sundesk('sla', 'due', '--config', config, '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h');

    expectUsageError(await due(path.join(directory, 'missing-desks.yaml')), /^desk configuration .*missing-desks\.yaml is invalid \(1 problem\):\n.*file not found/);

    const badShift = writeConfig('bad-shift.json', { ...deskConfiguration, desks: [{ ...deskConfiguration.desks[0], shifts: [{ weekdays: 'mon', start: '25:00', end: '18:00' }] }] });
    expectUsageError(await due(badShift), /desks\[0\]\.shifts\[0\]\.start: invalid time '25:00'/);
  });

  test('bad calendar files are rejected', async () => {
    const due = (calendars: string): Promise<CliRun> => sundesk('sla', 'due', '--calendars', calendars, '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h');

    expectUsageError(await due(path.join(directory, 'missing.json')), /^cannot read calendar file .*missing\.json: ENOENT/);
    expectUsageError(await due(writeConfig('broken.json', '{ "calendars": [')), /^invalid JSON in calendar file .*broken\.json/);
    expectUsageError(await due(writeConfig('broken.yaml', 'calendars: [\n  - name: x\n')), /^invalid YAML in calendar file .*broken\.yaml/);
    expectUsageError(await due(writeConfig('no-list.json', { calendar: [londonOffice] })), /^invalid calendar file .*no-list\.json: expected an object with a "calendars" list/);

    const badZone = writeConfig('bad-zone.json', { calendars: [{ ...londonOffice, timeZone: 'Europe/Londn' }] });
    expectUsageError(await due(badZone), /^invalid time zone "Europe\/Londn" at calendars\[0\]\.timeZone: use an IANA zone name such as Europe\/Warsaw \(in .*bad-zone\.json\)$/);

    const badBreak = writeConfig('bad-break.json', { calendars: [{ ...londonOffice, breaks: [{ start: '12:30', end: '13:60' }] }] });
    expectUsageError(await due(badBreak), /^invalid time "13:60" at calendars\[0\]\.breaks\[0\]\.end: use HH:mm between 00:00 and 24:00/);

    const duplicate = writeConfig('duplicate.json', { calendars: [londonOffice, londonOffice] });
    expectUsageError(await due(duplicate), /^duplicate calendar name 'london-office'/);

    const reserved = writeConfig('reserved.json', { calendars: [{ ...londonOffice, name: 'desk:london' }] });
    expectUsageError(await due(reserved), /^invalid calendar name 'desk:london' at calendars\[0\]\.name/);
  });

  test('calendar that never opens is reported', async () => {
    // One shift a week, on a date that the holidays cover for more than a year.
    const holidays = Array.from({ length: 60 }, (_, week) => new Date(Date.UTC(2026, 0, 5 + 7 * week)).toISOString().slice(0, 10));
    const calendars = writeConfig('closed.json', { calendars: [{ name: 'closed', timeZone: 'UTC', weeklyHours: [{ weekdays: [1], start: '09:00', end: '10:00' }], holidays }] });
    const run = await sundesk('sla', 'due', '--calendars', calendars, '--calendar', 'closed', '--start', '2026-01-01T00:00:00Z', '--target', '1h');

    expectUsageError(run, /^calendar 'closed' has no open time between/);
  });
});
