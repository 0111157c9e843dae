import { aggregateEvidence } from '../signal-generation';
import { signalGate, walletEvidence, walletView, WalletSignalEvent } from './wallet-signal';

const NOW = new Date('2026-06-15T08:00:00.000Z');
const ev = (eventId: string, walletId: string, credibility: string, sizeFraction: string | null, biasImpact: string, agoMs = 0) =>
  ({ eventId, walletId, credibility, sizeFraction, biasImpact, time: new Date(NOW.getTime() - agoMs) }) satisfies WalletSignalEvent;

describe('walletView: an agent’s bias over its followed wallets', () => {
  it('crosses with one credible wallet: value, components, strength by hand', () => {
    // w = 0.8 × 0.5 × 1 = 0.4; value 0.6; one credible voice agreeing: 1 / (1 + 2) = 0.33; strength 0.6 × 1.33 / 2
    const v = walletView('ETH', 'ETH', [ev('e1', 'A', '8.0', '0.5', '0.6')], NOW, '4h', '0.3');
    expect(v).toEqual({
      token: 'ETH',
      asset: 'ETH',
      timeframe: '4h',
      value: '0.600',
      confidence: '0.33',
      components: { A: '1.0000' },
      threshold: '0.300',
      side: 'LONG',
      strength: 0.399,
      wallets: ['A'],
      signalWallet: 'A',
      events: ['e1'],
    });
  });

  it('weighs a contrary, less credible wallet; names the largest share first; a higher threshold holds', () => {
    // A: 0.8 × 0.5 = 0.4 at +0.6; B: 0.5 × 0.2 = 0.1 at −0.5 → (0.24 − 0.05) / 0.5 = 0.38; B (5 < 6) is no credible voice
    const events = [ev('b1', 'B', '5.0', '0.2', '-0.5'), ev('a1', 'A', '8.0', '0.5', '0.6')];
    const v = walletView('BTC', 'BTC', events, NOW, '4h', '0.3');
    expect(v).toMatchObject({ value: '0.380', confidence: '0.33', components: { A: '0.8000', B: '0.2000' }, side: 'LONG' });
    expect(v.strength).toBe(0.2527);
    expect(v.wallets).toEqual(['A', 'B']);
    expect(v.signalWallet).toBe('A');
    expect(v.events).toEqual(['a1', 'b1']);
    expect(walletView('BTC', 'BTC', events, NOW, '4h', '0.381')).toMatchObject({ side: null, strength: 0 });
    expect(walletView('BTC', 'BTC', events, NOW, '4h', '0.38')).toMatchObject({ side: 'LONG' });
  });

  it('names the largest wallet on the bias side, not a larger one pulling the other way', () => {
    // A: 0.4 at +0.1 (pull +0.04); B: 0.8 × 0.25 = 0.2 at −0.9 (pull −0.18) → −0.14 / 0.6 = −0.233
    const events = [ev('a1', 'A', '8.0', '0.5', '0.1'), ev('b1', 'B', '8.0', '0.25', '-0.9')];
    const v = walletView('ETH', 'ETH', events, NOW, '4h', '0.2');
    expect(v).toMatchObject({ value: '-0.233', side: 'SHORT', components: { A: '0.6667', B: '0.3333' }, wallets: ['A', 'B'] });
    expect(v.signalWallet).toBe('B');
  });

  it('reads a negative bias as SHORT and leaves out events that carry no weight', () => {
    const events = [
      ev('s1', 'A', '7.0', null, '-0.9'), // unknown size counts 0.05
      ev('zero-cred', 'B', '0.0', '0.5', '0.9'),
      ev('zero-size', 'C', '9.0', '0', '0.9'),
      ev('future', 'D', '9.0', '0.5', '0.9', -60_000),
    ];
    const v = walletView('kPEPE', 'kPEPE', events, NOW, '4h', '0.5');
    expect(v).toMatchObject({ value: '-0.900', side: 'SHORT', wallets: ['A'], signalWallet: 'A', events: ['s1'] });
    expect(v.components).toEqual({ A: '1.0000', B: '0.0000', C: '0.0000' });
  });

  it('has no side and no wallets without events', () => {
    expect(walletView('ETH', 'ETH', [], NOW, '4h', '0.3')).toMatchObject({ value: '0.000', side: null, wallets: [], signalWallet: null });
  });
});

describe('wallet evidence and the signal gate', () => {
  const crossing = walletView('ETH', 'ETH', [ev('e1', 'A', '8.0', '0.5', '0.6')], NOW, '4h', '0.3');

  it('is evidence only when the bias crosses', () => {
    expect(walletEvidence(crossing, 1)).toEqual({
      kind: 'wallet',
      sourceId: 'ETH@4h',
      token: 'ETH',
      side: 'LONG',
      confidence: 0.399,
      quality: 1,
      weight: 1,
    });
    expect(walletEvidence(walletView('ETH', 'ETH', [ev('e1', 'A', '8.0', '0.5', '0.2')], NOW, '4h', '0.3'), 1)).toBeNull();
  });

  it('opens the wallet gate below the confidence threshold when nothing contrary outweighs it', () => {
    const [alone] = aggregateEvidence([walletEvidence(crossing, 1)!]);
    expect(alone).toMatchObject({ side: 'LONG', confidence: 0.399 });
    expect(signalGate(alone, alone.confidence, 0.6)).toEqual({ emit: true, gate: 'wallet' });

    // a weaker contrary post lowers the confidence but keeps the side: still emitted
    const post = { kind: 'ct_post' as const, sourceId: 't1', token: 'ETH', side: 'SHORT' as const, quality: 1, weight: 1 };
    const [weaker] = aggregateEvidence([walletEvidence(crossing, 1)!, { ...post, confidence: 0.2 }]);
    expect(weaker).toMatchObject({ side: 'LONG', confidence: 0.199 });
    expect(signalGate(weaker, weaker.confidence, 0.6)).toEqual({ emit: true, gate: 'wallet' });

    // a stronger contrary post takes the side: the usual threshold applies to it
    const [stronger] = aggregateEvidence([walletEvidence(crossing, 1)!, { ...post, confidence: 0.9 }]);
    expect(stronger).toMatchObject({ side: 'SHORT', confidence: 0.501 });
    expect(signalGate(stronger, stronger.confidence, 0.6)).toEqual({ emit: false, gate: 'confidence' });
    expect(signalGate(stronger, stronger.confidence, 0.5)).toEqual({ emit: true, gate: 'confidence' });
  });
});
