/** Desk configuration files: the examples load, bad values are named by path and line, the SLA policy section loads, and changes are picked up. */

import { mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';

import { buildSlaCalendarRegistry } from '../src/calendar/business-calendars';
import { DeskConfigurationError, DeskConfigurationSource, loadDeskConfiguration, parseDeskConfiguration } from '../src/config/desk-configuration';
import { exampleDeskConfiguration } from '../src/domain/desks';
import { defaultSlaPolicy, resolveCalendarName, selectSlaTargets, validateSlaPolicy, type SlaPolicy } from '../src/domain/sla';

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
  test.each(['global-follow-the-sun.yaml', 'three-regions.yaml', 'local-sites.yaml', 'centralized.yaml', 'virtual.json', 'with-sla-policy.yaml'])('%s loads', (file) => {
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
    expect(issuesOf('')).toEqual([' @?: expected a desk configuration as a mapping of version, description, structure, followTheSun, desks, specialistGroups, sla, found null']);
    expect(() => loadDeskConfiguration('/nonexistent/desks.yaml')).toThrow(/desk configuration \/nonexistent\/desks\.yaml is invalid \(1 problem\):\n {2}\/nonexistent\/desks\.yaml: \(file\): file not found: pass the path of a YAML or JSON desk configuration/);
  });

  test('error message lists file, line and path', () => {
    expect(() => parseDeskConfiguration(validYaml.replace('Europe/Warsaw', 'Mars/Olympus'), { fileName: 'config/desks.yaml' })).toThrow(
      "desk configuration config/desks.yaml is invalid (1 problem):\n  config/desks.yaml:15:15: desks[1].timeZone: unknown time zone 'Mars/Olympus'",
    );
  });
});

/** Two specialist groups for `validYaml`, on lines 25 to 27. */
const groupsYaml = `specialistGroups:
  - { id: network-l2, name: Network operations, supportLevel: L2, timeZone: Europe/Warsaw, shifts: [{ weekdays: mon-fri, start: "07:00", end: "19:00" }] }
  - { id: network-l3, name: Network engineering, supportLevel: L3, timeZone: America/New_York, shifts: [{ weekdays: mon-fri, start: "08:00", end: "17:00" }] }
`;

/** A complete sla section after `groupsYaml`, on lines 28 to 44; tests replace parts of it. */
const slaYaml = `sla:
  name: Test levels
  rules:
    - { priority: P1, response: { target: 15m, calendar: 24x7 }, resolution: { target: 4h, calendar: 24x7 } }
    - { priority: P2, response: { target: 30m, calendar: follow-the-sun }, resolution: { target: 1h30m, calendar: group:network-l2 } }
    - { priority: 3, response: { targetMinutes: 120, calendar: owning-desk }, resolution: { target: 3d, calendar: desk:emea } }
    - { priority: P4, response: { target: 8h, calendar: owning-desk }, resolution: { target: 40h, calendar: owning-desk } }
    - { priority: p5, response: { target: 16h, calendar: owning-desk }, resolution: { targetMinutes: 4800, calendar: owning-desk } }
    - { priority: P3, ticketType: service_request, customerGroup: executives, response: { target: 1h, calendar: 24x7 }, resolution: { target: 8h, calendar: 24x7 } }
  escalationLevels:
    - { name: breach, percentOfTarget: 100, actions: [mark_breached] }
    - { name: warning, percentOfTarget: 80, actions: [notify_assignee] }
  pausingPendingReasons: [customer]
  reopenBehaviour: restart
  pickupEscalations:
    - { fromGroup: service-desk, priorities: [P2, P1], notPickedUpWithin: 30m, toGroup: network-l2 }
    - { notPickedUpWithinMinutes: 45, toGroup: network-l3, supportLevel: l3 }
`;

const withSla = (sla: string): string => `${validYaml}${groupsYaml}${sla}`;

