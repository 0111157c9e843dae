import {
  BILL_LIFECYCLE,
  canMove,
  isFinal,
  Lifecycle,
  movesInto,
  ORDER_LIFECYCLE,
  OUTCOME_LIFECYCLE,
  POSITION_LIFECYCLE,
  SIGNAL_LIFECYCLE,
} from './lifecycle';

const ALL: Lifecycle<string>[] = [SIGNAL_LIFECYCLE, OUTCOME_LIFECYCLE, POSITION_LIFECYCLE, BILL_LIFECYCLE, ORDER_LIFECYCLE];

describe.each(ALL.map((l) => [l.name, l] as const))('the %s lifecycle', (_name, l) => {
  const statuses = Object.keys(l.moves);

  it('creates rows only in its own statuses and reaches every status from them', () => {
    for (const s of l.initial) expect(statuses).toContain(s);
    const seen = new Set<string>(l.initial);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of [...seen]) for (const t of l.moves[s]) if (!seen.has(t)) grew = !!seen.add(t);
    }
    expect([...seen].sort()).toEqual([...statuses].sort());
  });

  it('moves only between its statuses, never to where it is, and never out of a final status', () => {
    for (const from of statuses) {
      for (const to of l.moves[from]) {
        expect(statuses).toContain(to);
        expect(to).not.toBe(from);
        expect(canMove(l, from, to)).toBe(true);
        expect(movesInto(l, to)).toContain(from);
      }
      if (isFinal(l, from)) expect(l.moves[from]).toEqual([]);
    }
  });

  it('has no cycle but its listed reopens: every path that takes none ends in a final status', () => {
    for (const [from, to] of l.reopens) expect(canMove(l, from, to)).toBe(true);
    const reopens = (from: string, to: string) => l.reopens.some(([f, t]) => f === from && t === to);
    const visit = (s: string, path: string[]): void => {
      expect(path).not.toContain(s);
      for (const t of l.moves[s]) if (!reopens(s, t)) visit(t, [...path, s]);
    };
    for (const s of l.initial) visit(s, []);
  });
});

describe('the moves the pipeline relies on', () => {
  it('a signal is routed or skipped only while PENDING, settles only once ROUTED, and fails from either', () => {
    expect(movesInto(SIGNAL_LIFECYCLE, 'ROUTED')).toEqual(['PENDING']);
    expect(movesInto(SIGNAL_LIFECYCLE, 'SKIPPED')).toEqual(['PENDING']);
    expect(movesInto(SIGNAL_LIFECYCLE, 'EXECUTED')).toEqual(['ROUTED']);
    expect(movesInto(SIGNAL_LIFECYCLE, 'FAILED').sort()).toEqual(['PENDING', 'ROUTED']);
  });

  it('an outcome ends once, from PENDING only', () => {
    for (const end of ['OPENED', 'SKIPPED', 'FAILED'] as const) expect(movesInto(OUTCOME_LIFECYCLE, end)).toEqual(['PENDING']);
  });

  it('a position closes only when OPEN, and an awaited fill opens or fails it', () => {
    expect(movesInto(POSITION_LIFECYCLE, 'CLOSED')).toEqual(['OPEN']);
    expect(movesInto(POSITION_LIFECYCLE, 'OPEN')).toEqual(['PENDING']);
    expect(movesInto(POSITION_LIFECYCLE, 'FAILED')).toEqual(['PENDING']);
    expect(canMove(POSITION_LIFECYCLE, 'CLOSED', 'OPEN')).toBe(false);
  });

  it('a bill is collected or failed from PENDING only', () => {
    expect(movesInto(BILL_LIFECYCLE, 'COLLECTED')).toEqual(['PENDING']);
    expect(movesInto(BILL_LIFECYCLE, 'FAILED')).toEqual(['PENDING']);
    expect(movesInto(BILL_LIFECYCLE, 'PENDING')).toEqual(['FAILED']); // a retry, the only way back
    expect(canMove(BILL_LIFECYCLE, 'COLLECTED', 'PENDING')).toBe(false);
  });
});
