/**
 * A validator for Quartz cron expressions, the dialect Databricks job schedules use
 * (`schedule.quartz_cron_expression`). Databricks rejects an invalid expression only when the job is
 * created, long after `cdk8s synth`; checking here moves that failure to the developer's machine.
 *
 * Grammar (Quartz `CronExpression`): six or seven whitespace-separated fields,
 * `seconds minutes hours day-of-month month day-of-week [year]`. Each field is a comma-separated list of
 * `*`, a value, a range `a-b`, each optionally followed by an increment `/n`; `a/n` means "from a, every n".
 * Day-of-month also takes `?`, `L`, `L-n`, `nW` and `LW`; day-of-week takes `?`, `L`, `nL` and `n#k`.
 * Exactly one of day-of-month and day-of-week must be `?`: Quartz supports neither both nor none.
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SECONDS: CronField = { name: 'seconds', min: 0, max: 59 };
const MINUTES: CronField = { name: 'minutes', min: 0, max: 59 };
const HOURS: CronField = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: CronField = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: CronField = { name: 'month', min: 1, max: 12, names: MONTH_NAMES };
const DAY_OF_WEEK: CronField = { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES };
const YEAR: CronField = { name: 'year', min: 1970, max: 2099 };

const FIELDS: readonly CronField[] = [SECONDS, MINUTES, HOURS, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR];

/** Where a Quartz cron expression is wrong, in words a user can act on. */
export class QuartzCronError extends Error {
  constructor(
    /** The expression that was checked. */
    readonly expression: string,
    /** What is wrong, e.g. `hours: 24 is out of range 0-23`. */
    readonly problem: string,
  ) {
    super(`invalid Quartz cron expression "${expression}": ${problem}`);
    this.name = 'QuartzCronError';
  }
}

/**
 * Checks a Quartz cron expression and returns what is wrong with it, or `undefined` if it is valid.
 *
 * @example
 * quartzCronProblem('0 0 2 * * ?');   // undefined: every day at 02:00:00
 * quartzCronProblem('0 0 2 * * *');   // 'one of day-of-month and day-of-week must be "?" ...'
 */
export function quartzCronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (expression.trim() === '' || parts.length < 6 || parts.length > 7) {
    return (
      `expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), ` +
      `found ${expression.trim() === '' ? 0 : parts.length}; e.g. "0 30 2 * * ?" runs daily at 02:30`
    );
  }
  for (let i = 0; i < parts.length; i++) {
    const problem = fieldProblem(FIELDS[i]!, parts[i]!);
    if (problem) return `${FIELDS[i]!.name} "${parts[i]}": ${problem}`;
  }
  const dayOfMonthUnset = parts[3] === '?';
  const dayOfWeekUnset = parts[5] === '?';
  if (dayOfMonthUnset === dayOfWeekUnset) {
    return (
      `one of day-of-month and day-of-week must be "?" and the other not ` +
      `(found "${parts[3]}" and "${parts[5]}"); e.g. "* ?" for every day or "? MON-FRI" for weekdays`
    );
  }
  return undefined;
}

/**
 * Checks a Quartz cron expression and throws a {@link QuartzCronError} that says what is wrong.
 */
export function assertQuartzCron(expression: string): void {
  const problem = quartzCronProblem(expression);
  if (problem) throw new QuartzCronError(expression, problem);
}

