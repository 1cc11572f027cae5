/**
 * Desk configuration: regional desks, their weekly shifts and holidays, and the
 * rule that says which priorities follow the sun. Plain data only.
 */

import type { Priority } from './priority';

/** ISO weekday: 1 is Monday, 7 is Sunday (luxon's numbering). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * One weekly shift in the desk's own time zone. `end` at or before `start`
 * means the shift crosses midnight and ends on the next day.
 */
export interface ShiftDefinition {
  weekdays: IsoWeekday[];
  /** Local start time, `HH:mm`. */
  start: string;
  /** Local end time, `HH:mm`; `24:00` is the end of the day. */
  end: string;
}

export interface DeskDefinition {
  id: string;
  name: string;
  /** IANA time zone, for example `Asia/Singapore`. */
  timeZone: string;
  /** Temporal task queue that the desk's workers poll. */
  taskQueue: string;
  shifts: ShiftDefinition[];
  /** Local dates (`yyyy-MM-dd`) on which the desk is closed all day. */
  holidays: string[];
}

export interface DeskConfiguration {
  /** Desks in follow-the-sun order: each hands open work to the next desk on duty. */
  desks: DeskDefinition[];
  /** Priorities whose tickets pass to the next desk on duty at shift end; the others wait for their desk's next shift. */
  followTheSunPriorities: Priority[];
}

/** Task queue of the ticket workflows and of the desk-neutral activities (store, calendar). */
export const ticketTaskQueue = 'sundesk-tickets';

/**
 * Three example desks whose weekday shifts overlap and together cover every
 * hour from Monday 07:00 in Singapore to Friday 19:00 in New York.
 * In UTC (northern winter): APAC 23:00-08:00, EMEA 07:00-16:00, AMER 15:00-24:00.
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
};
