/**
 * What `migrate` did with every field of every old object: where it went, or why it was not carried.
 * The mapping of each kind logs each field it reads; a field of the old object it did not log is a gap
 * in the mapping, refused at once rather than lost without a word.
 */
import { describeOld, type OldObject } from './old-manifests.js';

/** What happened to one old field. */
export interface FieldFate {
  /** `spec.notebook_task`, `status.job_status.job_id`, `metadata.annotations`. */
  readonly field: string;
  /** `→ spec.settings.tasks[etl].notebook_task`, or `not carried: <why>`. */
  readonly fate: string;
}

/** The report of one old object. */
export interface ObjectReport {
  /** `jobs.yaml: Djob team/etl`. */
  readonly source: string;
  /** `DatabricksJob team/etl, adopting job 42`, or `left out: <why>`. */
  readonly outcome: string;
  readonly fields: readonly FieldFate[];
}

/** Collects the fates of one old object's fields. */
export class FieldLog {
  private readonly fates: FieldFate[] = [];

  constructor(readonly old: OldObject) {}

  /** `field` went to `target`, with a remark when its meaning changed. */
  mapped(field: string, target: string, remark?: string): void {
    this.fates.push({ field, fate: `→ ${target}${remark ? ` (${remark})` : ''}` });
  }

  /** `field` is not in the new object, because `why`. */
  notCarried(field: string, why: string): void {
    this.fates.push({ field, fate: `not carried: ${why}` });
  }

  /** Logs each of `fields` present in `spec` as mapped to `targetOf(field)`. */
  mappedEach(fields: readonly string[], targetOf: (field: string) => string): void {
    for (const field of fields) {
      if (this.old.spec[field] !== undefined) this.mapped(`spec.${field}`, targetOf(field));
    }
  }

  /** The report, after checking that every spec field present was logged. */
  report(outcome: string): ObjectReport {
    for (const field of Object.keys(this.old.spec)) {
      if (this.old.spec[field] === undefined || this.old.spec[field] === null) continue;
      const path = `spec.${field}`;
      if (
        !this.fates.some(
          (fate) =>
            fate.field === path || fate.field.startsWith(`${path}.`) || fate.field.startsWith(`${path}[`),
        )
      ) {
        throw new Error(`migrate: ${describeOld(this.old)}: ${path} was neither mapped nor reported (a bug)`);
      }
    }
    return { source: `${this.old.file}: ${describeOld(this.old)}`, outcome, fields: this.fates };
  }
}

/** The report as text: one block per object, then `notes` (what to do next). */
export function formatReport(reports: readonly ObjectReport[], notes: readonly string[]): string {
  const blocks = reports.map((report) =>
    [`${report.source} → ${report.outcome}`, ...report.fields.map((f) => `  ${f.field}: ${f.fate}`)].join(
      '\n',
    ),
  );
  return `${[...blocks, ...notes].join('\n\n')}\n`;
}
