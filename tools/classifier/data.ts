// The labeled-data sources of the trained post classifier, how each maps to bullish / bearish / neutral, and the
// assembly of one normalised, deduplicated posts file from their raw files.
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { dedupKey } from '../../libs/signals/src/trained/features';
import type { Sentiment } from '../../libs/signals/src/trained/model';
import type { LabeledPost } from '../../libs/signals/src/trained/train';

export interface Source {
  id: string;
  title: string;
  /** public repository, commit and paths the raw files were taken from */
  repo: string;
  commit: string;
  files: Array<{ path: string; sha256: string }>;
  license: string;
  /** every post of the source is a crypto post */
  crypto: boolean;
  textColumn: string;
  labelColumn: string;
  /** raw label → class; labels not listed are dropped */
  labels: Record<string, Sentiment>;
}

export const SOURCES: Source[] = [
  {
    id: 'stocktwits-eth',
    title: 'StockTwits $ETH.X stream, July 2022, with the posters’ own Bullish / Bearish tags',
    repo: 'tianyhe/stocktwits_scraper',
    commit: '184d7a18c391ff564d2e262c4b9d9e308976a903',
    files: [
      { path: 'data/message.csv', sha256: '0234727b4f2a9754d1d4e26a0703f59c8cc071bda527878f885bffe8a6c3d815' },
      { path: 'data/scrape_data/2022-07-18-message.csv', sha256: '8326443d60c175f58626a31b3571c29b8ab5d35873c91461c98b26638cbaa076' },
      { path: 'data/scrape_data/2022-07-24-message.csv', sha256: '78e056492f38db4d91616e2b2d624922ffeb69922be620d7dbf3487a7083bcd2' },
    ],
    license: 'none stated (repository has no license file): training use only, not redistributed',
    crypto: true,
    textColumn: 'body',
    labelColumn: 'tag',
    labels: { Bullish: 'bullish', Bearish: 'bearish' },
  },
  {
    id: 'surge-crypto',
    title: 'Surge AI crypto sentiment: Reddit comments on crypto, labeled by annotators',
    repo: 'surge-ai/crypto-sentiment',
    commit: '4721c5b52ad876adf3cca0793244f4bad465d58d',
    files: [{ path: 'sentiment.csv', sha256: '687b66669a0e3e51b87b2e1678bb814375d64fcad1992280a2eff67229870fa8' }],
    license: 'MIT (Surge AI, 2022)',
    crypto: true,
    textColumn: 'Comment Text',
    labelColumn: 'Sentiment',
    labels: { Positive: 'bullish', Negative: 'bearish' },
  },
  {
    id: 'surge-stock',
    title: 'Surge AI stock sentiment: tweets about listed stocks, labeled by annotators',
    repo: 'surge-ai/stock-sentiment',
    commit: '87845bbdd1bbd708014f95592b0dbbec0e731fe6',
    files: [{ path: 'sentiment.csv', sha256: '0881734a966c47bcb7c4262e0b1c2eec9a8d6c2f0f7023924741858d68a32527' }],
    license: 'MIT (Surge AI, 2022)',
    crypto: false,
    textColumn: 'Tweet Text',
    labelColumn: 'Sentiment',
    labels: { Positive: 'bullish', Negative: 'bearish' },
  },
  {
    id: 'tfns-train',
    title: 'Twitter Financial News sentiment (zeroshot), train split only; the validation split is never used',
    repo: 'umaima-aman/Twee_Sentiment_Analysis-DeepLearning',
    commit: '0286b19b35c7d658dc28068381c765df4758545a',
    files: [{ path: 'sent_train.csv', sha256: '184e6322b7f0e84c3103a83d198f1be8203de8b63a857f67a2964321b71c4e8d' }],
    license: 'MIT (the dataset’s own license, as published by zeroshot)',
    crypto: false,
    textColumn: 'text',
    labelColumn: 'label',
    labels: { '0': 'bearish', '1': 'bullish', '2': 'neutral' },
  },
  {
    id: 'cryptolin',
    title: 'CryptoLin: crypto news titles (coinmarketcal.com, 2018–2022), each labeled by three annotators, majority vote',
    repo: 'manoelgadi/SentimentScore',
    commit: '421aa809b1cf9cc750c6cc351cf976a0c4f757f2',
    files: [{ path: 'CryptoLin_IE.csv', sha256: '773de7d45e8bf92081fe8aa2f85672caeee8e7961048305294553a96dc74dadb' }],
    license: 'none stated (repository has no license file; the corpus is published for research): training use only, not redistributed',
    crypto: true,
    textColumn: 'news',
    labelColumn: 'final_manual_labelling',
    labels: { '1': 'bullish', '-1': 'bearish', '0': 'neutral' },
  },
];

