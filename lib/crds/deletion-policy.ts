import { StringEnum } from './schema-types.js';

/** Every kind's deletion policies. */
export const DELETION_POLICIES = ['Delete', 'Retain'] as const;
/** A job's deletion policies: Pause as well. */
export const JOB_DELETION_POLICIES = [...DELETION_POLICIES, 'Pause'] as const;

/** What happens in Databricks when the Kubernetes object is deleted (Delete, Retain). */
export const DeletionPolicy = StringEnum(
  DELETION_POLICIES,
  'What happens to the Databricks object when this object is deleted: Delete removes it, Retain leaves it.',
  { default: 'Delete' },
);

/** A job's deletion policy: Pause keeps the job and its run history but pauses its schedule and triggers. */
export const JobDeletionPolicy = StringEnum(
  JOB_DELETION_POLICIES,
  'What happens to the Databricks job when this object is deleted: Delete removes it, Retain leaves it, Pause keeps it (and its run history) with schedule and triggers paused.',
  { default: 'Delete' },
);
