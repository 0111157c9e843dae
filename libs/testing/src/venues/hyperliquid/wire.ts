/** Hyperliquid's wire formats as the local server reads and writes them: numbers as strings, addresses, request bodies. */
import Decimal from 'decimal.js';
import { D, DeserializeError, ExchangeRequest } from './types';

/** Hyperliquid's number style: plain decimal, no exponent, trailing zeros trimmed, integers as "123.0". */
export function wire(value: Decimal, decimals?: number): string {
  const rounded = decimals === undefined ? value : value.toDecimalPlaces(decimals);
  if (rounded.isZero()) return '0.0';
  const text = rounded.toFixed();
  return text.includes('.') ? text : `${text}.0`;
}

/** Unsigned decimal strings only (prices, sizes and amounts are strings on the wire); null when not one. */
export function parseDecimal(value: unknown): Decimal | null {
  return typeof value === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(value) ? new D(value) : null;
}

export function parseAddress(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new DeserializeError(`invalid \`${field}\`: expected a 20-byte hex address`);
  return value.toLowerCase();
}

/** The envelope of a POST /exchange body; `accepts` tells which action types the server runs. */
export function parseExchangeRequest(body: any, accepts: (type: string) => boolean): ExchangeRequest {
  const action = body?.action;
  if (typeof action !== 'object' || action === null || typeof action.type !== 'string')
    throw new DeserializeError('missing field `action`');
  if (!accepts(action.type)) throw new DeserializeError(`unknown variant \`${action.type}\` (not simulated)`);
  if (!Number.isSafeInteger(body.nonce) || body.nonce < 0) throw new DeserializeError('invalid `nonce`: expected an unsigned integer');
  if (body.signature === undefined) throw new DeserializeError('missing field `signature`');
  if (body.expiresAfter != null && !Number.isSafeInteger(body.expiresAfter)) throw new DeserializeError('invalid `expiresAfter`');
  return {
    action,
    nonce: body.nonce,
    signature: body.signature,
    vaultAddress: body.vaultAddress ?? undefined,
    expiresAfter: body.expiresAfter ?? undefined,
  };
}

export function asArray(value: unknown, field: string): any[] {
  if (!Array.isArray(value)) throw new DeserializeError(`invalid \`${field}\`: expected a sequence`);
  return value;
}

export const DEFAULT_OK = { status: 'ok', response: { type: 'default' } } as const;

export function errResponse(message: string) {
  return { status: 'err', response: message };
}

export function lower(address: string): string {
  return address.toLowerCase();
}
