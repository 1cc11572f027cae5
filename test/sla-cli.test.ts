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

  test('date without time is rejected', async () => {
    // luxon reads 2026-03-27 as midnight, and its "-27" looks like a UTC offset.
    const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-03-27', '--target', '4h');

    expectUsageError(run, /^invalid --start '2026-03-27': a date alone names no instant; add a time of day and a UTC offset, for example 2026-03-27T00:00:00Z for midnight UTC$/);
    expect(run.stdout).toBe('');
  });

  test('other instants without date and time are rejected', async () => {
    const due = (start: string): Promise<CliRun> => sundesk('sla', 'due', '--calendar', '24x7', '--start', start, '--target', '4h');

    expectUsageError(await due('2026-03'), /^invalid --start '2026-03': a date alone names no instant/);
    expectUsageError(await due('2026-W13-5'), /^invalid --start '2026-W13-5': a date alone names no instant/);
    expectUsageError(await due('10:00:00Z'), /^invalid --start '10:00:00Z': a time of day without a date names no instant; write the date, T and the time with offset, for example 2026-03-27T16:00:00Z$/);
    expectUsageError(await due('2026-03-27T10:00'), /^invalid --start '2026-03-27T10:00': the instant has no UTC offset/);
  });

  test('basic and week forms with offset are accepted', async () => {
    // 20260327T150000Z and 2026-W13-5T15:00Z are both Fri 27 Mar 15:00Z; 1 h on 24x7.
    for (const start of ['20260327T150000Z', '2026-W13-5T15:00Z', '2026-03-27T10:00-05:00']) {
      const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', start, '--target', '1h', '--json');

      expect(run.error).toBeUndefined();
      expect(JSON.parse(run.stdout).dueAt).toBe('2026-03-27T16:00:00.000Z');
    }
  });

  test('bad durations are rejected', async () => {
    for (const target of ['4x', '4 hours', '30m2h', 'h', '-4h', '-0m', '1.5h', '']) {
      expectUsageError(await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', target), new RegExp(`^invalid --target '${target.replace('.', '\\.')}': use whole days, hours and minutes`));
    }
  });

  test('zero target is due at start', async () => {
    // Sunday 18 Jan: the EMEA desk is closed, but a zero target needs no open time.
    for (const target of ['0m', '0h', '0d0h0m']) {
      const run = await sundesk('sla', 'due', '--calendar', 'desk:emea', '--start', '2026-01-18T10:00:00Z', '--target', target, '--json');

      expect(run.error).toBeUndefined();
      expect(JSON.parse(run.stdout)).toEqual({
        calendar: 'desk:emea',
        calendarTimeZone: 'Europe/Warsaw',
        start: '2026-01-18T10:00:00.000Z',
        targetMinutes: 0,
        pauses: [],
        dueAt: '2026-01-18T10:00:00.000Z',
        dueAtLocal: '2026-01-18T11:00:00.000+01:00',
      });
    }
  });

  test('zero target as text', async () => {
    const run = await sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-18T10:00:00Z', '--target', '0m');

    expect(run.error).toBeUndefined();
    expect(run.stdout).toMatch(/^target: +0m = 0 minutes of open calendar time$/m);
    expect(run.stdout).toMatch(/^due \(UTC\): +2026-01-18T10:00:00\.000Z$/m);
  });

  test('bad pauses are rejected', async () => {
    const due = (pauses: string): Promise<CliRun> => sundesk('sla', 'due', '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h', '--pauses', pauses);

    expectUsageError(await due('2026-01-16T14:00:00Z'), /^invalid pause '2026-01-16T14:00:00Z' in --pauses: write each pause as start\/end/);
    expectUsageError(await due('2026-01-16T15:00:00Z/2026-01-16T14:00:00Z'), /ends before or when it starts; put the earlier instant first$/);
    expectUsageError(await due('2026-01-16T14:00:00/2026-01-16T15:00:00Z'), /^invalid start of pause 1 in --pauses '2026-01-16T14:00:00': the instant has no UTC offset/);
    expectUsageError(await due('2026-01-16T14:00:00Z/2026-01-16T15:00:00Z,2026-01-17T14:00:00Z/PT2H'), /^invalid end of pause 2 in --pauses 'PT2H'/);
    expectUsageError(await due('2026-01-16/2026-01-19'), /^invalid start of pause 1 in --pauses '2026-01-16': a date alone names no instant/);
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

    expectUsageError(await due(writeConfig('broken.json', '{ "calendars": [')), /^calendar file .*broken\.json is invalid \(1 problem\):\n {2}.*broken\.json: \(file\): invalid JSON/);
    expectUsageError(await due(writeConfig('broken.yaml', 'calendars: [\n  - name: x\n')), /^calendar file .*broken\.yaml is invalid \(\d+ problems?\):\n {2}.*broken\.yaml:\d+:\d+: \(file\): invalid YAML/);
    const misspeltList = await due(writeConfig('no-list.json', { calendar: [londonOffice] }));
    expectUsageError(misspeltList, /no-list\.json:1:1: calendars: missing: list the weekly calendars, each with name, timeZone and weeklyHours$/m);
    expectUsageError(misspeltList, /no-list\.json:1:13: calendar: unknown field 'calendar': did you mean 'calendars'\? a calendar file has the fields calendars$/m);

    const badZone = writeConfig('bad-zone.json', { calendars: [{ ...londonOffice, timeZone: 'Europe/Londn' }] });
    expectUsageError(await due(badZone), /bad-zone\.json:1:\d+: calendars\[0\]\.timeZone: unknown time zone 'Europe\/Londn': did you mean 'Europe\/London'\? use an IANA time zone name/);

    const lowerCaseZone = writeConfig('lower-case-zone.json', { calendars: [{ ...londonOffice, timeZone: 'europe/warsaw' }] });
    expectUsageError(await due(lowerCaseZone), /calendars\[0\]\.timeZone: time zone 'europe\/warsaw' is spelt differently in the IANA database: write 'Europe\/Warsaw'$/);

    const badBreak = writeConfig('bad-break.json', { calendars: [{ ...londonOffice, breaks: [{ start: '12:30', end: '13:60' }] }] });
    expectUsageError(await due(badBreak), /calendars\[0\]\.breaks\[0\]\.end: invalid time "13:60": use HH:mm between 00:00 and 24:00$/);

    const duplicate = writeConfig('duplicate.json', { calendars: [londonOffice, londonOffice] });
    expectUsageError(await due(duplicate), /calendars\[1\]\.name: duplicate calendar name 'london-office': calendars\[0\] has it already/);

    const reserved = writeConfig('reserved.json', { calendars: [{ ...londonOffice, name: 'desk:london' }] });
    expectUsageError(await due(reserved), /calendars\[0\]\.name: invalid calendar name 'desk:london'/);
  });

  test('calendar file lists every problem', async () => {
    // Six problems in two calendars, one per line, in file order with line and column.
    const yaml = [
      'calendars:',
      '  - name: london-office',
      '    timeZone: europe/london',
      '    weeklyHours: [{ weekdays: [1, 2, 3, 4, 5], start: "09:00", end: "17:30" }]',
      '    holdays: ["2026-12-25"]',
      '  - name: kolkata-office',
      '    timeZone: Asia/Kolkata',
      '    weeklyHours: [{ weekdays: [1, 8], start: "09:30", end: "18:30" }]',
      '    breaks: [{ start: "13:00", ends: "14:00" }]',
      '    holidays: ["2026-01-26", "2026-02-30"]',
      '',
    ].join('\n');
    const calendars = writeConfig('several-problems.yaml', yaml);
    const run = await sundesk('sla', 'due', '--calendars', calendars, '--calendar', 'kolkata-office', '--start', '2026-01-16T12:00:00Z', '--target', '4h');

    expect(run.error).toBeInstanceOf(CommandError);
    expect((run.error as CommandError).exitCode).toBe(2);
    expect((run.error as CommandError).message.split('\n')).toEqual([
      `calendar file ${calendars} is invalid (6 problems):`,
      `  ${calendars}:3:15: calendars[0].timeZone: time zone 'europe/london' is spelt differently in the IANA database: write 'Europe/London'`,
      `  ${calendars}:5:14: calendars[0].holdays: unknown field 'holdays': did you mean 'holidays'? a weekly calendar has the fields name, timeZone, weeklyHours, breaks, holidays`,
      `  ${calendars}:8:31: calendars[1].weeklyHours[0].weekdays: invalid weekdays [1,8]: use a non-empty list of ISO weekdays, 1 for Monday to 7 for Sunday`,
      `  ${calendars}:9:14: calendars[1].breaks[0].end: missing end: write the local time as HH:mm, for example "09:00"`,
      `  ${calendars}:9:38: calendars[1].breaks[0].ends: unknown field 'ends': did you mean 'end'? a range has the fields weekdays, start, end`,
      `  ${calendars}:10:30: calendars[1].holidays[1]: invalid holiday "2026-02-30": use a date as yyyy-MM-dd, for example "2026-12-25"`,
    ]);
  });

  test('missing calendar file is one line', async () => {
    const missing = path.join(directory, 'missing.json');
    const run = await sundesk('sla', 'due', '--calendars', missing, '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h');

    expectUsageError(run, /^cannot read calendar file .*missing\.json: file not found; pass the path of a YAML or JSON file with a "calendars" list of weekly calendars \(see docs\/sla\.md\)$/);
    expect((run.error as CommandError).message).not.toMatch(/ENOENT|\n/);
  });

  test('folder as calendar file is one line', async () => {
    const run = await sundesk('sla', 'due', '--calendars', directory, '--calendar', '24x7', '--start', '2026-01-16T12:00:00Z', '--target', '4h');

    expectUsageError(run, /^cannot read calendar file .*: it is a folder, not a file; pass the path of a YAML or JSON file/);
    expect((run.error as CommandError).message).not.toMatch(/EISDIR|\n/);
  });

  test('calendar file counts fall-back hour once', async () => {
    // Warsaw night calendar 00:00-06:00 on the night of 25 Oct: 22:00Z-01:00Z and, after the
    // second 02:00-03:00, 02:00Z-05:00Z. 4 h from 00:00 CEST are due at 04:00 CET = 03:00Z.
    const night = { name: 'warsaw-night', timeZone: 'Europe/Warsaw', weeklyHours: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '06:00' }] };
    const calendars = writeConfig('warsaw-night.json', { calendars: [night] });
    const run = await sundesk('sla', 'due', '--calendars', calendars, '--calendar', 'warsaw-night', '--start', '2026-10-25T00:00:00+02:00', '--target', '4h', '--json');

    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout)).toMatchObject({ start: '2026-10-24T22:00:00.000Z', dueAt: '2026-10-25T03:00:00.000Z', dueAtLocal: '2026-10-25T04:00:00.000+01:00' });
  });

  test('calendar that never opens is reported', async () => {
    // One shift a week, on a date that the holidays cover for more than a year.
    const holidays = Array.from({ length: 60 }, (_, week) => new Date(Date.UTC(2026, 0, 5 + 7 * week)).toISOString().slice(0, 10));
    const calendars = writeConfig('closed.json', { calendars: [{ name: 'closed', timeZone: 'UTC', weeklyHours: [{ weekdays: [1], start: '09:00', end: '10:00' }], holidays }] });
    const run = await sundesk('sla', 'due', '--calendars', calendars, '--calendar', 'closed', '--start', '2026-01-01T00:00:00Z', '--target', '1h');

    expectUsageError(run, /^calendar 'closed' has no open time between/);
  });
});
