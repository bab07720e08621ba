import { type TSchema } from '@sinclair/typebox';
import type { JsonValue } from './json-value.js';

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// TypeBox spells a union of string literals as `anyOf: [{const}]` and a string-keyed record as
// `patternProperties`; a Kubernetes structural schema accepts neither, so they become `enum` and
// `additionalProperties`, which say the same thing.
function rewrite(node: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (
      key === 'anyOf' &&
      Array.isArray(value) &&
      value.every((option) => isObject(option) && 'const' in option)
    ) {
      result.type = 'string';
      result.enum = value.map((option) => (option as JsonObject).const);
    } else if (key === 'const') {
      // A one-value union is a single literal.
      result.enum = [value];
    } else if (key === 'patternProperties' && isObject(value) && Object.keys(value).length === 1) {
      result.additionalProperties = rewrite(Object.values(value)[0] as JsonObject);
    } else if (key === 'properties' && isObject(value)) {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, rewrite(child as JsonObject)]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      result[key] = rewrite(value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** The Kubernetes structural-schema form of a TypeBox schema (TypeBox symbols dropped). */
export function structuralSchema(schema: TSchema): JsonObject {
  return rewrite(JSON.parse(JSON.stringify(schema)) as JsonObject);
}
