/**
 * The DatabricksSecretScope reconciler: one secret scope per object, holding the secrets of
 * `spec.secrets` and the ACLs of `spec.acls`.
 *
 * - Ownership: a scope has no tags to carry a marker, so the object records the scope in
 *   `status.scopeName` before creating it. A scope that exists already is this object's only if its
 *   status says so, or if `spec.adopt` takes it over (claimed in status the same way, with an `Adopted`
 *   Event); any other is refused (`ScopeExists`, or `OwnedElsewhere` when another object holds it,
 *   adopt or not).
 * - Secrets: the Kubernetes Secrets are read at every reconcile, so a rotated value reaches Databricks
 *   within one resync period. Status keeps a salted hash per key: a key is put only when its hash
 *   changed or Databricks lost it, and removed only if this object put it. Values never reach status,
 *   Events or logs.
 * - ACLs, when `spec.acls` is given: made equal to it, except that the controller's own principal keeps
 *   its entry, without which it could no longer manage the scope.
 * - Deleted: `deletionPolicy` Delete (default) deletes the scope, Retain leaves it.
 */
import { createHash } from 'node:crypto';
import {
  AlreadyExistsError,
  DatabricksApiError,
  NotFoundError,
  RateLimitedError,
  TemporarilyUnavailableError,
  type AclItem,
  type DatabricksClient,
  type SecretScope,
} from '../databricks/index.js';
import {
  API_GROUP,
  API_VERSION,
  DATABRICKS_SECRET_SCOPE,
  type DatabricksSecretScopeSpec,
  type DatabricksSecretScopeStatus,
} from '../../lib/crds/index.js';
import type { OperatorSetup } from '../operator.js';
import { keysReferencing, type Reconciler } from '../runtime/controller.js';
import type { EventNote } from '../runtime/events.js';
import type { Informer } from '../runtime/informer.js';
import type { ResourceType } from '../runtime/kube-client.js';
import type { ObjectStore } from '../runtime/object-store.js';
import { done, type Outcome } from '../runtime/outcome.js';
import { StatusWriter } from '../runtime/status.js';
import { contentHash } from './content-hash.js';
import { note, warning } from './event-notes.js';
import {
  NotReadyError,
  WORKSPACE_INDEX,
  describeApiError,
  reconcileManaged,
  workspaceKeyOf,
  workspaceReadinessChanged,
  type Applied,
  type ManagedContext,
  type ManagedObject,
} from './managed.js';
import {
  putSecretRequest,
  readDesiredSecrets,
  secretValueHash,
  type DesiredSecrets,
} from './secret-scope-values.js';

/** The `databrickssecretscopes` resource. */
export const SECRET_SCOPES: ResourceType = {
  group: API_GROUP,
  version: API_VERSION,
  plural: DATABRICKS_SECRET_SCOPE.plural,
};

/** A DatabricksSecretScope as the informer holds it. */
export type DatabricksSecretScope = ManagedObject<DatabricksSecretScopeSpec, DatabricksSecretScopeStatus>;
type ScopeStatus = Omit<DatabricksSecretScopeStatus, 'conditions' | 'observedGeneration'>;
type ScopeAcl = NonNullable<DatabricksSecretScopeSpec['acls']>[number];

/** What {@link reconcileSecretScope} needs besides the shared context. */
export interface SecretScopeContext extends ManagedContext {
  /** The DatabricksSecretScope cache: which other object holds a scope name. */
  readonly scopes: Pick<ObjectStore<DatabricksSecretScope>, 'get' | 'keysByIndex'>;
  /**
   * What this process claimed and put, by owner UID. Status says the same once the informer has seen
   * the write, but a reconcile can start before that (a resync just after a change): without this it
   * would take its own scope for someone else's, or put every secret again.
   */
  readonly written: Map<string, WrittenScope>;
}

/** What this process knows it claimed and put into one object's scope. */
export interface WrittenScope {
  readonly scopeName: string;
  /** The hash of each key's value as put (updated as each put or removal succeeds). */
  readonly secretHashes: Record<string, string>;
}

/** Index of DatabricksSecretScopes by the scope name they want. */
export const SCOPE_NAME_INDEX = 'scopeName';
const MAX_SCOPE_NAME = 128;
const SHOWN_KEYS = 10;

