import { quartzCronProblem } from './quartz-cron.js';

/** Options of a {@link JobSchedule}. */
export interface JobScheduleOptions {
  /**
   * The Java time zone ID the expression is read in, e.g. `Europe/Amsterdam`.
   *
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * Whether the schedule is paused.
   *
   * @default false
   */
  readonly paused?: boolean;
}

/** A time of day for {@link JobSchedule.daily}. */
export interface TimeOfDay {
  /** Hour, 0-23. */
  readonly hour: number;
  /**
   * Minute, 0-59.
   *
   * @default 0
   */
  readonly minute?: number;
}

/** The `settings.schedule` payload of a job (Jobs API `CronSchedule`). */
export interface CronSchedulePayload {
  readonly quartz_cron_expression: string;
  readonly timezone_id: string;
  readonly pause_status: 'PAUSED' | 'UNPAUSED';
}

/**
 * When a job runs on its own: a Quartz cron expression in a time zone. Checked at synth time.
 *
 * @example
 * JobSchedule.cron('0 30 2 ? * MON-FRI', { timezone: 'Europe/Amsterdam' }); // weekdays at 02:30
 * JobSchedule.daily({ hour: 2, minute: 30 });
 */
export class JobSchedule {
  /** A Quartz cron expression: `seconds minutes hours day-of-month month day-of-week [year]`. */
  static cron(expression: string, options: JobScheduleOptions = {}): JobSchedule {
    return new JobSchedule(expression, options.timezone ?? 'UTC', options.paused ?? false);
  }

  /** Every day at the given time. */
  static daily(at: TimeOfDay, options: JobScheduleOptions = {}): JobSchedule {
    return JobSchedule.cron(`0 ${at.minute ?? 0} ${at.hour} * * ?`, options);
  }

  /** The problems found by the first call to problems(). */
  private checked?: readonly string[];

  private constructor(
    /** The Quartz cron expression. */
    readonly expression: string,
    /** The Java time zone ID. */
    readonly timezone: string,
    /** Whether the schedule is paused. */
    readonly paused: boolean,
  ) {}

  /** What is wrong with this schedule, as sentences naming the field and the fix; empty if nothing. */
  problems(): string[] {
    // A schedule never changes, and cdk8s validates twice per synth: check it once.
    this.checked ??= this.check();
    return [...this.checked];
  }

  private check(): string[] {
    const problems: string[] = [];
    const cronProblem = quartzCronProblem(this.expression);
    if (cronProblem) {
      problems.push(
        `settings.schedule.quartz_cron_expression "${this.expression}" is not a valid Quartz cron expression: ` +
          cronProblem,
      );
    }
    if (!isKnownTimeZone(this.timezone)) {
      problems.push(
        `settings.schedule.timezone_id "${this.timezone}" is not a known time zone; ` +
          `use an IANA/Java ID such as "UTC" or "Europe/Amsterdam"`,
      );
    }
    return problems;
  }

  /** The Jobs API payload. */
  toPayload(): CronSchedulePayload {
    return {
      quartz_cron_expression: this.expression,
      timezone_id: this.timezone,
      pause_status: this.paused ? 'PAUSED' : 'UNPAUSED',
    };
  }
}

// Creating an Intl.DateTimeFormat costs about 0.15 ms, which a profile of 1,000 scheduled jobs showed as
// the largest cost of synth outside YAML; apps use few time zones, so remember each answer.
const knownTimeZones = new Map<string, boolean>();

function isKnownTimeZone(timezone: string): boolean {
  let known = knownTimeZones.get(timezone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
      known = true;
    } catch {
      known = false;
    }
    knownTimeZones.set(timezone, known);
  }
  return known;
}
