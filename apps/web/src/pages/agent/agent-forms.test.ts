import { describe, expect, it } from 'vitest';
import { deployBody, venueList } from './agent-forms';

const AGENT = '7d3f1c2a-0000-4000-8000-000000000001';
const WALLET = '0x2222222222222222222222222222222222222222';

describe('deployBody', () => {
  it('sends the agent, the wallet and the mode, and no policy without a max leverage', () => {
    expect(deployBody(AGENT, WALLET, 'paper', '  ')).toEqual({
      body: { agent_id: AGENT, user_wallet: WALLET, trading_mode: 'paper' },
      errors: {},
    });
  });

  it('puts a max leverage in the policy as a whole number', () => {
    expect(deployBody(AGENT, WALLET, 'live', ' 5 ').body).toEqual({
      agent_id: AGENT,
      user_wallet: WALLET,
      trading_mode: 'live',
      policy: { max_leverage: 5 },
    });
  });

  it('refuses a leverage that is not a whole number at its field, before any request', () => {
    for (const bad of ['2.5', 'ten', '-3', '1e2'])
      expect(deployBody(AGENT, WALLET, 'paper', bad)).toEqual({
        body: null,
        errors: { max_leverage: ['max_leverage must be a whole number'] },
      });
  });
});

describe('venueList', () => {
  it('reads the venues in order, upper case, whatever separates them', () => {
    expect(venueList(' ostium,  Hyperliquid GMX,')).toEqual(['OSTIUM', 'HYPERLIQUID', 'GMX']);
    expect(venueList('')).toEqual([]);
  });
});
