import { riskModelErrors, SignalProposalInput, signalProposalErrors, sizeModelErrors, TOKEN_SYMBOL } from './signal';

const VALID: SignalProposalInput = {
  tokenSymbol: 'ETH',
  side: 'LONG',
  sizeModel: { type: 'percentage', value: 25, leverage: 3 },
  riskModel: { type: 'trailing-stop', stop: 0.03, take_profit: '0.06', activation: 0.01 },
  confidence: 0.8,
};

describe('sizeModelErrors', () => {
  it('accepts valid models', () => {
    expect(sizeModelErrors({ type: 'percentage', value: 100 })).toEqual([]);
    expect(sizeModelErrors({ type: 'percentage', value: '0.5', leverage: 1 })).toEqual([]);
    expect(sizeModelErrors({ type: 'fixed-usd', value: '5000', leverage: 100 })).toEqual([]);
  });

  it.each([null, undefined, 'percentage', 25, []])('rejects the non-object %p', (m) => {
    expect(sizeModelErrors(m)).toEqual(['size_model must be an object']);
  });

  it('names the field it was given', () => {
    expect(sizeModelErrors(null, 'legs[0].size')).toEqual(['legs[0].size must be an object']);
    expect(sizeModelErrors({ type: 'x', value: 1 }, 'sm')).toEqual(['sm.type must be one of percentage, fixed-usd']);
  });

  it('rejects an unknown or missing type', () => {
    expect(sizeModelErrors({ type: 'kelly', value: 1 })).toEqual(['size_model.type must be one of percentage, fixed-usd']);
    expect(sizeModelErrors({ value: 1 })).toEqual(['size_model.type must be one of percentage, fixed-usd']);
  });

  it.each([undefined, 0, -1, '0', '-5', 'abc', '1e3', '.5', '', Infinity, NaN, true])('rejects the value %p', (value) => {
    expect(sizeModelErrors({ type: 'fixed-usd', value })).toEqual(['size_model.value must be a positive number']);
  });

  it('rejects a percentage above 100 but not a fixed USD amount above 100', () => {
    expect(sizeModelErrors({ type: 'percentage', value: '100.5' })).toEqual(['size_model.value must be at most 100 (percent)']);
    expect(sizeModelErrors({ type: 'fixed-usd', value: '100.5' })).toEqual([]);
  });

  it.each([0, 101, 2.5, '5', null, -1])('rejects the leverage %p', (leverage) => {
    expect(sizeModelErrors({ type: 'fixed-usd', value: 10, leverage })).toEqual(['size_model.leverage must be an integer from 1 to 100']);
  });

  it('reports unknown extra fields by name', () => {
    expect(sizeModelErrors({ type: 'fixed-usd', value: 10, foo: 1, bar: 2 })).toEqual(['size_model has unknown field(s): foo, bar']);
  });

  it('reports every problem at once, each naming its field', () => {
    const errors = sizeModelErrors({ type: 'kelly', value: -1, leverage: 0, extra: true });
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('size_model.type');
    expect(errors[1]).toContain('size_model.value');
    expect(errors[2]).toContain('size_model.leverage');
    expect(errors[3]).toContain('extra');
  });
});

