import prettier from 'prettier';
import {
  call,
  code,
  newCall,
  object,
  PRINT_WIDTH,
  statement,
  stringLiteral,
  value,
  type Expression,
} from '../../cli/typescript-source.js';

const PRETTIER = {
  parser: 'typescript',
  singleQuote: true,
  printWidth: PRINT_WIDTH,
  trailingComma: 'all',
} as const;

/** `expression` as a statement in a constructor body, where generated code puts it. */
function inBody(expression: Expression, prefix = 'const job = '): string {
  return `class A {\n  constructor() {\n${statement(prefix, expression, 4)}\n  }\n}\n`;
}

/** A deterministic pseudo-random source, so a failing case can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const WORDS = [
  'a',
  'spark_version',
  'node_type_id',
  'autotermination_minutes',
  'description',
  'task-key',
  'url',
];

/** JSON of the kinds Databricks settings hold: strings (some long, some quoted), numbers, lists, objects. */
function randomJson(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.35) {
    const kind = next();
    if (kind < 0.5) {
      let text = Array.from(
        { length: Math.floor(next() * 5) },
        () => WORDS[Math.floor(next() * WORDS.length)],
      ).join(' ');
      if (next() < 0.1) text += " it's";
      if (next() < 0.1) text = text.repeat(6);
      return text;
    }
    return kind < 0.8 ? Math.floor(next() * 100000) : next() < 0.5;
  }
  if (pick < 0.6) return Array.from({ length: Math.floor(next() * 6) }, () => randomJson(next, depth + 1));
  if (pick < 0.65)
    return Array.from({ length: 2 + Math.floor(next() * 30) }, () => Math.floor(next() * 100000));
  const entries = Array.from({ length: Math.floor(next() * 6) }, () => [
    WORDS[Math.floor(next() * WORDS.length)]!,
    randomJson(next, depth + 1),
  ]);
  return Object.fromEntries(entries);
}

function randomExpression(next: () => number, depth: number): Expression {
  const pick = next();
  if (depth < 3 && pick < 0.3) {
    return call(
      'TaskType.notebook',
      code('notebook'),
      ...(next() < 0.7 ? [value(randomJson(next, depth + 1))] : []),
    );
  }
  if (depth < 3 && pick < 0.45) {
    return object({
      type: randomExpression(next, depth + 1),
      runOn: code('cluster'),
      workspace: code('workspace'),
    });
  }
  return value(randomJson(next, depth));
}

describe('generated TypeScript layout', () => {
  it('lays out 600 random construct calls exactly as Prettier does (objects, arrays, hugged last arguments, long strings)', async () => {
    const next = random(20240601);
    const mismatches: string[] = [];
    for (let i = 0; i < 600; i++) {
      const source = inBody(newCall('DatabricksJob', code('this'), value('job'), randomExpression(next, 0)));
      const formatted = await prettier.format(source, PRETTIER);
      if (formatted !== source && mismatches.length < 3)
        mismatches.push(`ours:\n${source}\nprettier:\n${formatted}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps a call on one line when it fits and hugs its last object argument when it does not', () => {
    expect(inBody(call('job.addTask', value('ingest'), object({ runOn: code('cluster') })), '')).toContain(
      "    job.addTask('ingest', { runOn: cluster });",
    );
    const long = inBody(
      call(
        'job.addTask',
        value('ingest'),
        value({ description: 'x'.repeat(60), max_retries: 3, run_if: 'ALL_DONE' }),
      ),
      '',
    );
    expect(long).toContain("    job.addTask('ingest', {\n      description:");
    expect(long).toContain('\n    });');
  });

  it('writes { workspace } for a property holding the variable of the same name', () => {
    expect(inBody(object({ workspace: code('workspace'), host: value('h') }))).toContain(
      "const job = { workspace, host: 'h' };",
    );
  });

  it('quotes strings as Prettier does: single quotes unless the text holds more of them than double quotes', () => {
    expect(stringLiteral('plain')).toBe("'plain'");
    expect(stringLiteral("it's")).toBe('"it\'s"');
    expect(stringLiteral(`say "it's"`)).toBe(`'say "it\\'s"'`);
    expect(stringLiteral('a\nb\\c\u0001')).toBe("'a\\nb\\\\c\\u0001'");
  });
});
