import { Injectable } from '@nestjs/common';

/** The bias per asset and timeframe from analysed events; then the agents following wallets re-read (signal.wallet-bias). */
@Injectable()
export class WalletBias {
  async recompute(_asset?: string | null, _traceId?: string): Promise<{ assets: number }> {
    throw new Error('WalletBias.recompute: scaffold, being written');
  }
}
