// The services under test run from a build, as deployed (`node dist/apps/<app>/main.js`), and so do the bare
// chain's workers (`node dist/tools/bench/bare-worker.js`): the same plain JavaScript on both sides, no TypeScript
// loader in either. This checkout's dist is rebuilt (`npm run build`, then the bare worker) when its sources changed
// since the last bench build, and reused otherwise. `--build-dir <dir>` runs the services of another tree's dist
// instead (another checkout, or an export of an older commit, with its node_modules), migrated by that tree's
// compiled migrate script: "before" and "after" of a change measured back to back on one machine. The bare chain
// always comes from this checkout, so both runs compare against the same baseline.
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { Env } from '@conduit/config';

export const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
/** What the last bench build was built from (a hash of its inputs), in dist/. */
const STAMP = join(DIST, '.bench-build.json');
/** The bare chain's worker, compiled by tools/bench/tsconfig.build.json. */
export const BARE_WORKER = join(DIST, 'tools', 'bench', 'bare-worker.js');

/** Inputs of `npm run build` and of the bare worker: a change to any of them makes dist stale. */
const INPUT_DIRS = ['apps', 'libs', 'migrations', join('tools', 'scripts')];
const INPUT_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'tsconfig.build.json',
  join('tools', 'bench', 'bare-worker.ts'),
  join('tools', 'bench', 'tsconfig.build.json'),
];

/** A tree whose compiled services the bench runs. */
export interface BuildTree {
  /** The checkout (the services' working directory; node_modules is found from here). */
  root: string;
  dist: string;
  /** `this checkout` or `--build-dir`. */
  label: string;
  /** Commit of the tree when it is a git checkout (with `+changes` when it has uncommitted ones). */
  commit: string | null;
  /** How dist came to be: reused (sources unchanged), built now, or given (--build-dir, used as it is). */
  how: 'reused' | 'built' | 'given';
  buildSeconds?: number;
}

function sourceFiles(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|js|json)$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name)) out.push(path);
  }
}

/** sha256 over the build's inputs (paths and contents), so a checkout or an edit anywhere in them is seen. */
export function sourceHash(root = ROOT): string {
  const files: string[] = [];
  for (const dir of INPUT_DIRS) sourceFiles(join(root, dir), files);
  files.push(...INPUT_FILES.map((f) => join(root, f)).filter((f) => existsSync(f)));
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function gitCommit(dir: string): string | null {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return null;
  }
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/**
 * This checkout's dist, built if its inputs changed since the last bench build (or if anything the bench runs is
 * missing): `npm run build`, then the bare worker. Output goes to stderr, with the tables' log lines.
 */
export function ensureBuild(log: (line: string) => void): BuildTree {
  const hash = sourceHash();
  const stamp = existsSync(STAMP) ? (JSON.parse(readFileSync(STAMP, 'utf8')) as { hash?: string }) : {};
  const tree: BuildTree = { root: ROOT, dist: DIST, label: 'this checkout', commit: gitCommit(ROOT), how: 'reused' };
  if (stamp.hash === hash && existsSync(BARE_WORKER) && missingEntrypoints(DIST).length === 0) {
    log(`build: dist is up to date with the sources (${hash.slice(0, 12)}), reused`);
    return tree;
  }
  log('build: sources changed since the last bench build: npm run build, then the bare worker');
  const started = Date.now();
  run('npm', ['run', '--silent', 'build'], ROOT);
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join('tools', 'bench', 'tsconfig.build.json')], ROOT);
  writeFileSync(STAMP, JSON.stringify({ hash, builtAt: new Date().toISOString(), commit: tree.commit }, null, 2) + '\n');
  tree.how = 'built';
  tree.buildSeconds = Math.round((Date.now() - started) / 100) / 10;
  log(`build: done in ${tree.buildSeconds} s`);
  return tree;
}

/** Another tree's dist (--build-dir), used as it is: it must have been built, and have its node_modules. */
export function givenBuild(dir: string): BuildTree {
  const dist = resolve(dir);
  const root = dirname(dist);
  const missing = missingEntrypoints(dist);
  if (missing.length) throw new Error(`--build-dir ${dir}: no compiled ${missing.join(', ')} (run npm run build in that tree)`);
  if (!existsSync(migrateScript(dist))) throw new Error(`--build-dir ${dir}: no compiled tools/scripts/migrate.js`);
  if (!existsSync(join(root, 'node_modules'))) throw new Error(`--build-dir ${dir}: no node_modules beside it (${root})`);
  return { root, dist, label: '--build-dir', commit: gitCommit(root), how: 'given' };
}

/** The services the bench runs, by the entrypoint `npm run build` writes (or the compiled main.js of older trees). */
export function serviceEntry(dist: string, name: string): string {
  const shim = join(dist, 'apps', name, 'main.js');
  return existsSync(shim) ? shim : join(dist, 'apps', name, 'src', 'main.js');
}

const SERVICES_RUN = ['signal', 'policy', 'router', 'executor', 'billing'];

function missingEntrypoints(dist: string): string[] {
  return SERVICES_RUN.map((name) => serviceEntry(dist, name)).filter((f) => !existsSync(f) || !statSync(f).isFile());
}

const migrateScript = (dist: string) => join(dist, 'tools', 'scripts', 'migrate.js');

/** Applies the tree's migrations to `databaseUrl` with its own compiled migrate script. */
export function migrateWith(tree: BuildTree, databaseUrl: string): void {
  const result = spawnSync(process.execPath, [migrateScript(tree.dist), 'up'], {
    cwd: tree.root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`migrate (${tree.label}) failed: ${result.stderr || result.stdout}`);
}

/** Every validated setting of `env` as environment variables. */
export function envVars(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

/** Starts one compiled service of the tree on `port` (its /health and /metrics); output is collected. */
export function startBuiltService(
  tree: BuildTree,
  name: string,
  env: Env,
  port: number,
  extra: Record<string, string> = {},
  nodeArgs: string[] = [],
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [...nodeArgs, serviceEntry(tree.dist, name)], {
    cwd: tree.root,
    env: { ...process.env, ...envVars(env), PORT: String(port), ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return Object.assign(child, { output: () => output });
}
