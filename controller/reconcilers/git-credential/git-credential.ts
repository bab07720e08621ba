/**
 * The DatabricksGitCredential reconciler: the Git credential of the principal the object's
 * DatabricksWorkspace authenticates as.
 *
 * - One per principal: Databricks refuses a second (`CREDENTIAL_ALREADY_EXISTS`). The claim is
 *   `status.credentialId`, as a secret scope's is its name: a credential this object did not create is
 *   taken only with `spec.adopt`, and a second DatabricksGitCredential of the same principal (the same
 *   workspace, or one of this namespace with the same host and auth) is refused naming the first.
 * - Crash-safe create: status says `credentialCreatePending` (with the hash of the token sent) before the
 *   create; a credential found while it is pending is the one that create made.
 * - The token: read from its Secret at every reconcile with a get; the Secret's metadata is watched
 *   (`secretWatch`, managed/source-watches.ts), so a rotated token wakes the credential and reaches
 *   Databricks within seconds, sent once: status keeps an HMAC of it under the controller's key
 *   (secret-scope-hash-key.ts), never the token. A missing Secret or key is `Ready=False` naming the
 *   field, retried with the not-Ready backoff (5 s doubling to 5 min), not in a hot loop.
 * - Drift: the principal's credentials come from one `git-credentials` list per workspace per resync,
 *   shared by every object of the workspace; a provider, user name or email changed in Databricks is
 *   written back (`DriftedCorrected`), a deleted credential is created again (`Recreated`). The token
 *   cannot be compared: Databricks never returns it.
 * - Deleted: `deletionPolicy` Delete (default) deletes the credential, Retain leaves it.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { DatabricksGitCredentialStatus } from '../../../lib/crds/index.js';
import {
  AlreadyExistsError,
  type DatabricksClient,
  type GitCredential,
  type GitCredentialSettings,
} from '../../databricks/index.js';
import type { EventNote } from '../../runtime/events.js';
import type { KubeClient } from '../../runtime/kube-client.js';
import { done } from '../../runtime/outcome.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { secretWatch } from '../managed/source-watches.js';
import {
  NotReadyError,
  workspaceKeyOf,
  type Applied,
  type Checkpoint,
  type CleanedUp,
} from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { SharedListing, defaultListingFreshness, freshUntilResync } from '../managed/shared-listing.js';
import { SecretHashKey, hashKeyStore, secretHashKeyName } from '../secret-scope/secret-scope-hash-key.js';
import { decideCredential, differingFields, type CredentialFields } from './git-credential-decision.js';
import {
  GIT_CREDENTIALS,
  type DatabricksGitCredential,
  type GitCredentialContext,
} from './git-credential-types.js';

export {
  GIT_CREDENTIALS,
  type DatabricksGitCredential,
  type GitCredentialContext,
} from './git-credential-types.js';

type CredentialStatus = Omit<DatabricksGitCredentialStatus, 'conditions' | 'observedGeneration'>;

/** The name the token is hashed under (an HMAC input beside the value, as a secret's key is). */
const TOKEN_KEY = 'git-credential/personal_access_token';
/** The one key of the shared listing: the principal's credentials, all of them. */
const PRINCIPAL = 'principal';
const FIELD = 'spec.personal_access_token.secretKeyRef';

const listings = new WeakMap<DatabricksClient, SharedListing<readonly GitCredential[]>>();

/** The principal's credentials (`git-credentials` list, one call), read once per resync per workspace. */
function credentialListing(
  client: DatabricksClient,
  context: Pick<GitCredentialContext, 'view'>,
): SharedListing<readonly GitCredential[]> {
  let listing = listings.get(client);
  if (!listing) {
    listing = new SharedListing(
      async () => ({ items: new Map([[PRINCIPAL, await client.gitCredentials.list()]]), pages: 1 }),
      context.view ?? defaultListingFreshness,
    );
    listings.set(client, listing);
  }
  return listing;
}

/** The principal's credentials: from the shared listing, or a list of its own after this process wrote one. */
async function principalCredentials(
  client: DatabricksClient,
  context: Pick<GitCredentialContext, 'view'>,
): Promise<readonly GitCredential[]> {
  return (await credentialListing(client, context).find(PRINCIPAL)) ?? (await client.gitCredentials.list());
}

/**
 * The token in the Secret `spec.personal_access_token.secretKeyRef` names; `Ready=False` naming the
 * field and the key while the Secret or its key is missing.
 */
