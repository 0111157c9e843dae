/** A UTC calendar day (YYYY-MM-DD) in the reader's locale: the day itself, whatever the reader's zone. */
export function formatDay(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** An instant in the reader's own time zone (or the one given), with the zone named. */
export function formatTime(at: Date | number, opts: { locale?: string; timeZone?: string } = {}): string {
  // dateStyle and timeStyle cannot be combined with timeZoneName: the fields are spelled out.
  return new Intl.DateTimeFormat(opts.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: opts.timeZone,
    timeZoneName: 'short',
  }).format(at);
}
