import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { AGENT_KEY_VENUES, KeyVault } from '@conduit/custody';
import { first } from '@conduit/db';
import { DomainError } from '@conduit/domain';
import { ENV } from '@conduit/runtime';
import { TradingAccount, TradingMode, VenueAdapter, VenueRegistry } from '@conduit/venue';

export interface VenueAccount {
  adapter: VenueAdapter;
  account: TradingAccount;
  mode: TradingMode;
}

/**
 * Resolves a deployment on a venue to the adapter of its trading mode and the account it trades: the user's
 * master address, and for live trading a handle on the agent key that decrypts only when an order is signed.
 * This is the only place the sealed key columns are read.
 */
@Injectable()
export class TradingAccounts {
  private readonly vault: KeyVault | null;

  constructor(
    private readonly ds: DataSource,
    private readonly venues: VenueRegistry,
    @Inject(ENV) env: Env,
  ) {
    this.vault = env.MASTER_KEY ? new KeyVault(env.MASTER_KEY) : null;
  }

  async resolve(deploymentId: string, venue: string): Promise<VenueAccount> {
    const prefix = AGENT_KEY_VENUES.find((v) => v.venue === venue)?.prefix;
    const d = await first<{
      user_wallet: string;
      trading_mode: string;
      agent_address?: string | null;
      encrypted?: string | null;
      iv?: string;
      tag?: string;
    }>(
      this.ds,
      `SELECT user_wallet, trading_mode ${
        prefix
          ? `, ${prefix}_agent_address AS agent_address, ${prefix}_agent_key_encrypted AS encrypted,
             ${prefix}_agent_key_iv AS iv, ${prefix}_agent_key_tag AS tag`
          : ''
      } FROM agent_deployments_v3 WHERE id = $1`,
      [deploymentId],
    );
    if (!d) throw new DomainError('NO_DEPLOYMENT', `deployment ${deploymentId} does not exist`);
    const mode: TradingMode = d.trading_mode === 'live' ? 'live' : 'paper';
    if (!this.venues.has(venue, mode)) throw new DomainError('NO_ADAPTER', `${mode} trading on ${venue} is not configured`);
    const adapter = this.venues.get(venue, mode);
    if (mode === 'paper') return { adapter, mode, account: { address: d.user_wallet } };

    if (!this.vault) throw new DomainError('NO_MASTER_KEY', 'live trading needs MASTER_KEY');
    if (!d.encrypted || !d.agent_address) throw new DomainError('NO_AGENT_WALLET', `deployment has no ${venue} agent wallet`);
    const signer = this.vault.handle(venue, d.agent_address, { encrypted: d.encrypted, iv: d.iv!, tag: d.tag! });
    return { adapter, mode, account: { address: d.user_wallet, signer } };
  }

  /** A paper deployment's account from what the caller already read of it; null when the venue has no paper adapter. */
  paper(venue: string, userWallet: string): VenueAccount | null {
    if (!this.venues.has(venue, 'paper')) return null;
    return { adapter: this.venues.get(venue, 'paper'), mode: 'paper', account: { address: userWallet } };
  }

  /** The live adapter of a venue (marks for the position monitor); throws when live trading there is not configured. */
  liveAdapter(venue: string): VenueAdapter {
    if (!this.venues.has(venue, 'live')) throw new DomainError('NO_ADAPTER', `live trading on ${venue} is not configured`);
    return this.venues.get(venue, 'live');
  }
}
