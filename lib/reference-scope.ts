import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IDatabricksWorkspace } from './databricks-workspace.js';

/** Something a reference (`*_ref`, a run's job) can point at: its kind and name, and its workspace when known. */
export interface ReferenceTarget {
  readonly kind: string;
  readonly name: string;
  readonly workspace?: IDatabricksWorkspace;
}

/** The object that holds the reference: the construct and the workspace it is in. */
export interface Referrer {
  readonly construct: ApiObject;
  readonly kind: string;
  readonly workspace?: IDatabricksWorkspace;
}

/**
 * What is wrong with `referrer` pointing at `target` through `field`, or undefined. A reference names an
 * object of the referrer's own namespace, and must name one of its own DatabricksWorkspace: the ID it
 * stands for means nothing in another workspace, or belongs to something else there. Known only when
 * both sides say (a `fromName` target without a workspace is taken on trust; the controller checks it).
 */
export function referenceScopeProblem(
  referrer: Referrer,
  field: string,
  target: ReferenceTarget,
): string | undefined {
  const what = `${target.kind} ${Construct.isConstruct(target) ? target.node.path : target.name}`;
  const theirs = target.workspace?.name;
  const ours = referrer.workspace?.name;
  if (theirs !== undefined && ours !== undefined && theirs !== ours) {
    return (
      `${field} refers to ${what} in DatabricksWorkspace ${theirs}, but this ${referrer.kind} is in ` +
      `DatabricksWorkspace ${ours}; a reference must stay inside one workspace: refer to a ${target.kind} ` +
      `of ${ours}, or put this ${referrer.kind} in ${theirs}`
    );
  }
  const targetNamespace = target instanceof ApiObject ? target.metadata.namespace : undefined;
  const namespace = referrer.construct.metadata.namespace;
  if (targetNamespace !== namespace && target instanceof ApiObject) {
    return (
      `${field} refers to ${what} in namespace ${targetNamespace ?? '(none)'}, but this ${referrer.kind} ` +
      `is in namespace ${namespace ?? '(none)'}; a reference names an object of its own namespace: ` +
      `put both in the same chart namespace`
    );
  }
  return undefined;
}
