import { ChildProcess, spawn } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';
import { Env } from '@conduit/config';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Starts apps/<name>/src/main.ts as its own Node process, as `nx serve <name>` does; output is collected. `entry`, a
 * path from the repository's root, starts another entry point the same way (a test's own worker).
 */
export function startServiceProcess(
  name: string,
  env: Env,
  port: number,
  extra: Record<string, string> = {},
  entry = join('apps', name, 'src', 'main.ts'),
): ChildProcess & { output: () => string } {
  const vars = Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: ROOT,
    env: { ...process.env, ...vars, PORT: String(port), LOG_LEVEL: 'warn', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return Object.assign(child, { output: () => output });
}

/** Resolves once GET /health answers 200; fails if the process exits first. */
export async function waitHealthy(child: ChildProcess, port: number, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode} before it was healthy`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`service on :${port} not healthy after ${timeoutMs} ms`);
}

/** Resolves with the exit code (null when killed by a signal), also when the process has already exited. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

/** A port nothing listens on right now (asked of the kernel, not guessed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
