import {
  Type,
  type ArrayOptions,
  type IntegerOptions,
  type NumberOptions,
  type ObjectOptions,
  type SchemaOptions,
  type StringOptions,
  type TArray,
  type TBoolean,
  type TInteger,
  type TNumber,
  type TObject,
  type TProperties,
  type TSchema,
  type TString,
  type TLiteral,
  type TRecord,
  type TUnion,
} from '@sinclair/typebox';

// Thin constructors over TypeBox that make a description mandatory, because every field shows up
// in `kubectl explain`. They stay plain TypeBox, so `Value.Check` works on every schema; the few
// constructs a structural schema spells differently (enums, string maps) are rewritten when the CRD
// is rendered (structural-schema.ts).
import './string-formats.js';

/** A string field. */
export function Str(description: string, options: StringOptions = {}): TString {
  return Type.String({ ...options, description });
}

/** A 32-bit integer field. */
export function Int(description: string, options: IntegerOptions = {}): TInteger {
  return Type.Integer({ ...options, description, format: 'int32' });
}

/** A 64-bit integer field (Databricks job and run IDs). */
export function Int64(description: string, options: IntegerOptions = {}): TInteger {
  return Type.Integer({ ...options, description, format: 'int64' });
}

/** A floating point field. */
export function Num(description: string, options: NumberOptions = {}): TNumber {
  return Type.Number({ ...options, description, format: 'double' });
}

/** A boolean field. */
export function Bool(description: string, options: SchemaOptions = {}): TBoolean {
  return Type.Boolean({ ...options, description });
}

/** A string restricted to `values`; typed as their union. Rendered as `enum` in the CRD. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  description: string,
  options: SchemaOptions = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    { ...options, description },
  ) as TUnion<TLiteral<T[number]>[]>;
}

/** A map from string keys to string values (`spark_conf`, `custom_tags`, ...). Rendered as `additionalProperties`. */
export function StringMap(description: string, options: ObjectOptions = {}): TRecord<TString, TString> {
  return Type.Record(Type.String(), Type.String(), { ...options, description });
}

/** A list; pass `maxItems` whenever a CEL rule runs on the items so the rule's cost stays bounded. */
export function List<T extends TSchema>(
  items: T,
  description: string,
  options: ArrayOptions = {},
): TArray<T> {
  return Type.Array(items, { ...options, description });
}

/** A list of strings. */
export function StringList(description: string, options: ArrayOptions = {}, itemOptions: StringOptions = {}) {
  return Type.Array(Type.String(itemOptions), { ...options, description });
}

/** A list treated as a map keyed by `keys`: the API server rejects duplicate keys and merges by key. */
export function KeyedList<T extends TSchema>(
  items: T,
  keys: readonly string[],
  description: string,
  options: ArrayOptions = {},
): TArray<T> {
  return Type.Array(items, {
    ...options,
    description,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [...keys],
  });
}

/** An object with named properties; unknown properties are pruned by the API server. */
export function Struct<T extends TProperties>(
  properties: T,
  description: string,
  options: ObjectOptions = {},
): TObject<T> {
  return Type.Object(properties, { ...options, description });
}

/** Marks a property optional (absent from `required`). */
export const Opt = Type.Optional;
