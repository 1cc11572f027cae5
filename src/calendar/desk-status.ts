import { DateTime } from 'luxon';

import type { DeskConfiguration } from '../domain/desks';
import { chooseOwningDesk, currentShift, nextShift } from './desk-schedule';

/** One desk's duty at an instant, and where its tickets go next. */
export interface DeskDutyStatus {
  deskId: string;
  name: string;
  timeZone: string;
  onDuty: boolean;
  /** Local time at the desk, `ccc HH:mm`. */
  localTime: string;
  /** End of the current shift when on duty, else start of the next shift (ISO, UTC). */
  shiftEndsAt: string | null;
  nextShiftStartsAt: string | null;
  /** The desk that receives follow-the-sun tickets when this shift ends; null when off duty. */
  handsOffTo: string | null;
}

/**
 * Computes who is on duty at the instant and each desk's next hand-off.
 *
 * @example
 *   computeDeskStatus(exampleDeskConfiguration, DateTime.utc());
 */
export function computeDeskStatus(configuration: DeskConfiguration, instant: DateTime): DeskDutyStatus[] {
  return configuration.desks.map((desk) => {
    const shift = currentShift(desk, instant);
    const upcoming = nextShift(desk, instant);
    const handsOffTo = shift === undefined ? null : chooseOwningDesk(configuration, shift.end!, desk.id).deskId;

    return {
      deskId: desk.id,
      name: desk.name,
      timeZone: desk.timeZone,
      onDuty: shift !== undefined,
      localTime: instant.setZone(desk.timeZone).toFormat('ccc HH:mm'),
      shiftEndsAt: shift?.end?.toUTC().toISO() ?? null,
      nextShiftStartsAt: upcoming?.start?.toUTC().toISO() ?? null,
      handsOffTo,
    };
  });
}
