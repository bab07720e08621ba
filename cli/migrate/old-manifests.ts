/**
 * Reading azure-databricks-operator manifests: YAML or JSON files, or directories of them, as written by
 * hand or by `kubectl get -o yaml` (status included, one object, several documents, or a `kind: List`).
 * Anything that is not one of the six old kinds, and any spec field those kinds do not have, is refused
 * with one line naming the file, the document or object, and the fix.
 */
import { CommandError } from '../command-line.js';
import { readManifestFiles } from '../manifest-files.js';
import { OLD_API_VERSION, OLD_KINDS, unknownField, type OldKindName } from './old-kinds.js';

type Json = Record<string, unknown>;

/** One old object, as read. */
export interface OldObject {
  /** The file, as given or relative to the directory given. */
  readonly file: string;
  readonly kind: OldKindName;
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly spec: Json;
  readonly status: Json;
}

/** `Djob team/etl` (or `Djob etl` without a namespace). */
export function describeOld(object: Pick<OldObject, 'kind' | 'name' | 'namespace'>): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/** Reads every old object in `paths`, in order; `-` is standard input, read with `stdin`. */
export function readOldManifests(paths: readonly string[], cwd: string, stdin: () => string): OldObject[] {
  return readManifestFiles(paths, cwd, stdin).map(({ value, where, file }) => oldObject(value, where, file));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, String(field)]));
}

function oldObject(value: unknown, where: string, file: string): OldObject {
  if (!isObject(value)) throw new CommandError(`${where}: not a Kubernetes object; give manifests`);
  const { apiVersion, kind, metadata, spec, status, ...rest } = value;
  const name = isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : undefined;
  const shown = `${String(kind ?? 'object without kind')}${name ? ` ${name}` : ''} (${String(apiVersion ?? 'no apiVersion')})`;
  if (apiVersion !== OLD_API_VERSION || typeof kind !== 'string' || !(kind in OLD_KINDS)) {
    throw new CommandError(
      `${where}: ${shown} is not an azure-databricks-operator object; migrate reads ${Object.keys(OLD_KINDS).join(', ')} of ${OLD_API_VERSION}, so leave it out`,
    );
  }
  const oldKind = OLD_KINDS[kind as OldKindName];
  if (name === undefined) throw new CommandError(`${where}: ${kind} has no metadata.name; give it one`);
  const namespace =
    isObject(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  const object = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  const extra = Object.keys(rest);
  if (extra.length > 0) {
    throw new CommandError(
      `${where}: ${object}: ${extra[0]} is not a field of a Kubernetes object; remove it`,
    );
  }
  if (spec !== undefined && !isObject(spec))
    throw new CommandError(`${where}: ${object}: spec should be an object`);
  for (const [field, fieldValue] of Object.entries(spec ?? {})) {
    if (oldKind.notFields?.[field] !== undefined) continue;
    const shape = oldKind.spec[field];
    if (shape === undefined) {
      throw new CommandError(
        `${where}: ${object}: spec.${field} is not a field of ${kind} in azure-databricks-operator 0.74 (known: ${Object.keys(oldKind.spec).join(', ')}); remove it or fix its spelling`,
      );
    }
    const problem = unknownField(fieldValue, shape, `spec.${field}`);
    if (problem !== undefined) {
      throw new CommandError(`${where}: ${object}: ${problem}; remove it or fix its spelling`);
    }
  }
  return {
    file,
    kind: kind as OldKindName,
    name,
    ...(namespace ? { namespace } : {}),
    ...(isObject(metadata) && stringMap(metadata.labels) ? { labels: stringMap(metadata.labels) } : {}),
    ...(isObject(metadata) && stringMap(metadata.annotations)
      ? { annotations: stringMap(metadata.annotations) }
      : {}),
    spec: (spec as Json | undefined) ?? {},
    status: isObject(status) ? status : {},
  };
}
