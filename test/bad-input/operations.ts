import { Operation } from './fixtures';
import { AGENTS_OPERATIONS } from './operations-agents';
import { OPERATORS_OPERATIONS } from './operations-operators';
import { OVERSIGHT_OPERATIONS } from './operations-oversight';
import { TRADING_OPERATIONS } from './operations-trading';

/** Every operation of the OpenAPI document, by method and path (in this order the battery runs them). */
export const OPERATIONS: Record<string, Operation> = {
  ...AGENTS_OPERATIONS,
  ...TRADING_OPERATIONS,
  ...OVERSIGHT_OPERATIONS,
  ...OPERATORS_OPERATIONS,
};