/** The policy that `slaYaml` describes. */
const expectedTestPolicy: SlaPolicy = {
  name: 'Test levels',
  rules: [
    { priority: 1, response: { targetMinutes: 15, calendar: '24x7' }, resolution: { targetMinutes: 240, calendar: '24x7' } },
    { priority: 2, response: { targetMinutes: 30, calendar: 'follow-the-sun' }, resolution: { targetMinutes: 90, calendar: 'group:network-l2' } },
    { priority: 3, response: { targetMinutes: 120, calendar: 'owning-desk' }, resolution: { targetMinutes: 3 * 24 * 60, calendar: 'desk:emea' } },
    { priority: 4, response: { targetMinutes: 480, calendar: 'owning-desk' }, resolution: { targetMinutes: 2400, calendar: 'owning-desk' } },
    { priority: 5, response: { targetMinutes: 960, calendar: 'owning-desk' }, resolution: { targetMinutes: 4800, calendar: 'owning-desk' } },
    { priority: 3, ticketType: 'service_request', customerGroup: 'executives', response: { targetMinutes: 60, calendar: '24x7' }, resolution: { targetMinutes: 480, calendar: '24x7' } },
  ],
  escalationLevels: [
    { name: 'warning', percentOfTarget: 80, actions: ['notify_assignee'] },
    { name: 'breach', percentOfTarget: 100, actions: ['mark_breached'] },
  ],
  pausingPendingReasons: ['customer'],
  reopenBehaviour: 'restart',
  pickupEscalations: [
    { fromGroup: 'service-desk', priorities: [1, 2], notPickedUpWithinMinutes: 30, toGroup: 'network-l2', supportLevel: 'L2' },
    { notPickedUpWithinMinutes: 45, toGroup: 'network-l3', supportLevel: 'L3' },
  ],
};

/** Parses a valid file with the given sla section and returns its policy. */
function slaPolicyOf(sla: string): SlaPolicy | undefined {
  return parseDeskConfiguration(withSla(sla), { fileName: 'desks.yaml' }).slaPolicy;
}

describe('sla section', () => {
  test('example file loads the exact policy', () => {
    const configuration = loadDeskConfiguration(path.join(examples, 'with-sla-policy.yaml'));
    expect(configuration.desks).toEqual(exampleDeskConfiguration.desks);
    expect(configuration.specialistGroups?.map((group) => `${group.id}:${group.supportLevel}`)).toEqual(['network-l2:L2', 'network-l3:L3']);
    expect(configuration.slaPolicy).toStrictEqual({
      name: 'Example service levels',
      rules: [
        { priority: 1, response: { targetMinutes: 15, calendar: '24x7' }, resolution: { targetMinutes: 240, calendar: '24x7' } },
        { priority: 2, response: { targetMinutes: 30, calendar: 'follow-the-sun' }, resolution: { targetMinutes: 480, calendar: 'follow-the-sun' } },
        { priority: 2, customerGroup: 'executives', response: { targetMinutes: 15, calendar: '24x7' }, resolution: { targetMinutes: 360, calendar: '24x7' } },
        { priority: 3, response: { targetMinutes: 120, calendar: 'owning-desk' }, resolution: { targetMinutes: 1440, calendar: 'owning-desk' } },
        { priority: 3, ticketType: 'service_request', response: { targetMinutes: 240, calendar: 'owning-desk' }, resolution: { targetMinutes: 2400, calendar: 'owning-desk' } },
        { priority: 4, response: { targetMinutes: 480, calendar: 'owning-desk' }, resolution: { targetMinutes: 2400, calendar: 'owning-desk' } },
        { priority: 5, response: { targetMinutes: 960, calendar: 'owning-desk' }, resolution: { targetMinutes: 4800, calendar: 'owning-desk' } },
      ],
      escalationLevels: [
        { name: 'warning', percentOfTarget: 75, actions: ['notify_assignee', 'notify_desk_lead'] },
        { name: 'breach', percentOfTarget: 100, actions: ['notify_duty_manager', 'mark_breached'] },
      ],
      pausingPendingReasons: ['customer', 'vendor'],
      reopenBehaviour: 'resume',
      pickupEscalations: [
        { fromGroup: 'service-desk', priorities: [1, 2], notPickedUpWithinMinutes: 30, toGroup: 'network-l2', supportLevel: 'L2' },
        { fromGroup: 'network-l2', priorities: [1], notPickedUpWithinMinutes: 60, toGroup: 'network-l3', supportLevel: 'L3' },
      ],
    });
  });

  test('example policy passes the domain checks', () => {
    const policy = loadDeskConfiguration(path.join(examples, 'with-sla-policy.yaml')).slaPolicy;
    if (policy === undefined) {
      throw new Error('with-sla-policy.yaml has no SLA policy');
    }
    expect(() => validateSlaPolicy(policy)).not.toThrow();
    expect(selectSlaTargets(policy, { priority: 2, customerGroup: 'executives' }).resolution).toEqual({ targetMinutes: 360, calendar: '24x7' });
    expect(selectSlaTargets(policy, { priority: 3, ticketType: 'incident' }).resolution).toEqual({ targetMinutes: 1440, calendar: 'owning-desk' });
  });

  test('file without sla has no policy', () => {
    const configuration = parseDeskConfiguration(validYaml, { fileName: 'desks.yaml' });
    expect('slaPolicy' in configuration).toBe(false);
  });

  test('every field, durations and minutes', () => {
    expect(slaPolicyOf(slaYaml)).toStrictEqual(expectedTestPolicy);
  });

  test('accepted calendars exist in the registry', () => {
    const configuration = parseDeskConfiguration(withSla(slaYaml), { fileName: 'desks.yaml' });
    const registry = buildSlaCalendarRegistry({ desks: configuration.desks, specialistGroups: configuration.specialistGroups });
    const calendarNames = expectedTestPolicy.rules.flatMap((rule) => [rule.response.calendar, rule.resolution.calendar]);
    expect(new Set(calendarNames)).toEqual(new Set(['24x7', 'follow-the-sun', 'group:network-l2', 'owning-desk', 'desk:emea']));
    for (const calendarName of calendarNames) {
      expect(registry.has(resolveCalendarName(calendarName, 'amer'))).toBe(true);
    }
  });

  test('empty section is the default policy', () => {
    const policy = slaPolicyOf('sla: {}\n');
    expect(policy).toStrictEqual(defaultSlaPolicy);
    expect(policy?.rules).not.toBe(defaultSlaPolicy.rules);
  });

  test('only rules: defaults fill the rest', () => {
    const onlyRules = slaYaml.replace(/ {2}name: Test levels\n/, '').replace(/ {2}escalationLevels:[\s\S]*$/, '');
    expect(slaPolicyOf(onlyRules)).toStrictEqual({
      name: 'default',
      rules: expectedTestPolicy.rules,
      escalationLevels: defaultSlaPolicy.escalationLevels,
      pausingPendingReasons: ['customer', 'vendor'],
      reopenBehaviour: 'resume',
    });
  });

  test('only escalation levels: default rules', () => {
    const policy = slaPolicyOf('sla:\n  escalationLevels:\n    - { name: late, percentOfTarget: 100, actions: [mark_breached, notify_duty_manager] }\n');
    expect(policy).toStrictEqual({ ...defaultSlaPolicy, escalationLevels: [{ name: 'late', percentOfTarget: 100, actions: ['mark_breached', 'notify_duty_manager'] }] });
  });

  test('empty pausing reasons never pause', () => {
    expect(slaPolicyOf('sla:\n  pausingPendingReasons: []\n')?.pausingPendingReasons).toEqual([]);
  });
});

