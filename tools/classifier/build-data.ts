// Assembles the classifier's posts file from the sources' raw files: `npm run data:classifier -- [raw dir] [out file]`.
// CLASSIFIER_EXCLUDE=id,id leaves sources out (for instance one whose license the project decides against).
import { writeFileSync } from 'fs';
import { join } from 'path';
import { assemble, postsToJsonl, SOURCES } from './data';
import { DEFAULT_DATA_DIR } from './paths';

const rawDir = process.argv[2] ?? join(DEFAULT_DATA_DIR, 'raw');
const out = process.argv[3] ?? join(DEFAULT_DATA_DIR, 'posts.jsonl');
const excluded = (process.env.CLASSIFIER_EXCLUDE ?? '').split(',').filter(Boolean);
const unknown = excluded.filter((id) => !SOURCES.some((s) => s.id === id));
if (unknown.length) throw new Error(`unknown source(s) ${unknown.join(', ')}`);
const { posts, report } = assemble(
  rawDir,
  SOURCES.filter((s) => !excluded.includes(s.id)),
);
writeFileSync(out, postsToJsonl(posts));
console.log(JSON.stringify(report, null, 2));
console.log(`${posts.length} posts written to ${out}`);