/** RFC 4180 CSV (quoted fields with commas, quotes and newlines) into objects keyed by the header row. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  const cols = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  return body.filter((r) => r.some((f) => f.trim())).map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i] ?? ''])));
}

const CRYPTO_TERMS = [
  ...['btc', 'eth', 'sol', 'doge', 'xrp', 'ada', 'bnb', 'shib', 'luna', 'avax'],
  ...['dot', 'matic', 'ltc', 'link', 'pepe', 'arb', 'op', 'sui', 'apt'],
  ...['bitcoin', 'ethereum', 'solana', 'dogecoin', 'crypto', 'cryptos', 'cryptocurrency', 'cryptocurrencies', 'blockchain', 'defi'],
  ...['nft', 'nfts', 'altcoin', 'altcoins', 'binance', 'coinbase', 'stablecoin', 'stablecoins', 'satoshi', 'sats', 'hodl'],
];
const CRYPTO_WORDS = new RegExp(`(?<![\\w$])\\$?(${CRYPTO_TERMS.join('|')})(?:\\.x)?(?![\\w])`, 'i');

/** A crypto post: from a crypto-only source, or mentioning a crypto asset, venue or term. */
export function isCryptoPost(text: string, sourceIsCrypto: boolean): boolean {
  return sourceIsCrypto || CRYPTO_WORDS.test(text);
}

export interface AssemblyReport {
  sources: Array<{ id: string; read: number; kept: number; unlabeled: number; perClass: Record<Sentiment, number>; crypto: number }>;
  exactDuplicates: number;
  nearDuplicates: number;
  conflicting: number;
  empty: number;
  rows: number;
}

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Reads every source's raw files from rawDir/<source id>/<file name> (checking their sha256), maps the labels,
 * and deduplicates: exact duplicates (same text) and near-duplicates (same dedup key: normalised text without
 * punctuation, links, mentions or cashtags) keep their first post in source order, or are all dropped when their
 * labels disagree.
 */
export function assemble(rawDir: string, sources: Source[] = SOURCES): { posts: LabeledPost[]; report: AssemblyReport } {
  type Row = LabeledPost & { key: string };
  const all: Row[] = [];
  const report: AssemblyReport = { sources: [], exactDuplicates: 0, nearDuplicates: 0, conflicting: 0, empty: 0, rows: 0 };
  for (const source of sources) {
    let read = 0;
    let unlabeled = 0;
    for (const file of source.files) {
      const bytes = readFileSync(join(rawDir, source.id, file.path.split('/').pop()!));
      if (sha256(bytes) !== file.sha256) throw new Error(`${source.id}/${file.path}: sha256 differs from the data card's`);
      for (const r of parseCsv(bytes.toString('utf8'))) {
        read++;
        const label = source.labels[(r[source.labelColumn] ?? '').trim()];
        const text = (r[source.textColumn] ?? '').trim();
        if (!label) {
          unlabeled++;
          continue;
        }
        all.push({ text, label, source: source.id, crypto: isCryptoPost(text, source.crypto), key: dedupKey(text) });
      }
    }
    report.sources.push({ id: source.id, read, kept: 0, unlabeled, perClass: { bullish: 0, bearish: 0, neutral: 0 }, crypto: 0 });
  }
  const groups = new Map<string, Row[]>();
  for (const row of all) {
    if (!row.key) {
      report.empty++;
      continue;
    }
    if (!groups.has(row.key)) groups.set(row.key, []);
    groups.get(row.key)!.push(row);
  }
  const posts: LabeledPost[] = [];
  for (const rows of groups.values()) {
    if (new Set(rows.map((r) => r.label)).size > 1) {
      report.conflicting += rows.length;
      continue;
    }
    const texts = new Set<string>();
    for (const r of rows.slice(1)) {
      if (texts.has(r.text) || r.text === rows[0].text) report.exactDuplicates++;
      else report.nearDuplicates++;
      texts.add(r.text);
    }
    const { key: _key, ...post } = rows[0];
    posts.push(post);
    const s = report.sources.find((x) => x.id === post.source)!;
    s.kept++;
    s.perClass[post.label]++;
    if (post.crypto) s.crypto++;
  }
  report.rows = posts.length;
  return { posts, report };
}

/** The posts file: one JSON object a line, {source, label, crypto, text}, in a fixed order (source, then key). */
export function postsToJsonl(posts: LabeledPost[]): string {
  const order = new Map(SOURCES.map((s, i) => [s.id, i]));
  const sorted = [...posts].sort(
    (a, b) => (order.get(a.source) ?? 99) - (order.get(b.source) ?? 99) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
  );
  return sorted.map((p) => JSON.stringify({ source: p.source, label: p.label, crypto: p.crypto, text: p.text })).join('\n') + '\n';
}

export function parseJsonl(text: string): LabeledPost[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabeledPost);
}
