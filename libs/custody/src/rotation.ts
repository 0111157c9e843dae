import { keyContext, KeyVault, SealedKey } from './vault';

/** The part of a TypeORM EntityManager the rotation needs (kept structural so custody stays free of the data layer). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

export const AGENT_KEY_VENUES = [
  { venue: 'HYPERLIQUID', prefix: 'hyperliquid' },
  { venue: 'OSTIUM', prefix: 'ostium' },
  { venue: 'GMX', prefix: 'gmx' },
  { venue: 'SPOT', prefix: 'spot' },
] as const;

export interface RotationReport {
  deployments: number;
  keys: number;
}

/**
 * Re-encrypts every stored agent key from `current` to `next`, inside the caller's transaction: rows are
 * locked, each key is opened and sealed again with a fresh IV, and every new ciphertext is checked to open
 * under `next` before it is written. A key that does not open under `current` aborts the whole rotation.
 */
export async function rotateAgentKeys(em: Queryable, current: KeyVault, next: KeyVault): Promise<RotationReport> {
  let keys = 0;
  const touched = new Set<string>();
  for (const { venue, prefix } of AGENT_KEY_VENUES) {
    // Typed here, not through @conduit/db's rows<T>(): custody may not depend on the data layer (eslint depConstraints).
    const rows: { id: string; address: string | null; encrypted: string; iv: string; tag: string }[] = await em.query(
      `SELECT id, ${prefix}_agent_address AS address, ${prefix}_agent_key_encrypted AS encrypted,
              ${prefix}_agent_key_iv AS iv, ${prefix}_agent_key_tag AS tag
         FROM agent_deployments_v3 WHERE ${prefix}_agent_key_encrypted IS NOT NULL ORDER BY id FOR UPDATE`,
    );
    for (const row of rows) {
      const context = keyContext(venue, row.address ?? '');
      const sealed: SealedKey = current.reseal(row, context, next);
      next.open(sealed, context); // proves the new ciphertext before the old one is overwritten
      await em.query(
        `UPDATE agent_deployments_v3 SET ${prefix}_agent_key_encrypted = $2, ${prefix}_agent_key_iv = $3, ${prefix}_agent_key_tag = $4
          WHERE id = $1`,
        [row.id, sealed.encrypted, sealed.iv, sealed.tag],
      );
      keys++;
      touched.add(row.id);
    }
  }
  return { deployments: touched.size, keys };
}
