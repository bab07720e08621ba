import { type Static } from '@sinclair/typebox';
import { Int64, List, Opt, StringEnum, Struct } from './schema-types.js';

/** Health thresholds of a job or a task (jobs.JobsHealthRules). */
export const HealthRules = Struct(
  {
    rules: Opt(
      List(
        Struct(
          {
            metric: StringEnum(
              [
                'RUN_DURATION_SECONDS',
                'STREAMING_BACKLOG_BYTES',
                'STREAMING_BACKLOG_RECORDS',
                'STREAMING_BACKLOG_SECONDS',
                'STREAMING_BACKLOG_FILES',
              ] as const,
              'The run metric the rule watches.',
            ),
            op: StringEnum(['GREATER_THAN'] as const, 'How the measurement is compared with value.'),
            value: Int64('Threshold, in the unit of the metric (seconds, bytes, records or files).', {
              minimum: 0,
            }),
          },
          'One health rule: the run is unhealthy when metric op value holds.',
        ),
        'Health rules; the on_duration_warning_threshold_exceeded and on_streaming_backlog_exceeded notifications fire when one is broken.',
        { maxItems: 10 },
      ),
    ),
  },
  'Health thresholds that trigger warnings.',
);
export type HealthRules = Static<typeof HealthRules>;
