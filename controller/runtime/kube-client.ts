import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type EventsV1Event,
  type V1ConfigMap,
  type V1Lease,
  type V1Secret,
} from '@kubernetes/client-node';
import fetch, { Headers } from 'node-fetch';
import { createInterface } from 'node:readline';
import { KubeConnections } from './kube-connections.js';

/** A kind of object addressed by API group, version and plural name (`''` is the core group). */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** The metadata fields the runtime reads, as the API server sends them (timestamps are strings). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Any Kubernetes object as JSON: custom objects are used in this untyped-but-checked form. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** One page of a list, with the resourceVersion to start a watch from. */
export interface ObjectList<T extends KubeObject = KubeObject> {
  readonly items: T[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
}

/** A JSON patch operation (RFC 6902), as used for finalizers with a resourceVersion test. */
export type JsonPatchOperation =
  { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

/** The key of an object in caches and queues: `namespace/name`, or `name` for cluster-scoped ones. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by {@link objectKey}. */
export function parseObjectKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The HTTP status of a failed Kubernetes API call, or undefined if it was not an HTTP error. */
export function apiStatusCode(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { statusCode?: unknown; code?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Whether a Kubernetes API call failed because the object does not exist (404). */
export function isNotFound(error: unknown): boolean {
  return apiStatusCode(error) === 404;
}

/** Whether a write lost an optimistic-concurrency race or hit an existing object (409). */
export function isConflict(error: unknown): boolean {
  return apiStatusCode(error) === 409;
}

/** The error thrown by {@link KubeClient.list} on a non-2xx answer. */
export class KubeRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
    path: string,
  ) {
    super(`GET ${path} answered ${statusCode}: ${body.slice(0, 300)}`);
    this.name = 'KubeRequestError';
  }
}

/**
 * What {@link KubeClient.list} and {@link KubeClient.watch} ask for with `metadataOnly`: the API server
 * answers with PartialObjectMetadata (`meta.k8s.io/v1`), the objects' metadata and nothing else, so a
 * Secret's `data` never crosses the wire. A list asks for the list form, a watch for the object form.
 */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** Options of {@link KubeClient.list}. */
export interface ListOptions {
  readonly labelSelector?: string;
  readonly limit?: number;
  readonly continueToken?: string;
  /** Only each object's metadata (PartialObjectMetadata). @default false */
  readonly metadataOnly?: boolean;
}

/** Options of {@link KubeClient.watch}. */
export interface WatchOptions {
  /** Only each object's metadata (PartialObjectMetadata). @default false */
  readonly metadataOnly?: boolean;
}

/** Longest a single list page may take; the API server's own default request timeout is 60 s. */
const LIST_TIMEOUT_MS = 60_000;

/**
 * The field manager of every write the controller makes (status, finalizers, Events, its Lease), so that
 * `managedFields` and audit logs name the controller. Without it the API server names the writer after
 * the HTTP client's user agent (`node-fetch`).
 */
export const CONTROLLER_FIELD_MANAGER = 'cdk8s-databricks-controller';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

/**
 * The small typed surface of the Kubernetes API the controller uses: custom objects, Secrets,
 * ConfigMaps, Leases and Events. Everything else in the runtime goes through it, so tests and
 * reconcilers see one client and one error shape (`ApiException` with `.code` and `.body`).
 */
export class KubeClient {
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly events: EventsV1Api;
  /** One keep-alive agent for every request (client-node alone opens a TLS connection per call). */
  private readonly connections: KubeConnections;

  /**
   * @param fieldManager names this client's writes in `managedFields`; tests that write objects as a
   *   user would give their own. @default CONTROLLER_FIELD_MANAGER
   */
  constructor(
    readonly config: KubeConfig,
    readonly fieldManager: string = CONTROLLER_FIELD_MANAGER,
  ) {
    this.connections = new KubeConnections(config);
    const api = this.connections.apiConfiguration();
    this.custom = new CustomObjectsApi(api);
    this.core = new CoreV1Api(api);
    this.coordination = new CoordinationV1Api(api);
    this.events = new EventsV1Api(api);
  }

  /** A client for `KUBECONFIG`, `~/.kube/config` or the in-cluster service account. */
  static fromDefault(): KubeClient {
    const config = new KubeConfig();
    config.loadFromDefault();
    return new KubeClient(config);
  }

  /** One page of objects of `resource` in `namespace`, or in all namespaces when it is undefined. */
  async list<T extends KubeObject>(
    resource: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const query = new URLSearchParams();
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.limit) query.set('limit', String(options.limit));
    if (options.continueToken) query.set('continue', options.continueToken);
    const path = `${resourcePath(resource, namespace)}?${query.toString()}`;
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster: set its current-context');
    const init = await this.config.applyToFetchOptions({});
    init.agent = (await this.connections.sharedAgent()) ?? init.agent;
    // A list that hangs would stall the informer for good (only watches have a stall timer).
    if (options.metadataOnly) init.headers = accepting(init.headers, METADATA_LIST_ACCEPT);
    const response = await fetch(cluster.server + path, {
      ...init,
      method: 'GET',
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new KubeRequestError(response.status, text, path);
    const list = JSON.parse(text) as {
      items?: T[];
      metadata?: { resourceVersion?: string; continue?: string };
    };
    return {
      items: list.items ?? [],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continueToken: list.metadata?.continue || undefined,
    };
  }

  /**
   * Starts a watch of `resource` from `resourceVersion`. `onEvent` gets each event; `onDone` is
   * called once when the stream ends for any reason (error or not). Abort the returned controller to stop.
   */
  watch(
    resource: ResourceType,
    namespace: string | undefined,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
    options: WatchOptions = {},
  ): Promise<AbortController> {
    const path = resourcePath(resource, namespace);
    if (options.metadataOnly) return this.watchMetadata(path, query, onEvent, onDone);
    return new Watch(this.config).watch(path, query, onEvent, onDone);
  }

  /**
   * A watch of metadata only. client-node's `Watch` cannot set the Accept header, so this is the same
   * stream (one JSON event a line) read here; errors and the end of the stream reach `onDone` once, as
   * there.
   */
  private async watchMetadata(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
  ): Promise<AbortController> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster: set its current-context');
    const url = new URL(cluster.server + path);
    url.searchParams.set('watch', 'true');
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const init = await this.config.applyToFetchOptions({});
    init.agent = (await this.connections.sharedAgent()) ?? init.agent;
    init.headers = accepting(init.headers, METADATA_WATCH_ACCEPT);
    const controller = new AbortController();
    let ended = false;
    const end = (error: unknown): void => {
      if (ended) return;
      ended = true;
      controller.abort();
      onDone(error);
    };
    try {
      const response = await fetch(url, { ...init, method: 'GET', signal: controller.signal });
      if (!response.ok) {
        throw new KubeRequestError(response.status, await response.text(), `${path} (watch)`);
      }
      const body = response.body;
      body.on('error', end);
      const lines = createInterface({ input: body, crlfDelay: Infinity });
      // readline passes the stream's errors on (an abort among them): unhandled, they would crash the process.
      lines.on('error', end);
      lines.on('line', (line) => {
        if (ended || line.trim() === '') return;
        let event: { type?: string; object?: unknown };
        try {
          event = JSON.parse(line) as { type?: string; object?: unknown };
        } catch (error) {
          return end(new Error(`watch ${path} sent a line that is not JSON: ${String(error)}`));
        }
        onEvent(event.type ?? '', event.object);
      });
      lines.on('close', () => end(null));
    } catch (error) {
      end(error);
    }
    return controller;
  }

  /** The custom object, or undefined if it does not exist. */
  async getCustomObject<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({ ...resource, namespace, name })) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Creates a custom object in `namespace`. */
  async createCustomObject<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    body: T,
  ): Promise<T> {
    const { fieldManager } = this;
    return (await this.custom.createNamespacedCustomObject({
      ...resource,
      namespace,
      body,
      fieldManager,
    })) as T;
  }

