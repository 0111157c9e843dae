// The five worker services, each its own Node process (as `nx serve <name>` runs it), killable and restartable.
import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, WriteStream } from 'fs';
import { join } from 'path';
import { sleep } from './infra';

const ROOT = join(__dirname, '..', '..');

export const WORKERS = ['signal', 'policy', 'router', 'executor', 'billing'] as const;
export type WorkerName = (typeof WORKERS)[number];

/** One service process; its output (every incarnation) goes to <logDir>/<name>.log. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private readonly log: WriteStream;
  /** Exits nobody asked for (a crash instead of a reconnect), with their code or signal. */
  readonly unexpectedExits: string[] = [];
  starts = 0;
  private expectingExit = false;

  constructor(
    readonly name: WorkerName,
    readonly port: number,
    private readonly env: Record<string, string>,
    logDir: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    this.starts++;
    this.expectingExit = false;
    this.log.write(`\n==== start #${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', this.name, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => this.log.write(d));
    child.stderr!.on('data', (d) => this.log.write(d));
    child.on('exit', (code, signal) => {
      this.log.write(`==== exit ${code ?? signal} at ${new Date().toISOString()}\n`);
      if (!this.expectingExit) this.unexpectedExits.push(`${this.name} exited by itself (${code ?? signal})`);
    });
    this.child = child;
  }

  async healthy(): Promise<boolean> {
    if (!this.alive) return false;
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  async waitHealthy(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`${this.name} exited before it was healthy (see ${this.name}.log)`);
      if (await this.healthy()) return;
      await sleep(100);
    }
    throw new Error(`${this.name} not healthy after ${timeoutMs} ms`);
  }

  /** kill -9, and wait until the process is gone. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: the graceful shutdown (workers drain, exit 0); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectingExit = true;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectingExit = true;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await gone;
  }

  killSync(): void {
    if (this.alive) {
      this.expectingExit = true;
      this.child!.kill('SIGKILL');
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.log.end(r));
  }
}
