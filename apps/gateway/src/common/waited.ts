import type { Response } from 'express';

/** The answer of an endpoint that waits (up to GATEWAY_WAIT_MS) for the outcome of what it started. */
export interface Waited<T> {
  /** The outcome arrived in time; otherwise the answer is what there is so far. */
  complete: boolean;
  answer: T;
}

/** The endpoint's status when the outcome arrived in time, else 202 (still running); answers the body. */
export function respond<T>(res: Response, { complete, answer }: Waited<T>, status: number): T {
  res.status(complete ? status : 202);
  return answer;
}