/**
 * `<namespace>.<name>`, which cannot clash between namespaces; when that is over Databricks' 128
 * characters, its first characters and a hash of the whole, so it stays unique and the same every time.
 */
export function defaultScopeName(namespace: string, name: string): string {
  const full = `${namespace}.${name}`.replace(/[^\w.-]/g, '-');
  if (full.length <= MAX_SCOPE_NAME) return full;
  const suffix = createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 12);
  return `${full.slice(0, MAX_SCOPE_NAME - suffix.length - 1)}-${suffix}`;
}

/** The scope's name in Databricks: `spec.scopeName`, or the {@link defaultScopeName}. */
export function scopeNameOf(scope: DatabricksSecretScope): string {
  return scope.spec.scopeName ?? defaultScopeName(scope.metadata.namespace ?? '', scope.metadata.name);
}

/** Makes the Databricks secret scope match the DatabricksSecretScope. */
export const reconcileSecretScope: Reconciler<DatabricksSecretScope, SecretScopeContext> = (scope, context) =>
  reconcileManaged<DatabricksSecretScope, DatabricksSecretScopeStatus>(SECRET_SCOPES, scope, context, {
    apply: (current, client) => applyScope(current, client, context),
    cleanup: (current, connect) => cleanupScope(current, connect, context),
  });

async function applyScope(
  scope: DatabricksSecretScope,
  client: DatabricksClient,
  context: SecretScopeContext,
): Promise<Applied<DatabricksSecretScopeStatus>> {
  const name = scopeNameOf(scope);
  const uid = scope.metadata.uid ?? '';
  const previous = scope.status ?? {};
  const azure = scope.spec.backend?.type === 'AzureKeyVault';
  const desired = await readDesiredSecrets(scope.spec, scope.metadata.namespace ?? '', context.kube);
  const memory = context.written.get(uid);
  const owned = new Set([...(previous.secretKeys ?? []), ...Object.keys(memory?.secretHashes ?? {})]);
  const events: EventNote[] = [];
  // Write-ahead: the scope and every key about to be put are in status before Databricks hears of them,
  // so a crash in between leaves nothing this object would not find (and delete) again.
  const intent: DatabricksSecretScopeStatus = {
    ...previous,
    scopeName: name,
    ...(azure ? {} : { secretKeys: [...new Set([...owned, ...desired.values.keys()])].sort() }),
  };

  const observed = await ensureScope(scope, name, intent, client, context, events);
  const written = context.written.get(uid) ?? { scopeName: name, secretHashes: { ...previous.secretHashes } };
  context.written.set(uid, written);
  const status: ScopeStatus = {
    scopeName: name,
    backendType: azure ? 'AZURE_KEYVAULT' : 'DATABRICKS',
    ...(azure ? {} : await applySecrets(scope, written, owned, desired, observed, client, events)),
    ...(previous.aclsHash === undefined ? {} : { aclsHash: previous.aclsHash }),
  };
  const fail = async (error: NotReadyError): Promise<never> => {
    for (const event of events) await context.events.record(scope, event);
    throw new NotReadyError(error.reason, error.message, { status });
  };
  if (scope.spec.acls) {
    try {
      await applyAcls(scope.spec.acls, name, observed, client, events);
      status.aclsHash = aclsHash(scope.spec.acls);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      await fail(
        new NotReadyError(
          'AclsNotApplied',
          `spec.acls: Databricks refused the ACLs of scope ${name}: ${describeApiError(error)}`,
        ),
      );
    }
  } else {
    delete status.aclsHash;
  }
  const [problem, ...more] = desired.problems;
  if (problem) {
    const message = [problem, ...more].map((p) => p.message).join('; ');
    await fail(
      new NotReadyError(
        problem.reason,
        `${message} (the other secrets are applied; none is removed until this is fixed)`,
      ),
    );
  }
  const count = status.secretCount ?? 0;
  return {
    status,
    reason: 'Synced',
    message: `secret scope ${name} holds the ${count} secret(s) of spec.secrets${scope.spec.acls ? ` and ${scope.spec.acls.length} ACL(s)` : ''}`,
    events,
  };
}

/**
 * Makes sure the scope exists and is this object's, and reads what the reconcile needs of it. Unclaimed:
 * refuse a name another object holds, or one someone else created unless `spec.adopt` takes it over;
 * else claim it in status and create it. Claimed: read its keys and ACLs, and create it again if it
 * was deleted in Databricks.
 */
