/**
 * Validation of a parsed desk configuration file (YAML or JSON, already turned
 * into plain values). Every problem is collected with the path of the bad
 * value, for example `desks[2].shifts[0].end`, and a message that explains the
 * fix. docs/desks.md describes the format, and docs/sla.md the `sla` section.
 */

import { DateTime, IANAZone } from 'luxon';

import {
  deskStructureTypes,
  ticketTaskQueue,
  type DeskConfiguration,
  type DeskDefinition,
  type DeskStructure,
  type HolidayDefinition,
  type IsoWeekday,
  type LocalDeskAssignment,
  type ShiftDefinition,
  type SpecialistGroupDefinition,
  type SpecialistSupportLevel,
} from '../domain/desks';
import type { Priority } from '../domain/priority';
import {
  defaultSlaPolicy,
  escalationActions,
  InvalidSlaPolicyError,
  owningDeskCalendarName,
  parseTargetDuration,
  reopenBehaviours,
  type EscalationAction,
  type EscalationLevel,
  type PickupEscalationRule,
  type ReopenBehaviour,
  type SlaPolicy,
  type SlaTarget,
  type SlaTargetRule,
} from '../domain/sla';
import { firstLineAssignmentGroup, pendingReasons, ticketTypes, type PendingReason, type TicketType } from '../domain/ticket';
import { parseLocalTime } from '../calendar/weekly-schedule';

/** Keys and list indexes from the file's root to a value. */
export type ConfigurationPath = ReadonlyArray<string | number>;

/** One problem of a configuration file. */
export interface DeskConfigurationIssue {
  /** Keys and indexes of the bad value; empty for the whole file. */
  path: ConfigurationPath;
  /** Description of the problem and of its fix. */
  message: string;
}

/**
 * Formats a path as it reads in the file, for example `desks[2].shifts[0].end`;
 * the whole file is `(file)`.
 *
 * @example
 *   formatConfigurationPath(['desks', 2, 'shifts', 0, 'end']); // 'desks[2].shifts[0].end'
 */
export function formatConfigurationPath(path: ConfigurationPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? segment : `.${segment}`;
    }
  }

  return text === '' ? '(file)' : text;
}

/** Desk and group ids: no spaces, because they appear in CLI arguments and search queries. */
const identifierPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const identifierHint = 'use letters, digits, dots, dashes and underscores, starting with a letter or digit';

const weekdayNames: Record<string, IsoWeekday> = {
  mon: 1, monday: 1, tue: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
};

type Fields = Record<string, unknown>;

/** Edit distance, for "did you mean" hints on misspelt field names. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }

  return previous[right.length] ?? 0;
}

function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }

  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Collects issues while the validators walk the file. */
class IssueCollector {
  readonly issues: DeskConfigurationIssue[] = [];

  /** Records an issue; returns undefined so that a validator can report and yield no value in one expression. */
  add(path: ConfigurationPath, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  /** Returns the value as a mapping with only the allowed keys, or reports why it is not one. */
  mapping(value: unknown, path: ConfigurationPath, allowedKeys: readonly string[], what: string): Fields | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(path, `expected ${what} as a mapping of ${allowedKeys.join(', ')}, found ${describeValue(value)}`);
      return undefined;
    }

    for (const key of Object.keys(value)) {
      if (!allowedKeys.includes(key)) {
        const closest = allowedKeys.find((allowed) => editDistance(allowed.toLowerCase(), key.toLowerCase()) <= 2);
        const hint = closest === undefined ? '' : `did you mean '${closest}'? `;
        this.add([...path, key], `unknown field '${key}': ${hint}${what} has the fields ${allowedKeys.join(', ')}`);
      }
    }

    return value as Fields;
  }

  list(value: unknown, path: ConfigurationPath, what: string): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.add(path, `expected ${what} as a list, found ${describeValue(value)}`);
      return undefined;
    }

    return value;
  }

  text(fields: Fields, key: string, path: ConfigurationPath, hint: string): string | undefined {
    const value = fields[key];
    if (value === undefined) {
      this.add([...path, key], `missing '${key}': ${hint}`);
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.add([...path, key], `expected a non-empty text, found ${describeValue(value)}: ${hint}`);
      return undefined;
    }

    return value.trim();
  }

  identifier(fields: Fields, key: string, path: ConfigurationPath, what: string): string | undefined {
    const value = this.text(fields, key, path, `give the ${what} an id`);
    if (value !== undefined && !identifierPattern.test(value)) {
      this.add([...path, key], `invalid ${what} id '${value}': ${identifierHint}`);
      return undefined;
    }

    return value;
  }

  timeZone(value: unknown, path: ConfigurationPath): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.add(path, `expected an IANA time zone name such as Europe/Warsaw, found ${describeValue(value)}`);
      return undefined;
    }
    if (!IANAZone.isValidZone(value)) {
      this.add(path, `unknown time zone '${value}': use an IANA time zone name such as Europe/Warsaw or America/Sao_Paulo`);
      return undefined;
    }

    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    if (canonical !== value && canonical.toLowerCase() === value.toLowerCase()) {
      this.add(path, `time zone '${value}' is spelt differently from its IANA name: write '${canonical}'`);
      return undefined;
    }

    return value;
  }
}

/** Parses one weekday entry: a name such as `mon` or `monday`, or an ISO number 1 to 7. */
function parseWeekday(entry: unknown): IsoWeekday | undefined {
  if (typeof entry === 'number') {
    return Number.isInteger(entry) && entry >= 1 && entry <= 7 ? (entry as IsoWeekday) : undefined;
  }
  if (typeof entry === 'string') {
    return weekdayNames[entry.trim().toLowerCase()];
  }

  return undefined;
}

function readWeekdays(value: unknown, path: ConfigurationPath, issues: IssueCollector): IsoWeekday[] | undefined {
  const hint = 'use a list such as [mon, tue, wed] or [1, 2, 3] (1 is Monday), or a range such as mon-fri';

  if (typeof value === 'string') {
    const range = /^\s*([a-z]+)\s*-\s*([a-z]+)\s*$/i.exec(value);
    const single = weekdayNames[value.trim().toLowerCase()];
    if (single !== undefined) {
      return [single];
    }

    const first = range === null ? undefined : weekdayNames[range[1]!.toLowerCase()];
    const last = range === null ? undefined : weekdayNames[range[2]!.toLowerCase()];
    if (first === undefined || last === undefined) {
      issues.add(path, `invalid weekdays '${value}': ${hint}`);
      return undefined;
    }

    // A range may wrap around the week end: fri-mon is Friday to Monday.
    const weekdays: IsoWeekday[] = [];
    for (let day = first; ; day = ((day % 7) + 1) as IsoWeekday) {
      weekdays.push(day);
      if (day === last) {
        return weekdays;
      }
    }
  }

  const entries = issues.list(value, path, 'weekdays');
  if (entries === undefined) {
    return undefined;
  }
  if (entries.length === 0) {
    issues.add(path, `empty list of weekdays: ${hint}`);
    return undefined;
  }

  const weekdays: IsoWeekday[] = [];
  entries.forEach((entry, index) => {
    const weekday = parseWeekday(entry);
    if (weekday === undefined) {
      issues.add([...path, index], `invalid weekday ${JSON.stringify(entry)}: ${hint}`);
    } else if (weekdays.includes(weekday)) {
      issues.add([...path, index], `weekday ${JSON.stringify(entry)} is listed twice: remove one`);
    } else {
      weekdays.push(weekday);
    }
  });

  return weekdays.length === entries.length ? weekdays : undefined;
}

