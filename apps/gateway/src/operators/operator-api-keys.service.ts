import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newApiKey, secretHash } from '@conduit/custody';
import { ApiKeyRow, audit, first, rows } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { CLOCK } from '@conduit/runtime';
import type { OperatorPrincipal } from '../auth/auth.decorators';
import { conflict, notFound } from '../common/errors';
import { CreateApiKeyDto } from './operators.dto';

const apiKeyView = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  created_at: k.created_at,
  last_used_at: k.last_used_at,
  revoked_at: k.revoked_at,
});

/**
 * An operator's own API keys for the data feeds (`cok_…`): shown once at creation, stored as their SHA-256, named,
 * revocable; the guard records each use (OperatorsService.byApiKey).
 */
@Injectable()
export class OperatorApiKeysService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async createApiKey(op: OperatorPrincipal, dto: CreateApiKeyDto, traceId: string) {
    const { key, prefix } = newApiKey();
    return this.ds.transaction(async (em) => {
      const row = await first<ApiKeyRow>(
        em,
        `INSERT INTO operator_api_keys (user_id, name, key_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING *`,
        [op.id, dto.name, secretHash(key), prefix, this.clock.now()],
      );
      if (!row) throw conflict('name', `you already have an API key named ${dto.name}`);
      await audit(em, 'v3.operator.api_key_created', 'operator_api_key', row.id, { user_id: op.id, name: row.name, prefix }, traceId);
      return { success: true, api_key: { ...apiKeyView(row), key } };
    });
  }

  async apiKeys(op: OperatorPrincipal) {
    const keys = await rows<ApiKeyRow>(this.ds, `SELECT * FROM operator_api_keys WHERE user_id = $1 ORDER BY created_at DESC, id`, [op.id]);
    return { success: true, count: keys.length, api_keys: keys.map(apiKeyView) };
  }

  /** Revokes one of the operator's own keys; revoking it again answers it as it is. */
  async revokeApiKey(op: OperatorPrincipal, id: string, traceId: string) {
    return this.ds.transaction(async (em) => {
      const key = await first<ApiKeyRow>(em, `SELECT * FROM operator_api_keys WHERE id = $1 AND user_id = $2 FOR UPDATE`, [id, op.id]);
      if (!key) throw notFound('API key', id);
      if (key.revoked_at) return { success: true, api_key: apiKeyView(key) };
      const revoked = await first<ApiKeyRow>(em, `UPDATE operator_api_keys SET revoked_at = $2 WHERE id = $1 RETURNING *`, [
        id,
        this.clock.now(),
      ]);
      await audit(
        em,
        'v3.operator.api_key_revoked',
        'operator_api_key',
        id,
        { user_id: op.id, name: key.name, prefix: key.prefix },
        traceId,
      );
      return { success: true, api_key: apiKeyView(revoked!) };
    });
  }
}
