// The manifests under test/crds/valid/ (the API server must accept each) and test/crds/invalid/
// (each has one mistake, and the API server must reject it naming the field). An invalid manifest
// states its expectation in three header comments:
//   # mistake: what is wrong
//   # field: the field path the API server names
//   # message: a fragment of the API server message
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** A custom resource as written in a corpus file. */
export interface CorpusManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

/** One corpus file. */
export interface CorpusEntry {
  file: string;
  manifest: CorpusManifest;
}

/** One invalid corpus file, with what the API server must say. */
export interface InvalidCorpusEntry extends CorpusEntry {
  mistake: string;
  field: string;
  message: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function readDirectory(name: string): { file: string; text: string }[] {
  const dir = join(here, name);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file: `${name}/${file}`, text: readFileSync(join(dir, file), 'utf8') }));
}

function header(file: string, text: string, name: string): string {
  const match = new RegExp(`^# ${name}: (.+)$`, 'm').exec(text);
  if (!match) throw new Error(`${file}: the "# ${name}:" header comment is missing`);
  return match[1].trim();
}

/** The manifests the API server must accept. */
export function validManifests(): CorpusEntry[] {
  return readDirectory('valid').map(({ file, text }) => ({ file, manifest: parse(text) as CorpusManifest }));
}

/** The manifests the API server must reject, with the expected field and message. */
export function invalidManifests(): InvalidCorpusEntry[] {
  return readDirectory('invalid').map(({ file, text }) => ({
    file,
    manifest: parse(text) as CorpusManifest,
    mistake: header(file, text, 'mistake'),
    field: header(file, text, 'field'),
    message: header(file, text, 'message'),
  }));
}
