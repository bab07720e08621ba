/** One request the fake answered (or dropped), as the inspection API reports it. */
export interface RequestLogEntry {
  /** Fake-clock time the request arrived, epoch ms. */
  readonly time: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  /** The endpoint name of the matched route (`jobs/get`), or `unknown`, `oidc/token`, ... */
  readonly endpoint: string;
  /**
   * HTTP status sent, or 0 when the fake dropped the connection (`reset` fault) or never answered
   * (`hang` fault).
   */
  readonly status: number;
  /** The `error_code` of an error answer. */
  readonly errorCode?: string | number;
  /** The authenticated principal, when auth succeeded. */
  readonly principal?: string;
  /** How the caller authenticated: `pat`, `oauth-m2m`, `azure-sp`. */
  readonly authMode?: string;
  /** `X-Databricks-Azure-Workspace-Resource-Id`, when sent. */
  readonly azureWorkspaceResourceId?: string;
  /** The parsed request body (shared, not copied: do not mutate). */
  readonly body?: unknown;
  /** The injected fault that shaped this answer, if any. */
  readonly fault?: string;
}

/** Filters for {@link RequestLog.entries}. */
export interface RequestLogFilter {
  readonly endpoint?: string;
  readonly method?: string;
  readonly status?: number;
}

/**
 * The requests the fake has seen: the most recent `capacity` entries in full, plus counts per endpoint
 * and status for everything since the last clear (counts never drop, so a long benchmark still adds up).
 */
export class RequestLog {
  private buffer: RequestLogEntry[] = [];
  private start = 0;
  private readonly counts = new Map<string, number>();
  private readonly open = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** A request to `endpoint` has arrived and is not answered yet (latency, a slow handler). */
  arrived(endpoint: string): void {
    this.open.set(endpoint, (this.open.get(endpoint) ?? 0) + 1);
  }

  /** The request counted by {@link arrived} is answered, refused or dropped. */
  finished(endpoint: string): void {
    const left = (this.open.get(endpoint) ?? 0) - 1;
    if (left > 0) this.open.set(endpoint, left);
    else this.open.delete(endpoint);
  }

  /** Requests to `endpoint` that arrived and have no answer yet: a caller is waiting on each. */
  inProgress(endpoint: string): number {
    return this.open.get(endpoint) ?? 0;
  }

  record(entry: RequestLogEntry): void {
    const key = `${entry.endpoint} ${entry.status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.buffer.length < this.capacity) {
      this.buffer.push(entry);
    } else {
      this.buffer[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Entries oldest first, optionally filtered. */
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const ordered = [...this.buffer.slice(this.start), ...this.buffer.slice(0, this.start)];
    return ordered.filter(
      (e) =>
        (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
        (filter.method === undefined || e.method === filter.method) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }

  /** Counts keyed `"<endpoint> <status>"`, e.g. `{"jobs/get 200": 12, "jobs/create 429": 1}`. */
  countsByEndpointAndStatus(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** How many requests reached `endpoint`, optionally only those answered with `status`. */
  count(endpoint: string, status?: number): number {
    if (status !== undefined) return this.counts.get(`${endpoint} ${status}`) ?? 0;
    let total = 0;
    for (const [key, n] of this.counts) if (key.slice(0, key.lastIndexOf(' ')) === endpoint) total += n;
    return total;
  }

  clear(): void {
    this.buffer = [];
    this.start = 0;
    this.counts.clear();
  }
}
