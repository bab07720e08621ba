import type { ApiRequest } from './http-transport.js';

/** What an API module needs from the transport: make one call, get its JSON back or a typed error. */
export interface ApiCaller {
  call<T>(request: ApiRequest): Promise<T>;
}