export async function readToken(
  object: DatabricksGitCredential,
  kube: Pick<KubeClient, 'readSecret'>,
): Promise<string> {
  const namespace = object.metadata.namespace ?? '';
  const { name, key } = object.spec.personal_access_token.secretKeyRef;
  const secret: V1Secret | undefined = await kube.readSecret(namespace, name);
  if (!secret) {
    throw new NotReadyError(
      'SecretNotFound',
      `${FIELD}: Secret ${name} does not exist in namespace ${namespace}; create it with the token under key ${key}`,
    );
  }
  const data = secret.data?.[key];
  const token = data === undefined ? '' : Buffer.from(data, 'base64').toString('utf8').trim();
  if (data === undefined || token === '') {
    throw new NotReadyError(
      'SecretKeyMissing',
      `${FIELD}: Secret ${name} in namespace ${namespace} has no ${data === undefined ? 'key' : 'value under key'} ${key}; put the personal access token there`,
    );
  }
  return token;
}

/** The fields of the spec Databricks also returns. */
function desiredFields(object: DatabricksGitCredential): CredentialFields {
  const { git_provider, git_username, git_email } = object.spec;
  return { git_provider, git_username, git_email };
}

/** What create and update send: the spec's fields and the token. */
function settingsOf(
  object: DatabricksGitCredential,
  token: string,
): GitCredentialSettings & {
  personal_access_token: string;
} {
  const { git_provider, git_username, git_email } = object.spec;
  return {
    git_provider,
    personal_access_token: token,
    ...(git_username !== undefined && { git_username }),
    ...(git_email !== undefined && { git_email }),
  };
}

/**
 * `namespace/name` of the DatabricksGitCredential that holds this principal's credential, or that came
 * first while neither holds it: another object of the same workspace, or of this namespace with a
 * workspace of the same host and auth (the same principal).
 */
function heldElsewhere(object: DatabricksGitCredential, context: GitCredentialContext): string | undefined {
  const namespace = object.metadata.namespace ?? '';
  const principalOf = (other: DatabricksGitCredential): string | undefined => {
    const key = workspaceKeyOf(other)[0];
    const workspace = context.workspaces.get(key);
    return workspace && JSON.stringify([workspace.spec.host, workspace.spec.auth]);
  };
  const mine = principalOf(object);
  const ownKey = workspaceKeyOf(object)[0];
  const rivals = context.credentials.list().filter((other) => {
    if (other.metadata.uid === object.metadata.uid || other.metadata.deletionTimestamp) return false;
    if (workspaceKeyOf(other)[0] === ownKey) return true;
    return (
      (other.metadata.namespace ?? '') === namespace && mine !== undefined && principalOf(other) === mine
    );
  });
  const keyOf = (other: DatabricksGitCredential) =>
    `${other.metadata.namespace ?? ''}/${other.metadata.name}`;
  const holder = rivals.find((other) => other.status?.credentialId !== undefined);
  if (holder) return keyOf(holder);
  const earlier = rivals
    .filter((other) => comesBefore(other, object))
    .sort((a, b) => (comesBefore(a, b) ? -1 : 1));
  return earlier[0] && keyOf(earlier[0]);
}

/** Whether `a` was created before `b` (by name when created in the same second). */
function comesBefore(a: DatabricksGitCredential, b: DatabricksGitCredential): boolean {
  const at = (object: DatabricksGitCredential) => Date.parse(String(object.metadata.creationTimestamp ?? ''));
  const [timeA, timeB] = [at(a), at(b)];
  if (timeA !== timeB && !Number.isNaN(timeA) && !Number.isNaN(timeB)) return timeA < timeB;
  return a.metadata.name < b.metadata.name;
}

