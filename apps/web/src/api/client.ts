import createClient from 'openapi-fetch';
import type { components, operations, paths } from './schema';

/**
 * The one way the dashboard reaches the server: the gateway's REST API, typed by the OpenAPI document
 * (schema.d.ts, written by `npm run api:types`). Same origin: the gateway serves this app at / and the API at /api/v3.
 */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });

export type Schemas = components['schemas'];
export type LeaderboardRow = Schemas['LeaderboardRow'];
export type LeaderboardPoint = Schemas['LeaderboardPoint'];
export type LeaderboardResponse = Schemas['LeaderboardResponse'];
export type LeaderboardParams = NonNullable<operations['LeaderboardController_leaderboard']['parameters']['query']>;
export type LeaderboardSort = NonNullable<LeaderboardParams['sort']>;

/** An answer other than 2xx: its status and the API's messages (a 400 names each field). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(`the API answered ${status}${messages.length ? `: ${messages.join('; ')}` : ''}`);
  }

  static of(response: Response, body: unknown): ApiError {
    const message = (body as { message?: unknown } | undefined)?.message;
    return new ApiError(response.status, Array.isArray(message) ? message.map(String) : message ? [String(message)] : []);
  }
}
