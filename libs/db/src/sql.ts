/**
 * What runs SQL: the DataSource, or the EntityManager of a transaction. Conduit reads and writes with SQL (the
 * entities are the schema's typed mirror, see docs/ARCHITECTURE.md), typed at the call through rows<T>().
 */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The rows a statement answers (SELECT, or INSERT/UPDATE … RETURNING), typed by the caller. TypeORM answers a bare
 * UPDATE or DELETE with [rows, count]; both shapes come back as rows.
 */
export async function rows<T>(q: Sql, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const result = await q.query(sql, params as unknown[]);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result ?? []) as T[];
}

/** The first row a statement answers, or undefined. */
export async function first<T>(q: Sql, sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(q, sql, params))[0];
}

/** Runs a statement for its effect. */
export async function exec(q: Sql, sql: string, params: readonly unknown[] = []): Promise<void> {
  await q.query(sql, params as unknown[]);
}

/** Rows as one JSON parameter, for set-based statements (jsonb_to_recordset): one round trip whatever their number. */
export const asJson = (items: readonly object[]): string => JSON.stringify(items);
