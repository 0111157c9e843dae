// The chaos harness's own Redis and Postgres: throw-away instances in a temporary directory, on free ports, that the
// harness may kill and restart without touching anyone else's servers.
import { ChildProcess, execFile, spawn, spawnSync } from 'child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import IORedis from 'ioredis';
import { Client } from 'pg';

const run = promisify(execFile);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/**
 * Redis with the configuration BullMQ needs in production: every write in the append-only file before it is
 * acknowledged (appendonly yes, appendfsync always), and no eviction (a queue key evicted is a job lost).
 * No RDB snapshots: the AOF alone is what a restart reloads.
 */
export class OwnRedis {
  private child: ChildProcess | null = null;
  readonly dir: string;

  constructor(
    root: string,
    readonly port: number,
    /** 'none' runs Redis as many development machines do (no AOF, no snapshots): what a restart then loses. */
    readonly persistence: 'aof' | 'none' = 'aof',
  ) {
    this.dir = join(root, 'redis');
    mkdirSync(this.dir, { recursive: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  args(): string[] {
    return [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--appendonly',
      this.persistence === 'aof' ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--daemonize',
      'no',
      '--logfile',
      join(this.dir, 'redis.log'),
    ];
  }

  async start(): Promise<void> {
    const child = spawn(process.env.REDIS_SERVER ?? 'redis-server', this.args(), { stdio: 'ignore' });
    this.child = child;
    child.on('error', (e) => console.error(`redis-server: ${e.message}`));
    await until('redis answers PING', () => this.ping(), 15_000);
  }

  async ping(): Promise<boolean> {
    const r = new IORedis({ host: '127.0.0.1', port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  }

  /** The configuration Redis reports (the report shows what the run used). */
  async config(): Promise<Record<string, string>> {
    const r = new IORedis({ host: '127.0.0.1', port: this.port, maxRetriesPerRequest: 1 });
    try {
      const out: Record<string, string> = {};
      for (const key of ['appendonly', 'appendfsync', 'maxmemory-policy']) {
        const [, value] = (await r.config('GET', key)) as string[];
        out[key] = value;
      }
      return out;
    } finally {
      r.disconnect();
    }
  }

  /** SIGKILL: a crash. What was acknowledged is in the AOF already (appendfsync always). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  stopSync(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.child = null;
  }
}

/** Where the Postgres server binaries are: PG_BIN, else pg_config --bindir, else the newest Debian-style install, else PATH. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0 && existsSync(join(fromConfig.stdout.trim(), 'initdb'))) return fromConfig.stdout.trim();
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(debian, versions[0], 'bin');
  }
  return '';
}

/**
 * A Postgres cluster of its own: initdb into the temporary directory (as the `postgres` OS user when the harness
 * runs as root, since initdb refuses root), trust authentication, listening on 127.0.0.1 only, its socket in the
 * temporary directory. Stopped with `-m immediate` to simulate a crash (recovery from the WAL at the next start).
 */
export class OwnPostgres {
  readonly dir: string;
  private readonly socketDir: string;
  private readonly bin = postgresBinDir();
  private readonly asRoot = process.getuid?.() === 0;
  private running = false;

  constructor(
    root: string,
    readonly port: number,
  ) {
    this.dir = join(root, 'pg');
    this.socketDir = join(root, 'pgsock');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private tool(name: string): string {
    return this.bin ? join(this.bin, name) : name;
  }

  /** Runs a server binary, as the postgres OS user when we are root. */
  private async exec(name: string, args: string[]): Promise<string> {
    const [cmd, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', this.tool(name), ...args]] : [this.tool(name), args];
    try {
      const { stdout, stderr } = await run(cmd, argv, { maxBuffer: 16 * 1024 * 1024 });
      return stdout + stderr;
    } catch (e: any) {
      throw new Error(`${name} ${args.join(' ')} failed: ${e.stderr || e.message}`);
    }
  }

  async init(): Promise<void> {
    for (const d of [this.dir, this.socketDir]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o700);
      if (this.asRoot) {
        const { uid, gid } = postgresUser();
        chownSync(d, uid, gid);
      }
    }
    await this.exec('initdb', ['-D', this.dir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.socketDir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    await this.exec('pg_ctl', ['-D', this.dir, '-l', join(this.dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
    this.running = true;
    await until('postgres accepts connections', () => this.ready(), 30_000);
  }

  async ready(): Promise<boolean> {
    const c = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** Immediate stop: every backend is killed, nothing is checkpointed (the next start replays the WAL). */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    if (!this.running) return;
    await this.exec('pg_ctl', ['-D', this.dir, '-m', mode, '-w', 'stop']);
    this.running = false;
  }

  async createDatabase(name: string): Promise<string> {
    const c = new Client({ connectionString: this.url() });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${name}`);
    } finally {
      await c.end();
    }
    return this.url(name);
  }

  stopSync(): void {
    if (!this.running) return;
    const args = ['-D', this.dir, '-m', 'immediate', '-w', 'stop'];
    if (this.asRoot) spawnSync('runuser', ['-u', 'postgres', '--', this.tool('pg_ctl'), ...args], { stdio: 'ignore' });
    else spawnSync(this.tool('pg_ctl'), args, { stdio: 'ignore' });
    this.running = false;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => {
    const out = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error('running as root needs a `postgres` OS user to own the cluster (initdb refuses root)');
    return Number(out.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}
