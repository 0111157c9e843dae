import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The repository's root. */
export const ROOT = resolve(__dirname, '..', '..');

/** Builds the web app with vite into `outDir` (the tests serve a build of the sources they run with, not a stale dist/). */
export function buildWebApp(outDir: string): Promise<void> {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((ok, fail) =>
    execFile(
      process.execPath,
      [vite, 'build', '--config', 'apps/web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (e, _out, err) => (e ? fail(new Error(`vite build failed: ${err || e.message}`)) : ok()),
    ),
  );
}

/** Every file a web build depends on: the app's sources and configuration, and the lockfile. */
async function webSources(dir = join(ROOT, 'apps', 'web')): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await webSources(path)));
    else if (!entry.name.endsWith('.test.tsx') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

/**
 * The web app built from the sources as they are now, once for every browser spec of a run: under
 * tmp/web-build/<hash of the sources and the lockfile>, built into a directory of its own and renamed into place (a
 * build another process finished first is used as it is). Answers the directory to serve (the gateway's WEB_DIR).
 */
export async function webBuild(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await webSources()), join(ROOT, 'package-lock.json')]) hash.update(file).update(await readFile(file));
  const dir = join(ROOT, 'tmp', 'web-build', hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'index.html'))) return dir;
  const building = `${dir}.${process.pid}`;
  await buildWebApp(building);
  await rename(building, dir).catch(async (e) => {
    if (!existsSync(join(dir, 'index.html'))) throw e;
    await rm(building, { recursive: true, force: true });
  });
  return dir;
}
