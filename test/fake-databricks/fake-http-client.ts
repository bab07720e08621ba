import type { FakeWorkspace } from './fake-workspace.js';

/** An HTTP answer as a test sees it. */
export interface HttpAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response JSON
  readonly body: any;
  readonly headers: Headers;
}

/**
 * A minimal HTTP client for the fake's own tests: GET fields go in the query string, other methods
 * send them as a JSON body, with the workspace's PAT unless `token` says otherwise (`null`: no header).
 */
export class FakeHttpClient {
  constructor(
    private readonly workspace: FakeWorkspace,
    private readonly token: string | null = workspace.token,
  ) {}

  async call(method: string, path: string, fields?: Record<string, unknown>): Promise<HttpAnswer> {
    let url = `${this.workspace.url}${path}`;
    let body: string | undefined;
    if (method === 'GET' && fields) {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) query.set(k, String(v));
      url += `?${query.toString()}`;
    } else if (fields) {
      body = JSON.stringify(fields);
    }
    const response = await fetch(url, {
      method,
      headers: {
        ...(this.token === null ? {} : { Authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
  }

  /** Calls and insists on 200, returning the body. */
  async ok(method: string, path: string, fields?: Record<string, unknown>) {
    const answer = await this.call(method, path, fields);
    if (answer.status !== 200) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body;
  }
}
