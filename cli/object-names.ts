/**
 * Names for what a command generates: Kubernetes object names (and construct ids) from Databricks names,
 * and TypeScript variable names from those, each unique where it has to be.
 */

/** The longest object name generated: a DNS label, so it also fits labels and generated child names. */
const MAX_NAME = 63;

/**
 * A Kubernetes object name (RFC 1123 label: lowercase letters, digits, `-`) made from `text`, e.g.
 * `Nightly ETL (prod)` → `nightly-etl-prod`; empty when `text` has nothing usable.
 */
export function kubernetesName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/-+$/, '');
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with as implements interface let package private protected public static yield any boolean ' +
    'constructor declare get module require number set string symbol type from of await async undefined ' +
    'scope id props'
  ).split(' '),
);

/** A camelCase identifier from a name (`nightly-etl` → `nightlyEtl`), never a reserved word. */
export function identifier(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  const joined = words
    .map((word, index) =>
      index === 0
        ? word.charAt(0).toLowerCase() + word.slice(1)
        : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join('');
  if (joined === '') return 'item';
  const safe = /^[0-9]/.test(joined) ? `n${joined}` : joined;
  return RESERVED.has(safe) ? `${safe}Object` : safe;
}

/** Hands out names unique among those it gave: the wanted one, else it with the first free suffix. */
export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  /**
   * `wanted` if free; else each of `alternatives` in turn; else `wanted` with `-2`, `-3`, ... (or
   * `2`, `3`, ... when `separator` is empty), cut so that the result stays within `maxLength`.
   */
  claim(wanted: string, alternatives: readonly string[] = [], separator = '-', maxLength = MAX_NAME): string {
    for (const candidate of [wanted, ...alternatives]) {
      if (candidate !== '' && candidate.length <= maxLength && !this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
    for (let n = 2; ; n++) {
      const suffix = `${separator}${n}`;
      const candidate = `${wanted.slice(0, maxLength - suffix.length).replace(/-+$/, '')}${suffix}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
