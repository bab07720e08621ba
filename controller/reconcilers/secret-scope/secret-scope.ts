/**
 * The DatabricksSecretScope reconciler: one secret scope per object, holding the secrets of
 * `spec.secrets` and the ACLs of `spec.acls`.
 *
 * - Ownership: a scope has no tags to carry a marker, so the object records the scope in
 *   `status.scopeName` before creating it. A scope that exists already is this object's only if its
 *   status says so, or if `spec.adopt` takes it over (claimed in status the same way, with an `Adopted`
 *   Event); any other is refused (`ScopeExists`, or `OwnedElsewhere` when another object holds it,
 *   adopt or not).
 * - Secrets: the Kubernetes Secrets are read at every reconcile, and watched (metadata only), so a
 *   rotated value wakes the scope and reaches Databricks within seconds. Status keeps a hash per key, keyed by a secret only the controller holds
 *   (secret-scope-hash-key.ts), so status confirms no guess of a value: a key is put only when its
 *   hash changed or Databricks lost it, and removed only if this object put it. Values never reach
 *   status, Events or logs.
 * - ACLs, when `spec.acls` is given: made equal to it, except that the controller's own principal keeps
 *   its entry, without which it could no longer manage the scope. A difference while the spec is the one
 *   last applied was made in Databricks: `DriftCorrected`.
 * - Reads: that the scope exists is seen in the workspace's shared `secrets/scopes/list`, read once per
 *   resync. Its keys (did Databricks lose one?) and ACLs show only in reads of their own, so they are read
 *   on the slow cycle ({@link StaggeredCycle}): once per period per scope, at its own moment; ACLs also
 *   when `spec.acls` changed.
 * - Deleted: `deletionPolicy` Delete (default) deletes the scope, Retain leaves it.
 */
import type { DatabricksClient } from '../../databricks/index.js';
import { type DatabricksSecretScopeStatus, defaultScopeName } from '../../../lib/crds/index.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { secretWatch } from '../managed/source-watches.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note } from '../managed/event-notes.js';
import {
  NotReadyError,
  describeApiError,
  type Applied,
  type CleanedUp,
  type Checkpoint,
} from '../managed/managed.js';
import { aclsHash, applyAcls, isPermanent } from './secret-scope-acls.js';
import {
  SCOPE_NAME_INDEX,
  ensureScope,
  scopeListing,
  type ObservedScope,
  type ScopeContentsRead,
} from './secret-scope-claim.js';
import {
  hashKeyStore,
  SecretHashKey,
  secretHashKeyName,
  type SecretValueHasher,
} from './secret-scope-hash-key.js';
import {
  putSecretRequest,
  readDesiredSecrets,
  valueSecretsOf,
  type DesiredSecrets,
} from './secret-scope-values.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import {
  SECRET_SCOPES,
  type DatabricksSecretScope,
  type SecretScopeContext,
  type WrittenScope,
} from './secret-scope-types.js';

export {
  SECRET_SCOPES,
  type DatabricksSecretScope,
  type SecretScopeContext,
  type WrittenScope,
} from './secret-scope-types.js';

type ScopeStatus = Omit<DatabricksSecretScopeStatus, 'conditions' | 'observedGeneration'>;

/** How an Event names each kind of put. */
const WRITTEN_KINDS = {
  new: 'new',
  rotated: 'rotated',
  restored: 'restored (deleted in Databricks)',
  unconfirmed:
    "rewritten (the controller's hash key changed, so the version in Databricks could not be confirmed)",
} as const;

const SHOWN_KEYS = 10;

/** The scope's name in Databricks: `spec.scopeName`, or the {@link defaultScopeName}. */
export function scopeNameOf(scope: DatabricksSecretScope): string {
  return scope.spec.scopeName ?? defaultScopeName(scope.metadata.namespace ?? '', scope.metadata.name);
}

/**
 * `managementPolicy: Observe`: reads whether the scope exists, which keys it holds and, when the spec has
 * ACLs, who may do what, and says where that differs from the spec; nothing is put, claimed or deleted.
 * Values cannot be compared (Databricks never returns them). Status records no scope name: that is the
 * claim, and an observed scope is not claimed, so taking it over later still needs `spec.adopt` unless
 * this object creates it.
 */
