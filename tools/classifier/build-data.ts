// Assembles the classifier's posts file from the sources' raw files: `npm run data:classifier -- [raw dir] [out file]`.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { assemble, postsToJsonl } from './data';
import { DEFAULT_DATA_DIR } from './paths';

const rawDir = process.argv[2] ?? join(DEFAULT_DATA_DIR, 'raw');
const out = process.argv[3] ?? join(DEFAULT_DATA_DIR, 'posts.jsonl');
const { posts, report } = assemble(rawDir);
writeFileSync(out, postsToJsonl(posts));
console.log(JSON.stringify(report, null, 2));
console.log(`${posts.length} posts written to ${out}`);
