import type { BillingEventV3, PositionV3, SignalV3 } from './entities/v3';
import type { SignalOutcome, VenueOrder } from './entities/shared';

/** camelCase → snake_case, as the naming strategy maps entity properties to columns. */
type Snake<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}`
  : S;

/**
 * A row as SQL answers it (snake_case columns), typed from the entity that mirrors its table: the entities are the
 * schema's typed mirror (test/schema.spec.ts holds them to the migrations), and rows derive from them, so a column's
 * type is written once. DECIMAL columns are strings, never numbers.
 */
export type Row<E> = { [K in keyof E as K extends string ? Snake<K> : never]: E[K] };

export type SignalRow = Row<SignalV3>;
export type PositionRow = Row<PositionV3>;
export type OutcomeRow = Row<SignalOutcome>;
export type OrderRow = Row<VenueOrder>;
export type BillRow = Row<BillingEventV3>;
