import { randomUUID } from 'crypto';
import { Fixtures, Operation } from './fixtures';
import { BAD_UUIDS, Named, WRONG_TYPES } from './values';

// ---- cases from the table -------------------------------------------------------------------------------------

export interface Case {
  name: string;
  /** Path params ({id}, then the others by name), query string, body (a string is sent as is) and extra headers. */
  request: (
    f: Fixtures,
  ) => Promise<{ id?: string; params?: Record<string, string>; query?: string; body?: unknown; headers?: Record<string, string> }>;
  status: number;
  /** Texts the answer's message must contain. */
  names: string[];
  /** Tables the request may write to. */
  writes?: string[];
}

const show = (v: unknown) => {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
};

const MISSING = Symbol('missing');
/** A deep copy of body with path (`a.0.b`) set to value, or removed. */
export function patch(body: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, any>;
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((o, k) => o[k], copy);
  if (value === MISSING) delete parent[last];
  else parent[last] = value;
  return copy;
}

const OVERSIZED = 'x'.repeat(70 * 1024);

export function casesOf(key: string, op: Operation): Case[] {
  const [method, template] = key.split(' ');
  const cases: Case[] = [];
  const add = (name: string, status: number, names: Case['names'], request: Case['request'], writes?: string[]) =>
    cases.push({ name, status, names, request, writes });
  const body = op.body ?? (() => undefined);

  if (op.stream) {
    add('no token', 401, ['Authorization: Bearer', '?token='], async () => ({}));
    add('a token that is not one', 401, ['bearer token is invalid or expired'], async () => ({ query: 'token=not-a-token' }));
    return cases;
  }
  if (method === 'GET' && op.valid) {
    const valid = op.valid;
    add('a valid request', valid.status, valid.names, async (f) => ({ query: await valid.query(f) }));
  } else if (method === 'GET') add('a valid request', 200, [], async () => ({}));

  if (template.includes('{id}')) {
    for (const id of BAD_UUIDS.filter(Boolean).concat("' OR '1'='1")) {
      add(`{id} = ${show(id)}`, 400, ['id must be a UUID'], async (f) => ({ id, body: await body(f) }));
    }
    const unknown = randomUUID();
    add('{id} unknown', 404, [op.id?.noun ?? 'the noun of OPERATIONS[key].id', unknown], async (f) => ({
      id: unknown,
      body: await body(f),
    }));
  }
  for (const [param, { noun }] of Object.entries(op.params ?? {})) {
    for (const id of BAD_UUIDS.filter(Boolean).concat("' OR '1'='1")) {
      add(`{${param}} = ${show(id)}`, 400, [`${param} must be a UUID`], async (f) => ({ params: { [param]: id }, body: await body(f) }));
    }
    const unknown = randomUUID();
    add(`{${param}} unknown`, 404, [noun, unknown], async (f) => ({ params: { [param]: unknown }, body: await body(f) }));
  }

  for (const [param, values] of Object.entries(op.query ?? {})) {
    for (const v of values) {
      const query = [v]
        .flat()
        .map((x) => `${param}=${encodeURIComponent(String(x))}`)
        .join('&');
      add(`?${query.slice(0, 40)}`, 400, [param], async () => ({ query }));
    }
  }
  if (op.query) add('an unknown query parameter', 400, ['bogus'], async () => ({ query: 'bogus=1' }));

  for (const [header, values] of Object.entries(op.headers ?? {})) {
    for (const v of values)
      add(`${header}: ${show(v)}`, 400, [header.replace(/(^|-)\w/g, (c) => c.toUpperCase())], async (f) => ({
        body: await body(f),
        headers: { [header]: v },
      }));
  }

  if (method !== 'GET') {
    add('malformed JSON', 400, [], async () => ({ body: '{"name": ' }));
    add('a body over 64 kB', 413, [], async (f) => ({ body: JSON.stringify({ ...((await body(f)) ?? {}), padding: OVERSIZED }) }));
  }

  if (op.body && op.fields) {
    const required = Object.entries(op.fields)
      .filter(([path, f]) => f.required && !path.includes('.'))
      .map(([path]) => path);
    if (required.length) {
      add('no body', 400, required, async () => ({}));
      add('an empty object', 400, required, async () => ({ body: {} }));
    }
    add('an array instead of an object', 400, [], async (f) => ({ body: [await body(f)] }));
    add('an unknown field', 400, ['is_admin'], async (f) => ({ body: { ...(await body(f)), is_admin: true } }));
    for (const item of new Set(Object.keys(op.fields).flatMap((p) => /^(\w+\.0)\./.exec(p)?.[1] ?? []))) {
      add(`an unknown field in ${item}`, 400, [`${item}.is_admin`], async (f) => ({
        body: patch(await body(f), `${item}.is_admin`, true),
      }));
    }
    for (const [path, field] of Object.entries(op.fields)) {
      if (field.required) add(`${path} missing`, 400, [path], async (f) => ({ body: patch(await body(f), path, MISSING) }));
      for (const v of field.wrong ?? WRONG_TYPES[field.type])
        add(`${path} = ${show(v)}`, 400, [path], async (f) => ({ body: patch(await body(f), path, v) }));
      for (const v of field.bad ?? []) {
        const [value, names] = v instanceof Named ? [v.value, v.names] : [v, [path]];
        add(`${path} = ${show(value)}`, 400, names, async (f) => ({ body: patch(await body(f), path, value) }));
      }
      if (field.unknown) {
        const unknown = randomUUID();
        add(`${path} unknown`, 404, [field.unknown, unknown], async (f) => ({ body: patch(await body(f), path, unknown) }));
      }
    }
  }
  for (const c of op.cases ?? []) add(c.name, c.status, c.names, async (f) => ({ body: await c.body(f) }), c.writes);
  return cases;
}
