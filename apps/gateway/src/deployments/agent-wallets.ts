import { Inject, Injectable } from '@nestjs/common';
import { Env } from '@conduit/config';
import { AGENT_KEY_VENUES, KeyVault, SealedKey, VaultError } from '@conduit/custody';
import { Clock } from '@conduit/domain';
import {
  approveAgentPayload,
  gmxApprovalTransactions,
  gmxNetworkFromEnv,
  ostiumApprovalTransactions,
  ostiumNetwork,
  spotApprovalTransactions,
  spotNetworkFromEnv,
} from '@conduit/venue';
import { CLOCK, ENV } from '@conduit/runtime';
import { badRequest } from '../common/errors';
import { DeployAgentDto } from './deployments.dto';

type Prefix = (typeof AGENT_KEY_VENUES)[number]['prefix'];

export interface AgentKeyColumns {
  address: string | null;
  sealed: SealedKey | null;
}

/**
 * Agent (API) wallets of a deployment: generated server-side (recommended) or accepted sealed from the caller
 * when they decrypt under the master key. Returns only public data: addresses and the payloads the user
 * signs to authorise them.
 */
@Injectable()
export class AgentWallets {
  private readonly vault: KeyVault | null;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.vault = env.MASTER_KEY ? new KeyVault(env.MASTER_KEY) : null;
  }

  /** The key columns to store for each venue; throws 400 naming the field when a given key does not check out. */
  resolve(dto: DeployAgentDto): Record<Prefix, AgentKeyColumns> {
    if (dto.trading_mode === 'live' && !this.vault)
      throw badRequest(['trading_mode'], 'trading_mode live needs the server to have a MASTER_KEY');
    const out = {} as Record<Prefix, AgentKeyColumns>;
    for (const { venue, prefix } of AGENT_KEY_VENUES) {
      const given = {
        address: dto[`${prefix}_agent_address`],
        encrypted: dto[`${prefix}_agent_key_encrypted`],
        iv: dto[`${prefix}_agent_key_iv`],
        tag: dto[`${prefix}_agent_key_tag`],
      };
      const anyKey = given.encrypted !== undefined || given.iv !== undefined || given.tag !== undefined;
      if (!anyKey) {
        if (given.address !== undefined) {
          throw badRequest(
            [`${prefix}_agent_address`],
            `${prefix}_agent_address was given without its sealed key; omit it and the server generates the agent wallet`,
          );
        }
        out[prefix] = this.vault ? this.generated(venue) : { address: null, sealed: null };
        continue;
      }
      const missing = (['address', 'encrypted', 'iv', 'tag'] as const)
        .filter((k) => given[k] === undefined)
        .map((k) => (k === 'address' ? `${prefix}_agent_address` : `${prefix}_agent_key_${k}`));
      if (missing.length) throw badRequest(missing, `${missing.join(', ')} required with the other ${prefix} agent key fields`);
      if (!this.vault)
        throw badRequest(
          [`${prefix}_agent_key_encrypted`],
          `${prefix}_agent_key_encrypted cannot be accepted: the server has no MASTER_KEY`,
        );
      if (!/^0x[0-9a-fA-F]{40}$/.test(given.address!))
        throw badRequest([`${prefix}_agent_address`], `${prefix}_agent_address must be a 20-byte hex address`);
      const sealed = { encrypted: given.encrypted!, iv: given.iv!, tag: given.tag! };
      try {
        this.vault.verifyAgentKey(venue, given.address!, sealed);
      } catch (err) {
        const why = err instanceof VaultError ? err.message : 'invalid key';
        throw badRequest([`${prefix}_agent_key_encrypted`], `${prefix}_agent_key_encrypted was refused: ${why}`);
      }
      out[prefix] = { address: given.address!.toLowerCase(), sealed };
    }
    return out;
  }

  private generated(venue: string): AgentKeyColumns {
    const agent = this.vault!.generate(venue);
    return { address: agent.address.toLowerCase(), sealed: agent.sealed };
  }

  /**
   * What the user signs so the agent wallets may trade for them (fresh nonce each time). `spotTokens`: the tokens the
   * SPOT agent may sell back (SPOT's markets with an address in token_registry), each approved like USDC.
   */
  approvals(d: AgentAddresses, spotTokens: SpotApprovalToken[] = []) {
    const out: Record<string, unknown> = {};
    const evmUser = /^0x[0-9a-fA-F]{40}$/.test(d.user_wallet);
    if (d.hyperliquid_agent_address) {
      out.HYPERLIQUID = {
        agent_address: d.hyperliquid_agent_address,
        master_address: d.user_wallet,
        approve_agent: approveAgentPayload({
          agentAddress: d.hyperliquid_agent_address,
          agentName: `conduit ${d.id.slice(0, 8)}`,
          nonce: this.clock.now().getTime(),
          isTestnet: this.env.HYPERLIQUID_NETWORK === 'testnet',
        }),
        builder_fee: this.env.HYPERLIQUID_BUILDER_ADDRESS && this.env.HYPERLIQUID_BUILDER_FEE > 0 ? 'configured' : 'off',
      };
    }
    if (d.ostium_agent_address) {
      const network = ostiumNetwork(this.env);
      out.OSTIUM = {
        agent_address: d.ostium_agent_address,
        trader_address: d.user_wallet,
        chain_id: network.chainId,
        // The user sends these from their own wallet: USDC allowance to TradingStorage, and the agent as delegate.
        transactions: evmUser ? ostiumApprovalTransactions(network, d.ostium_agent_address) : [],
      };
    }
    if (d.gmx_agent_address) {
      const network = gmxNetworkFromEnv(this.env);
      out.GMX = {
        agent_address: d.gmx_agent_address,
        account_address: d.user_wallet,
        chain_id: network.chainId,
        // USDC allowance to GMX's Router, and the agent as the account's subaccount (it can order, never withdraw).
        transactions: evmUser
          ? gmxApprovalTransactions(network, d.user_wallet, d.gmx_agent_address, 'unlimited', { nowMs: this.clock.now().getTime() }).map(
              wire,
            )
          : [],
      };
    }
    if (d.spot_agent_address) {
      const network = spotNetworkFromEnv(this.env);
      const tokens = spotTokens.map((t) => ({ ...t, cap: 'unlimited' }));
      out.SPOT = {
        agent_address: d.spot_agent_address,
        user_address: d.user_wallet,
        chain_id: network.chainId,
        // ERC-20 allowances to the agent: USDC for buys, each listed token to sell back what it bought (to the user).
        transactions: evmUser ? spotApprovalTransactions(network, d.user_wallet, d.spot_agent_address, tokens, 'unlimited').map(wire) : [],
      };
    }
    return out;
  }
}

export interface AgentAddresses {
  id: string;
  user_wallet: string;
  hyperliquid_agent_address: string | null;
  ostium_agent_address: string | null;
  gmx_agent_address: string | null;
  spot_agent_address: string | null;
}

export interface SpotApprovalToken {
  symbol: string;
  address: string;
  decimals: number;
}

/** A user transaction as the API answers it (Ostium's shape: chain_id). */
function wire(tx: { from: string; to: string; data: string; value: string; chainId: number; description: string }) {
  return { description: tx.description, chain_id: tx.chainId, from: tx.from, to: tx.to, data: tx.data, value: tx.value };
}
