import { StringEnum } from './schema-types.js';

/** What happens in Databricks when the Kubernetes object is deleted (Delete, Retain). */
export const DeletionPolicy = StringEnum(
  ['Delete', 'Retain'] as const,
  'What happens to the Databricks object when this object is deleted: Delete removes it, Retain leaves it.',
  { default: 'Delete' },
);

/** A job's deletion policy: Pause keeps the job and its run history but pauses its schedule and triggers. */
export const JobDeletionPolicy = StringEnum(
  ['Delete', 'Retain', 'Pause'] as const,
  'What happens to the Databricks job when this object is deleted: Delete removes it, Retain leaves it, Pause keeps it (and its run history) with schedule and triggers paused.',
  { default: 'Delete' },
);
