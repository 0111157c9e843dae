// Inference time of the trained classifier: `npm run bench:classifier -- [posts.jsonl]` (the posts file's texts, or a
// built-in sample). Loads the committed model, warms up, then times predictions one post at a time, and the whole
// classify() of the product's offline classifier before (the lexicon) and now (the trained model) on the same posts.
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { PostClassifier } from '../../libs/signals/src/classifier';
import { LexiconClassifier } from '../../libs/signals/src/lexicon';
import { defaultSentimentModel, TrainedClassifier } from '../../libs/signals/src/trained-classifier';
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
const n = Math.max(10000, texts.length);

/** Times `run` over n posts, one at a time, after 2,000 to warm up; the distribution in ms. */
async function time(run: (text: string) => unknown): Promise<string> {
  for (let i = 0; i < 2000; i++) await run(texts[i % texts.length]);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run(texts[i % texts.length]);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return `mean ${mean.toFixed(3)} ms, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}

async function main() {
  const started = performance.now();
  const model = defaultSentimentModel();
  const loadMs = performance.now() - started;
  console.log(`model load ${loadMs.toFixed(0)} ms; ${n} predictions over ${texts.length} posts: ${await time((t) => model.predict(t))}`);
  const knownSymbols = new Set(['BTC', 'ETH', 'SOL', 'DOGE', 'PEPE', 'ARB', 'AVAX', 'LINK']);
  const classifiers: PostClassifier[] = [new LexiconClassifier(), new TrainedClassifier()];
  for (const c of classifiers) console.log(`classify() ${c.name.padEnd(8)} ${await time((text) => c.classify({ text, knownSymbols }))}`);
}

void main();
