import { type Static } from '@sinclair/typebox';
import { Int64, KeyedList, Opt, Str, StringEnum, Struct } from './schema-types.js';

/** A `metav1.Condition`, as every kind reports in `status.conditions`. */
export const Condition = Struct(
  {
    type: Str('Type of condition in CamelCase: Ready on every kind, Succeeded and Failed on runs.', {
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: StringEnum(['True', 'False', 'Unknown'] as const, 'Whether the condition holds.'),
    observedGeneration: Opt(
      Int64('The metadata.generation the condition was computed from.', { minimum: 0 }),
    ),
    lastTransitionTime: Str('When the condition last changed status.', { format: 'date-time' }),
    reason: Str('Machine-readable CamelCase reason for the last transition, e.g. WaitingForDependency.', {
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Str('Human-readable details of the last transition.', { maxLength: 32768 }),
  },
  'A condition of the object, as metav1.Condition.',
);
export type Condition = Static<typeof Condition>;

/** `status.conditions`: one entry per type. */
export const Conditions = KeyedList(
  Condition,
  ['type'],
  'The latest observations of the object, one per condition type.',
  {
    maxItems: 16,
  },
);

/** `status.observedGeneration`. */
export const ObservedGeneration = Int64(
  'The metadata.generation the controller last acted on. Status is current when it equals metadata.generation.',
  { minimum: 0 },
);