async function applyCredential(
  object: DatabricksGitCredential,
  client: DatabricksClient,
  context: GitCredentialContext,
  checkpoint: Checkpoint<DatabricksGitCredentialStatus>,
): Promise<Applied<DatabricksGitCredentialStatus>> {
  const uid = object.metadata.uid ?? '';
  const previous = object.status ?? {};
  const token = await readToken(object, context.kube);
  const hasher = await context.hashKey.get();
  const tokenHash = hasher.hash(TOKEN_KEY, Buffer.from(token, 'utf8'));
  const sentHash = previous.tokenHash;
  const verdict = hasher.compare(sentHash, uid, TOKEN_KEY, Buffer.from(token, 'utf8'));
  const events: EventNote[] = [];
  const listing = credentialListing(client, context);
  let claimedId = previous.credentialId;
  let createPending = previous.credentialCreatePending === true;
  const heldBy = claimedId === undefined ? heldElsewhere(object, context) : undefined;
  const credentials = heldBy === undefined ? await principalCredentials(client, context) : [];
  const existing = credentials.find((credential) => credential.credential_id === claimedId) ?? credentials[0];
  const desired = desiredFields(object);
  const specChanged = object.metadata.generation !== previous.observedGeneration;
  const facts = {
    heldBy,
    desired,
    adopt: object.spec.adopt ?? false,
    host: client.host,
    ...(existing ? { existing } : {}),
  };
  let decision = decideCredential(
    { ...facts, claimedId, createPending, tokenChanged: verdict !== 'same' },
    specChanged,
  );
  const claim = async (credentialId: number, hash: string | undefined, notes: EventNote[] = []) => {
    await checkpoint({ credentialId, credentialCreatePending: undefined, tokenHash: hash }, notes);
  };
  if (decision.action === 'confirm') {
    // The create before the controller stopped went through: the credential holds the token whose hash
    // the pending status recorded.
    claimedId = decision.credentialId;
    createPending = false;
    await claim(claimedId, sentHash, [
      note(
        'Created',
        'CreateGitCredential',
        `created Git credential ${claimedId} (${object.spec.git_provider}) for the workspace's principal (sent before the controller stopped, confirmed now)`,
      ),
    ]);
    decision = decideCredential(
      { ...facts, claimedId, createPending, tokenChanged: verdict !== 'same' },
      specChanged,
    );
  }
  let credentialId: number;
  switch (decision.action) {
    case 'refuse':
      throw new NotReadyError(decision.reason, decision.message);
    case 'confirm':
      throw new Error('a confirmed credential is claimed before the second decision');
    case 'none':
      credentialId = decision.credentialId;
      break;
    case 'create': {
      // Write-ahead: status says a create is on its way, with the hash of the token it sends.
      await checkpoint({ credentialCreatePending: true, tokenHash });
      let created: GitCredential;
      try {
        created = await client.gitCredentials.create(settingsOf(object, token));
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
        // A retried create whose first attempt went through: that credential is this one.
        const found = error.attempts > 1 ? (await client.gitCredentials.list())[0] : undefined;
        if (!found) {
          await checkpoint({
            credentialCreatePending: previous.credentialCreatePending,
            tokenHash: previous.tokenHash,
          });
          throw new NotReadyError(
            'CredentialExists',
            `the principal of this workspace got a Git credential in ${client.host} while this object was creating its own; Databricks allows one per principal: set spec.adopt to take it over, or delete it in Databricks`,
          );
        }
        created = found;
      } finally {
        listing.wrote(PRINCIPAL);
      }
      credentialId = created.credential_id;
      await claim(credentialId, tokenHash, [
        decision.cause === 'recreate'
          ? warning(
              'Recreated',
              'CreateGitCredential',
              `Git credential ${claimedId ?? ''} was deleted in Databricks; created it again as credential ${credentialId}`,
            )
          : note(
              'Created',
              'CreateGitCredential',
              `created Git credential ${credentialId} (${object.spec.git_provider}) for the workspace's principal`,
            ),
      ]);
      break;
    }
    case 'adopt':
    case 'update': {
      credentialId = decision.credentialId;
      if (decision.action === 'adopt') {
        // Claimed first: a crash after the update finds it this object's, and sends the token once more.
        await claim(credentialId, undefined);
      }
      try {
        await client.gitCredentials.update(credentialId, settingsOf(object, token));
      } finally {
        listing.wrote(PRINCIPAL);
      }
      events.push(updateEvent(object, decision, credentialId, verdict === 'absent'));
      break;
    }
  }
  // Databricks now holds this token: `none` only when its hash is the one last sent.
  const status: CredentialStatus = { credentialId, gitProvider: object.spec.git_provider, tokenHash };
  return {
    status,
    reason: 'Synced',
    message: `Git credential ${credentialId} (${status.gitProvider}) of the workspace's principal has the provider and user of the spec and the token of Secret ${object.spec.personal_access_token.secretKeyRef.name}`,
    events,
  };
}

