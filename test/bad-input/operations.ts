import { Operation } from './fixtures';
import { AGENTS_OPERATIONS } from './operations-agents';
import { OPERATORS_OPERATIONS } from './operations-operators';
import { OVERSIGHT_OPERATIONS } from './operations-oversight';
import { TRADING_OPERATIONS } from './operations-trading';

/** An operator's own notifications take the wallet's bodies and queries, sent with the test admin's session. */
const asOperator = (walletKey: string): Operation => ({ ...OVERSIGHT_OPERATIONS[walletKey], who: 'admin' });

/** Every operation of the OpenAPI document, by method and path (in this order the battery runs them). */
export const OPERATIONS: Record<string, Operation> = {
  ...AGENTS_OPERATIONS,
  ...TRADING_OPERATIONS,
  ...OVERSIGHT_OPERATIONS,
  ...OPERATORS_OPERATIONS,
  'GET /api/v3/operators/me/notifications/settings': asOperator('GET /api/v3/notifications/settings'),
  'PUT /api/v3/operators/me/notifications/settings': asOperator('PUT /api/v3/notifications/settings'),
  'GET /api/v3/operators/me/notifications': asOperator('GET /api/v3/notifications'),
};
