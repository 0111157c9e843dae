import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Env } from '@conduit/config';
import { cleanupRedis, createTestDatabase, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { liveDocument } from '../tools/web/api-types';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}
interface Operation {
  summary?: string;
  security?: unknown[];
  responses?: Record<string, unknown>;
}

/** Redocly's lint of a document with the repository's redocly.yaml (offline: no telemetry, no update check). */
function lint(file: string): Promise<Problem[]> {
  return new Promise((ok, fail) =>
    execFile(
      process.execPath,
      [CLI, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json', '--max-problems', '10000'],
      {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
      // The CLI exits 1 when it finds an error; its JSON report is on standard output either way.
      (e, stdout, stderr) => {
        try {
          ok((JSON.parse(stdout) as { problems: Problem[] }).problems);
        } catch {
          fail(new Error(`redocly lint: ${stderr || e?.message}`));
        }
      },
    ),
  );
}

/**
 * The gateway's OpenAPI document is complete (issue 16): Redocly's recommended rules find no error in the live
 * document, and every operation has a summary, its security (an empty list where it is public) and at least one 4xx
 * answer. GET /health, a probe outside the API (no credential, no rate limit, no input), answers 200 or 503 only.
 */
describe('the OpenAPI document', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let document: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    let api: string;
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
    document = (await liveDocument(api)) as typeof document;
  });
  afterAll(async () => {
    await app?.close();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('passes redocly lint with no error', async () => {
    const file = join(ROOT, 'tmp', `openapi-lint-${process.pid}.json`);
    await mkdir(join(ROOT, 'tmp'), { recursive: true });
    await writeFile(file, JSON.stringify(document, null, 2) + '\n');
    const problems = await lint(file).finally(() => rm(file, { force: true }));
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
  }, 60_000);

  it('gives every operation a summary, its security and its 4xx answers', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(90);
    expect(ops.filter(({ op }) => !op.summary?.trim()).map((o) => o.name)).toEqual([]);
    expect(ops.filter(({ op }) => !Array.isArray(op.security)).map((o) => o.name)).toEqual([]);
    const without4xx = ops.filter(({ op }) => !Object.keys(op.responses ?? {}).some((status) => /^4/.test(status)));
    // The probes: public, without input, they answer 200 or 503 only.
    expect(without4xx.map((o) => o.name)).toEqual(['GET /health', 'GET /health/live', 'GET /health/ready']);
  });

  it('documents the credentials as the guard reads them', () => {
    const security = (name: string) => operations().find((o) => o.name === name)?.op.security;
    expect(security('GET /health')).toEqual([]);
    expect(security('POST /api/v3/auth/verify')).toEqual([]);
    expect(security('POST /api/v3/agents/create')).toEqual([{ wallet: [] }]);
    expect(security('GET /api/v3/notifications')).toEqual([{ wallet: [] }]);
    expect(security('GET /api/v3/agents/list')).toEqual([
      {},
      { wallet: [] },
      { 'operator-session': [] },
      { 'operator-token': [] },
      { 'api-key': [] },
    ]);
    expect(security('GET /api/v3/admin/audit')).toEqual([{ 'operator-session': [] }, { 'operator-token': [] }]);
    expect(security('POST /api/v3/ct/posts')).toEqual([{ 'operator-session': [] }, { 'operator-token': [] }, { 'api-key': [] }]);
    expect(security('GET /api/v3/stream')).toEqual([
      { wallet: [] },
      { 'wallet-query': [] },
      { 'operator-session': [] },
      { 'operator-token': [] },
      { 'api-key': [] },
    ]);
  });
});
