/**
 * TypeScript expressions laid out as Prettier lays them out (single quotes, trailing commas, 110
 * columns, this repository's `.prettierrc.json` and a common choice in apps): the generated code reads as
 * if a person had written and formatted it, and a formatter run over it changes nothing. A test holds the
 * output equal to `prettier.format` of it. Prettier itself is not used at run time: it would be a
 * dependency every app installing the library gets.
 *
 * The layout rules are Prettier's, for the few kinds of expression generated code uses: a group (object,
 * array, call arguments) stays on one line when it fits and otherwise puts each element on its own line;
 * the last argument of a call, when it is an object or array, is "hugged" (`new X(this, 'id', {` ...
 * `});`); an array of two or more objects with several keys each always breaks; an array of numbers fills
 * its lines; a long string after a longer key moves to the next line.
 */

/** The widest line. */
export const PRINT_WIDTH = 110;
const INDENT = 2;

/** An expression of generated code. */
export type Expression =
  /** A string, number, boolean or null literal. */
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** Code printed as it is and never broken: an identifier, `this`, `Duration.seconds(5)`. */
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Expression])[] }
  | { readonly kind: 'array'; readonly items: readonly Expression[] }
  /** `callee(args)`, or `new callee(args)`. */
  | {
      readonly kind: 'call';
      readonly callee: string;
      readonly args: readonly Expression[];
      readonly isNew?: boolean;
    };

/** Code printed as it is. */
export function code(text: string): Expression {
  return { kind: 'code', text };
}

/** `callee(...args)`. */
export function call(callee: string, ...args: Expression[]): Expression {
  return { kind: 'call', callee, args };
}

/** `new callee(...args)`. */
export function newCall(callee: string, ...args: Expression[]): Expression {
  return { kind: 'call', callee, args, isNew: true };
}

/** An object literal of expressions; entries whose value is undefined are left out. */
export function object(entries: Readonly<Record<string, Expression | undefined>>): Expression {
  return {
    kind: 'object',
    entries: Object.entries(entries).filter((entry): entry is [string, Expression] => entry[1] !== undefined),
  };
}

/** An array literal of expressions. */
export function array(items: readonly Expression[]): Expression {
  return { kind: 'array', items };
}

/** A JSON value (what Databricks payloads are) as an expression; undefined fields are left out. */
export function value(json: unknown): Expression {
  if (json === null || typeof json === 'string' || typeof json === 'number' || typeof json === 'boolean') {
    return { kind: 'literal', value: json };
  }
  if (Array.isArray(json)) return array(json.map(value));
  if (typeof json === 'object') {
    return {
      kind: 'object',
      entries: Object.entries(json as Record<string, unknown>)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => [key, value(field)] as const),
    };
  }
  throw new Error(`cannot write ${typeof json} as a TypeScript literal`);
}

