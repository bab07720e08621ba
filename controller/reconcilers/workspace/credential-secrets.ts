/**
 * The Secrets a DatabricksWorkspace's credentials come from, kept readable for as long as the workspace
 * may need them: each carries a finalizer of that workspace's own from the first reconcile that reads it
 * until the workspace no longer names it or is released. Deleting an app at once (`kubectl delete -f`,
 * an Argo CD prune, a namespace deletion) deletes the Secret with everything else; the finalizer keeps
 * its data in place while the workspace's dependents delete what they made in Databricks, also when the
 * controller only starts after the delete, with no client in memory.
 *
 * The controller never writes a Secret's data: its patches are JSON patches of `metadata.finalizers`
 * only, guarded by `test` operations so that a change made meanwhile (a rotated value, someone else's
 * finalizer) fails the patch rather than being overwritten; it is then read again and retried.
 *
 * Which Secrets hold this workspace's finalizer is recorded in `status.heldSecrets` before any is added
 * (the Secrets cannot be listed: the controller may only read them one by one), so a finalizer added
 * just before a crash is still found and removed once the spec stops naming that Secret.
 */
import { createHash } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { DatabricksWorkspaceStatus } from '../../../lib/crds/index.js';
import { apiStatusCode, type JsonPatchOperation, type KubeClient } from '../../runtime/kube-client.js';
import type { StatusWriter } from '../../runtime/status.js';
import type { DatabricksWorkspace } from './workspace-types.js';
import { referencedSecretKeys } from './workspace-clients.js';
import { StatusRecord } from '../managed/checkpoint.js';

/** The API group finalizers of this operator are named under. */
const FINALIZER_DOMAIN = 'databricks.operator.dev';
/** A qualified name's part after the slash is at most 63 characters. */
const MAX_FINALIZER_NAME = 63;
/** Tries of one finalizer patch that lost a race with another write to the Secret. */
const PATCH_ATTEMPTS = 3;

/**
 * The finalizer workspace `name` puts on its Secrets: `databricks.operator.dev/workspace-<name>`, one per
 * workspace, so two workspaces that read the same Secret each hold and release it on their own. A name
 * too long for a finalizer is cut and followed by a hash of the whole, so it stays unique.
 */
export function credentialsFinalizer(workspaceName: string): string {
  const full = `workspace-${workspaceName}`;
  if (full.length <= MAX_FINALIZER_NAME) return `${FINALIZER_DOMAIN}/${full}`;
  const hash = createHash('sha256').update(workspaceName).digest('hex').slice(0, 10);
  return `${FINALIZER_DOMAIN}/${full.slice(0, MAX_FINALIZER_NAME - hash.length - 1)}-${hash}`;
}

/** What {@link CredentialSecrets.hold} found. */
export interface HeldSecrets {
  /** The workspace with `status.heldSecrets` as now written. */
  readonly workspace: DatabricksWorkspace;
  /** The Secrets `spec.auth` names that exist, by name, as read (after the finalizer was added). */
  readonly secrets: Map<string, V1Secret>;
  /** Secrets that could not be held, each as a sentence naming it and why (the workspace still works). */
  readonly problems: string[];
}

/** Holds and releases a workspace's credential Secrets. */
export class CredentialSecrets {
  constructor(
    private readonly kube: Pick<KubeClient, 'readSecret' | 'patchSecret'>,
    private readonly status: Pick<StatusWriter, 'update'>,
  ) {}