function readShiftTime(fields: Fields, key: 'start' | 'end', path: ConfigurationPath, issues: IssueCollector): string | undefined {
  const value = fields[key];
  const hint = key === 'start' ? 'use HH:mm from 00:00 to 23:59, for example 08:00' : 'use HH:mm from 00:00 to 24:00, for example 17:30 (an end at or before the start ends on the next day)';
  if (value === undefined) {
    issues.add([...path, key], `missing '${key}': ${hint}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add([...path, key], `expected a quoted time such as "08:00", found ${describeValue(value)}: ${hint}`);
    return undefined;
  }

  const time = parseLocalTime(value);
  if (time === undefined || (key === 'start' && time.hour === 24)) {
    issues.add([...path, key], `invalid time '${value}': ${hint}`);
    return undefined;
  }

  return value;
}

function readShifts(value: unknown, path: ConfigurationPath, issues: IssueCollector): ShiftDefinition[] | undefined {
  if (value === undefined) {
    issues.add(path, 'missing shifts: list at least one weekly shift, for example { weekdays: mon-fri, start: "08:00", end: "17:00" }');
    return undefined;
  }

  const entries = issues.list(value, path, 'shifts');
  if (entries === undefined) {
    return undefined;
  }
  if (entries.length === 0) {
    issues.add(path, 'no shifts: list at least one weekly shift, for example { weekdays: mon-fri, start: "08:00", end: "17:00" }');
    return undefined;
  }

  const shifts: ShiftDefinition[] = [];
  entries.forEach((entry, index) => {
    const shiftPath = [...path, index];
    const fields = issues.mapping(entry, shiftPath, ['weekdays', 'start', 'end'], 'a shift');
    if (fields === undefined) {
      return;
    }

    const weekdays = fields.weekdays === undefined ? issues.add([...shiftPath, 'weekdays'], "missing 'weekdays': list the local days on which the shift starts, for example mon-fri") : readWeekdays(fields.weekdays, [...shiftPath, 'weekdays'], issues);
    const start = readShiftTime(fields, 'start', shiftPath, issues);
    const end = readShiftTime(fields, 'end', shiftPath, issues);
    if (weekdays !== undefined && start !== undefined && end !== undefined) {
      shifts.push({ weekdays, start, end });
    }
  });

  return shifts.length === entries.length ? shifts : undefined;
}

function readHolidayDate(value: unknown, path: ConfigurationPath, issues: IssueCollector): string | undefined {
  const hint = 'use a local date yyyy-MM-dd, for example 2026-12-25';
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    issues.add(path, `invalid holiday date ${JSON.stringify(value)}: ${hint}`);
    return undefined;
  }
  if (!DateTime.fromISO(value).isValid) {
    issues.add(path, `invalid holiday date '${value}': no such day in the calendar; ${hint}`);
    return undefined;
  }

  return value;
}

/** Reads one holiday entry: a bare date, or a mapping of date and optional name. */
function readHolidayEntry(entry: unknown, path: ConfigurationPath, issues: IssueCollector): HolidayDefinition | undefined {
  if (typeof entry === 'string') {
    const date = readHolidayDate(entry, path, issues);
    return date === undefined ? undefined : { date, name: 'holiday' };
  }

  const fields = issues.mapping(entry, path, ['date', 'name'], 'a holiday');
  if (fields === undefined) {
    return undefined;
  }

  const date = fields.date === undefined ? issues.add([...path, 'date'], "missing 'date': give the local date yyyy-MM-dd") : readHolidayDate(fields.date, [...path, 'date'], issues);
  const name = fields.name === undefined ? 'holiday' : issues.text(fields, 'name', path, 'name the holiday, for example Christmas Day');
  return date === undefined || name === undefined ? undefined : { date, name };
}

function readHolidays(value: unknown, path: ConfigurationPath, issues: IssueCollector): HolidayDefinition[] | undefined {
  if (value === undefined) {
    return [];
  }

  const entries = issues.list(value, path, 'holidays');
  if (entries === undefined) {
    return undefined;
  }

  const holidays: HolidayDefinition[] = [];
  const seen = new Map<string, number>();
  let valid = true;
  entries.forEach((entry, index) => {
    const entryPath = [...path, index];
    const holiday = readHolidayEntry(entry, entryPath, issues);
    if (holiday === undefined) {
      valid = false;
      return;
    }

    const earlier = seen.get(holiday.date);
    if (earlier !== undefined) {
      issues.add(entryPath, `holiday ${holiday.date} is listed twice (also at index ${earlier}): remove one`);
      valid = false;
      return;
    }

    seen.set(holiday.date, index);
    holidays.push(holiday);
  });

  return valid ? holidays : undefined;
}

function readDesk(value: unknown, path: ConfigurationPath, issues: IssueCollector): DeskDefinition | undefined {
  const fields = issues.mapping(value, path, ['id', 'name', 'timeZone', 'taskQueue', 'shifts', 'holidays'], 'a desk');
  if (fields === undefined) {
    return undefined;
  }

  const id = issues.identifier(fields, 'id', path, 'desk');
  const name = issues.text(fields, 'name', path, 'name the desk, for example "EMEA desk (Krakow)"');
  const timeZone = fields.timeZone === undefined ? issues.add([...path, 'timeZone'], "missing 'timeZone': give the desk's IANA time zone, for example Europe/Warsaw") : issues.timeZone(fields.timeZone, [...path, 'timeZone']);
  let taskQueue: string | undefined;
  if (fields.taskQueue !== undefined) {
    taskQueue = issues.text(fields, 'taskQueue', path, 'name the Temporal task queue that the desk workers poll');
  } else if (id !== undefined) {
    taskQueue = `desk-${id}`;
  }
  const shifts = readShifts(fields.shifts, [...path, 'shifts'], issues);
  const holidays = readHolidays(fields.holidays, [...path, 'holidays'], issues);

  if (taskQueue === ticketTaskQueue) {
    issues.add([...path, 'taskQueue'], `task queue '${ticketTaskQueue}' belongs to the ticket workflows: give the desk a queue of its own, for example desk-${id ?? 'emea'}`);
    return undefined;
  }
  if (id === undefined || name === undefined || timeZone === undefined || taskQueue === undefined || shifts === undefined || holidays === undefined) {
    return undefined;
  }

  return { id, name, timeZone, taskQueue, shifts, holidays };
}

function readSpecialistGroup(value: unknown, path: ConfigurationPath, issues: IssueCollector): SpecialistGroupDefinition | undefined {
  const fields = issues.mapping(value, path, ['id', 'name', 'supportLevel', 'timeZone', 'shifts', 'holidays'], 'a specialist group');
  if (fields === undefined) {
    return undefined;
  }

  const id = issues.identifier(fields, 'id', path, 'specialist group');
  if (id === firstLineAssignmentGroup) {
    issues.add([...path, 'id'], `id '${firstLineAssignmentGroup}' is the desk's own first-line queue: give the specialist group another id, for example network-l2`);
  }
  const name = issues.text(fields, 'name', path, 'name the group, for example "Network operations"');

  let supportLevel: SpecialistSupportLevel | undefined;
  const level = typeof fields.supportLevel === 'string' ? fields.supportLevel.trim().toUpperCase() : undefined;
  if (level === 'L2' || level === 'L3') {
    supportLevel = level;
  } else {
    issues.add([...path, 'supportLevel'], `${fields.supportLevel === undefined ? "missing 'supportLevel'" : `invalid support level ${JSON.stringify(fields.supportLevel)}`}: use L2 or L3`);
  }

  const timeZone = fields.timeZone === undefined ? issues.add([...path, 'timeZone'], "missing 'timeZone': give the group's IANA time zone, for example Europe/Stockholm") : issues.timeZone(fields.timeZone, [...path, 'timeZone']);
  const shifts = readShifts(fields.shifts, [...path, 'shifts'], issues);
  const holidays = readHolidays(fields.holidays, [...path, 'holidays'], issues);

  if (id === undefined || id === firstLineAssignmentGroup || name === undefined || supportLevel === undefined || timeZone === undefined || shifts === undefined || holidays === undefined) {
    return undefined;
  }

  return { id, name, supportLevel, timeZone, shifts, holidays };
}

/** Reads a list of desk ids that must each name a configured desk, once. */
function readDeskIdList(value: unknown, path: ConfigurationPath, deskIds: string[], issues: IssueCollector, what: string): string[] | undefined {
  const entries = issues.list(value, path, what);
  if (entries === undefined) {
    return undefined;
  }

  const ids: string[] = [];
  entries.forEach((entry, index) => {
    if (typeof entry !== 'string' || !deskIds.includes(entry)) {
      issues.add([...path, index], `unknown desk ${JSON.stringify(entry)}: use one of ${deskIds.join(', ')}`);
    } else if (ids.includes(entry)) {
      issues.add([...path, index], `desk '${entry}' is listed twice: list every desk once`);
    } else {
      ids.push(entry);
    }
  });

  return ids.length === entries.length ? ids : undefined;
}

function readDeskReference(value: unknown, path: ConfigurationPath, deskIds: string[], issues: IssueCollector, hint: string): string | undefined {
  if (value === undefined) {
    issues.add(path, `missing desk id: ${hint}`);
    return undefined;
  }
  if (typeof value !== 'string' || !deskIds.includes(value)) {
    issues.add(path, `unknown desk ${JSON.stringify(value)}: use one of ${deskIds.join(', ')}`);
    return undefined;
  }

  return value;
}

function readLocalAssignments(value: unknown, path: ConfigurationPath, deskIds: string[], issues: IssueCollector): LocalDeskAssignment[] | undefined {
  if (value === undefined) {
    issues.add(path, "missing 'assignments': list each local desk with the sites and customer time zones it serves");
    return undefined;
  }

  const entries = issues.list(value, path, 'assignments');
  if (entries === undefined) {
    return undefined;
  }

  const assignments: LocalDeskAssignment[] = [];
  const siteOwners = new Map<string, string>();
  const zoneOwners = new Map<string, string>();
  let valid = true;
  entries.forEach((entry, index) => {
    const entryPath = [...path, index];
    const fields = issues.mapping(entry, entryPath, ['desk', 'sites', 'customerTimeZones'], 'an assignment');
    if (fields === undefined) {
      valid = false;
      return;
    }

    const deskId = readDeskReference(fields.desk, [...entryPath, 'desk'], deskIds, issues, 'name the local desk');
    if (deskId !== undefined && assignments.some((assignment) => assignment.deskId === deskId)) {
      issues.add([...entryPath, 'desk'], `desk '${deskId}' has two assignments: merge its sites and time zones into one`);
      valid = false;
    }

    const sites: string[] = [];
    const siteEntries = fields.sites === undefined ? [] : issues.list(fields.sites, [...entryPath, 'sites'], 'sites');
    (siteEntries ?? []).forEach((site, siteIndex) => {
      const sitePath = [...entryPath, 'sites', siteIndex];
      if (typeof site !== 'string' || site.trim() === '') {
        issues.add(sitePath, `expected a site code, found ${describeValue(site)}`);
        valid = false;
        return;
      }
      const owner = siteOwners.get(site.trim().toLowerCase());
      if (owner !== undefined) {
        issues.add(sitePath, `site '${site}' is already served by ${owner}: give every site one desk`);
        valid = false;
        return;
      }
      siteOwners.set(site.trim().toLowerCase(), deskId ?? '?');
      sites.push(site.trim());
    });

    const customerTimeZones: string[] = [];
    const zoneEntries = fields.customerTimeZones === undefined ? [] : issues.list(fields.customerTimeZones, [...entryPath, 'customerTimeZones'], 'customer time zones');
    (zoneEntries ?? []).forEach((zone, zoneIndex) => {
      const zonePath = [...entryPath, 'customerTimeZones', zoneIndex];
      const timeZone = issues.timeZone(zone, zonePath);
      if (timeZone === undefined) {
        valid = false;
        return;
      }
      const owner = zoneOwners.get(timeZone);
      if (owner !== undefined) {
        issues.add(zonePath, `time zone '${timeZone}' is already served by ${owner}: give every time zone one desk`);
        valid = false;
        return;
      }
      zoneOwners.set(timeZone, deskId ?? '?');
      customerTimeZones.push(timeZone);
    });

    if (siteEntries === undefined || zoneEntries === undefined || deskId === undefined) {
      valid = false;
      return;
    }
    assignments.push({ deskId, sites, customerTimeZones });
  });

  return valid ? assignments : undefined;
}

/** Checks that every configured desk can receive tickets in the structure. */
function requireEveryDesk(members: string[], deskIds: string[], path: ConfigurationPath, issues: IssueCollector, where: string): boolean {
  const missing = deskIds.filter((deskId) => !members.includes(deskId));
  if (missing.length > 0) {
    issues.add(path, `desk ${missing.map((deskId) => `'${deskId}'`).join(', ')} is missing from ${where}, so it would never receive a ticket: add it or remove the desk`);
    return false;
  }

  return true;
}

function readStructure(value: unknown, path: ConfigurationPath, deskIds: string[], issues: IssueCollector): DeskStructure | undefined {
  const typeHint = `use one of ${deskStructureTypes.join(', ')}`;
  if (value === undefined) {
    issues.add(path, `missing 'structure': ${typeHint}, for example structure: { type: follow-the-sun }`);
    return undefined;
  }

  const fields = typeof value === 'string' ? { type: value } : issues.mapping(value, path, ['type', 'ring', 'pool', 'desk', 'assignments', 'fallbackDesk'], 'the structure');
  if (fields === undefined) {
    return undefined;
  }

  const type = fields.type;
  const typePath = typeof value === 'string' ? path : [...path, 'type'];
  const allowed: Record<DeskStructure['type'], string[]> = { 'follow-the-sun': ['ring'], virtual: ['pool'], centralized: ['desk'], local: ['assignments', 'fallbackDesk'] };
  if (typeof type !== 'string' || !(deskStructureTypes as readonly string[]).includes(type)) {
    issues.add(typePath, `${type === undefined ? "missing 'type'" : `unknown structure type ${JSON.stringify(type)}`}: ${typeHint}`);
    return undefined;
  }

  const structureType = type as DeskStructure['type'];
  for (const key of Object.keys(fields)) {
    if (key !== 'type' && !allowed[structureType].includes(key)) {
      issues.add([...path, key], `field '${key}' does not apply to structure type '${structureType}', which takes ${allowed[structureType].join(', ')}`);
    }
  }

  switch (structureType) {
    case 'follow-the-sun': {
      const ring = fields.ring === undefined ? deskIds : readDeskIdList(fields.ring, [...path, 'ring'], deskIds, issues, 'the ring');
      return ring !== undefined && requireEveryDesk(ring, deskIds, [...path, 'ring'], issues, 'the follow-the-sun ring') ? { type: 'follow-the-sun', ring } : undefined;
    }
    case 'virtual': {
      const pool = fields.pool === undefined ? deskIds : readDeskIdList(fields.pool, [...path, 'pool'], deskIds, issues, 'the pool');
      return pool !== undefined && requireEveryDesk(pool, deskIds, [...path, 'pool'], issues, 'the pool of the virtual desk') ? { type: 'virtual', pool } : undefined;
    }
    case 'centralized': {
      if (fields.desk === undefined && deskIds.length === 1 && deskIds[0] !== undefined) {
        return { type: 'centralized', deskId: deskIds[0] };
      }
      const deskId = readDeskReference(fields.desk, [...path, 'desk'], deskIds, issues, 'name the central desk');
      if (deskId === undefined) {
        return undefined;
      }
      if (deskIds.length > 1) {
        issues.add(['desks'], `structure 'centralized' routes every ticket to desk '${deskId}', so the other ${deskIds.length - 1} desks would never receive one: remove them, or pool the desks with structure type 'virtual'`);
        return undefined;
      }
      return { type: 'centralized', deskId };
    }
    case 'local': {
      const assignments = readLocalAssignments(fields.assignments, [...path, 'assignments'], deskIds, issues);
      const fallbackDeskId = readDeskReference(fields.fallbackDesk, [...path, 'fallbackDesk'], deskIds, issues, 'name the desk that takes tickets whose site and time zone no desk serves');
      if (assignments === undefined || fallbackDeskId === undefined) {
        return undefined;
      }
      const members = [...assignments.map((assignment) => assignment.deskId), fallbackDeskId];
      return requireEveryDesk(members, deskIds, [...path, 'assignments'], issues, 'the assignments (and is not the fallback desk)') ? { type: 'local', assignments, fallbackDeskId } : undefined;
    }
  }
}

/** Parses one priority entry: `P1` to `P5` in any case, or a number 1 to 5. */
function parsePriority(entry: unknown): Priority | undefined {
  let text = '';
  if (typeof entry === 'number') {
    text = String(entry);
  } else if (typeof entry === 'string') {
    text = entry.trim().toUpperCase().replace(/^P/, '');
  }

  return /^[1-5]$/.test(text) ? (Number(text) as Priority) : undefined;
}

function readFollowTheSunPriorities(value: unknown, path: ConfigurationPath, structureType: DeskStructure['type'] | undefined, issues: IssueCollector): Priority[] | undefined {
  const handsOff = structureType === undefined || structureType === 'follow-the-sun' || structureType === 'virtual';
  if (value === undefined) {
    return handsOff ? [1, 2] : [];
  }

  const fields = issues.mapping(value, path, ['priorities'], 'the follow-the-sun rule');
  if (fields === undefined) {
    return undefined;
  }

  const entries = fields.priorities === undefined ? issues.add([...path, 'priorities'], "missing 'priorities': list the priorities whose tickets follow the sun, for example [P1, P2]") : issues.list(fields.priorities, [...path, 'priorities'], 'priorities');
  if (entries === undefined) {
    return undefined;
  }
  if (!handsOff && entries.length > 0) {
    issues.add([...path, 'priorities'], `structure '${structureType}' keeps every ticket with its desk, so no priority can follow the sun: remove followTheSun, or use structure type follow-the-sun or virtual`);
    return undefined;
  }

  return readPriorityEntries(entries, [...path, 'priorities'], issues);
}

/** Reads a list of priorities, each listed once, and returns them in ascending order. */
function readPriorityEntries(entries: unknown[], path: ConfigurationPath, issues: IssueCollector): Priority[] | undefined {
  const priorities: Priority[] = [];
  entries.forEach((entry, index) => {
    const priority = parsePriority(entry);
    if (priority === undefined) {
      issues.add([...path, index], `invalid priority ${JSON.stringify(entry)}: use P1 to P5 (or 1 to 5)`);
    } else if (priorities.includes(priority)) {
      issues.add([...path, index], `priority P${priority} is listed twice: remove one`);
    } else {
      priorities.push(priority);
    }
  });

  return priorities.length === entries.length ? priorities.sort((left, right) => left - right) : undefined;
}

// The `sla` section: the organisation's SLA policy. Fields left out take the
// values of `defaultSlaPolicy`, each field as a whole. docs/sla.md describes it.

/** The desks and specialist groups that the `sla` section may refer to. */
interface SlaReferences {
  /** Desk ids of the file, each giving the calendar `desk:<id>`. */
  deskIds: string[];
  /** Specialist group ids of the file, each giving the calendar `group:<id>` and a target of pickup escalations. */
  groupIds: string[];
  /** Support level of every valid specialist group. */
  groupSupportLevels: ReadonlyMap<string, SpecialistSupportLevel>;
}

/** The fields that choose an SLA rule for a ticket. */
interface SlaRuleSelector {
  priority: Priority;
  ticketType?: TicketType;
  customerGroup?: string;
}

/**
 * Returns `did you mean 'x'? ` for the candidate closest to a misspelt text
 * (at most two edits away, the first one on a tie), or an empty text.
 */
function suggestionFor(text: string, candidates: readonly string[]): string {
  let closest: string | undefined;
  let closestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(candidate.toLowerCase(), text.toLowerCase());
    if (distance < closestDistance) {
      closest = candidate;
      closestDistance = distance;
    }
  }

  return closest === undefined ? '' : `did you mean '${closest}'? `;
}

