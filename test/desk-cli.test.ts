/**
 * `sundesk desk status|coverage|check` through the built command
 * (`npm run build` first). These commands need no running desk, and these
 * tests run them without one and without a ticket store.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { findFreePort } from '../src/services/child-process';

const run = promisify(execFile);
const cli = path.resolve(__dirname, '../bin/sundesk');
const examples = path.resolve(__dirname, '../examples/desks');
const globalExample = path.join(examples, 'global-follow-the-sun.yaml');

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A data folder that never exists, so that no running desk of this machine is seen. */
const noDeskDataDirectory = path.join(tmpdir(), `sundesk-desk-cli-${process.pid}-no-desk`);

/** Runs the CLI without a running desk or ticket store, plus `variables`. */
async function sundeskWith(variables: Record<string, string>, ...args: string[]): Promise<CliResult> {
  // Variables of a developer's own desk or store must not leak into the tests.
  const environment: NodeJS.ProcessEnv = { ...process.env, SUNDESK_DATA_DIR: noDeskDataDirectory };
  delete environment.DATABASE_URL;
  delete environment.SUNDESK_DESK_CONFIG;

  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...environment, ...variables } });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { exitCode: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

async function sundesk(...args: string[]): Promise<CliResult> {
  return sundeskWith({}, ...args);
}

interface StatusJson {
  at: string;
  configuration: string;
  structure: string;
  desksOnDuty: string[];
  configurationOrigin: string;
  desks: Array<{ deskId: string; onDuty: boolean; holiday: string | null; shiftEndsAt: string | null; handsOffTo: string | null; handOff: { at: string; toDeskId: string; toDeskOnDutyFrom: string } | null }>;
  specialistGroups: Array<{ groupId: string; onDuty: boolean }>;
  openTickets: { available: boolean; reason?: string };
}

describe('sundesk desk commands without a running desk', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sundesk-desk-cli-'));

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('status at an instant from a file, as JSON', async () => {
    // Tue 21 Apr 2026 15:30Z: Sao Paulo is closed for Tiradentes; Gothenburg
    // (until 18:00 CEST = 16:00Z) hands its tickets to Greensboro, which works until 01:00 EDT = 05:00Z.
    const result = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-04-21T15:30:00Z', '--json');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    const status = JSON.parse(result.stdout) as StatusJson;
    expect(status.at).toBe('2026-04-21T15:30:00.000Z');
    expect(status.structure).toBe('follow-the-sun');
    expect(status.desksOnDuty).toEqual(['gothenburg', 'greensboro']);

    const byId = new Map(status.desks.map((desk) => [desk.deskId, desk]));
    expect(byId.get('gothenburg')?.handOff).toMatchObject({ at: '2026-04-21T16:00:00.000Z', toDeskId: 'greensboro', toDeskOnDutyFrom: '2026-04-21T12:00:00.000Z' });
    expect(byId.get('greensboro')?.handOff).toMatchObject({ at: '2026-04-22T05:00:00.000Z', toDeskId: 'bengaluru', toDeskOnDutyFrom: '2026-04-22T03:30:00.000Z' });
    expect(byId.get('sao-paulo')?.holiday).toBe('Tiradentes');
    expect(status.specialistGroups.find((group) => group.groupId === 'network-l2')?.onDuty).toBe(true);
  });

  test('status as a table', async () => {
    const result = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-04-21T15:30:00Z');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^on duty: gothenburg, greensboro$/m);
    expect(result.stdout).toMatch(/^sao-paulo +Tue 12:30 +no \(Tiradentes\)/m);
    expect(result.stdout).toMatch(/^gothenburg +Tue 17:30 +yes +2026-04-21T16:00:00.000Z +greensboro +/m);
  });

  test('status waits over the weekend', async () => {
    // Sat 28 Mar 12:00Z: only Krakow (09:00-15:00 CET) works. No desk is on duty at 14:00Z,
    // so its tickets wait for Bengaluru on Monday 09:00 IST = 03:30Z.
    const result = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-03-28T12:00:00Z', '--json');
    const status = JSON.parse(result.stdout) as StatusJson;
    expect(status.desksOnDuty).toEqual(['krakow']);
    expect(status.desks.find((desk) => desk.deskId === 'krakow')?.handOff).toMatchObject({ at: '2026-03-28T14:00:00.000Z', toDeskId: 'bengaluru', toDeskOnDutyFrom: '2026-03-30T03:30:00.000Z' });

    const table = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-03-28T12:00:00Z');
    expect(table.stdout).toMatch(/bengaluru, waits until 2026-03-30T03:30:00.000Z/);
  });

  test('status without --config uses the built-in example', async () => {
    const result = await sundesk('desk', 'status', '--at', '2026-12-07T09:00:00+01:00', '--json');
    expect(result.exitCode).toBe(0);
    const status = JSON.parse(result.stdout) as StatusJson;
    expect(status.configuration).toBe('built-in example');
    expect(status.configurationOrigin).toBe('built-in example');
    expect(status.desks.find((desk) => desk.deskId === 'emea')?.handsOffTo).toBe('amer');
  });

  test('status without a ticket store says so', async () => {
    const json = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-04-21T15:30:00Z', '--json');
    expect(json.exitCode).toBe(0);
    expect((JSON.parse(json.stdout) as StatusJson).openTickets).toEqual({ available: false, reason: "no ticket store found: set DATABASE_URL or start the desk ('npm start') to count them" });

    const table = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-04-21T15:30:00Z');
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^open tickets: not counted, no ticket store found: set DATABASE_URL or start the desk \('npm start'\) to count them$/m);
    expect(table.stdout).toMatch(/^desk +local time +on duty +shift ends \(UTC\) +hands off to +next shift \(UTC\)$/m);
  });

  test('status goes on when the ticket store is down', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closedPort = await findFreePort();
    const result = await sundeskWith({ DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${closedPort}/sundesk` }, 'desk', 'status', '--config', globalExample, '--at', '2026-04-21T15:30:00Z');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`open tickets: not counted, reading the ticket store postgres://postgres:***@127.0.0.1:${closedPort}/sundesk failed: `);
    expect(result.stdout).not.toContain('secret');
    expect(result.stdout).toMatch(/^on duty: gothenburg, greensboro$/m);
  });

  test('status and coverage use SUNDESK_DESK_CONFIG', async () => {
    const status = await sundeskWith({ SUNDESK_DESK_CONFIG: globalExample }, 'desk', 'status', '--at', '2026-04-21T15:30:00Z', '--json');
    expect(status.exitCode).toBe(0);
    const json = JSON.parse(status.stdout) as StatusJson;
    expect(json.configuration).toBe(globalExample);
    expect(json.configurationOrigin).toBe('SUNDESK_DESK_CONFIG');
    expect(json.desksOnDuty).toEqual(['gothenburg', 'greensboro']);

    const coverage = await sundeskWith({ SUNDESK_DESK_CONFIG: globalExample }, 'desk', 'coverage', '--week', '2026-W17', '--ascii');
    expect(coverage.stdout).toContain(`configuration: ${globalExample} (from SUNDESK_DESK_CONFIG) (follow-the-sun ring`);

    const option = await sundeskWith({ SUNDESK_DESK_CONFIG: globalExample }, 'desk', 'status', '--config', path.join(examples, 'centralized.yaml'), '--json');
    expect((JSON.parse(option.stdout) as StatusJson).configurationOrigin).toBe('--config');
  });

  test('status explains an invalid file of the running desk', async () => {
    const dataDirectory = path.join(folder, 'running-desk');
    mkdirSync(dataDirectory, { recursive: true });
    const broken = path.join(folder, 'running-desk.yaml');
    writeFileSync(broken, readFileSync(globalExample, 'utf8').replace('timeZone: Europe/Stockholm', 'timeZone: Europe/Gothenburg'));
    writeFileSync(path.join(dataDirectory, 'sundesk-up.json'), JSON.stringify({ temporalAddress: '127.0.0.1:7233', namespace: 'default', databaseUrl: 'postgres://127.0.0.1:9/none', webUiUrl: null, processId: 1, deskConfigurationPath: broken }));

    const result = await sundeskWith({ SUNDESK_DATA_DIR: dataDirectory }, 'desk', 'status');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${broken}:\\d+:\\d+: desks\\[2\\]\\.timeZone: unknown time zone 'Europe/Gothenburg'`));
    expect(result.stderr).toContain('the running desk uses this file');
    expect(result.stderr).toContain('keeps its last valid configuration until the file is fixed');

    // SUNDESK_DESK_CONFIG comes before the running desk's file.
    const fromVariable = await sundeskWith({ SUNDESK_DATA_DIR: dataDirectory, SUNDESK_DESK_CONFIG: globalExample }, 'desk', 'status', '--json');
    expect(fromVariable.exitCode).toBe(0);
    expect((JSON.parse(fromVariable.stdout) as StatusJson).configurationOrigin).toBe('SUNDESK_DESK_CONFIG');
  });

  test('status rejects a bad instant and a bad file', async () => {
    const badInstant = await sundesk('desk', 'status', '--config', globalExample, '--at', '2026-04-21 15:30');
    expect(badInstant.exitCode).toBe(2);
    expect(badInstant.stderr).toMatch(/invalid --at '2026-04-21 15:30': use an ISO 8601 instant with offset/);

    const missing = path.join(folder, 'missing.yaml');
    const badFile = await sundesk('desk', 'status', '--config', missing);
    expect(badFile.exitCode).toBe(1);
    expect(badFile.stderr).toContain(`${missing}: (file): file not found`);
  });

  test('coverage chart of a week', async () => {
    const result = await sundesk('desk', 'coverage', '--config', path.join(examples, 'three-regions.yaml'), '--week', '2026-03-25', '--ascii');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Desk coverage in UTC, Mon 2026-03-23 to Sun 2026-03-29; one column is 30 minutes.');
    // APAC 07:00-16:00 SGT is 23:00Z-08:00Z: its Monday row starts on duty and ends at 08:00Z.
    expect(result.stdout).toMatch(/^ {2}apac +#{16}\.{30}##$/m);
    expect(result.stdout).toMatch(/^ {2}all desks +-{14}2{2}-{12}2{4}-{16}$/m);
    expect(result.stdout).toContain('  Fri 2026-03-27 23:00 - Sun 2026-03-29 23:00  (48 h)');
    expect(result.stdout).toContain('Legend:');
  });

  test('coverage as JSON marks holidays', async () => {
    const result = await sundesk('desk', 'coverage', '--config', globalExample, '--week', '2026-W17', '--json');
    expect(result.exitCode).toBe(0);
    const coverage = JSON.parse(result.stdout) as { weekStart: string; desks: Array<{ id: string; holidayClosures: Array<{ start: string; end: string }> }>; gaps: Array<{ start: string; end: string }> };
    expect(coverage.weekStart).toBe('2026-04-20T00:00:00.000Z');
    expect(coverage.desks.find((desk) => desk.id === 'sao-paulo')?.holidayClosures).toEqual([{ start: '2026-04-21T11:00:00.000Z', end: '2026-04-21T20:00:00.000Z' }]);
    expect(coverage.gaps.at(-1)).toEqual({ start: '2026-04-25T13:00:00.000Z', end: '2026-04-27T00:00:00.000Z' });
  });

  test('coverage rejects a bad week', async () => {
    const result = await sundesk('desk', 'coverage', '--week', 'last week');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/invalid --week 'last week': use an ISO 8601 date such as 2026-03-23/);
  });

  test('check accepts every example', async () => {
    for (const file of ['global-follow-the-sun.yaml', 'three-regions.yaml', 'local-sites.yaml', 'centralized.yaml', 'virtual.json', 'with-sla-policy.yaml']) {
      const result = await sundesk('desk', 'check', path.join(examples, file), '--week', '2026-03-25');
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/ is valid: /);
      expect(result.stdout).toContain('Desk coverage in UTC');
    }
  });

  test('check prints the SLA policy', async () => {
    const file = path.join(examples, 'with-sla-policy.yaml');
    const result = await sundesk('desk', 'check', file, '--week', '2026-03-25');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("\nSLA policy 'Example service levels':\n");
    expect(result.stdout).toMatch(/^priority +applies to +response +resolution$/m);
    expect(result.stdout).toMatch(/^P1 +every ticket +15m on 24x7 +4h on 24x7$/m);
    expect(result.stdout).toMatch(/^P2 +customerGroup executives +15m on 24x7 +6h on 24x7$/m);
    expect(result.stdout).toMatch(/^P3 +ticketType service_request +4h on owning-desk +40h on owning-desk$/m);
    expect(result.stdout).toMatch(/^P5 +every ticket +16h on owning-desk +80h on owning-desk$/m);
    expect(result.stdout).toMatch(/^escalation levels: warning at 75 %, breach at 100 %$/m);
    expect(result.stdout).toMatch(/^resolution clock: pauses while pending on customer, vendor; a reopen resumes it$/m);
    expect(result.stdout).toMatch(/^pickup escalation: P1, P2 in service-desk, not picked up within 30m -> network-l2 \(L2\)$/m);
    expect(result.stdout).toMatch(/^pickup escalation: P1 in network-l2, not picked up within 1h -> network-l3 \(L3\)$/m);
    expect(result.stdout.indexOf('SLA policy')).toBeLessThan(result.stdout.indexOf('Desk coverage in UTC'));

    const json = await sundesk('desk', 'check', file, '--json');
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as { slaPolicy: { name: string; rules: Array<{ priority: number; resolution: { targetMinutes: number; calendar: string } }> } | null };
    expect(report.slaPolicy?.name).toBe('Example service levels');
    expect(report.slaPolicy?.rules[0]).toEqual({ priority: 1, response: { targetMinutes: 15, calendar: '24x7' }, resolution: { targetMinutes: 240, calendar: '24x7' } });

    const withoutPolicy = await sundesk('desk', 'check', path.join(examples, 'three-regions.yaml'));
    expect(withoutPolicy.stdout).toMatch(/^SLA policy: the file has no sla section, so the desk uses the default policy\.$/m);
    const withoutPolicyJson = await sundesk('desk', 'check', path.join(examples, 'three-regions.yaml'), '--json');
    expect((JSON.parse(withoutPolicyJson.stdout) as { slaPolicy: unknown }).slaPolicy).toBeNull();
  });

  test('check reports a bad SLA value with its line', async () => {
    const example = readFileSync(path.join(examples, 'with-sla-policy.yaml'), 'utf8');
    const file = path.join(folder, 'bad-sla.yaml');
    writeFileSync(file, example.replace('calendar: follow-the-sun }\n      resolution: { target: 8h', 'calendar: follow-the-sun }\n      resolution: { target: 8 hours').replace('toGroup: network-l3', 'toGroup: network-l4'));
    const lineOf = (text: string): number => example.slice(0, example.indexOf(text)).split('\n').length;

    const result = await sundesk('desk', 'check', file);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`desk configuration ${file} is invalid (2 problems):`);
    expect(result.stderr).toMatch(new RegExp(`${file}:${lineOf('resolution: { target: 8h')}:\\d+: sla\\.rules\\[1\\]\\.resolution\\.target: invalid target '8 hours'`));
    expect(result.stderr).toMatch(new RegExp(`${file}:${lineOf('toGroup: network-l3')}:\\d+: sla\\.pickupEscalations\\[1\\]\\.toGroup: unknown specialist group 'network-l4': did you mean 'network-l2'\\?`));
  });

  test('check lists every problem with line and path', async () => {
    const broken = readFileSync(globalExample, 'utf8')
      .replace('timeZone: Europe/Stockholm', 'timeZone: Europe/Gothenburg')
      .replace('{ weekdays: mon-fri, start: "08:00", end: "17:00" }\n    holidays:\n      - { date: 2026-01-01, name: New Year\'s Day }\n      - { date: 2026-04-03', '{ weekdays: mon-fri, start: "08:00", end: "17:60" }\n    holidays:\n      - { date: 2026-01-01, name: New Year\'s Day }\n      - { date: 2026-04-03');
    const file = path.join(folder, 'broken.yaml');
    writeFileSync(file, broken);

    const result = await sundesk('desk', 'check', file);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`desk configuration ${file} is invalid (2 problems):`);
    expect(result.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: desks\\[2\\]\\.timeZone: unknown time zone 'Europe/Gothenburg'`));
    expect(result.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: desks\\[3\\]\\.shifts\\[0\\]\\.end: invalid time '17:60'`));

    const json = await sundesk('desk', 'check', file, '--json');
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as { valid: boolean; issues: Array<{ path: string; line: number }> };
    expect(report.valid).toBe(false);
    expect(report.issues.map((issue) => issue.path)).toEqual(['desks[2].timeZone', 'desks[3].shifts[0].end']);
  });

  test('check rejects a missing file and a non-YAML file', async () => {
    const missing = await sundesk('desk', 'check', path.join(folder, 'nope.yaml'));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/file not found/);

    const notYaml = path.join(folder, 'notes.yaml');
    writeFileSync(notYaml, 'desks: [\n  - id: a\n');
    const invalid = await sundesk('desk', 'check', notYaml);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(/notes\.yaml:\d+:\d+: \(file\): invalid YAML: /);
  });
});
