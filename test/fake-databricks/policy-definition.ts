import { errors } from './api.js';

/** The policy element types of the Databricks policy definition language. */
export const POLICY_ELEMENT_TYPES = [
  'fixed',
  'forbidden',
  'allowlist',
  'blocklist',
  'regex',
  'range',
  'unlimited',
] as const;

/**
 * Checks a policy definition (or a family's overrides) as the Policies API does on create and edit: the
 * document must be JSON, and each rule in it must name one of the policy element types. Anything beyond
 * that is only checked when a cluster uses the policy: a definition whose top level is an array is stored
 * as it is (the Databricks CLI observed this against real workspaces and now refuses such definitions
 * itself), and so are paths no cluster attribute has.
 *
 * Returns the parsed document. `field` names the request field in error messages.
 */
export function parsePolicyDefinition(text: string, field: string): unknown {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw errors.invalidParameter(
      `Invalid policy definition in ${field}: it is not valid JSON (${(error as Error).message}). Pass the definition as a JSON document in a string.`,
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return document;
  for (const [path, rule] of Object.entries(document as Record<string, unknown>)) {
    const type =
      rule !== null && typeof rule === 'object' && !Array.isArray(rule)
        ? (rule as Record<string, unknown>).type
        : undefined;
    if (typeof type !== 'string' || !(POLICY_ELEMENT_TYPES as readonly string[]).includes(type)) {
      throw errors.invalidParameter(
        `Invalid policy definition in ${field}: the rule for '${path}' has type ${JSON.stringify(type ?? null)}; a rule is an object whose type is one of ${POLICY_ELEMENT_TYPES.join(', ')}.`,
      );
    }
  }
  return document;
}

/**
 * The definition of a policy built on a family: the family's rules with the overrides merged over them,
 * path by path, as a policy created with `policy_family_id` reports it.
 */
export function mergedFamilyDefinition(familyDefinition: string, overrides: string | undefined): string {
  const base = JSON.parse(familyDefinition) as Record<string, unknown>;
  if (overrides === undefined || overrides === '') return JSON.stringify(base);
  const changes = JSON.parse(overrides) as unknown;
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return JSON.stringify(base);
  return JSON.stringify({ ...base, ...(changes as Record<string, unknown>) });
}
