/** A `metav1.Condition`, as it appears in `status.conditions`. */
export interface Condition {
  /** CamelCase kind of condition, e.g. `Ready`. */
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** CamelCase machine-readable cause, e.g. `WaitingForDependency`. */
  reason: string;
  /** What happened and, when something is wrong, what to do about it. */
  message: string;
  /** When `status` last changed (RFC 3339, seconds). */
  lastTransitionTime: string;
  /** The `metadata.generation` the condition was computed from. */
  observedGeneration?: number;
}

/** What a reconciler says about a condition; the helper fills in the transition time. */
export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/**
 * `date` as `metav1.Time` writes it (RFC 3339, whole seconds). Status times written this way compare
 * equal to what the API server returns, so an unchanged time causes no status write.
 */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Returns `conditions` with `update` applied: the condition of that type is added or replaced, and its
 * `lastTransitionTime` changes only when `status` changes, so "Ready since" stays true across
 * reconciles. Other conditions are left as they are. The input array is not modified.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  now: Date = new Date(),
): Condition[] {
  const existing = conditions?.find((condition) => condition.type === update.type);
  const lastTransitionTime =
    existing && existing.status === update.status ? existing.lastTransitionTime : kubeTime(now);
  const next: Condition = { ...update, lastTransitionTime };
  if (next.observedGeneration === undefined) delete next.observedGeneration;
  return existing
    ? (conditions ?? []).map((condition) => (condition === existing ? next : condition))
    : [...(conditions ?? []), next];
}

/** The condition of this type, if set. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** Whether the condition of this type is `True`. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Returns `conditions` without the condition of this type. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((condition) => condition.type !== type);
}
