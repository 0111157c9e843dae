import { formatDay } from '../../format/time';

/**
 * A report's period as its type names it, in UTC (periods are cut at UTC boundaries): a daily report is its day
 * (`Jun 14, 2026`), a 4-hour one its day and hours (`Jun 14, 2026, 04:00–08:00 UTC`).
 */
export function periodLabel(type: string, start: string, end: string, locale?: string): string {
  const day = formatDay(start.slice(0, 10), locale);
  if (type === 'daily') return day;
  const hm = (iso: string) => new Date(iso).toISOString().slice(11, 16);
  return `${day}, ${hm(start)}–${hm(end)} UTC`;
}
