import { Inject, Injectable } from '@nestjs/common';
import { Env } from '@conduit/config';
import type { Clock } from '@conduit/domain';
import { CLOCK, ENV } from '@conduit/runtime';
import { HyperliquidWalletReader, realSleep, Sleep, WeightBudget } from '@conduit/venue';

export const HL_MAINNET_API = 'https://api.hyperliquid.xyz';
export const HL_TESTNET_API = 'https://api.hyperliquid-testnet.xyz';

/** The info API the wallets are read from: HYPERLIQUID_API_URL, else the network's public endpoint. */
export function walletInfoUrl(env: Pick<Env, 'HYPERLIQUID_API_URL' | 'HYPERLIQUID_NETWORK'>): string {
  return env.HYPERLIQUID_API_URL ?? (env.HYPERLIQUID_NETWORK === 'mainnet' ? HL_MAINNET_API : HL_TESTNET_API);
}

/**
 * Waits until `clock` has moved `ms` forward, looking every `sliceMs` of real time: with the system clock a plain
 * sleep, with a test's clock it lasts until the test moves it. The weight budget and the 429 backoff both wait on it,
 * so the budget's minute is the clock's minute.
 */
export function clockSleep(clock: Pick<Clock, 'now'>, sliceMs = 100): Sleep {
  return async (ms) => {
    const until = clock.now().getTime() + ms;
    for (let left = ms; left > 0; left = until - clock.now().getTime()) await realSleep(Math.min(sliceMs, left));
  };
}

/**
 * The process's one reader of Hyperliquid's /info for watched wallets, and its one weight budget
 * (HYPERLIQUID_INFO_WEIGHT_PER_MIN per minute of CLOCK): every wallet poll of this process takes its request weight
 * from it, so concurrent polls stay inside the IP's limit together.
 */
@Injectable()
export class WalletInfo {
  readonly budget: WeightBudget;
  readonly reader: HyperliquidWalletReader;

  constructor(@Inject(ENV) env: Env, @Inject(CLOCK) clock: Clock) {
    const sleep = clockSleep(clock);
    this.budget = new WeightBudget({ capacity: env.HYPERLIQUID_INFO_WEIGHT_PER_MIN, clock, sleep });
    this.reader = new HyperliquidWalletReader({
      apiUrl: walletInfoUrl(env),
      budget: this.budget,
      sleep,
      timeoutMs: env.HYPERLIQUID_TIMEOUT_MS,
    });
  }
}
