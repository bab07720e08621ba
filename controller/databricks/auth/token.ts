import type { CredentialsProvider } from './credentials-provider.js';

/** A personal access token (`dapi…`), sent as a Bearer token. */
export class PersonalAccessToken implements CredentialsProvider {
  readonly kind = 'pat';
  readonly #token: string;

  constructor(token: string) {
    if (token.trim() === '') throw new Error('personal access token is empty: set the token in the Secret');
    this.#token = token.trim();
  }

  async authHeaders(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${this.#token}` };
  }

  /** Keeps the token out of `console.log`, JSON logs and error reports. */
  toJSON(): Record<string, string> {
    return { kind: this.kind };
  }
}
