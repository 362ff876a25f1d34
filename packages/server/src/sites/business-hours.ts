/** Days of the week as keys of a weekly schedule. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** An opening interval in local time, `to` exclusive (`24:00` allowed). */
export interface OpeningInterval {
  from: string;
  to: string;
}

/**
 * When a site or department answers chats: opening intervals per weekday in its time zone
 * (`[{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:30' }]` — objects, as the embedded
 * database stores no nested arrays), and holiday dates (`2026-12-24`) closed all day.
 */
export interface BusinessHours {
  timeZone: string;
  weekly: Partial<Record<Weekday, OpeningInterval[]>>;
  holidays: string[];
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The local date, weekday and minute of the day of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday: part('weekday').toLowerCase().slice(0, 3) as Weekday,
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** Whether `at` falls in the opening hours; no schedule means always open. */
export function isOpenAt(hours: BusinessHours | null | undefined, at: Date): boolean {
  if (!hours) return true;
  const local = localTime(at, hours.timeZone);
  if (hours.holidays.includes(local.date)) return false;
  return (hours.weekly[local.weekday] ?? []).some(
    ({ from, to }) => minutes(from) <= local.minute && local.minute < minutes(to),
  );
}
