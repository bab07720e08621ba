import { type Static } from '@sinclair/typebox';
import { Bool, List, Opt, Str, StringList, Struct } from './schema-types.js';

// Who hears about a job's or a task's runs (jobs.JobEmailNotifications, jobs.WebhookNotifications,
// jobs.JobNotificationSettings, jobs.TaskNotificationSettings).

const MAX_RECIPIENTS = { maxItems: 100 };

function addresses(event: string) {
  return Opt(StringList(`Email addresses notified ${event}.`, MAX_RECIPIENTS));
}

/** Email notifications of a job or a task. */
export const EmailNotifications = Struct(
  {
    on_start: addresses('when a run starts'),
    on_success: addresses('when a run succeeds'),
    on_failure: addresses('when a run fails'),
    on_duration_warning_threshold_exceeded: addresses(
      'when a run exceeds its RUN_DURATION_SECONDS health rule',
    ),
    on_streaming_backlog_exceeded: addresses('when a streaming backlog health rule is exceeded'),
    no_alert_for_skipped_runs: Opt(
      Bool('Deprecated by Databricks (use notification_settings): skip emails for skipped runs.'),
    ),
  },
  'Email addresses notified on run events.',
);
export type EmailNotifications = Static<typeof EmailNotifications>;

const Webhook = Struct(
  { id: Str('ID of a notification destination configured in the workspace.', { minLength: 1 }) },
  'A system notification destination.',
);

function webhooks(event: string) {
  return Opt(List(Webhook, `Destinations notified ${event} (at most 3).`, { maxItems: 3 }));
}

/** Webhook (system destination) notifications of a job or a task. */
export const WebhookNotifications = Struct(
  {
    on_start: webhooks('when a run starts'),
    on_success: webhooks('when a run succeeds'),
    on_failure: webhooks('when a run fails'),
    on_duration_warning_threshold_exceeded: webhooks(
      'when a run exceeds its RUN_DURATION_SECONDS health rule',
    ),
    on_streaming_backlog_exceeded: webhooks('when a streaming backlog health rule is exceeded'),
  },
  'Notification destinations called on run events.',
);
export type WebhookNotifications = Static<typeof WebhookNotifications>;

/** Notification filters for a whole job. */
export const JobNotificationSettings = Struct(
  {
    no_alert_for_skipped_runs: Opt(Bool('Send no notification for skipped runs.')),
    no_alert_for_canceled_runs: Opt(Bool('Send no notification for canceled runs.')),
  },
  'Filters applied to the job-level email and webhook notifications.',
);

/** Notification filters for one task. */
export const TaskNotificationSettings = Struct(
  {
    no_alert_for_skipped_runs: Opt(Bool('Send no notification for skipped runs.')),
    no_alert_for_canceled_runs: Opt(Bool('Send no notification for canceled runs.')),
    alert_on_last_attempt: Opt(
      Bool('Notify about failure only after the last retry, and start only on the first attempt.'),
    ),
  },
  'Filters applied to the task-level email and webhook notifications.',
);
