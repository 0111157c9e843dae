import { checkExit, MonitoredPosition } from './exits';
import { riskLevels } from './trading';

const T0 = new Date('2026-11-22T00:00:00Z');
const long = (over: Partial<MonitoredPosition> = {}): MonitoredPosition => ({
  side: 'LONG',
  entryPrice: '100',
  stopLoss: null,
  takeProfit: null,
  trailing: null,
  openedAt: T0,
  ...over,
});

describe('checkExit', () => {
  it('stops a long at or below its stop and takes profit at or above its target; a short mirrors it', () => {
    const p = long({ stopLoss: '95', takeProfit: '110' });
    expect(checkExit(p, '95.01', T0).exit).toBeNull();
    expect(checkExit(p, '95', T0)).toMatchObject({ exit: 'STOP_LOSS', level: '95' });
    expect(checkExit(p, '110', T0)).toMatchObject({ exit: 'TAKE_PROFIT', level: '110' });
    const s = long({ side: 'SHORT', stopLoss: '105', takeProfit: '90' });
    expect(checkExit(s, '105', T0).exit).toBe('STOP_LOSS');
    expect(checkExit(s, '89.99', T0).exit).toBe('TAKE_PROFIT');
    expect(checkExit(s, '100', T0).exit).toBeNull();
  });

  it('arms a trailing stop after +3%, trails 1% below the best price, and exits when the mark falls to it', () => {
    // riskLevels writes the initial state: a 1% stop below entry as the hard stop, the trail not armed yet
    const risk = riskLevels('LONG', '100', { type: 'trailing-stop', stop: 0.01, activation: 0.03 });
    let p = long({ stopLoss: risk.stopLoss!.toString(), trailing: risk.trailingParams as any });
    const rise = checkExit(p, '102', T0);
    expect(rise).toMatchObject({ exit: null, trailing: { high_water: '102', armed: false } });
    p = { ...p, trailing: rise.trailing };
    // +4%: armed, best 104 → trail at 102.96
    const armed = checkExit(p, '104', T0);
    expect(armed).toMatchObject({ exit: null, trailing: { high_water: '104', armed: true } });
    p = { ...p, trailing: armed.trailing };
    expect(checkExit(p, '103', T0)).toMatchObject({ exit: null, trailing: null });
    expect(checkExit(p, '102.96', T0)).toMatchObject({ exit: 'TRAILING_STOP', level: '102.96' });
  });

  it('trails a short above its lowest price', () => {
    const risk = riskLevels('SHORT', '100', { type: 'trailing-stop', stop: 0.02 });
    let p = long({ side: 'SHORT', stopLoss: risk.stopLoss!.toString(), trailing: risk.trailingParams as any });
    const down = checkExit(p, '90', T0);
    expect(down.trailing).toMatchObject({ high_water: '90', armed: true });
    p = { ...p, trailing: down.trailing };
    expect(checkExit(p, '91.79', T0).exit).toBeNull();
    expect(checkExit(p, '91.8', T0)).toMatchObject({ exit: 'TRAILING_STOP', level: '91.8' });
  });

  it('keeps the hard stop below an unarmed trail, and closes after the maximum holding time', () => {
    const risk = riskLevels('LONG', '100', { type: 'trailing-stop', stop: 0.01, activation: 0.03 });
    const p = long({ stopLoss: risk.stopLoss!.toString(), trailing: risk.trailingParams as any });
    expect(checkExit(p, '99', T0)).toMatchObject({ exit: 'STOP_LOSS', level: '99' });
    expect(checkExit(p, '100.5', new Date(T0.getTime() + 3_600_000), 3_600_000)).toMatchObject({ exit: 'MAX_HOLDING_TIME' });
    expect(checkExit(p, '100.5', new Date(T0.getTime() + 3_599_999), 3_600_000).exit).toBeNull();
  });
});
