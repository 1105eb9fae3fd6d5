/**
 * The human date formats of {@link dates}: English, as Babel writes US dates (`short`, `medium`,
 * `long`, `full`) plus the patterns of the date-translation sets the book's `date.txt` comes from.
 */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A calendar date; `weekday` 0 = Sunday. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

const two = (n: number): string => String(n).padStart(2, '0');
const yy = (d: CalendarDate): string => two(d.year % 100);
const mmm = (d: CalendarDate): string => MONTHS[d.month - 1].slice(0, 3);
const mmmm = (d: CalendarDate): string => MONTHS[d.month - 1];

/**
 * Every format, by its Unicode (CLDR) pattern. Each is unambiguous given the year range of
 * {@link dates}: a two-digit year `yy` is 19yy from 50 on and 20yy below, and the numeric formats
 * are told apart by their separators (`M/d/yy` month first, `d MM yy` and `dd.MM.yy` day first).
 */
export const DATE_FORMATS: Readonly<Record<string, (d: CalendarDate) => string>> = Object.freeze({
  'M/d/yy': (d) => `${d.month}/${d.day}/${yy(d)}`,
  'MMM d, y': (d) => `${mmm(d)} ${d.day}, ${d.year}`,
  'MMMM d, y': (d) => `${mmmm(d)} ${d.day}, ${d.year}`,
  'EEEE, MMMM d, y': (d) => `${WEEKDAYS[d.weekday]}, ${mmmm(d)} ${d.day}, ${d.year}`,
  'EEE, M/d/yy': (d) => `${WEEKDAYS[d.weekday].slice(0, 3)}, ${d.month}/${d.day}/${yy(d)}`,
  'M/d/y': (d) => `${d.month}/${d.day}/${d.year}`,
  'd MMM y': (d) => `${d.day} ${mmm(d)} ${d.year}`,
  'd MMMM y': (d) => `${d.day} ${mmmm(d)} ${d.year}`,
  'dd MMM y': (d) => `${two(d.day)} ${mmm(d)} ${d.year}`,
  'd MMM, y': (d) => `${d.day} ${mmm(d)}, ${d.year}`,
  'd MMMM, y': (d) => `${d.day} ${mmmm(d)}, ${d.year}`,
  'dd, MMM y': (d) => `${two(d.day)}, ${mmm(d)} ${d.year}`,
  'd MM yy': (d) => `${d.day} ${two(d.month)} ${yy(d)}`,
  'MMMM d y': (d) => `${mmmm(d)} ${d.day} ${d.year}`,
  'dd.MM.yy': (d) => `${two(d.day)}.${two(d.month)}.${yy(d)}`,
  'EEE, MMM d, y': (d) => `${WEEKDAYS[d.weekday].slice(0, 3)}, ${mmm(d)} ${d.day}, ${d.year}`,
});

/** How a written date's letters are cased: as written, all upper case, all lower case. */
export const DATE_CASES = ['as written', 'upper', 'lower'] as const;

/**
 * The date `dayNumber` days after 1970-01-01 (negative before), in the proleptic Gregorian
 * calendar, computed in UTC so that it is the same on every machine.
 *
 * @example
 * calendarDate(9035); // { year: 1994, month: 9, day: 27, weekday: 2 }
 */
export function calendarDate(dayNumber: number): CalendarDate {
  const date = new Date(dayNumber * 86400000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
  };
}

/**
 * A date as ISO 8601: `1994-09-27`.
 *
 * @example
 * isoDate(calendarDate(9035)); // '1994-09-27'
 */
export function isoDate(d: CalendarDate): string {
  return `${d.year}-${two(d.month)}-${two(d.day)}`;
}