/**
 * Names of the calendars that an SLA target may count on, given the desks and
 * groups of the file. They are the names that `buildSlaCalendarRegistry` in
 * src/calendar/business-calendars.ts gives, written out here because that
 * module imports this one.
 */
function slaCalendarNames(references: SlaReferences): string[] {
  return ['24x7', 'follow-the-sun', owningDeskCalendarName, ...references.deskIds.map((deskId) => `desk:${deskId}`), ...references.groupIds.map((groupId) => `group:${groupId}`)];
}

function readCalendarName(value: unknown, path: ConfigurationPath, calendarNames: readonly string[], issues: IssueCollector): string | undefined {
  const hint = `use one of ${calendarNames.join(', ')}`;
  if (value === undefined) {
    issues.add(path, `missing 'calendar': name the calendar whose open time counts; ${hint}`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    issues.add(path, `expected a calendar name, found ${describeValue(value)}: ${hint}`);
    return undefined;
  }

  const name = value.trim();
  if (!calendarNames.includes(name)) {
    issues.add(path, `unknown calendar '${name}': ${suggestionFor(name, calendarNames)}${hint}`);
    return undefined;
  }

  return name;
}

/**
 * Reads a duration that the file gives either as text under `textKey` (`4h`,
 * `90m`, `1h30m`, `3d`, read by `parseTargetDuration`) or as a number of
 * minutes under `minutesKey`. Exactly one of the two must be present.
 */
function readDurationMinutes(fields: Fields, textKey: string, minutesKey: string, path: ConfigurationPath, issues: IssueCollector): number | undefined {
  const text = fields[textKey];
  const minutes = fields[minutesKey];
  if (text !== undefined && minutes !== undefined) {
    issues.add([...path, minutesKey], `'${textKey}' and '${minutesKey}' are both given: keep one of them`);
    return undefined;
  }
  if (text === undefined && minutes === undefined) {
    issues.add(path, `missing '${textKey}': give a duration such as ${textKey}: 4h (or 90m, 1h30m, 3d), or a number of minutes such as ${minutesKey}: 240`);
    return undefined;
  }

  if (minutes !== undefined) {
    if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) {
      issues.add([...path, minutesKey], `expected a number of minutes greater than 0, found ${describeValue(minutes)}: write for example ${minutesKey}: 240, or ${textKey}: 4h`);
      return undefined;
    }
    return minutes;
  }

  if (typeof text !== 'string') {
    const fix = typeof text === 'number' ? `write ${textKey}: ${text}m for minutes, or ${minutesKey}: ${text}` : `write for example ${textKey}: 4h, or ${minutesKey}: 240`;
    issues.add([...path, textKey], `expected a duration with a unit such as 4h, 90m, 1h30m or 3d, found ${describeValue(text)}: ${fix}`);
    return undefined;
  }
  try {
    return parseTargetDuration(text, textKey);
  } catch (error) {
    if (!(error instanceof InvalidSlaPolicyError)) {
      throw error;
    }
    issues.add([...path, textKey], error.message);
    return undefined;
  }
}

