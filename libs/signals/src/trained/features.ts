// Text normalisation and hashed features shared by the trained classifier's training and its inference.

/** Decodes the HTML entities that scraped posts carry (&amp; &#39; &#x27; …). */
function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

const URL_RE = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;
const MENTION_RE = /(?<![\w@])@\w{1,30}/g;
// $BTC, $ETH.X (StockTwits' crypto suffix), $kPEPE: one placeholder, so no symbol's own history biases the call.
const CASHTAG_RE = /(?<![\w$])\$[a-z][a-z0-9]{0,9}(?:\.x)?(?![a-z0-9])/gi;
const NUMBER_RE = /\d+(?:[.,]\d+)*/g;

/**
 * The text as the model reads it: entities decoded, NFKC, lower-case; URLs, @mentions, cashtags and numbers
 * replaced by placeholders; emoji and punctuation such as "!" and "?" kept.
 */
export function normalizePost(text: string): string {
  return decodeEntities(text)
    .normalize('NFKC')
    .replace(URL_RE, ' <url> ')
    .replace(MENTION_RE, ' <user> ')
    .replace(CASHTAG_RE, ' $tkr ')
    .toLowerCase()
    .replace(NUMBER_RE, '0')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The key two posts share when they are near-duplicates: the normalised text without punctuation or placeholders. */
export function dedupKey(text: string): string {
  return normalizePost(text)
    .replace(/<url>|<user>|\$tkr/g, ' ')
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]+/gu, ' ')
    .trim();
}

// Words: letters/digits with inner ' or -; placeholders; each emoji or a run of ! or ?.
const TOKEN_RE = /<url>|<user>|\$tkr|[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|\p{Extended_Pictographic}|[!?]+/gu;
const NEGATORS = new Set(['not', 'no', 'never', "don't", "isn't", "won't", "can't", "didn't", "doesn't", "aren't", 'nothing', 'without']);

/**
 * Polar words and their opposites: inside a negation's scope such a word is read as its opposite ("not bullish" as
 * bearish, "won't go up" as down), since negated sentiment words are too rare in the data to be learned.
 */
const ANTONYMS: Record<string, string> = {};
for (const [a, b] of [
  ['bullish', 'bearish'],
  ['bull', 'bear'],
  ['bulls', 'bears'],
  ['buy', 'sell'],
  ['buying', 'selling'],
  ['pump', 'dump'],
  ['pumping', 'dumping'],
  ['up', 'down'],
  ['higher', 'lower'],
  ['rise', 'fall'],
  ['green', 'red'],
  ['good', 'bad'],
  ['strong', 'weak'],
]) {
  ANTONYMS[a] = b;
  ANTONYMS[b] = a;
}

/** Word tokens of a normalised post. */
export function tokenize(normalized: string): string[] {
  return normalized.match(TOKEN_RE) ?? [];
}

/** A feature's name, and the unit of the post it comes from as a person reads it (the word a character n-gram is in). */
export interface Feature {
  name: string;
  unit: string;
}

/** A unit as shown in a reasoning: the placeholders read as what they stand for. */
const shown = (unit: string) =>
  unit
    .replace(/\$tkr/g, '$TOKEN')
    .replace(/<url>/g, 'a link')
    .replace(/<user>/g, 'a mention');

/**
 * The features of a post: word unigrams (w:), bigrams (b:), negated words within 3 words after a negator (n:), and
 * character 2–5-grams inside each word padded with spaces (c:); the cashtag placeholder only in bigrams. Within those
 * 3 words a polar word (ANTONYMS) gives the unigram and character n-grams of its opposite.
 */
export function features(text: string): Feature[] {
  const words = tokenize(normalizePost(text));
  const out: Feature[] = [];
  let negation = 0;
  for (let i = 0; i < words.length; i++) {
    const raw = words[i];
    // A negated polar word's unigram and character n-grams are its opposite's; its bigram and n: feature stay its own.
    const w = negation > 0 && ANTONYMS[raw] !== undefined ? ANTONYMS[raw] : raw;
    const unit = w === raw ? shown(raw) : `"not … ${raw}"`;
    // The cashtag placeholder has no features of its own, only its bigrams: on its own it is a prior (cashtag posts are
    // mostly bullish in the data) that called crypto event notices and questions bullish.
    if (w !== '$tkr') out.push({ name: `w:${w}`, unit });
    out.push({ name: `b:${i === 0 ? '<s>' : words[i - 1]} ${raw}`, unit: i === 0 ? unit : shown(`"${words[i - 1]} ${raw}"`) });
    if (negation > 0) {
      out.push({ name: `n:${raw}`, unit: `"not … ${shown(raw)}"` });
      negation--;
    }
    if (NEGATORS.has(w)) negation = 3;
    if (w.length > 1 && w !== '$tkr' && /\p{L}/u.test(w)) {
      const padded = ` ${w} `;
      for (let n = 2; n <= 5; n++) for (let j = 0; j + n <= padded.length; j++) out.push({ name: `c:${padded.slice(j, j + n)}`, unit });
    }
  }
  if (words.length) out.push({ name: `b:${words[words.length - 1]} </s>`, unit: shown(words[words.length - 1]) });
  return out;
}

/** The names of a post's features, in order. */
export function featureNames(text: string): string[] {
  return features(text).map((f) => f.name);
}

/** FNV-1a over the UTF-16 code units, 32 bits. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Feature buckets of a post (hash mod 2^bits), each once, with the unit of the feature that first produced it. */
export function hashedFeatures(text: string, bits: number): Map<number, string> {
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  const out = new Map<number, string>();
  for (const { name, unit } of features(text)) {
    const bucket = (fnv1a(name) & mask) >>> 0;
    if (!out.has(bucket)) out.set(bucket, unit);
  }
  return out;
}