async function ensureScope(
  scope: DatabricksSecretScope,
  name: string,
  intent: DatabricksSecretScopeStatus,
  client: DatabricksClient,
  context: SecretScopeContext,
  events: EventNote[],
): Promise<Observed> {
  const uid = scope.metadata.uid ?? '';
  const created: Observed = { secretKeys: new Set(), acls: [] };
  if (scope.status?.scopeName !== name && context.written.get(uid)?.scopeName !== name) {
    refuseIfHeldElsewhere(scope, name, context);
    const existing = (await client.secrets.listScopes()).find((listed) => listed.name === name);
    if (existing) refuseUnlessAdopted(scope, existing, client);
    await context.status.update(scope, intent);
    context.written.set(uid, { scopeName: name, secretHashes: {} });
    if (!existing) {
      await createScope(scope, name, client, context, { claimedBefore: false, intent });
      events.push(note('Created', 'CreateScope', `created secret scope ${name}`));
      return created;
    }
    events.push(
      note(
        'Adopted',
        'AdoptScope',
        `adopted secret scope ${name} (spec.adopt): the secrets of spec.secrets are managed in it, keys it already held are left alone`,
      ),
    );
  } else {
    await context.status.update(scope, intent);
  }
  const observed = await observeScope(client, name, {
    secretKeys: (intent.secretKeys?.length ?? 0) > 0,
    acls: scope.spec.acls !== undefined,
  });
  if (observed) return observed;
  await createScope(scope, name, client, context, { claimedBefore: true, intent });
  events.push(
    warning('Recreated', 'CreateScope', `secret scope ${name} was deleted in Databricks; created it again`),
  );
  return created;
}

/**
 * A scope that exists but that this object did not create may be taken only with `spec.adopt`, and only
 * when its backend is the one the spec asks for (Databricks cannot change a scope's backend).
 */
function refuseUnlessAdopted(
  scope: DatabricksSecretScope,
  existing: SecretScope,
  client: DatabricksClient,
): void {
  if (!scope.spec.adopt) throw scopeExists(scope, existing.name, client);
  const wanted = scope.spec.backend?.type === 'AzureKeyVault' ? 'AZURE_KEYVAULT' : 'DATABRICKS';
  const actual = existing.backend_type ?? 'DATABRICKS';
  if (actual === wanted) return;
  throw new NotReadyError(
    'ScopeExists',
    `spec.adopt: secret scope ${existing.name} in ${client.host} has backend ${actual}, but spec.backend asks for ${wanted}; a scope's backend cannot change, so set spec.backend to match or choose another spec.scopeName`,
  );
}

/** What a reconcile reads of the scope: its keys and ACLs (each only when needed). */
interface Observed {
  readonly secretKeys?: ReadonlySet<string>;
  readonly acls?: readonly AclItem[];
}

