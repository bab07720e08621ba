import type { Route } from './api.js';

/** A route matched against a request, with the parameters its pattern captured. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

interface PatternRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

const noParams: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Finds the route for a method and path. Literal paths (almost all of the API) are one map lookup, so
 * the request path stays O(1); patterns with `:name` segments are tried in registration order after that.
 */
export class Router {
  private readonly literal = new Map<string, Route>();
  private readonly patterns: PatternRoute[] = [];

  add(route: Route): void {
    if (!route.path.includes('/:')) {
      const key = `${route.method} ${route.path}`;
      if (this.literal.has(key))
        throw new Error(`Two fake routes claim ${key}: each path must belong to one service.`);
      this.literal.set(key, route);
      return;
    }
    this.patterns.push({ route, segments: route.path.split('/') });
  }

  addAll(routes: Iterable<Route>): void {
    for (const route of routes) this.add(route);
  }

  match(method: string, path: string): RouteMatch | undefined {
    const route = this.literal.get(`${method} ${path}`);
    if (route) return { route, params: noParams };
    if (this.patterns.length === 0) return undefined;
    const segments = path.split('/');
    for (const pattern of this.patterns) {
      if (pattern.route.method !== method) continue;
      const params = matchSegments(pattern.segments, segments);
      if (params) return { route: pattern.route, params };
    }
    return undefined;
  }
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    const got = actual[i];
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      params[want.slice(1)] = decodeURIComponent(got);
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