/** A string literal as Prettier writes it: single quotes unless the text holds more of them than double. */
export function stringLiteral(text: string): string {
  const singles = (text.match(/'/g) ?? []).length;
  const doubles = (text.match(/"/g) ?? []).length;
  const quote = singles > doubles ? '"' : "'";
  let escaped = '';
  for (const char of text) {
    if (char === '\\') escaped += '\\\\';
    else if (char === quote) escaped += `\\${quote}`;
    else if (char === '\n') escaped += '\\n';
    else if (char === '\r') escaped += '\\r';
    else if (char === '\t') escaped += '\\t';
    else if (isControl(char)) {
      escaped += `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else escaped += char;
  }
  return `${quote}${escaped}${quote}`;
}

/** A character a string literal must escape: C0 controls, DEL, and the two line separators. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
}

/** An object key: bare when it is an identifier, else quoted. */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : stringLiteral(key);
}

function literalText(literal: string | number | boolean | null): string {
  return typeof literal === 'string' ? stringLiteral(literal) : String(literal);
}

/** An array of two or more objects (or arrays) with more than one element each: Prettier always breaks it. */
function alwaysBreaks(expression: Expression): boolean {
  if (expression.kind !== 'array' || expression.items.length < 2) return false;
  const first = expression.items[0]!.kind;
  return expression.items.every(
    (item) =>
      item.kind === first &&
      ((item.kind === 'object' && item.entries.length > 1) ||
        (item.kind === 'array' && item.items.length > 1)),
  );
}

/** The one-line form, or undefined when the expression cannot be on one line. */
function flat(expression: Expression): string | undefined {
  switch (expression.kind) {
    case 'literal':
      return literalText(expression.value);
    case 'code':
      return expression.text;
    case 'object': {
      if (expression.entries.length === 0) return '{}';
      const parts: string[] = [];
      for (const [key, entry] of expression.entries) {
        const text = flat(entry);
        if (text === undefined) return undefined;
        parts.push(isShorthand(key, entry) ? key : `${propertyKey(key)}: ${text}`);
      }
      return `{ ${parts.join(', ')} }`;
    }
    case 'array': {
      if (alwaysBreaks(expression)) return undefined;
      const parts: string[] = [];
      for (const item of expression.items) {
        const text = flat(item);
        if (text === undefined) return undefined;
        parts.push(text);
      }
      return `[${parts.join(', ')}]`;
    }
    case 'call': {
      const parts: string[] = [];
      for (const arg of expression.args) {
        const text = flat(arg);
        if (text === undefined) return undefined;
        parts.push(text);
      }
      return `${expression.isNew ? 'new ' : ''}${expression.callee}(${parts.join(', ')})`;
    }
  }
}

const spaces = (count: number) => ' '.repeat(count);

/**
 * Lays `expression` out starting at `column` of a line indented by `indent`, followed on its last line
 * by `trailing` more characters (`,`, `);`).
 */
export function layout(expression: Expression, indent: number, column: number, trailing: number): string {
  const oneLine = flat(expression);
  if (oneLine !== undefined && column + oneLine.length + trailing <= PRINT_WIDTH) return oneLine;
  switch (expression.kind) {
    case 'literal':
    case 'code':
      return oneLine!;
    case 'object': {
      const inner = indent + INDENT;
      const lines = expression.entries.map(([key, entry]) =>
        isShorthand(key, entry)
          ? `${spaces(inner)}${key},`
          : `${spaces(inner)}${property(propertyKey(key), entry, inner)},`,
      );
      return `{\n${lines.join('\n')}\n${spaces(indent)}}`;
    }
    case 'array': {
      const inner = indent + INDENT;
      if (expression.items.length > 0 && expression.items.every(isNumber)) {
        return `[\n${fill(
          expression.items.map((item) => flat(item)!),
          inner,
        )}\n${spaces(indent)}]`;
      }
      const lines = expression.items.map((item) => `${spaces(inner)}${layout(item, inner, inner, 1)},`);
      return `[\n${lines.join('\n')}\n${spaces(indent)}]`;
    }
    case 'call':
      return layoutCall(expression, indent, column, trailing);
  }
}

/** `{ workspace }` for `{ workspace: workspace }`. */
function isShorthand(key: string, entry: Expression): boolean {
  return entry.kind === 'code' && entry.text === key;
}

function isNumber(expression: Expression): boolean {
  return expression.kind === 'literal' && typeof expression.value === 'number';
}

/** Numbers as Prettier fills them: as many to a line as fit, each followed by a comma. */
function fill(items: readonly string[], indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? `${item},` : `${line} ${item},`;
    if (line !== '' && indent + next.length > PRINT_WIDTH) {
      lines.push(line);
      line = `${item},`;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.map((text) => `${spaces(indent)}${text}`).join('\n');
}

/** `key: value` of an object on a line indented by `indent`, with the comma after it. */
function property(key: string, entry: Expression, indent: number): string {
  const column = indent + key.length + 2;
  const oneLine = flat(entry);
  const fits = oneLine !== undefined && column + oneLine.length + 1 <= PRINT_WIDTH;
  // A string that does not fit after a key of five or more characters goes to the next line (Prettier's
  // "break after operator"); after a shorter key it stays, as moving it would gain almost nothing.
  if (!fits && entry.kind === 'literal' && typeof entry.value === 'string' && key.length >= INDENT + 3) {
    return `${key}:\n${spaces(indent + INDENT)}${oneLine}`;
  }
  return `${key}: ${layout(entry, indent, column, 1)}`;
}

function layoutCall(
  expression: Extract<Expression, { kind: 'call' }>,
  indent: number,
  column: number,
  trailing: number,
): string {
  const head = `${expression.isNew ? 'new ' : ''}${expression.callee}(`;
  const { args } = expression;
  const last = args[args.length - 1];
  const others = args.slice(0, -1).map(flat);
  const huggable =
    last !== undefined &&
    ((last.kind === 'object' && last.entries.length > 0) ||
      (last.kind === 'array' && last.items.length > 0 && !last.items.every(isNumber))) &&
    others.every((text) => text !== undefined) &&
    args.slice(0, -1).every((arg) => arg.kind !== 'object' && arg.kind !== 'array');
  if (huggable) {
    const prefix = `${head}${others.map((text) => `${text}, `).join('')}`;
    if (column + prefix.length + 1 <= PRINT_WIDTH) {
      return `${prefix}${layout(last, indent, column + prefix.length, trailing + 1)})`;
    }
  }
  const inner = indent + INDENT;
  const lines = args.map((arg) => `${spaces(inner)}${layout(arg, inner, inner, 1)},`);
  return `${head}\n${lines.join('\n')}\n${spaces(indent)})`;
}

/** A statement `text;` (an expression, or `const name = expression`) on a line indented by `indent`. */
export function statement(prefix: string, expression: Expression, indent: number): string {
  return `${spaces(indent)}${prefix}${layout(expression, indent, indent + prefix.length, 1)};`;
}

/** `import { a, b } from 'module';`, broken one name a line when it does not fit. */
export function importStatement(names: readonly string[], from: string, typeOnly = false): string {
  const keyword = typeOnly ? 'import type' : 'import';
  const oneLine = `${keyword} { ${names.join(', ')} } from ${stringLiteral(from)};`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  return `${keyword} {\n${names.map((name) => `${spaces(INDENT)}${name},`).join('\n')}\n} from ${stringLiteral(from)};`;
}

/** `// text` comment lines indented by `indent`, the text wrapped at the print width. */
export function comment(text: string, indent: number): string {
  const width = PRINT_WIDTH - indent - 3;
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines.map((line) => `${spaces(indent)}//${line === '' ? '' : ` ${line}`}`).join('\n');
}