/** The scope's keys and ACLs, or undefined when the scope is gone. */
async function observeScope(
  client: DatabricksClient,
  name: string,
  need: { secretKeys: boolean; acls: boolean },
): Promise<Observed | undefined> {
  try {
    const listed = need.secretKeys ? await client.secrets.listSecrets(name) : undefined;
    // Some read must show that the scope still exists; the ACL list is the smaller one.
    const acls = need.acls || !need.secretKeys ? await client.secrets.listAcls(name) : undefined;
    return { secretKeys: listed && new Set(listed.map((secret) => secret.key)), acls };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * Creates the scope the status already claims. An "already exists" answer is ours when the claim was in
 * status before this reconcile, or when the client retried the create (an earlier attempt made it);
 * otherwise someone else created the name a moment ago: the claim is withdrawn and the scope refused.
 */
async function createScope(
  scope: DatabricksSecretScope,
  name: string,
  client: DatabricksClient,
  context: SecretScopeContext,
  claim: { claimedBefore: boolean; intent: DatabricksSecretScopeStatus },
): Promise<void> {
  const backend = scope.spec.backend;
  try {
    await client.secrets.createScope({
      scope: name,
      ...(backend?.type === 'AzureKeyVault' && backend.azureKeyVault
        ? {
            scope_backend_type: 'AZURE_KEYVAULT',
            backend_azure_keyvault: {
              resource_id: backend.azureKeyVault.resourceId,
              dns_name: backend.azureKeyVault.dnsName,
            },
          }
        : {}),
    });
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    // Someone created the name a moment ago; with spec.adopt it is taken over as if it had been listed.
    if (!claim.claimedBefore && error.attempts <= 1 && !scope.spec.adopt) {
      await context.status.update({ ...scope, status: claim.intent }, scope.status ?? {});
      context.written.delete(scope.metadata.uid ?? '');
      throw scopeExists(scope, name, client);
    }
  }
}

/** Puts the keys whose value changed (or that Databricks lost), removes the ones that left the spec. */
async function applySecrets(
  scope: DatabricksSecretScope,
  { scopeName: name, secretHashes: hashes }: WrittenScope,
  ownedBefore: ReadonlySet<string>,
  desired: DesiredSecrets,
  observed: Observed,
  client: DatabricksClient,
  events: EventNote[],
): Promise<ScopeStatus> {
  const uid = scope.metadata.uid ?? '';
  const owned = new Set([...ownedBefore, ...desired.values.keys()]);
  const written = { new: [] as string[], rotated: [] as string[], restored: [] as string[] };
  for (const [key, value] of desired.values) {
    const hash = secretValueHash(uid, key, value);
    const present = observed.secretKeys?.has(key) ?? false;
    if (hashes[key] === hash && present) continue;
    await client.secrets.putSecret(putSecretRequest(name, key, value));
    const kind = hashes[key] === undefined ? 'new' : hashes[key] === hash ? 'restored' : 'rotated';
    written[kind].push(key);
    hashes[key] = hash;
  }
  const removed: string[] = [];
  // While an entry cannot be read, the keys it would give are unknown: remove nothing rather than guess.
  if (desired.problems.length === 0) {
    for (const key of owned) {
      if (desired.values.has(key)) continue;
      try {
        await client.secrets.deleteSecret(name, key);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      owned.delete(key);
      delete hashes[key];
      removed.push(key);
    }
  }
  for (const key of Object.keys(hashes)) if (!owned.has(key)) delete hashes[key];

  const parts = Object.entries(written)
    .filter(([, keys]) => keys.length > 0)
    .map(
      ([kind, keys]) => `${kind === 'restored' ? 'restored (deleted in Databricks)' : kind} ${shown(keys)}`,
    );
  if (parts.length > 0) {
    events.push(note('SecretsWritten', 'PutSecret', `wrote to secret scope ${name}: ${parts.join('; ')}`));
  }
  if (removed.length > 0) {
    events.push(
      note('SecretsRemoved', 'DeleteSecret', `removed ${shown(removed)} from secret scope ${name}`),
    );
  }
  const keys = [...owned].sort();
  return {
    secretCount: keys.length,
    ...(keys.length > 0
      ? { secretKeys: keys, secretHashes: { ...hashes }, secretsHash: contentHash(hashes) }
      : {}),
  };
}

/** Makes the scope's ACLs equal `acls`, keeping the controller's own entry. */
async function applyAcls(
  acls: readonly ScopeAcl[],
  name: string,
  observed: Observed,
  client: DatabricksClient,
  events: EventNote[],
): Promise<void> {
  const current = new Map((observed.acls ?? []).map((acl) => [acl.principal, acl.permission]));
  const changes: string[] = [];
  for (const { principal, permission } of acls) {
    if (current.get(principal) === permission) continue;
    await client.secrets.putAcl(name, principal, permission);
    changes.push(`${principal} ${permission}`);
  }
  const wanted = new Set(acls.map((acl) => acl.principal));
  const extra = [...current.keys()].filter((principal) => !wanted.has(principal));
  if (extra.length > 0) {
    // Asked only when something would go: the controller's principal must keep managing the scope.
    const self = (await client.currentUser.me()).userName;
    for (const principal of extra) {
      if (principal === self) continue;
      try {
        await client.secrets.deleteAcl(name, principal);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      changes.push(`removed ${principal}`);
    }
  }
  if (changes.length > 0) {
    events.push(note('AclsApplied', 'PutAcl', `ACLs of secret scope ${name}: ${changes.join(', ')}`));
  }
}

function aclsHash(acls: readonly ScopeAcl[]): string {
  return contentHash([...acls].sort((a, b) => (a.principal < b.principal ? -1 : 1)));
}

/** Errors no retry fixes; rate limits and unavailability are left to the work queue's backoff. */
function isPermanent(error: unknown): error is DatabricksApiError {
  return (
    error instanceof DatabricksApiError &&
    !(error instanceof RateLimitedError) &&
    !(error instanceof TemporarilyUnavailableError)
  );
}

/** `OwnedElsewhere` when another live DatabricksSecretScope in the same workspace holds the name. */
function refuseIfHeldElsewhere(
  scope: DatabricksSecretScope,
  name: string,
  context: SecretScopeContext,
): void {
  const host = context.workspaces.get(workspaceKeyOf(scope)[0])?.spec.host;
  for (const key of context.scopes.keysByIndex(SCOPE_NAME_INDEX, name)) {
    const other = context.scopes.get(key);
    if (!other || other.metadata.uid === scope.metadata.uid || other.status?.scopeName !== name) continue;
    if (context.workspaces.get(workspaceKeyOf(other)[0])?.spec.host !== host) continue;
    throw new NotReadyError(
      'OwnedElsewhere',
      `secret scope ${name} belongs to DatabricksSecretScope ${key}; delete that object (deletionPolicy Retain keeps the scope) or choose another spec.scopeName`,
    );
  }
}

function scopeExists(scope: DatabricksSecretScope, name: string, client: DatabricksClient): NotReadyError {
  const field = scope.spec.scopeName === undefined ? 'the default scope name' : 'spec.scopeName';
  return new NotReadyError(
    'ScopeExists',
    `secret scope ${name} already exists in ${client.host} and this object did not create it; set spec.adopt to take it over, choose another name (${field}), or delete the scope in Databricks to let this object create it`,
  );
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupScope(
  scope: DatabricksSecretScope,
  connect: () => Promise<DatabricksClient>,
  context: SecretScopeContext,
): Promise<Outcome> {
  const uid = scope.metadata.uid ?? '';
  // Only a scope this object claimed; a refused one (ScopeExists) was never ours to delete.
  const name = scope.status?.scopeName ?? context.written.get(uid)?.scopeName;
  if (name === undefined) return done;
  if ((scope.spec.deletionPolicy ?? 'Delete') === 'Retain') {
    await context.events.record(
      scope,
      note('Retained', 'RetainScope', `left secret scope ${name} in Databricks (deletionPolicy Retain)`),
    );
  } else if (!context.workspaces.get(workspaceKeyOf(scope)[0])) {
    // Nothing can reach the scope any more; holding the object would block its namespace's deletion.
    await context.events.record(
      scope,
      warning(
        'Orphaned',
        'DeleteScope',
        `DatabricksWorkspace ${scope.spec.workspaceRef.name} is gone, so secret scope ${name} was left in Databricks`,
      ),
    );
  } else {
    const client = await connect();
    try {
      await client.secrets.deleteScope(name);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    await context.events.record(scope, note('Deleted', 'DeleteScope', `deleted secret scope ${name}`));
  }
  context.written.delete(uid);
  return done;
}

function shown(keys: readonly string[]): string {
  const more = keys.length - SHOWN_KEYS;
  return more > 0 ? `${keys.slice(0, SHOWN_KEYS).join(', ')} and ${more} more` : keys.join(', ');
}

/** Runs the DatabricksSecretScope controller, woken also when its workspace becomes Ready or changes. */
export function registerSecretScopeController(setup: OperatorSetup): void {
  const { informers, manager } = setup;
  const informer = informers.DatabricksSecretScope as unknown as Informer<DatabricksSecretScope>;
  informer.addIndex(WORKSPACE_INDEX, workspaceKeyOf);
  informer.addIndex(SCOPE_NAME_INDEX, (scope) => [scopeNameOf(scope)]);
  const controller = manager.controller<DatabricksSecretScope, SecretScopeContext>({
    name: 'databrickssecretscope',
    informer,
    reconcile: reconcileSecretScope,
    workers: setup.config.workers,
    context: {
      ...setup.shared,
      status: new StatusWriter(manager.kube, SECRET_SCOPES),
      scopes: informer.store,
      written: new Map(),
    },
  });
  controller.watch(informers.DatabricksWorkspace, keysReferencing(informer, WORKSPACE_INDEX), (a, b) =>
    workspaceReadinessChanged(a as never, b as never),
  );
}
