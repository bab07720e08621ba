import {
  ApiError,
  ManualClock,
  SerializedJson,
  defaultTiming,
  type Clock,
  type FakeContext,
  type FakeResponseBody,
  type FakeService,
  type Route,
  type Timing,
} from './api.js';

/** What a call through the route table produced: the 200 body, or the error the API would answer. */
export type RouteCallResult =
  | { readonly status: 200; readonly body: FakeResponseBody }
  | { readonly status: number; readonly body: { error_code: string | number; message: string } };

/**
 * Calls a service's handlers through its own route table, without HTTP, the way the server dispatches:
 * the path pattern is matched (`:name` segments captured), GET parameters go in the query string and
 * other parameters in the JSON body. Unit tests use it with a `ManualClock` to stay fast and exact.
 */
export class RouteTableClient {
  constructor(
    private readonly service: FakeService,
    private readonly principal = 'tester@example.com',
  ) {}

  /** Call and return the status and body; `ApiError`s become their error bodies. */
  async call(
    method: Route['method'],
    path: string,
    params: Record<string, unknown> = {},
    principal = this.principal,
  ): Promise<RouteCallResult> {
    const [route, captured] = this.match(method, path);
    const query = new URLSearchParams();
    if (method === 'GET') {
      for (const [name, value] of Object.entries(params)) {
        if (value !== undefined) query.set(name, String(value));
      }
    }
    try {
      const body = await route.handler({
        method,
        path,
        params: captured,
        query,
        body: method === 'GET' ? {} : structuredClone(params),
        headers: {},
        principal,
      });
      // Round-trip through JSON so tests see exactly what the wire would carry.
      const json = body instanceof SerializedJson ? body.json : JSON.stringify(body);
      return { status: 200, body: JSON.parse(json) as FakeResponseBody };
    } catch (error) {
      if (error instanceof ApiError) {
        return { status: error.status, body: { error_code: error.errorCode, message: error.message } };
      }
      throw error;
    }
  }

  /** Call and return the body, failing the test with the API error if the call did not succeed. */
  async ok(
    method: Route['method'],
    path: string,
    params: Record<string, unknown> = {},
  ): Promise<FakeResponseBody> {
    const result = await this.call(method, path, params);
    if (result.status !== 200) {
      throw new Error(`${method} ${path} failed with ${result.status}: ${JSON.stringify(result.body)}`);
    }
    return result.body;
  }

  private match(method: Route['method'], path: string): [Route, Record<string, string>] {
    const segments = path.split('/');
    for (const route of this.service.routes()) {
      if (route.method !== method) continue;
      const pattern = route.path.split('/');
      if (pattern.length !== segments.length) continue;
      const captured: Record<string, string> = {};
      const matches = pattern.every((part, i) => {
        if (part.startsWith(':')) {
          captured[part.slice(1)] = decodeURIComponent(segments[i]);
          return true;
        }
        return part === segments[i];
      });
      if (matches) return [route, captured];
    }
    throw new Error(`${this.service.name} serves no route for ${method} ${path}`);
  }
}

/** The context a service gets in a route-table test: a hand-moved clock and a fixed identity. */
export function routeTableContext(
  clock: Clock = new ManualClock(),
  timing: Timing = defaultTiming,
): FakeContext {
  return {
    clock,
    timing,
    baseUrl: () => 'http://127.0.0.1:1',
    workspaceId: '1234567890',
    userName: 'tester@example.com',
  };
}