function readSlaTarget(value: unknown, path: ConfigurationPath, calendarNames: readonly string[], issues: IssueCollector): SlaTarget | undefined {
  const fields = issues.mapping(value, path, ['target', 'targetMinutes', 'calendar'], 'a target');
  if (fields === undefined) {
    return undefined;
  }

  const targetMinutes = readDurationMinutes(fields, 'target', 'targetMinutes', path, issues);
  const calendar = readCalendarName(fields.calendar, [...path, 'calendar'], calendarNames, issues);
  return targetMinutes === undefined || calendar === undefined ? undefined : { targetMinutes, calendar };
}

function readPriority(value: unknown, path: ConfigurationPath, missingHint: string, issues: IssueCollector): Priority | undefined {
  if (value === undefined) {
    issues.add(path, `missing 'priority': ${missingHint}`);
    return undefined;
  }

  const priority = parsePriority(value);
  if (priority === undefined) {
    issues.add(path, `invalid priority ${JSON.stringify(value)}: use P1 to P5 (or 1 to 5)`);
  }
  return priority;
}

function readTicketType(value: unknown, path: ConfigurationPath, issues: IssueCollector): TicketType | undefined {
  const ticketType = ticketTypes.find((known) => known === value);
  if (ticketType === undefined) {
    const suggestion = typeof value === 'string' ? suggestionFor(value, ticketTypes) : '';
    issues.add(path, `unknown ticket type ${JSON.stringify(value)}: ${suggestion}use ${ticketTypes.join(' or ')}, or leave ticketType out for a rule of every type`);
  }

  return ticketType;
}

