/**
 * Runs an Argo CD health check in Debian's Lua 5.1 the way Argo CD runs it in gopher-lua (a Lua 5.1):
 * the object as the global `obj`, only the base, table, package and os libraries open (no `string`, no
 * string methods, no `math`, no `io`), and the table the script returns read for `status` and `message`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Debian's package of the reference Lua 5.1 interpreter. */
const LUA_PACKAGE = 'lua5.1';

/** What the health check returned. */
export interface HealthStatus {
  readonly status: string;
  readonly message: string;
}

/** The runner: compiles the script, closes what Argo CD does not open, runs it and prints its verdict. */
const RUNNER = `local write = io.write
local check = assert(loadfile(arg[2]))
obj = dofile(arg[1])
string, math, io, debug = nil, nil, nil, nil
getmetatable("").__index = nil
local ok, hs = pcall(check)
if not ok then
  error(hs, 0)
end
if type(hs) ~= "table" then
  error("the script returned " .. type(hs) .. ", not a table", 0)
end
write(tostring(hs.status), "\\n", tostring(hs.message))
`;

/** Path of `lua5.1`, installing Debian's package first when it is missing and this process is root. */
export function ensureLua(): string {
  const found = findLua();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `lua5.1 is not installed and installing it needs root: run \`sudo apt-get install ${LUA_PACKAGE}\`, then retry.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', LUA_PACKAGE], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const installed = findLua();
  if (!installed) throw new Error(`apt-get installed ${LUA_PACKAGE} but no lua5.1 appeared on PATH.`);
  return installed;
}

function findLua(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs
    .filter(Boolean)
    .map((dir) => join(dir, 'lua5.1'))
    .find((path) => existsSync(path));
}

/** Runs `script` on `object` (a Kubernetes object as JSON) and returns its verdict. */
export function runHealthCheck(script: string, object: unknown): HealthStatus {
  const lua = ensureLua();
  const dir = mkdtempSync(join(tmpdir(), 'argocd-health-'));
  try {
    writeFileSync(join(dir, 'runner.lua'), RUNNER);
    writeFileSync(join(dir, 'object.lua'), `return ${luaLiteral(object)}\n`);
    writeFileSync(join(dir, 'health.lua'), script);
    const output = execFileSync(lua, ['runner.lua', 'object.lua', 'health.lua'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const newline = output.indexOf('\n');
    return { status: output.slice(0, newline), message: output.slice(newline + 1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `value` as a Lua table constructor, as Argo CD hands an object to the script: objects become tables
 * with string keys, arrays tables indexed from 1, numbers numbers, null nothing.
 */
export function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} has no JSON form`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item != null);
  return `{${entries.map(([key, item]) => `[${luaString(key)}] = ${luaLiteral(item)}`).join(', ')}}`;
}

/** A Lua 5.1 string literal: printable ASCII as is, every other byte as a decimal escape. */
function luaString(text: string): string {
  let literal = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (char === '"' || char === '\\') literal += `\\${char}`;
    else if (byte >= 0x20 && byte < 0x7f) literal += char;
    // Three digits always: Lua reads up to three, so a shorter escape would swallow a following digit.
    else literal += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${literal}"`;
}
