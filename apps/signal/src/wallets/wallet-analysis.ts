import { Injectable } from '@nestjs/common';

/** Analyses each wallet event once: the LLM when configured, the rules otherwise (signal.wallet-analyse). */
@Injectable()
export class WalletAnalysis {
  async analyse(_eventId: string, _traceId?: string): Promise<{ analyser: string }> {
    throw new Error('WalletAnalysis.analyse: scaffold, being written');
  }
}