/**
 * Reads one target rule. The selector (priority, ticket type, customer group)
 * comes back whenever those fields are valid, so that duplicates and missing
 * general rules are found even while a target of the rule is invalid.
 */
function readSlaRule(value: unknown, path: ConfigurationPath, calendarNames: readonly string[], issues: IssueCollector): { selector?: SlaRuleSelector; rule?: SlaTargetRule } {
  const fields = issues.mapping(value, path, ['priority', 'ticketType', 'customerGroup', 'response', 'resolution'], 'an SLA rule');
  if (fields === undefined) {
    return {};
  }

  const priority = readPriority(fields.priority, [...path, 'priority'], 'give the priority that the rule serves, P1 to P5', issues);
  const ticketType = fields.ticketType === undefined ? undefined : readTicketType(fields.ticketType, [...path, 'ticketType'], issues);
  const customerGroup = fields.customerGroup === undefined ? undefined : issues.text(fields, 'customerGroup', path, 'name the customer group, for example executives, or leave customerGroup out for a rule of every group');
  const selectorValid = priority !== undefined && (fields.ticketType === undefined || ticketType !== undefined) && (fields.customerGroup === undefined || customerGroup !== undefined);

  const targets = (['response', 'resolution'] as const).map((kind) => {
    if (fields[kind] === undefined) {
      return issues.add([...path, kind], `missing '${kind}': give the ${kind} target, for example ${kind}: { target: 4h, calendar: 24x7 }`);
    }
    return readSlaTarget(fields[kind], [...path, kind], calendarNames, issues);
  });
  const [response, resolution] = targets;
  if (!selectorValid) {
    return {};
  }

  const selector: SlaRuleSelector = { priority, ...(ticketType === undefined ? {} : { ticketType }), ...(customerGroup === undefined ? {} : { customerGroup }) };
  if (response === undefined || resolution === undefined) {
    return { selector };
  }
  return { selector, rule: { ...selector, response, resolution } };
}

function describeSelector(selector: SlaRuleSelector): string {
  const limits = [selector.ticketType === undefined ? '' : `, ticketType ${selector.ticketType}`, selector.customerGroup === undefined ? '' : `, customerGroup ${selector.customerGroup}`].join('');
  return `P${selector.priority}${limits === '' ? ' (general)' : limits}`;
}

/**
 * Reads the rules, which replace the default rules as a whole. Every priority
 * needs a general rule (no ticket type, no customer group) so that every
 * ticket finds a target, and no two rules may share their selector.
 */
