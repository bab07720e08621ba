import { knownCredentials } from '../credential-redaction.js';
import { InvalidCredentialError } from '../errors.js';
import type { CredentialsProvider } from './credentials-provider.js';
import { CREDENTIAL_VALUE_ADVICE, credentialValueProblem, trimCredential } from './credential-value.js';

/** A personal access token (`dapi…`), sent as a Bearer token. */
export class PersonalAccessToken implements CredentialsProvider {
  readonly kind = 'pat';
  readonly #token: string;

  /**
   * Throws {@link InvalidCredentialError} for a token that cannot be sent (see credential-value.ts);
   * whitespace around it is dropped.
   */
  constructor(token: string) {
    knownCredentials.add(token);
    const problem = credentialValueProblem(token);
    if (problem === 'is empty') {
      throw new InvalidCredentialError('personal access token is empty: set the token in the Secret');
    }
    if (problem !== undefined) {
      throw new InvalidCredentialError(`the personal access token ${problem}; ${CREDENTIAL_VALUE_ADVICE}`);
    }
    this.#token = trimCredential(token);
  }

  async authHeaders(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${this.#token}` };
  }

  /** Keeps the token out of `console.log`, JSON logs and error reports. */
  toJSON(): Record<string, string> {
    return { kind: this.kind };
  }
}