describe('riskModelErrors', () => {
  it('accepts valid models', () => {
    expect(riskModelErrors({ type: 'none' })).toEqual([]);
    expect(riskModelErrors({ type: 'fixed', stop: 0.05, take_profit: 99.99 })).toEqual([]);
    expect(riskModelErrors({ type: 'trailing-stop', stop: '0.03', activation: '0.01' })).toEqual([]);
    expect(riskModelErrors({ type: 'fixed', stop: null, take_profit: null, activation: null })).toEqual([]);
  });

  it.each([null, 'fixed', [], 3])('rejects the non-object %p', (m) => {
    expect(riskModelErrors(m)).toEqual(['risk_model must be an object']);
  });

  it('takes price levels on a fixed model only, and only positive ones', () => {
    expect(riskModelErrors({ type: 'fixed', stop_price: '0.30125', take_profit_price: 2100 })).toEqual([]);
    expect(riskModelErrors({ type: 'fixed', stop_price: '0' })).toEqual(['risk_model.stop_price must be a positive price']);
    expect(riskModelErrors({ type: 'fixed', take_profit_price: 'x' })).toEqual(['risk_model.take_profit_price must be a positive price']);
    expect(riskModelErrors({ type: 'trailing-stop', stop: '0.02', stop_price: '10' })).toEqual([
      'risk_model.stop_price is only for a fixed risk model',
    ]);
  });

  it('rejects an unknown type', () => {
    expect(riskModelErrors({ type: 'oco' })).toEqual(['risk_model.type must be one of fixed, trailing-stop, none']);
  });

  it.each([0, 1, 1.5, -0.1, 'abc', '1e-2'])('rejects the stop %p', (stop) => {
    expect(riskModelErrors({ type: 'fixed', stop })).toEqual(['risk_model.stop must be a fraction in (0, 1)']);
  });

  it.each([0, 100, 150, 'x'])('rejects the take profit %p', (take_profit) => {
    expect(riskModelErrors({ type: 'fixed', take_profit })).toEqual(['risk_model.take_profit must be a fraction in (0, 100)']);
  });

  it.each([0, 100, -1])('rejects the activation %p', (activation) => {
    expect(riskModelErrors({ type: 'trailing-stop', stop: 0.02, activation })).toEqual([
      'risk_model.activation must be a fraction in (0, 100)',
    ]);
  });

  it('requires a stop for a trailing stop', () => {
    expect(riskModelErrors({ type: 'trailing-stop' })).toEqual(['risk_model.stop is required for a trailing-stop']);
    expect(riskModelErrors({ type: 'trailing-stop', stop: null })).toEqual(['risk_model.stop is required for a trailing-stop']);
  });

  it('reports unknown extra fields by name', () => {
    expect(riskModelErrors({ type: 'fixed', stop_loss: 0.1 })).toEqual(['risk_model has unknown field(s): stop_loss']);
  });

  it('uses the field name it was given', () => {
    expect(riskModelErrors({ type: 'fixed', stop: 2 }, 'exit')).toEqual(['exit.stop must be a fraction in (0, 1)']);
  });
});

describe('signalProposalErrors', () => {
  it('accepts a valid proposal', () => {
    expect(signalProposalErrors(VALID)).toEqual([]);
  });

  it('accepts a lower-case side and an absent or boundary confidence', () => {
    expect(signalProposalErrors({ ...VALID, side: 'short' })).toEqual([]);
    expect(signalProposalErrors({ ...VALID, confidence: undefined })).toEqual([]);
    expect(signalProposalErrors({ ...VALID, confidence: null })).toEqual([]);
    expect(signalProposalErrors({ ...VALID, confidence: 0 })).toEqual([]);
    expect(signalProposalErrors({ ...VALID, confidence: 1 })).toEqual([]);
  });

  it.each(['', 'ETH-USD', 'E'.repeat(21), 'ET H', 42, null])('rejects the token symbol %p', (tokenSymbol) => {
    expect(signalProposalErrors({ ...VALID, tokenSymbol })).toEqual(['token_symbol must be 1-20 letters or digits']);
  });

  it('accepts token symbols of 1 to 20 letters or digits', () => {
    expect(TOKEN_SYMBOL.test('E'.repeat(20))).toBe(true);
    expect(signalProposalErrors({ ...VALID, tokenSymbol: 'kPEPE1000' })).toEqual([]);
  });

  it.each(['BUY', 'long ', '', 1, null])('rejects the side %p', (side) => {
    expect(signalProposalErrors({ ...VALID, side })).toEqual(['side must be one of LONG, SHORT']);
  });

  it.each([-0.1, 1.01, '0.5', NaN])('rejects the confidence %p', (confidence) => {
    expect(signalProposalErrors({ ...VALID, confidence })).toEqual(['confidence must be a number from 0 to 1']);
  });

  it('includes the size and risk model errors', () => {
    const errors = signalProposalErrors({ ...VALID, sizeModel: { type: 'fixed-usd', value: 0 }, riskModel: { type: 'fixed', stop: 1 } });
    expect(errors).toEqual(['size_model.value must be a positive number', 'risk_model.stop must be a fraction in (0, 1)']);
  });

  it('reports every problem of a fully broken proposal, each message naming its field', () => {
    const errors = signalProposalErrors({
      tokenSymbol: 'not a symbol!',
      side: 'SIDEWAYS',
      sizeModel: { type: 'kelly', value: 'lots', leverage: 1000, note: 'x' },
      riskModel: { type: 'oco', stop: 5, take_profit: -1, activation: 200, why: 'y' },
      confidence: 7,
    });
    expect(errors).toHaveLength(12);
    const fields = [
      'token_symbol',
      'side',
      'size_model.type',
      'size_model.value',
      'size_model.leverage',
      'size_model has unknown field(s): note',
      'risk_model.type',
      'risk_model.stop',
      'risk_model.take_profit',
      'risk_model.activation',
      'risk_model has unknown field(s): why',
      'confidence',
    ];
    fields.forEach((field, i) => expect(errors[i]).toContain(field));
  });
});