function readSlaRules(value: unknown, path: ConfigurationPath, calendarNames: readonly string[], issues: IssueCollector): SlaTargetRule[] | undefined {
  const entries = issues.list(value, path, 'SLA rules');
  if (entries === undefined) {
    return undefined;
  }
  if (entries.length === 0) {
    issues.add(path, 'no rules: give a general rule for each priority P1 to P5, or leave rules out for the default targets');
    return undefined;
  }

  const results = entries.map((entry, index) => readSlaRule(entry, [...path, index], calendarNames, issues));
  let valid = results.every((result) => result.rule !== undefined);

  const seen = new Map<string, number>();
  results.forEach(({ selector }, index) => {
    if (selector === undefined) {
      return;
    }
    const key = JSON.stringify([selector.priority, selector.ticketType ?? null, selector.customerGroup ?? null]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.add([...path, index], `a rule for ${describeSelector(selector)} is already given at index ${earlier}: merge the two rules`);
      valid = false;
    } else {
      seen.set(key, index);
    }
  });

  // The check waits for every selector to be valid, because a rule with an invalid one (reported already) may be the general rule that seems missing.
  const selectors = results.map((result) => result.selector);
  if (selectors.every((selector) => selector !== undefined)) {
    const priorities: Priority[] = [1, 2, 3, 4, 5];
    const missing = priorities.filter((priority) => !selectors.some((selector) => selector.priority === priority && selector.ticketType === undefined && selector.customerGroup === undefined));
    if (missing.length > 0) {
      const names = missing.map((priority) => `P${priority}`).join(', ');
      issues.add(path, `no general rule for ${names}: add a rule without ticketType and customerGroup for each, so that every ticket finds a target`);
      valid = false;
    }
  }

  return valid ? results.map((result) => result.rule).filter((rule): rule is SlaTargetRule => rule !== undefined) : undefined;
}

/** Reads a list of names that must each be one of `allowed`, once. */
function readNameList<Name extends string>(entries: unknown[], path: ConfigurationPath, allowed: readonly Name[], what: string, issues: IssueCollector): Name[] | undefined {
  const names: Name[] = [];
  entries.forEach((entry, index) => {
    const name = allowed.find((known) => known === entry);
    if (name === undefined) {
      const suggestion = typeof entry === 'string' ? suggestionFor(entry, allowed) : '';
      issues.add([...path, index], `unknown ${what} ${JSON.stringify(entry)}: ${suggestion}use ${allowed.join(', ')}`);
    } else if (names.includes(name)) {
      issues.add([...path, index], `${what} '${name}' is listed twice: remove one`);
    } else {
      names.push(name);
    }
  });

  return names.length === entries.length ? names : undefined;
}

function readEscalationLevel(value: unknown, path: ConfigurationPath, issues: IssueCollector): EscalationLevel | undefined {
  const fields = issues.mapping(value, path, ['name', 'percentOfTarget', 'actions'], 'an escalation level');
  if (fields === undefined) {
    return undefined;
  }

  const name = issues.text(fields, 'name', path, 'name the level, for example warning');

  let percentOfTarget: number | undefined;
  const percent = fields.percentOfTarget;
  if (percent === undefined) {
    issues.add([...path, 'percentOfTarget'], "missing 'percentOfTarget': give the share of the target in percent at which the level fires, for example 75 (100 is the due instant)");
  } else if (typeof percent !== 'number' || !Number.isFinite(percent) || percent <= 0) {
    issues.add([...path, 'percentOfTarget'], `expected a percentage greater than 0, found ${describeValue(percent)}: write a number without the % sign, for example 75 (100 is the due instant)`);
  } else {
    percentOfTarget = percent;
  }

  let actions: EscalationAction[] | undefined;
  const actionEntries = fields.actions === undefined ? issues.add([...path, 'actions'], `missing 'actions': list what the level does, from ${escalationActions.join(', ')}`) : issues.list(fields.actions, [...path, 'actions'], 'actions');
  if (actionEntries !== undefined && actionEntries.length === 0) {
    issues.add([...path, 'actions'], `no actions: list what the level does, from ${escalationActions.join(', ')}`);
  } else if (actionEntries !== undefined) {
    actions = readNameList(actionEntries, [...path, 'actions'], escalationActions, 'action', issues);
  }

  return name === undefined || percentOfTarget === undefined || actions === undefined ? undefined : { name, percentOfTarget, actions };
}

/** Reads the escalation levels, which replace the default levels as a whole, in ascending `percentOfTarget`. */
function readEscalationLevels(value: unknown, path: ConfigurationPath, issues: IssueCollector): EscalationLevel[] | undefined {
  const entries = issues.list(value, path, 'escalation levels');
  if (entries === undefined) {
    return undefined;
  }
  if (entries.length === 0) {
    issues.add(path, 'no escalation levels: list at least one, for example { name: breach, percentOfTarget: 100, actions: [mark_breached] }, or leave escalationLevels out for the defaults');
    return undefined;
  }

  const levels = entries.map((entry, index) => readEscalationLevel(entry, [...path, index], issues));
  const fieldOf = (entry: unknown, key: string): unknown => (typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Fields)[key] : undefined);
  const percentages = entries.map((entry) => {
    const percent = fieldOf(entry, 'percentOfTarget');
    return typeof percent === 'number' ? String(percent) : undefined;
  });
  const names = entries.map((entry) => {
    const name = fieldOf(entry, 'name');
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
  });
  const percentagesUnique = checkUnique(percentages, (percent) => percent, (index) => [...path, index, 'percentOfTarget'], 'percentOfTarget', issues);
  const namesUnique = checkUnique(names, (name) => name, (index) => [...path, index, 'name'], 'escalation level name', issues);

  const validLevels = levels.filter((level): level is EscalationLevel => level !== undefined);
  if (validLevels.length !== entries.length || !percentagesUnique || !namesUnique) {
    return undefined;
  }
  return validLevels.sort((left, right) => left.percentOfTarget - right.percentOfTarget);
}

function readPausingPendingReasons(value: unknown, path: ConfigurationPath, issues: IssueCollector): PendingReason[] | undefined {
  const entries = issues.list(value, path, 'pending reasons');
  return entries === undefined ? undefined : readNameList(entries, path, pendingReasons, 'pending reason', issues);
}

function readReopenBehaviour(value: unknown, path: ConfigurationPath, issues: IssueCollector): ReopenBehaviour | undefined {
  const behaviour = reopenBehaviours.find((known) => known === value);
  if (behaviour === undefined) {
    issues.add(path, `invalid reopenBehaviour ${JSON.stringify(value)}: use resume (the clock continues with the budget left at resolution) or restart (a full new target starts at the reopen)`);
  }

  return behaviour;
}

