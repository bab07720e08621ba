/**
 * An access token that is fetched once and shared until shortly before it expires.
 *
 * Databricks rejects tokens with 30 s or less to live, so a token is refreshed 40 s before expiry, as the
 * SDKs do. Fetches are single-flight: however many requests need a token at once, one fetch is made and
 * all of them wait for it.
 */

import { knownCredentials } from '../credential-redaction.js';

/** What a token endpoint answered. */
export interface FetchedToken {
  readonly accessToken: string;
  /** Lifetime from now, in seconds. */
  readonly expiresInSeconds: number;
}

/** How early before expiry a token is replaced. */
export const TOKEN_REFRESH_MARGIN_MS = 40_000;

export class CachedToken {
  #current?: { readonly value: string; readonly expiresAt: number };
  #inFlight?: Promise<string>;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for at least the refresh margin, fetching one if needed. */
  get(): Promise<string> {
    const current = this.#current;
    if (current !== undefined && this.now() < current.expiresAt - TOKEN_REFRESH_MARGIN_MS) {
      return Promise.resolve(current.value);
    }
    this.#inFlight ??= this.fetchToken()
      .then((token) => {
        knownCredentials.add(token.accessToken);
        this.#current = { value: token.accessToken, expiresAt: this.now() + token.expiresInSeconds * 1000 };
        return token.accessToken;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /** Drops the cached token; the next `get` fetches a new one. */
  invalidate(): void {
    this.#current = undefined;
  }
}
