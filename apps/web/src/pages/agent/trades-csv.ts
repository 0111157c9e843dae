import type { AgentTrade } from '../../api/agent';

/** The columns of the CSV export: the API's own field names and strings, nothing computed or reformatted. */
const COLUMNS = [
  'id',
  'coin',
  'side',
  'status',
  'size',
  'entry_time',
  'entry_price',
  'exit_time',
  'exit_price',
  'realized_pnl',
  'fees',
  'stop_loss',
  'take_profit',
  'notes',
] as const satisfies readonly (keyof AgentTrade)[];

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
function field(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The trades as CSV (a header line, then one line per trade, CRLF-separated), from the API's strings as they are. */
export function tradesCsv(trades: readonly AgentTrade[]): string {
  const lines = [COLUMNS.join(','), ...trades.map((t) => COLUMNS.map((c) => field(t[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}

/** Offers the text as a file download (a Blob behind a temporary link). */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
