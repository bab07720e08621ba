/** SCIM `Me`: who the credentials act as. The workspace reconciler uses it to probe host and credentials. */
import type { ApiCaller } from './api-caller.js';

export interface CurrentUser {
  readonly id: string;
  readonly userName?: string;
  readonly displayName?: string;
  readonly active?: boolean;
  readonly emails?: readonly { readonly value?: string; readonly primary?: boolean }[];
  readonly groups?: readonly { readonly value?: string; readonly display?: string }[];
  readonly [field: string]: unknown;
}

export class CurrentUserApi {
  constructor(private readonly api: ApiCaller) {}

  /** GET `/api/2.0/preview/scim/v2/Me`; `retryBudgetMs` bounds its retries (a probe should not wait minutes). */
  me(options: { readonly retryBudgetMs?: number } = {}): Promise<CurrentUser> {
    return this.api.call({
      method: 'GET',
      path: '/api/2.0/preview/scim/v2/Me',
      endpoint: 'scim/me',
      ...options,
    });
  }
}
