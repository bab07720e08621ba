import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `check` until it returns a value other than undefined, and returns that value. Throws,
 * naming `description` and the last error `check` threw, once `timeoutMs` has passed.
 */
export async function pollUntil<T>(
  description: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : `; last error: ${String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${description}${cause}`);
    }
    await delay(intervalMs);
  }
}
