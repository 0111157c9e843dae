import { describe, expect, it } from 'vitest';
import { messagesByField, POLICY_FIELDS, policyFromValues, type PolicyField } from './policy-form';

const EMPTY = Object.fromEntries(POLICY_FIELDS.map((f) => [f.name, ''])) as Record<PolicyField, string>;
const NAMES = POLICY_FIELDS.map((f) => f.name);

describe('policyFromValues', () => {
  it('keeps the fields the form does not offer, drops an emptied limit, and sends money as the decimal string typed', () => {
    const current = { max_leverage: 5, kill_switch: true, cooldown: { after_losses: 3, minutes: 60 } };
    const values = {
      ...EMPTY,
      max_position_pct: '12.50',
      max_daily_loss_usd: '250.10',
      min_confidence: '0.7',
      denied_tokens: 'DOGE, PEPE',
    };
    expect(policyFromValues(values, current)).toEqual({
      policy: {
        kill_switch: true,
        cooldown: { after_losses: 3, minutes: 60 },
        max_position_pct: '12.50',
        max_daily_loss_usd: '250.10',
        min_confidence: 0.7,
        denied_tokens: ['DOGE', 'PEPE'],
      },
      errors: {},
    });
  });

  it('refuses a value that is not a number at its field', () => {
    expect(policyFromValues({ ...EMPTY, max_leverage: 'lots' }, null).errors).toEqual({ max_leverage: ['max_leverage must be a number'] });
  });
});

describe('messagesByField', () => {
  it('puts each message under the field it names, a policy inside another body included, and keeps the others', () => {
    expect(
      messagesByField(
        ['max_leverage must be an integer from 1 to 100', 'policy.min_confidence must be from 0 to 1', 'user_wallet must be yours'],
        NAMES,
      ),
    ).toEqual({
      byField: {
        max_leverage: ['max_leverage must be an integer from 1 to 100'],
        min_confidence: ['policy.min_confidence must be from 0 to 1'],
      },
      rest: ['user_wallet must be yours'],
    });
  });
});
