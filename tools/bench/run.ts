// Benchmarks, in-process on a throw-away database (Postgres and Redis as for the tests): prints a table, then one
// line `BENCH_JSON {"benchmarks":[...]}` for machines. Exits 1 if a benchmark fails.
//   npm run bench
import 'reflect-metadata';
import { BenchResult, routingBench } from './routing';

const FIGURES = ['n', 'p50', 'p90', 'p99', 'max'] as const;

function table(results: BenchResult[]): string {
  const header = ['benchmark', 'unit', ...FIGURES, 'markets', 'cold misses', 'p99 target'];
  const rows = results.map((r) => [
    r.name,
    r.unit,
    ...FIGURES.map((f) => (f === 'n' ? String(r.n) : r[f].toFixed(3))),
    r.markets === undefined ? '' : String(r.markets),
    r.coldMisses === undefined ? '' : String(r.coldMisses),
    r.target_p99_ms === undefined ? '' : `≤ ${r.target_p99_ms} ${r.meets_target ? 'met' : 'MISSED'}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  // Names and units left-aligned, figures right-aligned.
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main() {
  const benchmarks: BenchResult[] = [];
  benchmarks.push(...(await routingBench()));
  console.log(table(benchmarks));
  console.log(`BENCH_JSON ${JSON.stringify({ benchmarks })}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
