import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';

/** The repository's root: the nearest folder above this file with a package.json. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the testing lib');
    dir = up;
  }
  return dir;
}

/** Path of a file of the shared test vectors: `../shared/vectors/<name>` beside the repository. */
export function vectorPath(name: string): string {
  return resolve(repositoryRoot(), '..', 'shared', 'vectors', name);
}

/** A JSON file of the shared test vectors. A missing file fails the test that reads it (it never skips). */
export function readVectors<T = any>(name: string): T {
  const path = vectorPath(name);
  if (!existsSync(path)) throw new Error(`test vectors ../shared/vectors/${name} are missing beside the repository`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
