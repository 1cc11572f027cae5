/**
 * Desk configuration: regional desks, their weekly shifts and holidays, the
 * specialist groups of the service desk, the desk structure, the
 * priorities that follow the sun and the organisation's SLA policy. Plain
 * data only, so workflow code may import it. The arithmetic on it lives in
 * src/calendar/.
 */

import type { Priority } from './priority';
import type { SlaPolicy } from './sla';

/** ISO weekday: 1 is Monday, 7 is Sunday (luxon's numbering). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * One weekly shift in the desk's own time zone. `end` at or before `start`
 * means the shift crosses midnight and ends on the next day, so `08:00`-`08:00`
 * is a 24-hour shift.
 */
export interface ShiftDefinition {
  /** Local weekdays on which the shift starts. */
  weekdays: IsoWeekday[];
  /** Local start time, `HH:mm`. */
  start: string;
  /** Local end time, `HH:mm`; `24:00` is the end of the day. */
  end: string;
}

/** A local date on which a desk or group is closed from 00:00 to 24:00. */
export interface HolidayDefinition {
  /** Local date, `yyyy-MM-dd`. */
  date: string;
  /** Name of the day, for example `Constitution Day`. */
  name: string;
}

/**
 * A holiday entry: a named holiday, or a bare local date (`yyyy-MM-dd`) as
 * earlier configurations wrote them.
 */
export type HolidayEntry = HolidayDefinition | string;

/** The fields of a desk or specialist group that the shift arithmetic reads. */
export interface WeeklySchedule {
  id: string;
  /** IANA time zone, for example `Asia/Kolkata`. */
  timeZone: string;
  shifts: ShiftDefinition[];
  /** Local dates on which every shift is closed from 00:00 to 24:00. */
  holidays: HolidayEntry[];
}

export interface DeskDefinition extends WeeklySchedule {
  name: string;
  /** Temporal task queue that the desk's workers poll. */
  taskQueue: string;
}

/** Support line of a specialist group, in the ticket's `supportLevel` spelling. */
export type SpecialistSupportLevel = 'L2' | 'L3';

/**
 * A 2nd- or 3rd-level specialist group: an assignment group (a queue) of the
 * service desk with its own working hours. A ticket escalated to it stays
 * owned by its desk; the customer never has to find the group.
 */
export interface SpecialistGroupDefinition extends WeeklySchedule {
  /** Assignment group name that tickets carry, for example `network-l2`. */
  id: string;
  name: string;
  supportLevel: SpecialistSupportLevel;
}

/** The desk that serves the customers of some sites or time zones in a `local` structure. */
export interface LocalDeskAssignment {
  deskId: string;
  /** Site codes, matched without regard to case, for example `GOT-TORSLANDA`. */
  sites: string[];
  /** IANA time zones of customers without a known site. */
  customerTimeZones: string[];
}

/**
 * Desk structure: the way the desks share tickets. Every structure routes
 * with the same shift arithmetic, and they differ only in which desks may own
 * a ticket:
 *
 * - `follow-the-sun`: the ring order of desks; at shift end a ticket passes to
 *   the next desk on duty after its owner.
 * - `virtual`: the pooled desks act as one; any member on duty picks up.
 * - `centralized`: one desk owns every ticket.
 * - `local`: the desk of the customer's site (or time zone) owns the ticket
 *   and keeps it across its shifts.
 */
export type DeskStructure =
  | { type: 'follow-the-sun'; ring: string[] }
  | { type: 'virtual'; pool: string[] }
  | { type: 'centralized'; deskId: string }
  | { type: 'local'; assignments: LocalDeskAssignment[]; fallbackDeskId: string };

/** The names of the desk structures, in the spelling of `DeskStructure['type']`. */
export const deskStructureTypes: readonly DeskStructure['type'][] = ['follow-the-sun', 'virtual', 'centralized', 'local'];

export interface DeskConfiguration {
  /** The desks. Without `structure` this order is the follow-the-sun ring. */
  desks: DeskDefinition[];
  /**
   * Priorities whose tickets pass to the next desk on duty at shift end; the
   * others wait for their desk's next shift. Empty for `local` and
   * `centralized` structures, where no other desk can take over.
   */
  followTheSunPriorities: Priority[];
  /** Desk structure. Without it, the desks form a follow-the-sun ring in `desks` order. */
  structure?: DeskStructure;
  /** 2nd- and 3rd-level groups of the service desk; none when absent. */
  specialistGroups?: SpecialistGroupDefinition[];
  /** The organisation's SLA policy from the file's `sla` section. Absent when the file has none, and then the desk uses `defaultSlaPolicy`. */
  slaPolicy?: SlaPolicy;
}

/** Task queue of the ticket workflows and of the desk-neutral activities (store, calendar). */
export const ticketTaskQueue = 'sundesk-tickets';

/**
 * Three example desks whose weekday shifts overlap and together cover every
 * hour from Monday 07:00 in Singapore to Friday 19:00 in New York.
 * In UTC (northern winter): APAC 23:00-08:00, EMEA 07:00-16:00, AMER 15:00-24:00.
 * `examples/desks/three-regions.yaml` is the same configuration as a file.
 */
export const exampleDeskConfiguration: DeskConfiguration = {
  desks: [
    {
      id: 'apac',
      name: 'APAC desk (Singapore)',
      timeZone: 'Asia/Singapore',
      taskQueue: 'desk-apac',
      shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '07:00', end: '16:00' }],
      holidays: [],
    },
    {
      id: 'emea',
      name: 'EMEA desk (Warsaw)',
      timeZone: 'Europe/Warsaw',
      taskQueue: 'desk-emea',
      shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' }],
      holidays: [],
    },
    {
      id: 'amer',
      name: 'AMER desk (New York)',
      timeZone: 'America/New_York',
      taskQueue: 'desk-amer',
      shifts: [{ weekdays: [1, 2, 3, 4, 5], start: '10:00', end: '19:00' }],
      holidays: [],
    },
  ],
  followTheSunPriorities: [1, 2],
  structure: { type: 'follow-the-sun', ring: ['apac', 'emea', 'amer'] },
  specialistGroups: [],
};
