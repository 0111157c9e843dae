/**
 * Waits for a condition a test can observe (a count, a state, a row, a recorded event): polls `check` until it returns
 * a truthy value and resolves with that value. Past `timeoutMs` it fails naming `what` and the last value seen, so
 * a test never hangs on something that does not happen and never synchronises on a fixed sleep.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, everyMs = 20 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last seen: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
