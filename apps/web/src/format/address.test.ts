import { describe, expect, it } from 'vitest';
import { shortAddress } from './address';

describe('shortAddress', () => {
  it('keeps the first four and last four hex digits of an address', () => {
    expect(shortAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')).toBe('0xf39f…2266');
  });
  it('leaves anything that is not an address as it is', () => {
    expect(shortAddress('alice')).toBe('alice');
  });
});