/** The Event of an update: adopted, rotated, changed as the spec asked, or drift put right. */
function updateEvent(
  object: DatabricksGitCredential,
  decision: { action: 'adopt' | 'update'; diff: readonly string[]; cause?: string },
  credentialId: number,
  noHash: boolean,
): EventNote {
  const { name, key } = object.spec.personal_access_token.secretKeyRef;
  const fields = decision.diff.length > 0 ? shortList(decision.diff) : undefined;
  if (decision.action === 'adopt') {
    return note(
      'Adopted',
      'AdoptGitCredential',
      `adopted Git credential ${credentialId} (spec.adopt): set its ${fields ? `${fields} and ` : ''}token from Secret ${name} key ${key}`,
    );
  }
  if (decision.cause === 'drifted') {
    return warning(
      'DriftCorrected',
      'UpdateGitCredential',
      `Git credential ${credentialId} was changed in Databricks (${fields ?? 'token'}); set it back to the spec`,
    );
  }
  if (decision.cause === 'rotated') {
    return note(
      'TokenRotated',
      'UpdateGitCredential',
      noHash
        ? `sent the token of Secret ${name} key ${key} to Git credential ${credentialId} (no hash of the token last sent, so it could not be confirmed)`
        : `sent the rotated token of Secret ${name} key ${key} to Git credential ${credentialId}`,
    );
  }
  return note(
    'Updated',
    'UpdateGitCredential',
    `updated ${fields ?? 'the token'} of Git credential ${credentialId}`,
  );
}

/**
 * `managementPolicy: Observe`: reads the principal's credential from the shared listing and says where
 * its provider, user name and email differ from the spec (the token cannot be compared); nothing is
 * written, and status records no claim.
 */
async function observeCredential(
  object: DatabricksGitCredential,
  client: DatabricksClient,
  context: GitCredentialContext,
): Promise<Applied<DatabricksGitCredentialStatus>> {
  const credentials = await principalCredentials(client, context);
  const existing =
    credentials.find((credential) => credential.credential_id === object.status?.credentialId) ??
    credentials[0];
  if (!existing) {
    throw new NotReadyError(
      'NotFound',
      `the workspace's principal has no Git credential in ${client.host}; managementPolicy Observe never creates one`,
    );
  }
  const drifted = differingFields(desiredFields(object), existing);
  const subject = `Git credential ${existing.credential_id}`;
  return {
    status: {
      credentialId: existing.credential_id,
      ...(existing.git_provider !== undefined && { gitProvider: existing.git_provider }),
      driftedFields: drifted,
    },
    reason: OBSERVED_REASON,
    message: observedMessage(subject),
    conditions: [
      inSyncCondition(
        subject,
        'the provider, user name and email of the spec (the token is never compared)',
        drifted,
        object.metadata.generation,
      ),
    ],
  };
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupCredential(
  object: DatabricksGitCredential,
  connect: () => Promise<DatabricksClient>,
  context: GitCredentialContext,
): Promise<CleanedUp> {
  let credentialId = object.status?.credentialId;
  // A create interrupted before its result was recorded may have made the principal's credential; apply
  // would confirm it as this object's, so its deletion takes it too (unless another object holds it).
  const interrupted =
    credentialId === undefined &&
    object.status?.credentialCreatePending === true &&
    heldElsewhere(object, context) === undefined;
  // Only a credential this object claimed or made; a refused one was never its to delete.
  if (credentialId === undefined && !interrupted) return done;
  const leftover = {
    what:
      credentialId === undefined
        ? 'the Git credential its interrupted create made, if any'
        : `Git credential ${credentialId}`,
    where: 'Databricks',
    noun: 'GitCredential',
  };
  const left = leftInPlace(object, context, leftover);
  if (left) return left;
  const client = await connect();
  if (credentialId === undefined) {
    const made = (await principalCredentials(client, context))[0];
    if (!made) return done;
    credentialId = made.credential_id;
  }
  try {
    await deleteUnlessGone(() => client.gitCredentials.delete(credentialId));
  } finally {
    credentialListing(client, context).wrote(PRINCIPAL);
  }
  return { events: [note('Deleted', 'DeleteGitCredential', `deleted Git credential ${credentialId}`)] };
}

/** The DatabricksGitCredential kind, for `managedController`: woken by its workspace and its token's Secret. */
export const gitCredentialKind: ManagedKind<
  DatabricksGitCredential,
  DatabricksGitCredentialStatus,
  GitCredentialContext
> = {
  kind: 'DatabricksGitCredential',
  informer: ({ DatabricksGitCredential }) => DatabricksGitCredential,
  resource: GIT_CREDENTIALS,
  watches: [secretWatch((credential) => [credential.spec.personal_access_token.secretKeyRef.name])],
  context: ({ informer, config, manager }, base) => ({
    ...base,
    credentials: informer.store,
    hashKey: new SecretHashKey(
      hashKeyStore(manager.kube),
      config.leaderElectionNamespace,
      secretHashKeyName(config.leaderElectionId),
    ),
    view: freshUntilResync(informer, config.resyncPeriodMs),
  }),
  apply: applyCredential,
  cleanup: cleanupCredential,
  observe: observeCredential,
};