function fieldProblem(field: CronField, text: string): string | undefined {
  if (text === '?') {
    return field === DAY_OF_MONTH || field === DAY_OF_WEEK
      ? undefined
      : '"?" is only allowed in day-of-month and day-of-week';
  }
  const items = text.split(',');
  for (const item of items) {
    if (item === '') return 'empty list item (a comma with nothing beside it)';
    const problem = itemProblem(field, item.toUpperCase(), items.length > 1);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(field: CronField, item: string, inList: boolean): string | undefined {
  if (field === DAY_OF_MONTH) {
    const special = dayOfMonthSpecialProblem(item, inList);
    if (special !== NOT_SPECIAL) return special;
  }
  if (field === DAY_OF_WEEK) {
    const special = dayOfWeekSpecialProblem(item, inList);
    if (special !== NOT_SPECIAL) return special;
  }
  if (/[LW#?]/.test(stripNames(field, item))) {
    return `"${item}" uses L, W, # or ? where this field does not allow them`;
  }

  const [range, step, ...extra] = item.split('/');
  if (extra.length > 0) return `"${item}" has more than one "/"`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step)) return `increment "${step}" in "${item}" is not a number`;
    const increment = Number(step);
    // Quartz caps an increment at the field's largest value (59 for seconds, 23 for hours, ...).
    const largest = field.max - field.min + (field.min === 0 ? 0 : 1);
    if (increment < 1 || increment > largest) {
      return `increment ${increment} in "${item}" must be between 1 and ${largest}`;
    }
  }
  if (range === '*') return undefined;
  if (range === undefined || range === '') return `"${item}" has no value before "/"`;
  const bounds = range.split('-');
  if (bounds.length > 2) return `"${range}" is not a value or a range a-b`;
  for (const bound of bounds) {
    const problem = valueProblem(field, bound);
    if (problem) return problem;
  }
  return undefined;
}

/** Marks that an item uses none of the day fields' special characters, so ordinary parsing applies. */
const NOT_SPECIAL = Symbol('not special');

function dayOfMonthSpecialProblem(item: string, inList: boolean): string | undefined | typeof NOT_SPECIAL {
  if (!/[LW]/.test(item)) return NOT_SPECIAL;
  const alone = inList ? `"${item}" cannot be combined with other values in a list` : undefined;
  if (item === 'L' || item === 'LW') return alone;
  const offset = /^L-(\d+)$/.exec(item);
  if (offset) {
    const days = Number(offset[1]);
    return days > 30 ? `"${item}": the offset from the last day must be 0-30` : alone;
  }
  const weekday = /^(\d+)W$/.exec(item);
  if (weekday) {
    return valueProblem(DAY_OF_MONTH, weekday[1]!) ?? alone;
  }
  return `"${item}" is not one of L, L-n, nW or LW (n a day of the month 1-31)`;
}

function dayOfWeekSpecialProblem(item: string, inList: boolean): string | undefined | typeof NOT_SPECIAL {
  if (!/[L#]/.test(stripNames(DAY_OF_WEEK, item))) return NOT_SPECIAL;
  const alone = inList ? `"${item}" cannot be combined with other values in a list` : undefined;
  if (item === 'L') return alone;
  const last = /^([A-Z0-9]+)L$/.exec(item);
  if (last) return valueProblem(DAY_OF_WEEK, last[1]!) ?? alone;
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(item);
  if (nth) {
    const problem = valueProblem(DAY_OF_WEEK, nth[1]!);
    if (problem) return problem;
    const week = Number(nth[2]);
    return week < 1 || week > 5 ? `"${item}": the week after "#" must be 1-5` : alone;
  }
  return `"${item}" is not one of L, dL or d#k (d a day of the week 1-7 or SUN-SAT, k 1-5)`;
}

/** Removes month or day names so that the letters in them (e.g. the L in JUL) are not read as specials. */
function stripNames(field: CronField, item: string): string {
  if (!field.names) return item;
  let stripped = item;
  for (const name of field.names) stripped = stripped.split(name).join('');
  return stripped;
}

function valueProblem(field: CronField, text: string): string | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < field.min || value > field.max) {
      return `${value} is out of range ${field.min}-${field.max}`;
    }
    return undefined;
  }
  if (field.names?.includes(text)) return undefined;
  const allowed = field.names ? ` or one of ${field.names.join(', ')}` : '';
  return `"${text}" is not a number ${field.min}-${field.max}${allowed}`;
}
