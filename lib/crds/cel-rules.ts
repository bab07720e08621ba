/**
 * One `x-kubernetes-validations` entry: a CEL rule the API server evaluates on admission, with the
 * message a user sees when it is false.
 */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** A CEL expression that computes the message (e.g. to name the offending key); `message` is the fallback. */
  readonly messageExpression?: string;
  /** Where the API server reports the error, relative to the object the rule sits on. */
  readonly fieldPath?: string;
  readonly reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

function presenceList(fields: readonly string[]): string {
  return `[${fields.map((field) => `has(self.${field})`).join(', ')}]`;
}

/** Exactly one of `fields` is set. */
export function exactlyOneOf(fields: readonly string[], what = ''): CelRule {
  return {
    rule: `${presenceList(fields)}.exists_one(present, present)`,
    message: `${what ? `${what}: ` : ''}set exactly one of ${fields.join(', ')}`,
  };
}

/** At most one of `fields` is set. */
export function atMostOneOf(fields: readonly string[], what = ''): CelRule {
  return {
    rule: `${presenceList(fields)}.filter(present, present).size() <= 1`,
    message: `${what ? `${what}: ` : ''}set at most one of ${fields.join(', ')}`,
  };
}

/** `field` may only be set when `condition` (a CEL expression over `self`) holds. */
export function onlyWhen(field: string, condition: string, message: string): CelRule {
  return { rule: `!has(self.${field}) || (${condition})`, message, fieldPath: `.${field}` };
}

/** `field` must be set when `condition` (a CEL expression over `self`) holds. */
export function requiredWhen(field: string, condition: string, message: string): CelRule {
  return { rule: `!(${condition}) || has(self.${field})`, message, reason: 'FieldValueRequired' };
}

/**
 * `field` keeps its value across updates, including whether it is set at all. A transition rule:
 * the API server only evaluates it on updates.
 */
export function unchanged(field: string, advice: string): CelRule {
  return {
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message: `${field} is immutable: ${advice}`,
    fieldPath: `.${field}`,
  };
}

/** Options fragment that attaches `rules` to a schema node. */
export function celValidations(...rules: CelRule[]): { 'x-kubernetes-validations': CelRule[] } {
  return { 'x-kubernetes-validations': rules };
}

/**
 * Every item of `list` whose `keyPath` is set names an existing `targetKeyField` in `targetList`
 * (e.g. a task's job_cluster_key names one of job_clusters). `keyPath` may go through nested
 * objects (`for_each_task.task.job_cluster_key`).
 */
export function keysExistIn(
  list: string,
  keyPath: string,
  targetList: string,
  targetKeyField: string,
): CelRule {
  const segments = keyPath.split('.');
  const present = segments
    .map((_, index) => `has(item.${segments.slice(0, index + 1).join('.')})`)
    .join(' && ');
  // A messageExpression naming the offending key would be clearer, but its estimated cost over
  // 1000 tasks is far beyond the API server's budget; the constructs name it at synth time.
  return {
    rule:
      `!has(self.${list}) || self.${list}.all(item, !(${present}) || ` +
      `(has(self.${targetList}) && self.${targetList}.exists(target, target.${targetKeyField} == item.${keyPath})))`,
    message: `every ${keyPath} in ${list} must name the ${targetKeyField} of an entry of ${targetList}`,
    fieldPath: `.${list}`,
  };
}
