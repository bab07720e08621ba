/**
 * The decision for content at a path (notebooks, DBFS files) as a table: what status records, what is
 * at the path, and what the reconcile does. No I/O.
 */
import {
  decideContent,
  needsComparison,
  type ContentDecision,
  type ContentFacts,
} from '../../../../controller/reconcilers/content/content-decision.js';
import { describeDecision } from '../../../../controller/reconcilers/managed/decision.js';

/** A notebook of ours, present and unchanged since status recorded it. */
const notebook: ContentFacts = {
  ours: true,
  specChanged: false,
  present: true,
  changed: 'no',
  drifted: [],
  compares: true,
  overwrite: false,
};
/** A DBFS file of ours: drift is its size or modification time, written again without a comparison. */
const dbfsFile: ContentFacts = { ...notebook, compares: false, overwrite: true };
const stranger = (facts: Partial<ContentFacts>): ContentFacts => ({ ...notebook, ours: false, ...facts });

describe('what to do with content at a path', () => {
  it.each<[string, ContentFacts, boolean, ContentDecision, string]>([
    [
      'nothing there: write it',
      stranger({ present: false }),
      false,
      { action: 'create', recreate: false },
      'create',
    ],
    [
      'something there holding the content: take it as it is',
      stranger({ holds: true }),
      true,
      { action: 'adopt', diff: [] },
      'adopt (marker only)',
    ],
    [
      'something else there, spec.overwrite: replace it',
      stranger({ holds: false, overwrite: true }),
      true,
      { action: 'adopt', diff: ['content'] },
      'adopt content',
    ],
    [
      'something else there, no overwrite: refuse',
      stranger({ holds: false }),
      true,
      { action: 'refuse', reason: 'PathExists' },
      'refuse (PathExists)',
    ],
    [
      'something there that cannot be compared, no overwrite: refuse',
      stranger({}),
      true,
      { action: 'refuse', reason: 'PathExists' },
      'refuse (PathExists)',
    ],
    ['ours, unchanged: leave it', notebook, false, { action: 'none' }, 'none'],
    [
      'ours, the spec changed: write it without reading',
      { ...notebook, specChanged: true, changed: 'yes' },
      false,
      { action: 'update', cause: 'SpecChanged' },
      'update (spec changed)',
    ],
    [
      'ours, deleted in Databricks: write it again',
      { ...notebook, present: false },
      false,
      { action: 'create', recreate: true },
      'create',
    ],
    [
      'ours, of another language: import again without reading',
      { ...notebook, drifted: ['language'], changed: 'yes' },
      false,
      { action: 'update', cause: 'Drifted', diff: ['language'] },
      'update language',
    ],
    [
      'ours, modified and holding other content: import again',
      { ...notebook, changed: 'yes', holds: false },
      true,
      { action: 'update', cause: 'Drifted', diff: ['content'] },
      'update content',
    ],
    [
      'ours, modified but holding the same content: leave it',
      { ...notebook, changed: 'yes', holds: true },
      true,
      { action: 'none' },
      'none',
    ],
    [
      'ours, modified, a format that cannot be compared: import again',
      { ...notebook, changed: 'yes' },
      true,
      { action: 'update', cause: 'Drifted', diff: ['content'] },
      'update content',
    ],
    [
      'ours, no modification time and no way to compare: leave it',
      { ...notebook, changed: 'unknown' },
      true,
      { action: 'none' },
      'none',
    ],
    [
      'a DBFS file of ours whose size or time moved: upload again without reading',
      { ...dbfsFile, changed: 'yes' },
      false,
      { action: 'update', cause: 'Drifted', diff: ['content'] },
      'update content',
    ],
    ['a DBFS file of ours, unchanged', dbfsFile, false, { action: 'none' }, 'none'],
  ])('%s', (_, facts, compare, decision, line) => {
    expect(needsComparison(facts)).toBe(compare);
    const decided = decideContent(facts);
    expect(decided).toEqual(decision);
    expect(describeDecision(decided)).toBe(line);
  });
});
