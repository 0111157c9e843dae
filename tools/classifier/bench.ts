// Inference time of the trained classifier: `npm run bench:classifier -- [posts.jsonl]` (the posts file's texts, or a
// built-in sample). Loads the committed model, warms up, then times predictions one post at a time.
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { defaultSentimentModel } from '../../libs/signals/src/trained-classifier';
import { parseJsonl } from './data';
import { DEFAULT_DATA_DIR } from './paths';

const SAMPLE = [
  '$BTC to the moon, loading up, 100k incoming 🚀',
  '$ETH breaking down, dumping hard, short it',
  'Fed minutes due at 2pm ET; Powell speaks on Friday',
  '$SOL breakout confirmed, bullish. Accumulating here.',
];

const path = process.argv[2] ?? join(DEFAULT_DATA_DIR, 'posts.jsonl');
const texts = existsSync(path) ? parseJsonl(readFileSync(path, 'utf8')).map((p) => p.text) : SAMPLE;
let started = performance.now();
const model = defaultSentimentModel();
const loadMs = performance.now() - started;
for (let i = 0; i < 2000; i++) model.predict(texts[i % texts.length]);
const n = Math.max(10000, texts.length);
const times: number[] = [];
for (let i = 0; i < n; i++) {
  started = performance.now();
  model.predict(texts[i % texts.length]);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(
  `model load ${loadMs.toFixed(0)} ms; ${n} predictions over ${texts.length} posts: mean ${mean.toFixed(3)} ms, ` +
    `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
);
