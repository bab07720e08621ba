/**
 * What the constructs of kinds with `spec.permissions` share: who a grant goes to, and the list that
 * `grant(...)` calls add to the permissions given as a prop.
 */
import type { PermissionsMode } from './crds/permissions.js';

/** Who a permission is granted to: a user (e-mail), a group, or a service principal (application ID). */
export type Principal =
  { readonly user: string } | { readonly group: string } | { readonly servicePrincipal: string };

/** One entry of an access control list whose levels are `L`, verbatim. */
export interface AccessControlEntryOf<L extends string> {
  user_name?: string;
  group_name?: string;
  service_principal_name?: string;
  permission_level: L;
}

/** A kind's `spec.permissions`, with levels `L`, as a construct synthesizes it. */
export interface PermissionsOf<L extends string> {
  mode: PermissionsMode;
  access_control_list: AccessControlEntryOf<L>[];
}

/** The entry giving `principal` the `level`. */
export function grantEntry<L extends string>(principal: Principal, level: L): AccessControlEntryOf<L> {
  if ('user' in principal) return { user_name: principal.user, permission_level: level };
  if ('group' in principal) return { group_name: principal.group, permission_level: level };
  return { service_principal_name: principal.servicePrincipal, permission_level: level };
}

/** The permissions given as a prop plus those granted since, in that order. */
export class Grants<L extends string> {
  private readonly added: AccessControlEntryOf<L>[] = [];

  constructor(
    private readonly given:
      (Partial<Pick<PermissionsOf<L>, 'mode'>> & Pick<PermissionsOf<L>, 'access_control_list'>) | undefined,
  ) {}

  /** Adds the entry giving `principal` the `level`. */
  add(principal: Principal, level: L): void {
    this.added.push(grantEntry(principal, level));
  }

  /** `spec.permissions`, or undefined if none were given or granted. */
  render(): PermissionsOf<L> | undefined {
    if (!this.given && this.added.length === 0) return undefined;
    return {
      // Grants alone get the CRD's default mode, written out: the API server would store it anyway.
      mode: this.given?.mode ?? 'Additive',
      access_control_list: [...(this.given?.access_control_list ?? []), ...this.added],
    };
  }
}
