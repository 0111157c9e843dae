/**
 * Defines the value exports `names` of a module on a barrel's `exports`, requiring the module on the first read: a
 * barrel re-exports a heavy SDK's adapter without every service that imports the barrel loading the SDK at boot
 * (libs/venue's live adapters, libs/signals' OpenAI client).
 */
export function exportOnFirstUse<M extends object>(target: object, load: () => M, names: { [K in keyof M]: true }): void {
  for (const name of Object.keys(names) as (keyof M & string)[]) {
    Object.defineProperty(target, name, { enumerable: true, configurable: true, get: () => load()[name] });
  }
}
