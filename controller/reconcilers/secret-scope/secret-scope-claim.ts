/**
 * Making sure a DatabricksSecretScope's scope exists and is this object's. A scope has no tags to carry
 * an ownership marker, so the claim is `status.scopeName`, written before the scope is created: a name
 * another object holds is refused, one someone else created is taken only with `spec.adopt`, and a
 * claimed scope deleted in Databricks is created again.
 *
 * The claim of a scope still to be created carries `status.scopeCreatePending` until Databricks has
 * confirmed the create. After a crash in between, the scope is missing because it was never created,
 * not because someone deleted it: it is created with a `Created` Event, not a `Recreated` Warning.
 */
import {
  AlreadyExistsError,
  NotFoundError,
  type AclItem,
  type DatabricksClient,
  type SecretScope,
} from '../../databricks/index.js';
import type { DatabricksSecretScopeStatus } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { note, warning } from '../managed/event-notes.js';
import { NotReadyError, workspaceKeyOf, type Checkpoint } from '../managed/managed.js';
import { decideScope, needsScopeListing } from './scope-decision.js';
import type { DatabricksSecretScope, SecretScopeContext } from './secret-scope-types.js';
import { SharedListing, defaultListingFreshness, type ListingFreshness } from '../managed/shared-listing.js';

/** Index of DatabricksSecretScopes by the scope name they want. */
export const SCOPE_NAME_INDEX = 'scopeName';

const scopeListings = new WeakMap<DatabricksClient, SharedListing<SecretScope>>();

/**
 * The workspace's `secrets/scopes/list` (one call for all scopes), read once per resync and shared by
 * every DatabricksSecretScope in it: it shows that a claimed scope still exists, so a resync costs one
 * read per workspace, not one per scope.
 */
export function scopeListing(
  client: DatabricksClient,
  freshness?: ListingFreshness,
): SharedListing<SecretScope> {
  let listing = scopeListings.get(client);
  if (!listing) {
    listing = new SharedListing(
      async () => ({
        items: new Map((await client.secrets.listScopes()).map((listed) => [listed.name, listed])),
        pages: 1,
      }),
      freshness ?? defaultListingFreshness,
    );
    scopeListings.set(client, listing);
  }
  return listing;
}

/** What to read of a scope this object holds already, besides whether it exists. */
export interface ScopeContentsRead {
  /** Its keys: whether Databricks lost any (the slow cycle's read). */
  readonly secretKeys: boolean;
  /** Its ACLs: the slow cycle's read, or because `spec.acls` changed and the difference is needed. */
  readonly acls: boolean;
}

/**
 * Makes sure the scope exists and is this object's, and reads what the reconcile needs of it. Unclaimed:
 * refuse a name another object holds, or one someone else created unless `spec.adopt` takes it over;
 * else claim it in status and create it. Claimed: read what `read` asks of it (an adopted scope: its
 * keys and ACLs), and create it again if it was deleted in Databricks, which the shared scope listing
 * shows without a read of its own.
 */
export async function ensureScope(
  scope: DatabricksSecretScope,
  name: string,
  intent: DatabricksSecretScopeStatus,
  client: DatabricksClient,
  context: SecretScopeContext,
  checkpoint: Checkpoint<DatabricksSecretScopeStatus>,
  events: EventNote[],
  read: ScopeContentsRead,
): Promise<ObservedScope> {
  const uid = scope.metadata.uid ?? '';
  const created: ObservedScope = { secretKeys: new Set(), acls: [], created: true };
  const listing = scopeListing(client, context.view);
  let adopted = false;
  const facts = {
    name,
    claimed: scope.status?.scopeName === name || context.written.get(uid)?.scopeName === name,
    ...heldElsewhere(scope, name, context),
  };
  const existing = needsScopeListing(facts)
    ? (await client.secrets.listScopes()).find((listed) => listed.name === name)
    : undefined;
  const decision = decideScope({
    ...facts,
    ...(existing ? { existing } : {}),
    adopt: scope.spec.adopt ?? false,
    defaultName: isLeftBehind(scope),
    backend: scope.spec.backend?.type === 'AzureKeyVault' ? 'AZURE_KEYVAULT' : 'DATABRICKS',
    host: client.host,
  });
  if (decision.action === 'refuse') throw new NotReadyError(decision.reason, decision.message);
  if (decision.action !== 'none') {
    const claim: DatabricksSecretScopeStatus =
      decision.action === 'adopt' ? intent : { ...intent, scopeCreatePending: true };
    await checkpoint(claimOf(claim));
    context.written.set(uid, { scopeName: name, secretHashes: {} });
    if (decision.action === 'create') {
      await createScope(scope, name, client, context, checkpoint, false);
      await confirmCreated(checkpoint, note('Created', 'CreateScope', `created secret scope ${name}`));
      return created;
    }
    events.push(
      decision.cause === 'Reclaimed'
        ? note(
            'Reclaimed',
            'ReclaimScope',
            `took back secret scope ${name}, left in Databricks by an earlier DatabricksSecretScope ${scope.metadata.namespace ?? ''}/${scope.metadata.name} (its default name, and no DatabricksSecretScope holds it), instead of refusing it: the secrets of spec.secrets are managed in it, keys it already held are left alone`,
          )
        : note(
            'Adopted',
            'AdoptScope',
            `adopted secret scope ${name} (spec.adopt): the secrets of spec.secrets are managed in it, keys it already held are left alone`,
          ),
    );
    adopted = true;
  } else {
    await checkpoint(claimOf(intent));
  }
  const pending = intent.scopeCreatePending === true;
  const need = {
    secretKeys: (adopted || read.secretKeys) && (intent.secretKeys?.length ?? 0) > 0,
    acls: (adopted || read.acls) && scope.spec.acls !== undefined,
  };
  // Nothing to read of it: the listing shows it is still there (one that does not is read, to be sure).
  if (!need.secretKeys && !need.acls && !pending && (await listing.find(name))) return {};
  const observed = await observeScope(client, name, need);
  if (observed) {
    // The create went through before a crash: only its confirmation was lost.
    if (pending) await confirmCreated(checkpoint);
    return observed;
  }
  await createScope(scope, name, client, context, checkpoint, true);
  if (pending) {
    await confirmCreated(
      checkpoint,
      note(
        'Created',
        'CreateScope',
        `created secret scope ${name} (claimed in status before the controller stopped, not created until now)`,
      ),
    );
  } else {
    events.push(
      warning('Recreated', 'CreateScope', `secret scope ${name} was deleted in Databricks; created it again`),
    );
  }
  return created;
}