function readPickupEscalation(value: unknown, path: ConfigurationPath, references: SlaReferences, issues: IssueCollector): PickupEscalationRule | undefined {
  const fields = issues.mapping(value, path, ['fromGroup', 'priorities', 'notPickedUpWithin', 'notPickedUpWithinMinutes', 'toGroup', 'supportLevel'], 'a pickup escalation');
  if (fields === undefined) {
    return undefined;
  }

  let fromGroup = fields.fromGroup === undefined ? undefined : issues.text(fields, 'fromGroup', path, 'name the assignment group whose queue the rule watches, for example service-desk, or leave fromGroup out for every group');
  const watchableGroups = [firstLineAssignmentGroup, ...references.groupIds];
  if (fromGroup !== undefined && !watchableGroups.includes(fromGroup)) {
    // A misspelt group would never match a ticket, so the rule would never fire.
    issues.add([...path, 'fromGroup'], `unknown group '${fromGroup}': ${suggestionFor(fromGroup, watchableGroups)}use ${firstLineAssignmentGroup} (the first line) or a specialist group id: ${references.groupIds.length === 0 ? 'the file has no specialistGroups' : references.groupIds.join(', ')}; or leave fromGroup out for every group`);
    fromGroup = undefined;
  }
  let valid = fields.fromGroup === undefined || fromGroup !== undefined;

  let priorities: Priority[] | undefined;
  if (fields.priorities !== undefined) {
    const entries = issues.list(fields.priorities, [...path, 'priorities'], 'priorities');
    if (entries !== undefined && entries.length === 0) {
      issues.add([...path, 'priorities'], 'no priorities: list the priorities that the rule applies to, for example [P1, P2], or leave priorities out for every priority');
    } else if (entries !== undefined) {
      priorities = readPriorityEntries(entries, [...path, 'priorities'], issues);
    }
    valid &&= priorities !== undefined;
  }

  const notPickedUpWithinMinutes = readDurationMinutes(fields, 'notPickedUpWithin', 'notPickedUpWithinMinutes', path, issues);

  let toGroup = issues.text(fields, 'toGroup', path, 'name the specialist group that receives the ticket, for example network-l2');
  if (toGroup !== undefined && !references.groupIds.includes(toGroup)) {
    const known = references.groupIds.length === 0 ? 'the file has no specialistGroups: add the group there' : `${suggestionFor(toGroup, references.groupIds)}use one of ${references.groupIds.join(', ')}`;
    issues.add([...path, 'toGroup'], `unknown specialist group '${toGroup}': ${known}`);
    toGroup = undefined;
  } else if (toGroup !== undefined && toGroup === fromGroup) {
    issues.add([...path, 'toGroup'], `toGroup '${toGroup}' is the group that the rule watches: name another group, to which tickets move when '${fromGroup}' does not pick them up`);
    toGroup = undefined;
  }

  // The support level is the target group's own unless the rule gives it, and a rule that gives another one contradicts the group.
  const groupLevel = toGroup === undefined ? undefined : references.groupSupportLevels.get(toGroup);
  let supportLevel: SpecialistSupportLevel | undefined = groupLevel;
  if (fields.supportLevel !== undefined) {
    const level = typeof fields.supportLevel === 'string' ? fields.supportLevel.trim().toUpperCase() : undefined;
    if (level !== 'L2' && level !== 'L3') {
      issues.add([...path, 'supportLevel'], `invalid support level ${JSON.stringify(fields.supportLevel)}: use L2 or L3, or leave supportLevel out for the level of toGroup`);
      supportLevel = undefined;
    } else if (groupLevel !== undefined && level !== groupLevel) {
      issues.add([...path, 'supportLevel'], `support level ${level} contradicts specialist group '${toGroup}', which is ${groupLevel}: write ${groupLevel}, or leave supportLevel out`);
      supportLevel = undefined;
    }
  }

  if (!valid || notPickedUpWithinMinutes === undefined || toGroup === undefined || supportLevel === undefined) {
    return undefined;
  }
  return { ...(fromGroup === undefined ? {} : { fromGroup }), ...(priorities === undefined ? {} : { priorities }), notPickedUpWithinMinutes, toGroup, supportLevel };
}

/**
 * Returns true when every ticket that `later` matches is matched by `earlier`
 * too. A rule matches a ticket in the queue of its `fromGroup` (of any group
 * when absent) except in the queue of its own `toGroup`, with one of its
 * `priorities` (any when absent), as `matchingPickupRule` decides.
 */
function coversPickupEscalation(earlier: PickupEscalationRule, later: PickupEscalationRule): boolean {
  const coversGroups =
    later.fromGroup === undefined
      ? earlier.fromGroup === undefined && earlier.toGroup === later.toGroup
      : (earlier.fromGroup === undefined || earlier.fromGroup === later.fromGroup) && earlier.toGroup !== later.fromGroup;
  const coversPriorities = earlier.priorities === undefined || (later.priorities !== undefined && later.priorities.every((priority) => earlier.priorities?.includes(priority)));
  return coversGroups && coversPriorities;
}

/** Reads the pickup escalations in file order, because the first rule that matches a ticket wins. */
function readPickupEscalations(value: unknown, path: ConfigurationPath, references: SlaReferences, issues: IssueCollector): PickupEscalationRule[] | undefined {
  const entries = issues.list(value, path, 'pickup escalations');
  if (entries === undefined) {
    return undefined;
  }

  const rules = entries.map((entry, index) => readPickupEscalation(entry, [...path, index], references, issues));
  let valid = rules.every((rule) => rule !== undefined);
  rules.forEach((later, laterIndex) => {
    const earlierIndex = later === undefined ? -1 : rules.slice(0, laterIndex).findIndex((earlier) => earlier !== undefined && coversPickupEscalation(earlier, later));
    if (earlierIndex >= 0) {
      issues.add([...path, laterIndex], `this rule never applies, because the rule at index ${earlierIndex} comes first and matches every ticket that it matches: move it before that rule, or remove it`);
      valid = false;
    }
  });

  return valid ? rules.filter((rule): rule is PickupEscalationRule => rule !== undefined) : undefined;
}

