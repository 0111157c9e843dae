// Checks that the committed weights come out of the data again: `npm run verify:classifier -- [data dir]`. Assembles
// the posts file from the raw files (it must equal the posts file there), checks its sha256 against the one the
// weights record, retrains and compares the model file byte for byte. Exits 1 on any difference, 2 without the data.
// Not part of `npm test`: the data is public material kept beside the project (docs/CLASSIFIER.md), not in it.
import { createHash } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { assemble, parseJsonl, postsToJsonl, SOURCES } from './data';
import { DEFAULT_DATA_DIR, MODEL_PATH } from './paths';
import { trainFromPosts } from './train';

const dir = process.argv[2] ?? DEFAULT_DATA_DIR;
const raw = join(dir, 'raw');
const postsPath = join(dir, 'posts.jsonl');
if (!existsSync(raw) || !existsSync(postsPath)) {
  console.error(`no classifier data in ${dir} (raw/ and posts.jsonl): see docs/CLASSIFIER.md, "Where the data lives"`);
  process.exit(2);
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const posts = readFileSync(postsPath, 'utf8');
const committed = readFileSync(MODEL_PATH, 'utf8');
const checks: Array<[string, boolean]> = [];
checks.push(['posts.jsonl assembles again from raw/', postsToJsonl(assemble(raw, SOURCES).posts) === posts]);
checks.push(['the weights record the posts file (sha256)', JSON.parse(committed).data.sha256 === sha(posts)]);
const { model } = trainFromPosts(parseJsonl(posts), sha(posts));
checks.push(['training gives the committed weights byte for byte', JSON.stringify(model, null, 2) + '\n' === committed]);
for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
