// `npm run api:types`: writes the gateway's OpenAPI document (tmp/openapi.json) and types the web app's API client from
// it (apps/web/src/api/schema.d.ts, openapi-typescript, then prettier). The document comes from the gateway's Nest app
// created in preview mode, so neither Postgres nor Redis is needed; `--from <url>` reads a running gateway's instead
// (test/api-types.spec.ts: the live document), `--out <file>` writes the types elsewhere.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadEnv } from '@conduit/config';
import { GatewayAppModule, openApiDocument } from '../../apps/gateway/src/app.module';

const ROOT = resolve(__dirname, '..', '..');
export const SCHEMA_FILE = join(ROOT, 'apps/web/src/api/schema.d.ts');
const DOCUMENT_FILE = join(ROOT, 'tmp/openapi.json');
const CLI = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
const PRETTIER = join(ROOT, 'node_modules/prettier/bin/prettier.cjs');

/** The document of the gateway's routes without booting it: preview mode resolves modules but instantiates no provider. */
export async function previewDocument(): Promise<object> {
  const app = await NestFactory.create(GatewayAppModule.forRoot(loadEnv({})), { preview: true, logger: false, abortOnError: false });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}

/** A running gateway's document (/api/docs-json). */
export async function liveDocument(api: string): Promise<object> {
  const res = await fetch(`${api}/api/docs-json`);
  if (!res.ok) throw new Error(`GET ${api}/api/docs-json answered ${res.status}`);
  return (await res.json()) as object;
}

/** The TypeScript types of a document, as the checked-in file holds them (openapi-typescript's output, prettier-formatted). */
export async function typesOf(document: object, scratch = DOCUMENT_FILE): Promise<string> {
  await mkdir(dirname(scratch), { recursive: true });
  await writeFile(scratch, JSON.stringify(document, null, 2) + '\n');
  const types = await node([CLI, scratch]);
  // Prettier's CLI, not its API: the API loads itself by dynamic import, which Jest's module system does not run.
  return node([PRETTIER, '--stdin-filepath', SCHEMA_FILE], types);
}

/** Runs a Node script and answers its standard output (an error with its standard error if it fails). */
function node(args: string[], input?: string): Promise<string> {
  return new Promise((ok, fail) => {
    const child = execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (e, stdout, stderr) =>
      e ? fail(new Error(`${args.join(' ')}: ${stderr || e.message}`)) : ok(stdout),
    );
    child.stdin!.end(input ?? '');
  });
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const from = flag('--from');
  const out = resolve(flag('--out') ?? SCHEMA_FILE);
  const types = await typesOf(from ? await liveDocument(from) : await previewDocument());
  const before = await readFile(out, 'utf8').catch(() => null);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, types);
  console.log(`api:types: ${out.slice(ROOT.length + 1)} ${before === types ? 'unchanged' : 'written'}`);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