/** Reads the `sla` section. Each field left out takes the value of `defaultSlaPolicy` as a whole. */
function readSlaPolicy(value: unknown, path: ConfigurationPath, references: SlaReferences, issues: IssueCollector): SlaPolicy | undefined {
  const fields = issues.mapping(value, path, ['name', 'rules', 'escalationLevels', 'pausingPendingReasons', 'reopenBehaviour', 'pickupEscalations'], 'the SLA policy');
  if (fields === undefined) {
    return undefined;
  }

  // Copies, so that a caller that changes its policy leaves the defaults alone.
  const defaults = structuredClone(defaultSlaPolicy);
  const calendarNames = slaCalendarNames(references);

  const name = fields.name === undefined ? defaults.name : issues.text(fields, 'name', path, 'name the policy, for example "Acme service levels 2026"');
  const rules = fields.rules === undefined ? defaults.rules : readSlaRules(fields.rules, [...path, 'rules'], calendarNames, issues);
  const escalationLevels = fields.escalationLevels === undefined ? defaults.escalationLevels : readEscalationLevels(fields.escalationLevels, [...path, 'escalationLevels'], issues);
  const pausingPendingReasons = fields.pausingPendingReasons === undefined ? defaults.pausingPendingReasons : readPausingPendingReasons(fields.pausingPendingReasons, [...path, 'pausingPendingReasons'], issues);
  const reopenBehaviour = fields.reopenBehaviour === undefined ? defaults.reopenBehaviour : readReopenBehaviour(fields.reopenBehaviour, [...path, 'reopenBehaviour'], issues);
  const pickupEscalations = fields.pickupEscalations === undefined ? undefined : readPickupEscalations(fields.pickupEscalations, [...path, 'pickupEscalations'], references, issues);

  if (name === undefined || rules === undefined || escalationLevels === undefined || pausingPendingReasons === undefined || reopenBehaviour === undefined) {
    return undefined;
  }
  if (fields.pickupEscalations !== undefined && pickupEscalations === undefined) {
    return undefined;
  }
  return { name, rules, escalationLevels, pausingPendingReasons, reopenBehaviour, ...(pickupEscalations === undefined ? {} : { pickupEscalations }) };
}

/** Reports values that two entries share (ids, task queues, level names), at the later entry. */
function checkUnique<Entry>(entries: Array<Entry | undefined>, key: (entry: Entry) => string, path: (index: number) => ConfigurationPath, what: string, issues: IssueCollector): boolean {
  const seen = new Map<string, number>();
  let unique = true;
  entries.forEach((entry, index) => {
    if (entry === undefined) {
      return;
    }
    const value = key(entry);
    const earlier = seen.get(value);
    if (earlier !== undefined) {
      issues.add(path(index), `${what} '${value}' is already used at index ${earlier}: give each its own`);
      unique = false;
    } else {
      seen.set(value, index);
    }
  });

  return unique;
}

/** Distinct ids that the desk or specialist group entries declare, whether or not the rest of each entry is valid. */
function declaredIds(entries: unknown): string[] {
  if (!Array.isArray(entries)) {
    return [];
  }

  const ids: string[] = [];
  for (const entry of entries) {
    const id = typeof entry === 'object' && entry !== null ? (entry as Fields).id : undefined;
    if (typeof id === 'string' && identifierPattern.test(id.trim()) && !ids.includes(id.trim())) {
      ids.push(id.trim());
    }
  }

  return ids;
}

/** Returns the structure type that the file names, when it is a known one. */
function declaredStructureType(structure: unknown): DeskStructure['type'] | undefined {
  let type: unknown;
  if (typeof structure === 'string') {
    type = structure;
  } else if (typeof structure === 'object' && structure !== null) {
    type = (structure as Fields).type;
  }

  return deskStructureTypes.find((known) => known === type);
}

/**
 * Validates a parsed configuration file and converts it to a
 * `DeskConfiguration`. Returns every issue found, each with the path of the
 * bad value; `configuration` is present only when there are none.
 *
 * @example
 *   const { configuration, issues } = validateDeskConfiguration(YAML.parse(text));
 *   for (const issue of issues) console.error(`${formatConfigurationPath(issue.path)}: ${issue.message}`);
 */
export function validateDeskConfiguration(value: unknown): { configuration?: DeskConfiguration; issues: DeskConfigurationIssue[] } {
  const issues = new IssueCollector();
  const fields = issues.mapping(value, [], ['version', 'description', 'structure', 'followTheSun', 'desks', 'specialistGroups', 'sla'], 'a desk configuration');
  if (fields === undefined) {
    return { issues: issues.issues };
  }

  if (fields.version !== undefined && fields.version !== 1) {
    issues.add(['version'], `unsupported version ${JSON.stringify(fields.version)}: this sundesk reads version 1`);
  }
  if (fields.description !== undefined && typeof fields.description !== 'string') {
    issues.add(['description'], `expected a text, found ${describeValue(fields.description)}`);
  }

  let desks: Array<DeskDefinition | undefined> = [];
  if (fields.desks === undefined) {
    issues.add(['desks'], "missing 'desks': list at least one desk with id, name, timeZone and shifts");
  } else {
    const entries = issues.list(fields.desks, ['desks'], 'desks');
    if (entries !== undefined && entries.length === 0) {
      issues.add(['desks'], 'no desks: list at least one desk with id, name, timeZone and shifts');
    }
    desks = (entries ?? []).map((entry, index) => readDesk(entry, ['desks', index], issues));
  }
  const desksUnique = checkUnique(desks, (desk) => desk.id, (index) => ['desks', index, 'id'], 'desk id', issues);
  // Default task queues follow the ids, so a repeated id would be reported twice.
  const queuesUnique = desksUnique && checkUnique(desks, (desk) => desk.taskQueue, (index) => ['desks', index, 'taskQueue'], 'task queue', issues);

  let specialistGroups: Array<SpecialistGroupDefinition | undefined> = [];
  if (fields.specialistGroups !== undefined) {
    const entries = issues.list(fields.specialistGroups, ['specialistGroups'], 'specialist groups');
    specialistGroups = (entries ?? []).map((entry, index) => readSpecialistGroup(entry, ['specialistGroups', index], issues));
  }
  const groupsUnique = checkUnique(specialistGroups, (group) => group.id, (index) => ['specialistGroups', index, 'id'], 'specialist group id', issues);

  // The structure refers to desks by id, so it is checked against every
  // declared id, also of desks with other problems, which are reported already.
  const validDesks = desks.filter((desk): desk is DeskDefinition => desk !== undefined);
  const deskIds = declaredIds(fields.desks);
  const structure = deskIds.length === 0 ? undefined : readStructure(fields.structure, ['structure'], deskIds, issues);
  const followTheSunPriorities = readFollowTheSunPriorities(fields.followTheSun, ['followTheSun'], structure?.type ?? declaredStructureType(fields.structure), issues);

  // Like the structure, the SLA policy refers to every declared desk and group id.
  const validGroups = specialistGroups.filter((group): group is SpecialistGroupDefinition => group !== undefined);
  const slaReferences: SlaReferences = { deskIds, groupIds: declaredIds(fields.specialistGroups), groupSupportLevels: new Map(validGroups.map((group) => [group.id, group.supportLevel])) };
  const slaPolicy = fields.sla === undefined ? undefined : readSlaPolicy(fields.sla, ['sla'], slaReferences, issues);

  const complete = validDesks.length === desks.length && validDesks.length > 0 && validGroups.length === specialistGroups.length;
  const slaValid = fields.sla === undefined || slaPolicy !== undefined;
  if (issues.issues.length > 0 || !complete || !desksUnique || !queuesUnique || !groupsUnique || structure === undefined || followTheSunPriorities === undefined || !slaValid) {
    return { issues: issues.issues };
  }

  return {
    configuration: {
      desks: validDesks,
      followTheSunPriorities,
      structure,
      specialistGroups: validGroups,
      ...(slaPolicy === undefined ? {} : { slaPolicy }),
    },
    issues: [],
  };
}
