/**
 * Reading Kubernetes manifests for a command: YAML or JSON files, or directories of them, as `cdk8s
 * synth` or `kubectl get -o yaml` writes them (one object, several documents, or a `kind: List`). A file
 * that is not valid YAML, or a document that is not an object, is refused with one line naming the file
 * and the document.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CommandError } from './command-line.js';

type Json = Record<string, unknown>;

/** One object of a manifest file. */
export interface ManifestDocument {
  readonly value: Json;
  /** Where it is, for messages: `dist/app.k8s.yaml (document 3)`, `list.yaml, items[0]`. */
  readonly where: string;
  /** The file, as given or relative to the directory given. */
  readonly file: string;
}

const READABLE = new Set(['.yaml', '.yml', '.json']);

/** The files `given` names: a file as given, a directory walked for .yaml, .yml and .json files. */
function filesOf(given: string, cwd: string): { path: string; shown: string }[] {
  const path = resolve(cwd, given);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new CommandError(`${given}: no such file or directory`);
  }
  if (!isDirectory) return [{ path, shown: given }];
  const found = readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && READABLE.has(extname(entry.name).toLowerCase()))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  if (found.length === 0)
    throw new CommandError(`${given}: the directory holds no .yaml, .yml or .json file`);
  return found.map((file) => ({ path: file, shown: join(given, relative(path, file)) }));
}

/** Every object in `paths`, in order; `-` is standard input, read with `stdin`. */
export function readManifestFiles(
  paths: readonly string[],
  cwd: string,
  stdin: () => string,
): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const given of paths) {
    if (given === '-') {
      documents.push(...parseManifests(stdin(), 'standard input'));
      continue;
    }
    for (const { path, shown } of filesOf(given, cwd)) {
      documents.push(...parseManifests(readFileSync(path, 'utf8'), shown));
    }
  }
  return documents;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects of one file's text (a `kind: List` gives its items); `file` names it in errors. */
export function parseManifests(text: string, file: string): ManifestDocument[] {
  const found: ManifestDocument[] = [];
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    const where = list.length > 1 ? `${file} (document ${index + 1})` : file;
    if (document.errors.length > 0) {
      const [error] = document.errors;
      const line = error!.linePos?.[0]?.line;
      throw new CommandError(
        `${where}${line === undefined ? '' : `, line ${line}`}: not valid YAML (${error!.message.split('\n')[0]}); fix the file`,
      );
    }
    const value = document.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    if (!isObject(value)) {
      throw new CommandError(
        `${where}: not a Kubernetes object (a ${Array.isArray(value) ? 'list' : typeof value}); give manifests`,
      );
    }
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, itemIndex: number) => {
        const at = `${where}, items[${itemIndex}]`;
        if (!isObject(item)) throw new CommandError(`${at}: not a Kubernetes object; give manifests`);
        found.push({ value: item, where: at, file });
      });
      return;
    }
    found.push({ value, where, file });
  });
  return found;
}
