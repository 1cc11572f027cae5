/** Desk configuration files: the examples load, bad values are named by path and line, and changes are picked up. */

import { mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';

import { DeskConfigurationError, DeskConfigurationSource, loadDeskConfiguration, parseDeskConfiguration } from '../src/config/desk-configuration';
import { exampleDeskConfiguration } from '../src/domain/desks';

const examples = path.resolve(__dirname, '../examples/desks');

/** A small valid follow-the-sun file; tests replace lines of it to break one value. */
const validYaml = `version: 1
structure:
  type: follow-the-sun
  ring: [apac, emea, amer]
followTheSun:
  priorities: [P1, P2]
desks:
  - id: apac
    name: APAC desk
    timeZone: Asia/Singapore
    shifts:
      - { weekdays: mon-fri, start: "07:00", end: "16:00" }
  - id: emea
    name: EMEA desk
    timeZone: Europe/Warsaw
    shifts:
      - { weekdays: [mon, tue, wed, thu, fri], start: "08:00", end: "17:00" }
    holidays:
      - { date: 2026-11-11, name: Independence Day }
  - id: amer
    name: AMER desk
    timeZone: America/New_York
    shifts:
      - { weekdays: [1, 2, 3, 4, 5], start: "10:00", end: "19:00" }
`;

/** Parses YAML text and returns the issues of the error it throws, as `path @line: message`. */
function issuesOf(text: string, fileName = 'desks.yaml'): string[] {
  try {
    parseDeskConfiguration(text, { fileName });
  } catch (error) {
    if (error instanceof DeskConfigurationError) {
      return error.issues.map((issue) => `${issue.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('').replace(/^\./, '')} @${issue.line ?? '?'}: ${issue.message}`);
    }
    throw error;
  }
  throw new Error('expected the configuration to be invalid');
}

describe('example configurations', () => {
  test.each(['global-follow-the-sun.yaml', 'three-regions.yaml', 'local-sites.yaml', 'centralized.yaml', 'virtual.json'])('%s loads', (file) => {
    const configuration = loadDeskConfiguration(path.join(examples, file));
    expect(configuration.desks.length).toBeGreaterThan(0);
  });

  test('three-regions.yaml is the built-in example', () => {
    expect(loadDeskConfiguration(path.join(examples, 'three-regions.yaml'))).toEqual(exampleDeskConfiguration);
  });

  test('global example has five countries and real zones', () => {
    const configuration = loadDeskConfiguration(path.join(examples, 'global-follow-the-sun.yaml'));
    expect(configuration.desks.map((desk) => desk.timeZone)).toEqual(['Asia/Kolkata', 'Europe/Warsaw', 'Europe/Stockholm', 'America/Sao_Paulo', 'America/New_York']);
    expect(configuration.structure).toEqual({ type: 'follow-the-sun', ring: ['bengaluru', 'krakow', 'gothenburg', 'sao-paulo', 'greensboro'] });
    expect(configuration.followTheSunPriorities).toEqual([1, 2]);
    expect(configuration.specialistGroups?.map((group) => `${group.id}:${group.supportLevel}`)).toEqual(['network-l2:L2', 'workplace-l2:L2', 'sap-l3:L3']);
  });

  test('defaults: task queue, holidays, priorities', () => {
    const configuration = parseDeskConfiguration(validYaml, { fileName: 'desks.yaml' });
    expect(configuration.desks[0]?.taskQueue).toBe('desk-apac');
    expect(configuration.desks[0]?.holidays).toEqual([]);
    expect(configuration.desks[1]?.holidays).toEqual([{ date: '2026-11-11', name: 'Independence Day' }]);
    expect(configuration.desks[2]?.shifts[0]?.weekdays).toEqual([1, 2, 3, 4, 5]);
    expect(configuration.followTheSunPriorities).toEqual([1, 2]);
  });

  test('weekday range may wrap around the week end', () => {
    const configuration = parseDeskConfiguration(validYaml.replace('weekdays: mon-fri', 'weekdays: fri-mon'), { fileName: 'desks.yaml' });
    expect(configuration.desks[0]?.shifts[0]?.weekdays).toEqual([5, 6, 7, 1]);
  });
});

describe('validation errors name the path', () => {
  test('shift end out of range', () => {
    expect(issuesOf(validYaml.replace('end: "19:00"', 'end: "25:00"'))).toEqual([`desks[2].shifts[0].end @24: invalid time '25:00': use HH:mm from 00:00 to 24:00, for example 17:30 (an end at or before the start ends on the next day)`]);
  });

  test('unquoted number as time', () => {
    const issues = issuesOf(validYaml.replace('start: "08:00"', 'start: 800'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^desks\[1\]\.shifts\[0\]\.start @17: expected a quoted time such as "08:00", found number 800/);
  });

  test('unknown time zone', () => {
    expect(issuesOf(validYaml.replace('Europe/Warsaw', 'Europe/Warsav'))).toEqual([`desks[1].timeZone @15: unknown time zone 'Europe/Warsav': use an IANA time zone name such as Europe/Warsaw or America/Sao_Paulo`]);
  });

  test('time zone in the wrong case', () => {
    expect(issuesOf(validYaml.replace('Europe/Warsaw', 'europe/warsaw'))[0]).toMatch(/^desks\[1\]\.timeZone @15: .*write 'Europe\/Warsaw'/);
  });

  test('misspelt field gets a suggestion', () => {
    const issues = issuesOf(validYaml.replace('    shifts:\n      - { weekdays: mon-fri', '    shfits:\n      - { weekdays: mon-fri'));
    expect(issues).toContain(`desks[0].shfits @12: unknown field 'shfits': did you mean 'shifts'? a desk has the fields id, name, timeZone, taskQueue, shifts, holidays`);
    expect(issues).toContain(`desks[0].shifts @8: missing shifts: list at least one weekly shift, for example { weekdays: mon-fri, start: "08:00", end: "17:00" }`);
  });

  test('duplicate desk id', () => {
    const issues = issuesOf(validYaml.replace('id: amer', 'id: emea').replace('ring: [apac, emea, amer]', 'ring: [apac, emea]'));
    expect(issues).toContain(`desks[2].id @20: desk id 'emea' is already used at index 1: give each its own`);
  });

  test('ring names an unknown desk and misses one', () => {
    expect(issuesOf(validYaml.replace('ring: [apac, emea, amer]', 'ring: [apac, emae, amer]'))).toEqual([`structure.ring[1] @4: unknown desk "emae": use one of apac, emea, amer`]);
    expect(issuesOf(validYaml.replace('ring: [apac, emea, amer]', 'ring: [apac, amer]'))).toEqual([
      `structure.ring @4: desk 'emea' is missing from the follow-the-sun ring, so it would never receive a ticket: add it or remove the desk`,
    ]);
  });

  test('invalid holiday date', () => {
    expect(issuesOf(validYaml.replace('date: 2026-11-11', 'date: 2026-02-30'))).toEqual([
      `desks[1].holidays[0].date @19: invalid holiday date '2026-02-30': no such day in the calendar; use a local date yyyy-MM-dd, for example 2026-12-25`,
    ]);
  });

  test('unknown structure type', () => {
    expect(issuesOf(validYaml.replace('type: follow-the-sun', 'type: round-robin'))).toEqual([`structure.type @3: unknown structure type "round-robin": use one of follow-the-sun, virtual, centralized, local`]);
  });

  test('invalid priority and weekday', () => {
    const issues = issuesOf(validYaml.replace('priorities: [P1, P2]', 'priorities: [P1, P7]').replace('weekdays: mon-fri', 'weekdays: [mon, funday]'));
    expect(issues).toEqual([`followTheSun.priorities[1] @6: invalid priority "P7": use P1 to P5 (or 1 to 5)`, `desks[0].shifts[0].weekdays[1] @12: invalid weekday "funday": use a list such as [mon, tue, wed] or [1, 2, 3] (1 is Monday), or a range such as mon-fri`]);
  });

  test('every problem is reported at once', () => {
    const broken = validYaml.replace('end: "19:00"', 'end: "7pm"').replace('Asia/Singapore', 'Asia/Singapur').replace('name: EMEA desk', 'name: ""');
    const issues = issuesOf(broken);
    expect(issues.map((issue) => issue.split(' ')[0])).toEqual(['desks[0].timeZone', 'desks[1].name', 'desks[2].shifts[0].end']);
  });

  test('task queue of the ticket workflows is refused', () => {
    expect(issuesOf(validYaml.replace('    timeZone: Asia/Singapore', '    timeZone: Asia/Singapore\n    taskQueue: sundesk-tickets'))[0]).toMatch(/^desks\[0\]\.taskQueue @11: task queue 'sundesk-tickets' belongs to the ticket workflows/);
  });

  test('local structure with follow-the-sun priorities', () => {
    const local = validYaml.replace('  type: follow-the-sun\n  ring: [apac, emea, amer]', '  type: local\n  assignments:\n    - { desk: apac, sites: [SIN] }\n    - { desk: emea, sites: [WAW, sin] }\n  fallbackDesk: amer');
    expect(issuesOf(local)).toEqual([
      `structure.assignments[1].sites[1] @6: site 'sin' is already served by apac: give every site one desk`,
      `followTheSun.priorities @9: structure 'local' keeps every ticket with its desk, so no priority can follow the sun: remove followTheSun, or use structure type follow-the-sun or virtual`,
    ]);
  });

  test('centralized structure with several desks', () => {
    expect(issuesOf(validYaml.replace('  type: follow-the-sun\n  ring: [apac, emea, amer]', '  type: centralized\n  desk: emea').replace('followTheSun:\n  priorities: [P1, P2]\n', ''))).toEqual([
      `desks @6: structure 'centralized' routes every ticket to desk 'emea', so the other 2 desks would never receive one: remove them, or pool the desks with structure type 'virtual'`,
    ]);
  });

  test('specialist group level and reserved id', () => {
    const withGroups = `${validYaml}specialistGroups:\n  - { id: service-desk, name: First line, supportLevel: L2, timeZone: UTC, shifts: [{ weekdays: mon-fri, start: "08:00", end: "16:00" }] }\n  - { id: dba, name: Databases, supportLevel: L4, timeZone: UTC, shifts: [{ weekdays: mon-fri, start: "08:00", end: "16:00" }] }\n`;
    const issues = issuesOf(withGroups);
    expect(issues[0]).toMatch(/^specialistGroups\[0\]\.id @26: id 'service-desk' is the desk's own first-line queue/);
    expect(issues[1]).toBe('specialistGroups[1].supportLevel @27: invalid support level "L4": use L2 or L3');
  });

  test('YAML syntax error gives the line', () => {
    const issues = issuesOf(validYaml.replace('  ring: [apac, emea, amer]', '  ring: [apac, emea, amer'));
    expect(issues[0]).toMatch(/^ @\d+: invalid YAML: /);
    expect(issues[0]).not.toMatch(/ @\?:/);
  });

  test('duplicate YAML key is an error', () => {
    expect(issuesOf(validYaml.replace('version: 1\n', 'version: 1\nversion: 1\n'))[0]).toMatch(/^ @2: invalid YAML: Map keys must be unique/);
  });

  test('JSON syntax error gives the line', () => {
    const issues = issuesOf('{\n  "desks": [\n    { "id": "a", }\n  ]\n}\n', 'desks.json');
    expect(issues[0]).toMatch(/^ @3: invalid JSON: /);
  });

  test('JSON validation errors give the line', () => {
    const json = readFileSync(path.join(examples, 'virtual.json'), 'utf8').replace('"Asia/Manila"', '"Asia/Manilla"');
    expect(issuesOf(json, 'virtual.json')).toEqual([`desks[1].timeZone @21: unknown time zone 'Asia/Manilla': use an IANA time zone name such as Europe/Warsaw or America/Sao_Paulo`]);
  });

  test('empty file and missing file', () => {
    expect(issuesOf('')).toEqual([' @?: expected a desk configuration as a mapping of version, description, structure, followTheSun, desks, specialistGroups, found null']);
    expect(() => loadDeskConfiguration('/nonexistent/desks.yaml')).toThrow(/desk configuration \/nonexistent\/desks\.yaml is invalid \(1 problem\):\n {2}\/nonexistent\/desks\.yaml: \(file\): file not found: pass the path of a YAML or JSON desk configuration/);
  });

  test('error message lists file, line and path', () => {
    expect(() => parseDeskConfiguration(validYaml.replace('Europe/Warsaw', 'Mars/Olympus'), { fileName: 'config/desks.yaml' })).toThrow(
      "desk configuration config/desks.yaml is invalid (1 problem):\n  config/desks.yaml:15:15: desks[1].timeZone: unknown time zone 'Mars/Olympus'",
    );
  });
});

describe('configuration source', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sundesk-desks-'));
  const file = path.join(folder, 'desks.yaml');
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    }),
  );

  /** Writes the file and moves its modification time on, so that a change is seen even within one timestamp tick. */
  let clock = Date.now() / 1000;
  function writeConfiguration(text: string): void {
    writeFileSync(file, text);
    clock += 10;
    utimesSync(file, clock, clock);
  }

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('change, bad change, fix', () => {
    writeConfiguration(validYaml);
    const source = new DeskConfigurationSource(file, logger);
    expect(source.current().desks.map((desk) => desk.id)).toEqual(['apac', 'emea', 'amer']);

    writeConfiguration(validYaml.replace('priorities: [P1, P2]', 'priorities: [P1]'));
    expect(source.current().followTheSunPriorities).toEqual([1]);
    expect(logLines.some((line) => line.includes('desk configuration reloaded'))).toBe(true);

    writeConfiguration(validYaml.replace('end: "19:00"', 'end: "99:00"'));
    expect(source.current().followTheSunPriorities).toEqual([1]);
    expect(source.current().desks[2]?.shifts[0]?.end).toBe('19:00');
    const rejections = logLines.filter((line) => line.includes('changed desk configuration is invalid'));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toContain('desks[2].shifts[0].end');

    writeConfiguration(validYaml.replace('end: "19:00"', 'end: "20:00"'));
    expect(source.current().desks[2]?.shifts[0]?.end).toBe('20:00');
  });

  test('file replaced by rename is picked up', () => {
    writeConfiguration(validYaml);
    const source = new DeskConfigurationSource(file, logger);

    const replacement = path.join(folder, 'desks.yaml.new');
    writeFileSync(replacement, validYaml.replace('name: APAC desk', 'name: Singapore desk'));
    renameSync(replacement, file);
    expect(source.current().desks[0]?.name).toBe('Singapore desk');
  });

  test('missing file keeps the last configuration', () => {
    writeConfiguration(validYaml);
    const source = new DeskConfigurationSource(file, logger);
    rmSync(file);
    expect(source.current().desks).toHaveLength(3);
    expect(logLines.some((line) => line.includes('desk configuration file not found'))).toBe(true);
  });

  test('invalid file at start is an error', () => {
    writeConfiguration('desks: []\n');
    expect(() => new DeskConfigurationSource(file, logger)).toThrow(/desks: no desks: list at least one desk/);
  });
});
