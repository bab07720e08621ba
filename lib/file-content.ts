import { readFileSync } from 'node:fs';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/**
 * Content up to this size is written into the custom resource itself. Above it, the content goes into a
 * ConfigMap that the construct also emits, so the custom resource stays small enough to read and diff.
 */
export const INLINE_CONTENT_MAX_BYTES = 32 * 1024;

/**
 * The largest content a construct accepts. A ConfigMap holds binary content base64-encoded (4/3 larger),
 * and a Kubernetes object may not exceed about 1.5 MiB in etcd; 768 KiB becomes 1 MiB in the ConfigMap,
 * far enough from that limit to leave room for metadata and managed fields.
 */
export const CONTENT_MAX_BYTES = 768 * 1024;

/** A key of a ConfigMap that holds content. */
export interface ConfigMapContent {
  /** The name of the ConfigMap. */
  readonly name: string;
  /** The key within it. */
  readonly key: string;
}

/** Where content ended up: inline (base64) or in a ConfigMap the construct emitted. */
export type PlacedContent =
  | { readonly inline: string; readonly configMap?: undefined }
  | { readonly inline?: undefined; readonly configMap: ConfigMapContent };

/** Reads a local file at synth time, or throws an error naming the construct, the file and what to do. */
export function readLocalFile(scope: Construct, id: string, localPath: string): Buffer {
  try {
    return readFileSync(localPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${scope.node.path}/${id}: cannot read local file "${localPath}" (${reason}); ` +
        `check the path, which is relative to the directory cdk8s synth runs in`,
    );
  }
}

/** What is wrong with the size of some content, naming the field and the fix; undefined if nothing. */
export function contentSizeProblem(field: string, bytes: number): string | undefined {
  if (bytes <= CONTENT_MAX_BYTES) return undefined;
  return (
    `${field} is ${bytes} bytes, above the ${CONTENT_MAX_BYTES} bytes a manifest can carry safely ` +
    `(Kubernetes objects are limited to about 1.5 MiB); upload large files another way ` +
    `(e.g. a Unity Catalog volume or a wheel in an artifact store) and refer to them by path`
  );
}

/**
 * Places content inline when it is small, or in a ConfigMap child named `Content` when it is large.
 * Content above {@link CONTENT_MAX_BYTES} is placed nowhere: the caller reports it at validation.
 */
export function placeContent(scope: Construct, content: Buffer, key: string, binary: boolean): PlacedContent {
  if (content.length <= INLINE_CONTENT_MAX_BYTES || content.length > CONTENT_MAX_BYTES) {
    return { inline: content.toString('base64') };
  }
  const configMap = new ApiObject(scope, 'Content', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    ...(binary
      ? { binaryData: { [key]: content.toString('base64') } }
      : { data: { [key]: content.toString('utf8') } }),
  });
  return { configMap: { name: configMap.name, key } };
}