async function observeScope(
  scope: DatabricksSecretScope,
  client: DatabricksClient,
  context: SecretScopeContext,
): Promise<Applied<DatabricksSecretScopeStatus>> {
  const name = scopeNameOf(scope);
  if (!(await scopeListing(client, context.view).find(name))) {
    throw new NotReadyError(
      'NotFound',
      `secret scope ${name} does not exist in ${client.host}; managementPolicy Observe never creates one`,
    );
  }
  const drifted: string[] = [];
  if (scope.spec.backend?.type !== 'AzureKeyVault' && (scope.spec.secrets ?? []).length > 0) {
    const desired = await readDesiredSecrets(scope.spec, scope.metadata.namespace ?? '', context.kube);
    const held = new Set((await client.secrets.listSecrets(name)).map((secret) => secret.key));
    for (const key of [...desired.values.keys()].sort()) if (!held.has(key)) drifted.push(`secrets[${key}]`);
  }
  if (scope.spec.acls) {
    const held = new Map((await client.secrets.listAcls(name)).map((acl) => [acl.principal, acl.permission]));
    const wanted = new Map(scope.spec.acls.map((acl) => [acl.principal, acl.permission]));
    for (const principal of [...new Set([...held.keys(), ...wanted.keys()])].sort()) {
      if (held.get(principal) !== wanted.get(principal)) drifted.push(`acls[${principal}]`);
    }
  }
  const subject = `secret scope ${name}`;
  return {
    status: { driftedFields: drifted },
    reason: OBSERVED_REASON,
    message: observedMessage(subject),
    conditions: [
      inSyncCondition(
        subject,
        'the keys and ACLs of the spec (values are never compared)',
        drifted,
        scope.metadata.generation,
      ),
    ],
  };
}

