import { endpointPatternMatches } from './endpoint-pattern.js';

/**
 * What an injected fault does to a request:
 * - `rate-limit`: 429 `REQUEST_LIMIT_EXCEEDED` with `Retry-After: 1`
 * - `internal-error`: 500 `INTERNAL_ERROR`
 * - `unavailable`: 503 `TEMPORARILY_UNAVAILABLE`
 * - `permission-denied`: 403 `PERMISSION_DENIED`, as for a principal the workspace (or the object)
 *   does not admit; not transient, so clients must not retry it
 * - `reset`: the connection is destroyed without an answer
 * - `hang`: no answer is ever sent (the socket is closed when the fake closes)
 */
export type FaultKind =
  'rate-limit' | 'internal-error' | 'unavailable' | 'permission-denied' | 'reset' | 'hang';

export const faultKinds: readonly FaultKind[] = [
  'rate-limit',
  'internal-error',
  'unavailable',
  'permission-denied',
  'reset',
  'hang',
];

/** One fault rule. Rules are tried in order; the first that matches and fires decides. */
export interface FaultRule {
  /** Endpoint pattern (`jobs/get`, `clusters/*`, `*`). */
  readonly endpoint: string;
  readonly kind: FaultKind;
  /** Chance in [0, 1] that a matching request is hit. Default 1. */
  readonly probability?: number;
  /** Fire at most this many times, then stay quiet. Default: no limit. */
  readonly times?: number;
  /** Only for this HTTP method. */
  readonly method?: string;
}

/** Added delay before every API answer: `fixedMs` plus a uniform random share of `jitterMs`. */
export interface Latency {
  readonly fixedMs: number;
  readonly jitterMs: number;
}

export const noLatency: Latency = { fixedMs: 0, jitterMs: 0 };

/** A small seeded PRNG (mulberry32), so a fault-rate run can be replayed with the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, per request, whether an injected fault hits it. */
export class FaultInjector {
  private rules: { rule: FaultRule; fired: number }[] = [];

  constructor(
    rules: readonly FaultRule[] = [],
    private readonly random: () => number = Math.random,
  ) {
    this.set(rules);
  }

  set(rules: readonly FaultRule[]): void {
    for (const rule of rules) validateFaultRule(rule);
    this.rules = rules.map((rule) => ({ rule, fired: 0 }));
  }

  add(rule: FaultRule): void {
    validateFaultRule(rule);
    this.rules.push({ rule, fired: 0 });
  }

  list(): { rule: FaultRule; fired: number }[] {
    return this.rules.map((r) => ({ rule: r.rule, fired: r.fired }));
  }

  /** The fault that hits this request, if any. */
  pick(method: string, endpoint: string): FaultKind | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.times !== undefined && entry.fired >= rule.times) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (!endpointPatternMatches(rule.endpoint, endpoint)) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      entry.fired++;
      return rule.kind;
    }
    return undefined;
  }
}

function validateFaultRule(rule: FaultRule): void {
  if (!faultKinds.includes(rule.kind)) {
    throw new Error(
      `Fault rule for ${rule.endpoint}: kind '${rule.kind}' is unknown; use one of ${faultKinds.join(', ')}.`,
    );
  }
  const p = rule.probability ?? 1;
  if (!(p >= 0 && p <= 1)) {
    throw new Error(`Fault rule for ${rule.endpoint}: probability ${p} is outside [0, 1].`);
  }
}
