import { BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isAddress } from 'ethers';

/** Wallet addresses: 20 bytes of hex, stored lower-case; a mixed-case one must carry a valid EIP-55 checksum. */
export const WALLET = /^0x[0-9a-f]{40}$/;
export const normaliseWallet = (v: unknown) => (typeof v === 'string' && isAddress(v) ? v.toLowerCase() : v);

/** Field-level rule from a pure function returning the problems (empty when valid); messages name the field. */
export function Satisfies(check: (value: unknown, field: string) => string[], options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => check(value, args.property).length === 0,
        defaultMessage: (args: ValidationArguments) => check(args.value, args.property).join('; '),
      },
    });
}

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
  new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [`${name} must be a UUID`], fields: [name] }) });
