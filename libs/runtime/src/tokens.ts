/** Injection token of the validated environment (an Env). */
export const ENV = Symbol('ENV');
/** Injection token of the service's name (gateway, signal, policy, ...). */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
/** Injection token of the Clock every decision reads the time from (systemClock; tests give their own). */
export const CLOCK = Symbol('CLOCK');
