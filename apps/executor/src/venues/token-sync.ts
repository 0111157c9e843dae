import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { exec } from '@conduit/db';
import { ENV } from '@conduit/runtime';
import { chainName, fetchTokenList, FetchFn, parseTokenList, spotNetworkFromEnv } from '@conduit/venue';

export interface TokenSyncReport {
  chain: string;
  listed: number;
  refused: number;
}

/**
 * token_registry from a maintained token list (SPOT_TOKEN_LIST_URL, the Uniswap token-list schema): the entries of
 * SPOT's chain, each symbol's address and decimals, upserted by (chain, token_symbol) with Uniswap v3 as its router.
 * Entries the parser refuses (a bad address or decimals, a symbol twice) are counted and logged, never written; a
 * token the list drops stays (a position may still hold it). Runs with the venue sync, before SPOT lists its markets,
 * when live SPOT is configured.
 */
@Injectable()
export class TokenSync {
  private readonly logger = new Logger(TokenSync.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {}

  enabled(): boolean {
    return Boolean(this.env.LIVE_TRADING && this.env.SPOT_RPC_URL && this.env.SPOT_TOKEN_LIST_URL);
  }

  async run(fetchFn: FetchFn = fetch): Promise<TokenSyncReport | null> {
    if (!this.enabled()) return null;
    const chainId = spotNetworkFromEnv(this.env).chainId;
    const chain = chainName(chainId);
    const list = parseTokenList(await fetchTokenList(this.env.SPOT_TOKEN_LIST_URL, fetchFn), chainId);
    await exec(
      this.ds,
      `INSERT INTO token_registry (chain, token_symbol, token_address, decimals, preferred_router)
       SELECT $1, t.symbol, t.address, t.decimals, 'uniswap-v3'
         FROM unnest($2::text[], $3::text[], $4::int[]) AS t(symbol, address, decimals)
       ON CONFLICT (chain, token_symbol) DO UPDATE SET token_address = EXCLUDED.token_address, decimals = EXCLUDED.decimals,
         preferred_router = EXCLUDED.preferred_router
       WHERE (token_registry.token_address, token_registry.decimals, token_registry.preferred_router)
             IS DISTINCT FROM (EXCLUDED.token_address, EXCLUDED.decimals, EXCLUDED.preferred_router)`,
      [chain, list.tokens.map((t) => t.symbol), list.tokens.map((t) => t.address), list.tokens.map((t) => t.decimals)],
    );
    if (list.refused.length)
      this.logger.warn(
        `token list ${list.name}: ${list.refused.length} entries of chain ${chainId} refused ` +
          `(${list.refused
            .slice(0, 5)
            .map((r) => `${r.symbol ?? '#' + r.index}: ${r.reason}`)
            .join('; ')})`,
      );
    return { chain, listed: list.tokens.length, refused: list.refused.length };
  }
}
