import { RulePathSet, type PathSegment } from './field-path.js';

/**
 * The subset of JSON Schema the diff reads: which fields a user can set. The CRD schemas in `lib/crds`
 * are JSON Schema, so the settings schema of a kind is passed in as it is.
 */
export interface SettableFieldsSchema {
  readonly properties?: Readonly<Record<string, SettableFieldsSchema>>;
  readonly items?: SettableFieldsSchema;
  readonly additionalProperties?: boolean | SettableFieldsSchema;
}

/** What Databricks does to settings between a write and a read, per kind. Facts from the CLI's field rules. */
export interface DriftRules {
  /** Remote values never compared: fields Databricks manages itself or accepts but never returns. */
  readonly ignoreRemote: readonly string[];
  /**
   * Fields the backend fills in when the spec leaves them out. With `values`, only those remote values
   * count as the default; any other remote value is drift.
   */
  readonly backendDefaults: readonly { readonly field: string; readonly values?: readonly unknown[] }[];
  /** Arrays whose elements are matched by a key field instead of by position (`tasks` by `task_key`). */
  readonly keyedArrays: Readonly<Record<string, string>>;
}

/** One field where what Databricks has differs from what the spec asks for. */
export interface FieldDifference {
  /** `tasks[ingest].timeout_seconds`, `tags.team`, `libraries[0].whl`. */
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
}

type JsonObject = Record<string, unknown>;

interface Visit {
  readonly segments: readonly PathSegment[];
  readonly label: string;
}

/**
 * Compares desired settings with what Databricks returned and lists the real differences.
 *
 * Absent and empty are the same thing (Databricks omits unset and empty fields, and fills zero values
 * back in: `timeout_seconds: 0`, `email_notifications: {}`), fields only the server knows (output-only,
 * not in the schema) are not compared, backend defaults are accepted when the spec leaves the field out,
 * and keyed arrays are compared as maps so that a reordering is not drift.
 */
export class SettingsDiff {
  private readonly ignoreRemote: RulePathSet;
  private readonly backendDefaults: { readonly rule: RulePathSet; readonly values?: readonly unknown[] }[];
  private readonly keyedArrays: { readonly rule: RulePathSet; readonly key: string }[];

  constructor(
    private readonly schema: SettableFieldsSchema,
    rules: DriftRules,
  ) {
    this.ignoreRemote = new RulePathSet(rules.ignoreRemote);
    this.backendDefaults = rules.backendDefaults.map(({ field, values }) => ({
      rule: new RulePathSet([field]),
      values,
    }));
    this.keyedArrays = Object.entries(rules.keyedArrays).map(([field, key]) => ({
      rule: new RulePathSet([field]),
      key,
    }));
  }

  /** The differences, in a stable order; empty when Databricks already matches the spec. */
  differences(desired: unknown, observed: unknown): FieldDifference[] {
    const found: FieldDifference[] = [];
    this.walk({ segments: [], label: '' }, desired, observed, this.schema, found);
    return found;
  }

  private walk(
    at: Visit,
    desired: unknown,
    observed: unknown,
    schema: SettableFieldsSchema | undefined,
    found: FieldDifference[],
  ): void {
    if (at.segments.length > 0 && this.ignoreRemote.has(at.segments)) return;
    const desiredEmpty = isEmpty(desired);
    const observedEmpty = isEmpty(observed);
    if (desiredEmpty && observedEmpty) return;
    if (desiredEmpty) {
      // Only a field a user could have set is drift; anything else is server output.
      if (schema === undefined) return;
      // A backend default stands in for a field the spec leaves out, not for one it sets to a zero
      // value (`queue: {enabled: false}`, `max_concurrent_runs: 0`): resources.yml skips only nil.
      if (isUnset(desired) && this.isBackendDefault(at.segments, observed)) return;
      if (isObject(desired) && isObject(observed)) {
        this.walkObject(at, desired, observed, schema, found);
      } else {
        found.push({ path: at.label, desired, observed });
      }
      return;
    }
    if (observedEmpty) {
      found.push({ path: at.label, desired, observed });
      return;
    }
    if (Array.isArray(desired) && Array.isArray(observed)) {
      this.walkArray(at, desired, observed, schema?.items, found);
    } else if (isObject(desired) && isObject(observed)) {
      this.walkObject(at, desired, observed, schema, found);
    } else if (!sameScalar(desired, observed)) {
      found.push({ path: at.label, desired, observed });
    }
  }

  private walkObject(
    at: Visit,
    desired: JsonObject,
    observed: JsonObject,
    schema: SettableFieldsSchema | undefined,
    found: FieldDifference[],
  ): void {
    for (const key of unionKeys(desired, observed)) {
      const child: Visit = {
        segments: [...at.segments, { kind: 'field', name: key }],
        label: at.label === '' ? key : `${at.label}.${key}`,
      };
      this.walk(child, desired[key], observed[key], childSchema(schema, key), found);
    }
  }

  private walkArray(
    at: Visit,
    desired: unknown[],
    observed: unknown[],
    itemSchema: SettableFieldsSchema | undefined,
    found: FieldDifference[],
  ): void {
    const segments: PathSegment[] = [...at.segments, { kind: 'element' }];
    const key = this.keyedArrays.find((keyed) => keyed.rule.has(at.segments))?.key;
    if (key !== undefined) {
      const desiredByKey = byKey(desired, key);
      const observedByKey = byKey(observed, key);
      for (const name of [...new Set([...desiredByKey.keys(), ...observedByKey.keys()])].sort()) {
        const visit = { segments, label: `${at.label}[${name}]` };
        this.walk(visit, desiredByKey.get(name), observedByKey.get(name), itemSchema, found);
      }
      return;
    }
    for (let i = 0; i < Math.max(desired.length, observed.length); i++) {
      this.walk({ segments, label: `${at.label}[${i}]` }, desired[i], observed[i], itemSchema, found);
    }
  }

  private isBackendDefault(segments: readonly PathSegment[], observed: unknown): boolean {
    return this.backendDefaults.some(
      ({ rule, values }) =>
        rule.has(segments) && (values === undefined || values.some((value) => deepEqual(value, observed))),
    );
  }
}

function childSchema(
  schema: SettableFieldsSchema | undefined,
  key: string,
): SettableFieldsSchema | undefined {
  if (schema === undefined) return undefined;
  const declared = schema.properties?.[key];
  if (declared !== undefined) return declared;
  // A map (spark_conf, custom_tags): every key is settable.
  if (typeof schema.additionalProperties === 'object') return schema.additionalProperties;
  return schema.additionalProperties === true ? {} : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Left out of the spec altogether. */
function isUnset(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Unset, or a zero value Databricks treats as unset (proto3 semantics). */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(isEmpty);
  return false;
}

function unionKeys(a: JsonObject, b: JsonObject): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function byKey(items: unknown[], key: string): Map<string, unknown> {
  const map = new Map<string, unknown>();
  items.forEach((item, index) => {
    const name = isObject(item) && item[key] !== undefined ? String(item[key]) : `#${index}`;
    map.set(name, item);
  });
  return map;
}

/** IDs travel as numbers or as strings (int64 beyond 2^53); `123` and `"123"` are the same value. */
function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string';
  return numeric(a) && numeric(b) && String(a) === String(b) && String(a).trim() !== '';
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (sameScalar(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) return unionKeys(a, b).every((key) => deepEqual(a[key], b[key]));
  return false;
}