async function applyScope(
  scope: DatabricksSecretScope,
  client: DatabricksClient,
  context: SecretScopeContext,
  checkpoint: Checkpoint<DatabricksSecretScopeStatus>,
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

  // Read once per process (a Secret in the controller's namespace), and before anything is changed in
  // Databricks: without it no put could be recorded. An Azure Key Vault scope has no values to hash.
  const hasher = azure ? undefined : await context.hashKey.get();
  const due = context.contentsCycle.due(uid);
  const read: ScopeContentsRead = {
    secretKeys: due,
    acls: due || (scope.spec.acls !== undefined && previous.aclsHash !== aclsHash(scope.spec.acls)),
  };
  const observed = await ensureScope(scope, name, intent, client, context, checkpoint, events, read);
  const written = context.written.get(uid) ?? { scopeName: name, secretHashes: { ...previous.secretHashes } };
  context.written.set(uid, written);
  const status: ScopeStatus = {
    scopeName: name,
    backendType: azure ? 'AZURE_KEYVAULT' : 'DATABRICKS',
    ...(hasher ? await applySecrets(scope, written, owned, desired, observed, client, events, hasher) : {}),
    ...(previous.aclsHash === undefined ? {} : { aclsHash: previous.aclsHash }),
  };
  // Not Ready, with what was applied meanwhile in status and told in Events.
  const fail = (error: NotReadyError): never => {
    throw new NotReadyError(error.reason, error.message, { status, events });
  };
  if (scope.spec.acls && observed.acls === undefined) {
    // Not read this time (the spec's ACLs were applied already): as they were applied.
    status.aclsHash = aclsHash(scope.spec.acls);
  } else if (scope.spec.acls) {
    try {
      const hash = aclsHash(scope.spec.acls);
      const drifted = previous.aclsHash === hash && !observed.created;
      await applyAcls(scope.spec.acls, name, observed.acls, client, events, drifted);
      status.aclsHash = hash;
    } catch (error) {
      if (!isPermanent(error)) throw error;
      fail(
        new NotReadyError(
          'AclsNotApplied',
          `spec.acls: Databricks refused the ACLs of scope ${name}: ${describeApiError(error)}`,
        ),
      );
    }
  } else {
    delete status.aclsHash;
  }
  // The scope's keys and ACLs were read and put right: the next read is at its next moment.
  if (due) context.contentsCycle.read(uid);
  const [problem, ...more] = desired.problems;
  if (problem) {
    const message = [problem, ...more].map((p) => p.message).join('; ');
    fail(
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
    // Its next moment of the slow cycle, so the reads of all scopes are spread over the period.
    requeueAfterMs: context.contentsCycle.untilNext(uid),
    message: `secret scope ${name} holds the ${count} secret(s) of spec.secrets${scope.spec.acls ? ` and ${scope.spec.acls.length} ACL(s)` : ''}`,
    events,
  };
}

/**
 * Puts the keys whose value changed (or that Databricks lost), removes the ones that left the spec. A
 * hash from before the controller's key (keyed by the UID) is checked once and re-keyed without a put
 * when the value is the same; one under a key the controller no longer has cannot be checked, so that
 * value is put again.
 */
async function applySecrets(
  scope: DatabricksSecretScope,
  { scopeName: name, secretHashes: hashes }: WrittenScope,
  ownedBefore: ReadonlySet<string>,
  desired: DesiredSecrets,
  observed: ObservedScope,
  client: DatabricksClient,
  events: EventNote[],
  hasher: SecretValueHasher,
): Promise<ScopeStatus> {
  const uid = scope.metadata.uid ?? '';
  const owned = new Set([...ownedBefore, ...desired.values.keys()]);
  const written = {
    new: [] as string[],
    rotated: [] as string[],
    restored: [] as string[],
    unconfirmed: [] as string[],
  };
  const rekeyed: string[] = [];
  for (const [key, value] of desired.values) {
    const hash = hasher.hash(key, value);
    const verdict = hasher.compare(hashes[key], uid, key, value);
    // Keys not read this time are where this object put them.
    const present = observed.secretKeys?.has(key) ?? true;
    const unchanged = verdict === 'same' || verdict === 'same-legacy';
    if (unchanged && present) {
      if (verdict === 'same-legacy') rekeyed.push(key);
      hashes[key] = hash;
      continue;
    }
    await client.secrets.putSecret(putSecretRequest(name, key, value));
    const kind =
      verdict === 'absent'
        ? 'new'
        : unchanged
          ? 'restored'
          : verdict === 'unknown'
            ? 'unconfirmed'
            : 'rotated';
    written[kind].push(key);
    hashes[key] = hash;
  }
  if (rekeyed.length > 0) {
    events.push(
      note(
        'SecretHashesRekeyed',
        'HashSecrets',
        `status.secretHashes of ${shown(rekeyed)} now use the controller's own key instead of this object's UID, which let any reader confirm a guessed value; the values were unchanged, so none was written`,
      ),
    );
  }
  const removed: string[] = [];
  // While an entry cannot be read, the keys it would give are unknown: remove nothing rather than guess.
  if (desired.problems.length === 0) {
    for (const key of owned) {
      if (desired.values.has(key)) continue;
      await deleteUnlessGone(() => client.secrets.deleteSecret(name, key));
      owned.delete(key);
      delete hashes[key];
      removed.push(key);
    }
  }
  for (const key of Object.keys(hashes)) if (!owned.has(key)) delete hashes[key];

  const parts = Object.entries(written)
    .filter(([, keys]) => keys.length > 0)
    .map(([kind, keys]) => `${WRITTEN_KINDS[kind as keyof typeof written]} ${shown(keys)}`);
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

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupScope(
  scope: DatabricksSecretScope,
  connect: () => Promise<DatabricksClient>,
  context: SecretScopeContext,
): Promise<CleanedUp> {
  const uid = scope.metadata.uid ?? '';
  context.contentsCycle.forget(uid);
  // Only a scope this object claimed; a refused one (ScopeExists) was never ours to delete.
  const name = scope.status?.scopeName ?? context.written.get(uid)?.scopeName;
  if (name === undefined) return done;
  const leftover = { what: `secret scope ${name}`, where: 'Databricks', noun: 'Scope' };
  const left = leftInPlace(scope, context, leftover);
  if (!left) {
    const client = await connect();
    await deleteUnlessGone(() => client.secrets.deleteScope(name));
    scopeListing(client, context.view).wrote(name);
  }
  context.written.delete(uid);
  return left ?? { events: [note('Deleted', 'DeleteScope', `deleted secret scope ${name}`)] };
}

function shown(keys: readonly string[]): string {
  const more = keys.length - SHOWN_KEYS;
  return more > 0 ? `${keys.slice(0, SHOWN_KEYS).join(', ')} and ${more} more` : keys.join(', ');
}

/** The DatabricksSecretScope kind, for `managedController`: woken by its workspace and the Secrets its values come from. */
export const secretScopeKind: ManagedKind<
  DatabricksSecretScope,
  DatabricksSecretScopeStatus,
  SecretScopeContext
> = {
  kind: 'DatabricksSecretScope',
  informer: ({ DatabricksSecretScope }) => DatabricksSecretScope,
  resource: SECRET_SCOPES,
  indexes: [{ name: SCOPE_NAME_INDEX, indexFunction: (scope) => [scopeNameOf(scope)] }],
  watches: [secretWatch<DatabricksSecretScope>(valueSecretsOf)],
  context: ({ informer, config, manager }, base) => ({
    ...base,
    scopes: informer.store,
    written: new Map(),
    hashKey: new SecretHashKey(
      hashKeyStore(manager.kube),
      config.leaderElectionNamespace,
      secretHashKeyName(config.leaderElectionId),
    ),
    contentsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
    view: freshUntilResync(informer, config.resyncPeriodMs),
  }),
  apply: applyScope,
  cleanup: cleanupScope,
  observe: observeScope,
};