  /** Deletes a custom object (its finalizers still hold it until removed). */
  async deleteCustomObject(resource: ResourceType, namespace: string, name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({ ...resource, namespace, name });
  }

  /** Patches a custom object with a JSON merge patch (an object) or a JSON patch (an array). */
  async patchCustomObject<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    name: string,
    patch: Record<string, unknown> | JsonPatchOperation[],
  ): Promise<T> {
    const options = Array.isArray(patch) ? jsonPatch : mergePatch;
    return (await this.custom.patchNamespacedCustomObject(
      { ...resource, namespace, name, body: patch, fieldManager: this.fieldManager },
      options,
    )) as T;
  }

  /** Merge-patches the `status` subresource of a custom object. */
  async patchCustomObjectStatus<T extends KubeObject>(
    resource: ResourceType,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<T> {
    return (await this.custom.patchNamespacedCustomObjectStatus(
      { ...resource, namespace, name, body: patch, fieldManager: this.fieldManager },
      mergePatch,
    )) as T;
  }

  /**
   * A Secret, or undefined if it does not exist. The one way the controller reads a Secret's data: its
   * informer of Secrets holds metadata only.
   */
  async readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * JSON-patches a Secret. The controller uses it only on `metadata.finalizers` (see the workspace's
   * credential-secrets.ts); the patch's `test` operations make a concurrent change fail it instead of
   * being overwritten.
   */
  patchSecret(namespace: string, name: string, patch: JsonPatchOperation[]): Promise<V1Secret> {
    return this.core.patchNamespacedSecret(
      { namespace, name, body: patch, fieldManager: this.fieldManager },
      jsonPatch,
    );
  }

  /** A ConfigMap, or undefined if it does not exist. */
  async readConfigMap(namespace: string, name: string): Promise<V1ConfigMap | undefined> {
    try {
      return await this.core.readNamespacedConfigMap({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** A Lease, or undefined if it does not exist. */
  async readLease(namespace: string, name: string): Promise<V1Lease | undefined> {
    try {
      return await this.coordination.readNamespacedLease({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Creates a Lease; fails with 409 if another process created it first. */
  createLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.coordination.createNamespacedLease({ namespace, body, fieldManager: this.fieldManager });
  }

  /** Replaces a Lease; its `metadata.resourceVersion` makes this fail with 409 if someone wrote in between. */
  replaceLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.coordination.replaceNamespacedLease({
      namespace,
      name: body.metadata?.name ?? '',
      body,
      fieldManager: this.fieldManager,
    });
  }

  /** Creates an `events.k8s.io/v1` Event. */
  createEvent(namespace: string, body: EventsV1Event): Promise<EventsV1Event> {
    return this.events.createNamespacedEvent({ namespace, body, fieldManager: this.fieldManager });
  }

  /** Merge-patches an Event (used to bump the count of a repeated event). */
  patchEvent(namespace: string, name: string, patch: Record<string, unknown>): Promise<EventsV1Event> {
    return this.events.patchNamespacedEvent(
      { namespace, name, body: patch, fieldManager: this.fieldManager },
      mergePatch,
    );
  }
}

/** `headers` (the kubeconfig's, with its credentials) asking for `accept`. */
function accepting(headers: ConstructorParameters<typeof Headers>[0], accept: string): Headers {
  const result = new Headers(headers);
  result.set('Accept', accept);
  return result;
}

/** The REST path of a collection: `/apis/<group>/<version>[/namespaces/<ns>]/<plural>` (`/api/v1` for core). */
export function resourcePath(resource: ResourceType, namespace: string | undefined): string {
  const prefix =
    resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${scope}/${resource.plural}`;
}
