/**
 * Field paths as the drift rules write them: `tasks[*].new_cluster.node_type_id`. A `[*]` stands for any
 * element of an array; the diff reports concrete paths, with keyed elements named by their key
 * (`tasks[ingest].new_cluster.node_type_id`) and others by index (`libraries[0].jar`).
 */
export type PathSegment = { readonly kind: 'field'; readonly name: string } | { readonly kind: 'element' };

/** Splits a rule path into segments; `a.b[*].c` → field a, field b, element, field c. */
export function parseRulePath(rule: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of rule.split('.')) {
    const match = /^([^[\]]*)((?:\[\*\])*)$/.exec(part);
    if (match === null) throw new Error(`drift rule path "${rule}": "${part}" is not a field or field[*]`);
    const [, name, elements] = match;
    if (name !== '') segments.push({ kind: 'field', name });
    for (let i = 0; i < elements.length / 3; i++) segments.push({ kind: 'element' });
  }
  return segments;
}

/** Whether a concrete path (as the diff walks it) is matched by a rule path. */
export function matchesRule(path: readonly PathSegment[], rule: readonly PathSegment[]): boolean {
  if (path.length !== rule.length) return false;
  return path.every((segment, i) => {
    const expected = rule[i];
    if (segment.kind !== expected.kind) return false;
    return segment.kind === 'element' || (expected.kind === 'field' && expected.name === segment.name);
  });
}

/** A compiled set of rule paths, asked once per visited field. */
export class RulePathSet {
  private readonly rules: PathSegment[][];
  constructor(paths: readonly string[]) {
    this.rules = paths.map(parseRulePath);
  }
  has(path: readonly PathSegment[]): boolean {
    return this.rules.some((rule) => matchesRule(path, rule));
  }
}
