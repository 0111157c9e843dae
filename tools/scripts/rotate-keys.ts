// Re-encrypts every stored agent key and operator TOTP secret from MASTER_KEY to NEW_MASTER_KEY in one transaction.
// Run it with every service stopped or paused, then restart them with MASTER_KEY set to the new key.
//   MASTER_KEY=<current> NEW_MASTER_KEY=<next> npm run keys:rotate
import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { loadEnv } from '@conduit/config';
import { KeyVault, rotateAgentKeys, rotateTotpSecrets } from '@conduit/custody';
import { audit, createDataSource } from '@conduit/db';

async function main() {
  const env = loadEnv();
  if (!env.MASTER_KEY) throw new Error('MASTER_KEY (the current key) is not set');
  const nextText = process.env.NEW_MASTER_KEY;
  if (!nextText) throw new Error('NEW_MASTER_KEY is not set');
  const current = new KeyVault(env.MASTER_KEY);
  const next = new KeyVault(nextText);
  const ds = await createDataSource(env.DATABASE_URL).initialize();
  try {
    const report = await ds.transaction(async (em) => {
      const r = await rotateAgentKeys(em, current, next);
      const totp = await rotateTotpSecrets(em, current, next);
      await audit(em, 'v3.key.rotated', 'vault', null, { deployments: r.deployments, keys: r.keys, totp_secrets: totp }, randomUUID());
      return { ...r, totp };
    });
    console.log(
      `keys rotated: ${report.keys} key(s) of ${report.deployments} deployment(s), ${report.totp} operator TOTP secret(s); ` +
        'set MASTER_KEY to the new key and restart',
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  // VaultError messages carry no key material.
  console.error(`key rotation failed, nothing changed: ${e.message}`);
  process.exit(1);
});