describe('sla section errors name the path and line', () => {
  test('misspelt fields get suggestions', () => {
    const issues = issuesOf(withSla(slaYaml.replace('  reopenBehaviour: restart', '  reopenBehavior: restart').replace('resolution: { target: 4h, calendar: 24x7 }', 'resoluton: { target: 4h, calendar: 24x7 }')));
    // The missing field is located at its rule, which starts before the misspelt key on the same line.
    expect(issues).toEqual([
      `sla.rules[0].resolution @31: missing 'resolution': give the resolution target, for example resolution: { target: 4h, calendar: 24x7 }`,
      `sla.rules[0].resoluton @31: unknown field 'resoluton': did you mean 'resolution'? an SLA rule has the fields priority, ticketType, customerGroup, response, resolution`,
      `sla.reopenBehavior @41: unknown field 'reopenBehavior': did you mean 'reopenBehaviour'? the SLA policy has the fields name, rules, escalationLevels, pausingPendingReasons, reopenBehaviour, pickupEscalations`,
    ]);
  });

  test('unknown calendar names the allowed ones', () => {
    const allowed = 'use one of 24x7, follow-the-sun, owning-desk, desk:apac, desk:emea, desk:amer, group:network-l2, group:network-l3';
    expect(issuesOf(withSla(slaYaml.replace('calendar: desk:emea', 'calendar: desk:emae')))).toEqual([`sla.rules[2].resolution.calendar @33: unknown calendar 'desk:emae': did you mean 'desk:emea'? ${allowed}`]);
    expect(issuesOf(withSla(slaYaml.replace('calendar: group:network-l2', 'calendar: office-hours')))).toEqual([`sla.rules[1].resolution.calendar @32: unknown calendar 'office-hours': ${allowed}`]);
  });

  test('missing general rule for a priority', () => {
    const withoutP4 = slaYaml.replace(/ {4}- \{ priority: P4.*\n/, '');
    expect(issuesOf(withSla(withoutP4))).toEqual(['sla.rules @31: no general rule for P4: add a rule without ticketType and customerGroup for each, so that every ticket finds a target']);
  });

  test('duplicate rule', () => {
    const duplicate = slaYaml.replace('priority: p5', 'priority: P4');
    expect(issuesOf(withSla(duplicate))).toEqual([
      'sla.rules @31: no general rule for P5: add a rule without ticketType and customerGroup for each, so that every ticket finds a target',
      'sla.rules[4] @35: a rule for P4 (general) is already given at index 3: merge the two rules',
    ]);
  });

  test('bad durations', () => {
    expect(issuesOf(withSla(slaYaml.replace('target: 4h', 'target: 4 hours')))).toEqual([`sla.rules[0].resolution.target @31: invalid target '4 hours': use whole days, hours and minutes in that order, for example 90m, 4h, 1h30m or 3d`]);
    expect(issuesOf(withSla(slaYaml.replace('target: 4h', 'target: 0h')))).toEqual([`sla.rules[0].resolution.target @31: invalid target '0h': a target must be longer than zero minutes`]);
    expect(issuesOf(withSla(slaYaml.replace('target: 4h', 'target: 240')))).toEqual([`sla.rules[0].resolution.target @31: expected a duration with a unit such as 4h, 90m, 1h30m or 3d, found number 240: write target: 240m for minutes, or targetMinutes: 240`]);
    expect(issuesOf(withSla(slaYaml.replace('targetMinutes: 4800', 'targetMinutes: "80h"')))).toEqual([`sla.rules[4].resolution.targetMinutes @35: expected a number of minutes greater than 0, found string "80h": write for example targetMinutes: 240, or target: 4h`]);
    expect(issuesOf(withSla(slaYaml.replace('target: 4h', 'target: 4h, targetMinutes: 240')))).toEqual([`sla.rules[0].resolution.targetMinutes @31: 'target' and 'targetMinutes' are both given: keep one of them`]);
    expect(issuesOf(withSla(slaYaml.replace('notPickedUpWithin: 30m', 'notPickedUpWithin: 30 min')))).toEqual([
      `sla.pickupEscalations[0].notPickedUpWithin @43: invalid notPickedUpWithin '30 min': use whole days, hours and minutes in that order, for example 90m, 4h, 1h30m or 3d`,
    ]);
  });

  test('duplicate level percentage and name', () => {
    const issues = issuesOf(withSla(slaYaml.replace('{ name: warning, percentOfTarget: 80', '{ name: breach, percentOfTarget: 100')));
    expect(issues).toEqual([
      `sla.escalationLevels[1].name @39: escalation level name 'breach' is already used at index 0: give each its own`,
      `sla.escalationLevels[1].percentOfTarget @39: percentOfTarget '100' is already used at index 0: give each its own`,
    ]);
  });

  test('bad level fields', () => {
    const issues = issuesOf(withSla(slaYaml.replace('percentOfTarget: 80, actions: [notify_assignee]', 'percentOfTarget: "80%", actions: [notify_asignee, notify_assignee]')));
    expect(issues).toEqual([
      `sla.escalationLevels[1].percentOfTarget @39: expected a percentage greater than 0, found string "80%": write a number without the % sign, for example 75 (100 is the due instant)`,
      `sla.escalationLevels[1].actions[0] @39: unknown action "notify_asignee": did you mean 'notify_assignee'? use notify_assignee, notify_desk_lead, notify_duty_manager, mark_breached, notify_service_owner`,
    ]);
  });

  test('unknown pickup group', () => {
    expect(issuesOf(withSla(slaYaml.replace('fromGroup: service-desk', 'fromGroup: servicedesk')))).toEqual([
      `sla.pickupEscalations[0].fromGroup @43: unknown group 'servicedesk': did you mean 'service-desk'? use service-desk (the first line) or a specialist group id: network-l2, network-l3; or leave fromGroup out for every group`,
    ]);
    expect(issuesOf(withSla(slaYaml.replace('toGroup: network-l2', 'toGroup: netwrk-l2')))).toEqual([`sla.pickupEscalations[0].toGroup @43: unknown specialist group 'netwrk-l2': did you mean 'network-l2'? use one of network-l2, network-l3`]);
    expect(issuesOf(`${validYaml}sla:\n  pickupEscalations:\n    - { notPickedUpWithin: 1h, toGroup: network-l2 }\n`)).toEqual([`sla.pickupEscalations[0].toGroup @27: unknown specialist group 'network-l2': the file has no specialistGroups: add the group there`]);
  });

  test('pickup rule contradictions', () => {
    expect(issuesOf(withSla(slaYaml.replace('supportLevel: l3', 'supportLevel: L2')))).toEqual([`sla.pickupEscalations[1].supportLevel @44: support level L2 contradicts specialist group 'network-l3', which is L3: write L3, or leave supportLevel out`]);
    expect(issuesOf(withSla(slaYaml.replace('fromGroup: service-desk', 'fromGroup: network-l2')))).toEqual([
      `sla.pickupEscalations[0].toGroup @43: toGroup 'network-l2' is the group that the rule watches: name another group, to which tickets move when 'network-l2' does not pick them up`,
    ]);
    expect(issuesOf(withSla(slaYaml.replace('priorities: [P2, P1]', 'priorities: []')))).toEqual([
      `sla.pickupEscalations[0].priorities @43: no priorities: list the priorities that the rule applies to, for example [P1, P2], or leave priorities out for every priority`,
    ]);
  });

  test('pickup rule that never applies', () => {
    const shadowed = slaYaml.replace('    - { notPickedUpWithinMinutes: 45', '    - { fromGroup: service-desk, priorities: [P1], notPickedUpWithinMinutes: 45');
    expect(issuesOf(withSla(shadowed))).toEqual([`sla.pickupEscalations[1] @44: this rule never applies, because the rule at index 0 comes first and matches every ticket that it matches: move it before that rule, or remove it`]);

    // The first rule skips tickets in its own toGroup's queue, so a later rule for that queue applies.
    const forTargetQueue = slaYaml.replace('- { fromGroup: service-desk, priorities: [P2, P1], ', '- { ').replace('    - { notPickedUpWithinMinutes: 45', '    - { fromGroup: network-l2, notPickedUpWithinMinutes: 45');
    expect(slaPolicyOf(forTargetQueue)?.pickupEscalations).toEqual([
      { notPickedUpWithinMinutes: 30, toGroup: 'network-l2', supportLevel: 'L2' },
      { fromGroup: 'network-l2', notPickedUpWithinMinutes: 45, toGroup: 'network-l3', supportLevel: 'L3' },
    ]);
  });

  test('ticket type, pending reason, reopen behaviour', () => {
    const issues = issuesOf(withSla(slaYaml.replace('ticketType: service_request', 'ticketType: service-request').replace('[customer]', '[customer, custmer]').replace('reopenBehaviour: restart', 'reopenBehaviour: reset')));
    expect(issues).toEqual([
      `sla.rules[5].ticketType @36: unknown ticket type "service-request": did you mean 'service_request'? use incident or service_request, or leave ticketType out for a rule of every type`,
      `sla.pausingPendingReasons[1] @40: unknown pending reason "custmer": did you mean 'customer'? use customer, vendor, change, problem, other`,
      `sla.reopenBehaviour @41: invalid reopenBehaviour "reset": use resume (the clock continues with the budget left at resolution) or restart (a full new target starts at the reopen)`,
    ]);
  });

  test('sla that is not a mapping', () => {
    expect(issuesOf(withSla('sla: [P1]\n'))).toEqual([`sla @28: expected the SLA policy as a mapping of name, rules, escalationLevels, pausingPendingReasons, reopenBehaviour, pickupEscalations, found a list`]);
  });

  test('several problems at once, in file order', () => {
    const broken = slaYaml
      .replace('calendar: follow-the-sun', 'calendar: follow-the-moon')
      .replace('target: 16h', 'target: 16 h')
      .replace('percentOfTarget: 80', 'percentOfTarget: -5')
      .replace('toGroup: network-l3', 'toGroup: network-l4');
    const issues = issuesOf(withSla(broken).replace('Asia/Singapore', 'Asia/Singapur'));
    expect(issues.map((issue) => issue.split(': ')[0])).toEqual([
      'desks[0].timeZone @10',
      'sla.rules[1].response.calendar @32',
      'sla.rules[4].response.target @35',
      'sla.escalationLevels[1].percentOfTarget @39',
      'sla.pickupEscalations[1].toGroup @44',
    ]);
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

  test('changed sla section is picked up', () => {
    writeConfiguration(validYaml);
    const source = new DeskConfigurationSource(file, logger);
    expect(source.current().slaPolicy).toBeUndefined();

    writeConfiguration(`${validYaml}sla:\n  name: Night rules\n  reopenBehaviour: restart\n`);
    expect(source.current().slaPolicy?.reopenBehaviour).toBe('restart');
    expect(logLines.some((line) => line.includes('desk configuration reloaded') && line.includes('"slaPolicy":"Night rules"'))).toBe(true);

    writeConfiguration(`${validYaml}sla:\n  name: Night rules\n  reopenBehaviour: rerun\n`);
    expect(source.current().slaPolicy?.reopenBehaviour).toBe('restart');
    expect(logLines.some((line) => line.includes('changed desk configuration is invalid') && line.includes('sla.reopenBehaviour'))).toBe(true);

    writeConfiguration(validYaml);
    expect(source.current().slaPolicy).toBeUndefined();
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
