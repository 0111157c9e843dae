import { applyDecorators, BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Matches, registerDecorator, ValidateIf, ValidationArguments, ValidationOptions } from 'class-validator';
import { isAddress } from 'ethers';
import { SIDES, TOKEN_SYMBOL } from '@conduit/domain';

/** Wallet addresses: 20 bytes of hex, stored lower-case; a mixed-case one must carry a valid EIP-55 checksum. */
export const WALLET = /^0x[0-9a-f]{40}$/;
export const normaliseWallet = (v: unknown) => (typeof v === 'string' && isAddress(v) ? v.toLowerCase() : v);

// The composed field rules below list their decorators bottom up, the order stacked decorators apply in, so the
// messages of a field come in the same order as when they were written out on each DTO.

/** A wallet address field, stored lower-case; the message names the field and the format. */
export const WalletField = (field: string): PropertyDecorator =>
  applyDecorators(
    Matches(WALLET, { message: `${field} must be a wallet address (0x + 40 hex digits, EIP-55 checksummed if mixed case)` }),
    IsString(),
    Transform(({ value }) => normaliseWallet(value)),
  );

/** A token symbol field (token_symbol). */
export const TokenSymbol = (): PropertyDecorator =>
  applyDecorators(Matches(TOKEN_SYMBOL, { message: 'token_symbol must be 1-20 letters or digits' }), IsString());

/** A side field, any case (side). */
export const Side = (): PropertyDecorator =>
  applyDecorators(
    IsIn(SIDES, { message: `side must be one of ${SIDES.join(', ')}` }),
    Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value)),
  );

/**
 * Field-level rule from a pure function returning the problems (empty when valid); messages name the field.
 * The check also gets the whole object, for a rule that depends on another field.
 */
export function Satisfies(
  check: (value: unknown, field: string, object: Record<string, unknown>) => string[],
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          check(value, args.property, args.object as Record<string, unknown>).length === 0,
        defaultMessage: (args: ValidationArguments) => check(args.value, args.property, args.object as Record<string, unknown>).join('; '),
      },
    });
}

/**
 * An optional field: left out (undefined), its rules are skipped. Unlike @IsOptional(), a null is checked like any
 * other value, so `"confidence": null` is refused naming the field instead of slipping through as a stored null.
 */
export const Optional = (options?: ValidationOptions): PropertyDecorator =>
  ValidateIf((_: object, value: unknown) => value !== undefined, options);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Text matching the ISO-8601 pattern that also names a real instant Postgres accepts: a real calendar day (no
 * 30 February), year 1 or later, a time Date can read (no 25:00, no "T::") and a UTC offset within ±14:00.
 */
export function isRealIsoTime(value: unknown, pattern: RegExp): boolean {
  if (typeof value !== 'string' || !pattern.test(value) || !Number.isFinite(Date.parse(value))) return false;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return false;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value.slice(10));
  return !offset || Number(offset[2]) * 60 + Number(offset[3]) <= 14 * 60;
}

/** A date (YYYY-MM-DD) or a timestamp with its offset: the form of the time filters (from, to). */
export const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 date or timestamp (the pattern) of a real instant; the message names the field. */
export const IsoTime = (pattern: RegExp, message: string): PropertyDecorator =>
  Satisfies((v) => (isRealIsoTime(v, pattern) ? [] : [message]));

/** Query integers: only plain decimal digits convert ('1e2', '0x10', '' and a repeated parameter do not). */
export const toInteger = ({ value }: { value: unknown }) =>
  value === undefined ? value : typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? Number(value) : NaN;

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    // Nested fields are named by their full path (posts.0.tweet_id), top-level ones by their name.
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.includes(path) ? m : m.startsWith(e.property) ? `${parent ? `${parent}.` : ''}${m}` : `${path}: ${m}`,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Unknown fields rejected, types converted, 400 with one message per bad field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', message: flatten(errors), fields: errors.map((e) => e.property) }),
  });
}

/** Path parameter that must be a UUID; the 400 names the parameter. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [`${name} must be a UUID`], fields: [name] }),
  });

/** `from`: an ISO-8601 date (UTC midnight) or timestamp, inclusive. */
export const From = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'ISO-8601 date (UTC midnight) or timestamp, inclusive', example: '2026-06-01' }),
    Optional(),
    IsString(),
    IsoTime(DATE_OR_TIME, 'from must be an ISO-8601 date or timestamp'),
  );

/** `to`: like `from`, exclusive, and after `from` when both are given. */
export const To = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'ISO-8601 date (UTC midnight) or timestamp, exclusive', example: '2026-06-02T00:00:00Z' }),
    Optional(),
    IsString(),
    IsoTime(DATE_OR_TIME, 'to must be an ISO-8601 date or timestamp'),
    Satisfies((to, _field, o) =>
      typeof o.from === 'string' &&
      isRealIsoTime(o.from, DATE_OR_TIME) &&
      isRealIsoTime(to, DATE_OR_TIME) &&
      Date.parse(to as string) <= Date.parse(o.from)
        ? ['to must be after from']
        : [],
    ),
  );
