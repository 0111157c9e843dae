/**
 * Where time comes from. Services read "now" through a Clock (injected as CLOCK by the runtime module), never from
 * `new Date()` or SQL `now()` in a decision, so tests set the time instead of racing the wall clock.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock: what every service uses outside tests. */
export const systemClock: Clock = { now: () => new Date() };
