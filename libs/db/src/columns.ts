import { Column, ColumnOptions } from 'typeorm';
import { toMoney } from '@conduit/domain';

/**
 * DECIMAL(20,8) as text end to end: pg returns NUMERIC as a string, and anything written is
 * normalised through decimal.js to 8 places. No JS float ever holds a price, size, PnL or fee.
 */
export const moneyTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? value : toMoney(value as string)),
  from: (value: string | null) => value,
};

export function MoneyColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'decimal', precision: 20, scale: 8, transformer: moneyTransformer, nullable: true, ...options });
}