/** Databricks confirmed the create: the claim no longer says it is pending. */
async function confirmCreated(
  checkpoint: Checkpoint<DatabricksSecretScopeStatus>,
  created?: EventNote,
): Promise<void> {
  await checkpoint({ scopeCreatePending: undefined }, created ? [created] : []);
}

/** The claim's fields of a status: what the checkpoint writes before Databricks hears of the scope. */
function claimOf(status: DatabricksSecretScopeStatus): Partial<DatabricksSecretScopeStatus> {
  const { conditions: _conditions, observedGeneration: _generation, ...claim } = status;
  return claim;
}

/**
 * Whether the existing scope was most likely left by an earlier object of this namespace and name
 * (deleted with deletionPolicy Retain, or orphaned), so that this one may take it back without
 * `spec.adopt`, as a job or cluster whose marker names this object is. A scope has no marker: what
 * stands for one is its name being this object's default, `<namespace>.<name>`, which only an object of
 * this namespace and name would make, and no live object holding it (refuseIfHeldElsewhere ran first).
 * A name chosen in `spec.scopeName` can be anyone's, so that still needs `spec.adopt`.
 */
function isLeftBehind(scope: DatabricksSecretScope): boolean {
  return scope.spec.scopeName === undefined;
}

/** What a reconcile reads of the scope: its keys and ACLs (each only when needed; absent: not read). */
export interface ObservedScope {
  readonly secretKeys?: ReadonlySet<string>;
  readonly acls?: readonly AclItem[];
  /** Created by this reconcile: empty, and nothing in it can have been changed by someone else. */
  readonly created?: boolean;
}

/** The scope's keys and ACLs, or undefined when the scope is gone. */
async function observeScope(
  client: DatabricksClient,
  name: string,
  need: { secretKeys: boolean; acls: boolean },
): Promise<ObservedScope | undefined> {
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
  checkpoint: Checkpoint<DatabricksSecretScopeStatus>,
  claimedBefore: boolean,
): Promise<void> {
  const backend = scope.spec.backend;
  const listing = scopeListing(client, context.view);
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
    if (!claimedBefore && error.attempts <= 1 && !scope.spec.adopt) {
      // The claim is withdrawn: status says again what it said before this reconcile.
      const before = scope.status ?? {};
      await checkpoint({
        scopeName: before.scopeName,
        secretKeys: before.secretKeys,
        scopeCreatePending: before.scopeCreatePending,
      });
      context.written.delete(scope.metadata.uid ?? '');
      throw scopeExists(scope, name, client);
    }
  } finally {
    listing.wrote(name);
  }
}

/** The key of another live DatabricksSecretScope of the same workspace that holds the name, if any. */
function heldElsewhere(
  scope: DatabricksSecretScope,
  name: string,
  context: SecretScopeContext,
): { heldBy?: string } {
  const host = context.workspaces.get(workspaceKeyOf(scope)[0])?.spec.host;
  for (const key of context.scopes.keysByIndex(SCOPE_NAME_INDEX, name)) {
    const other = context.scopes.get(key);
    if (!other || other.metadata.uid === scope.metadata.uid || other.status?.scopeName !== name) continue;
    if (context.workspaces.get(workspaceKeyOf(other)[0])?.spec.host !== host) continue;
    return { heldBy: key };
  }
  return {};
}

function scopeExists(scope: DatabricksSecretScope, name: string, client: DatabricksClient): NotReadyError {
  const field = scope.spec.scopeName === undefined ? 'the default scope name' : 'spec.scopeName';
  return new NotReadyError(
    'ScopeExists',
    `secret scope ${name} already exists in ${client.host} and this object did not create it; set spec.adopt to take it over, choose another name (${field}), or delete the scope in Databricks to let this object create it`,
  );
}