  /**
   * Reads every Secret `spec.auth` names and puts the workspace's finalizer on those that lack it (a
   * Secret being deleted already cannot take a new finalizer; one that does not exist is skipped: the
   * probe reports it). Then lets go of the Secrets the spec no longer names.
   */
  async hold(workspace: DatabricksWorkspace): Promise<HeldSecrets> {
    const namespace = workspace.metadata.namespace ?? '';
    const finalizer = credentialsFinalizer(workspace.metadata.name);
    const named = secretNames(workspace);
    const recorded = workspace.status?.heldSecrets ?? [];
    const record = new StatusRecord<DatabricksWorkspace, DatabricksWorkspaceStatus>(workspace, this.status);
    const recordHeld = (heldSecrets: string[]) =>
      record.checkpoint({ heldSecrets: heldSecrets.length > 0 ? heldSecrets : undefined });
    // Recorded first: a finalizer is never on a Secret that status does not list.
    if (named.some((name) => !recorded.includes(name))) {
      await recordHeld([...new Set([...recorded, ...named])].sort());
    }
    const secrets = new Map<string, V1Secret>();
    const problems: string[] = [];
    for (const name of named) {
      const { secret, failure } = await this.patchFinalizers(namespace, name, (current) => {
        const finalizers = current.metadata?.finalizers ?? [];
        if (finalizers.includes(finalizer) || current.metadata?.deletionTimestamp) return undefined;
        return [
          { op: 'test', path: '/metadata/resourceVersion', value: current.metadata?.resourceVersion },
          { op: 'add', path: '/metadata/finalizers', value: [...finalizers, finalizer] },
        ];
      });
      if (secret) secrets.set(name, secret);
      // Not holding it leaves the workspace as usable as before: say so, and go on.
      if (failure) {
        problems.push(
          `could not add finalizer ${finalizer} to Secret ${namespace}/${name}: ${describe(failure)}`,
        );
      }
    }
    const unnamed = recorded.filter((name) => !named.includes(name));
    for (const name of unnamed) await this.releaseOne(namespace, name, finalizer);
    if (unnamed.length > 0) await recordHeld(named);
    return { workspace: record.object, secrets, problems };
  }

  /** The Secrets `spec.auth` names that exist, read without holding them (a workspace being deleted). */
  async read(workspace: DatabricksWorkspace): Promise<Map<string, V1Secret>> {
    const secrets = new Map<string, V1Secret>();
    for (const name of secretNames(workspace)) {
      const secret = await this.kube.readSecret(workspace.metadata.namespace ?? '', name);
      if (secret) secrets.set(name, secret);
    }
    return secrets;
  }

  /** Removes the workspace's finalizer from every Secret it holds or names; returns their names. */
  async releaseAll(workspace: DatabricksWorkspace): Promise<string[]> {
    const names = [...new Set([...(workspace.status?.heldSecrets ?? []), ...secretNames(workspace)])].sort();
    const finalizer = credentialsFinalizer(workspace.metadata.name);
    for (const name of names) await this.releaseOne(workspace.metadata.namespace ?? '', name, finalizer);
    return names;
  }

  /** Removes the finalizer; a failure is thrown, as the workspace must not be released without it. */
  private async releaseOne(namespace: string, name: string, finalizer: string): Promise<void> {
    const { failure } = await this.patchFinalizers(namespace, name, (current) => {
      const index = (current.metadata?.finalizers ?? []).indexOf(finalizer);
      if (index < 0) return undefined;
      return [
        { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ];
    });
    if (failure) throw failure;
  }

  /**
   * Reads the Secret and applies the patch `change` makes of it (none: nothing to do); a patch that lost
   * a race with another write (409, or a failed `test`: 422) is made again from a fresh read. Returns
   * the Secret as it is now (undefined once it does not exist) and, when the patch failed for good, why
   * along with the Secret as last read. A failed read is thrown.
   */
  private async patchFinalizers(
    namespace: string,
    name: string,
    change: (secret: V1Secret) => JsonPatchOperation[] | undefined,
  ): Promise<{ secret?: V1Secret; failure?: unknown }> {
    for (let attempt = 1; ; attempt++) {
      const secret = await this.kube.readSecret(namespace, name);
      if (!secret) return {};
      const patch = change(secret);
      if (!patch) return { secret };
      try {
        return { secret: await this.kube.patchSecret(namespace, name, patch) };
      } catch (error) {
        const status = apiStatusCode(error);
        if (status === 404) return {};
        if (attempt >= PATCH_ATTEMPTS || (status !== 409 && status !== 422))
          return { secret, failure: error };
      }
    }
  }
}

/** The names of the Secrets `spec.auth` refers to, each once, sorted. */
function secretNames(workspace: DatabricksWorkspace): string[] {
  return [...new Set(referencedSecretKeys(workspace.spec).map((ref) => ref.name))].sort();
}

function describe(error: unknown): string {
  const status = apiStatusCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === undefined ? message : `the Kubernetes API answered ${status} (${message.slice(0, 300)})`;
}
