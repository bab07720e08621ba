import { type Static } from '@sinclair/typebox';
import { StringEnum, StringList } from './schema-types.js';

/** What the controller may do to the Databricks object: make it match the spec, or only look at it. */
export const MANAGEMENT_POLICIES = ['Manage', 'Observe'] as const;

/** `spec.managementPolicy` of the kinds that can be observed only. */
export const ManagementPolicy = StringEnum(
  MANAGEMENT_POLICIES,
  "Manage (default): the controller makes the Databricks object match the spec. Observe: it only reads the object (the one the spec names by ID, the one status recorded, or the one carrying this object's marker), reports in status its ID, the InSync condition and driftedFields, and never writes to Databricks: nothing is created, changed, marked or deleted, whatever deletionPolicy says. Switching to Manage makes the controller take the object over.",
  { default: 'Manage' },
);
export type ManagementPolicy = Static<typeof ManagementPolicy>;

/** `status.driftedFields`: where the Databricks object differs from the spec, for managementPolicy Observe. */
export const DriftedFields = StringList(
  'Fields where the Databricks object differs from the spec, named as the drift check names them (tasks[ingest].timeout_seconds); empty when it matches. Written under managementPolicy Observe.',
  { maxItems: 200 },
);

/** The condition an observed object reports its drift in. */
export const IN_SYNC_CONDITION = 'InSync';
