/**
 * Endpoint patterns as rate limits and faults name them: a comma-separated list of endpoint names
 * (`jobs/create`), prefixes ending in `*` (`dbfs/*`), or `*` for every endpoint.
 */
export function endpointPatternMatches(pattern: string, endpoint: string): boolean {
  for (const part of pattern.split(',')) {
    const p = part.trim();
    if (p === '*' || p === endpoint) return true;
    if (p.endsWith('*') && endpoint.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}
