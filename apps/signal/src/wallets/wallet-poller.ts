import { Injectable } from '@nestjs/common';

/** Reads watched wallets from Hyperliquid's info API into events, transfers and scores (signal.wallet-polls / wallet-poll). */
@Injectable()
export class WalletPoller {
  async pollAll(_tick: number): Promise<{ wallets: number }> {
    throw new Error('WalletPoller.pollAll: scaffold, being written');
  }

  async poll(_walletId: string, _traceId?: string): Promise<{ events: number }> {
    throw new Error('WalletPoller.poll: scaffold, being written');
  }
}
