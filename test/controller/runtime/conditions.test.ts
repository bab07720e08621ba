import {
  findCondition,
  isConditionTrue,
  removeCondition,
  setCondition,
  type Condition,
} from '../../../controller/runtime/conditions.js';

const t0 = new Date('2026-01-01T10:00:00.123Z');
const t1 = new Date('2026-01-01T11:00:00.456Z');

describe('setCondition', () => {
  it('adds a condition with the transition time in whole seconds', () => {
    const conditions = setCondition(
      undefined,
      {
        type: 'Ready',
        status: 'False',
        reason: 'Creating',
        message: 'creating the job',
        observedGeneration: 1,
      },
      t0,
    );
    expect(conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Creating',
        message: 'creating the job',
        observedGeneration: 1,
        lastTransitionTime: '2026-01-01T10:00:00Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when only reason, message or generation change', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: 'a' }, t0);
    const second = setCondition(
      first,
      { type: 'Ready', status: 'False', reason: 'WaitingForDependency', message: 'b', observedGeneration: 2 },
      t1,
    );
    expect(second[0].lastTransitionTime).toBe('2026-01-01T10:00:00Z');
    expect(second[0]).toMatchObject({ reason: 'WaitingForDependency', message: 'b', observedGeneration: 2 });
  });

  it('moves lastTransitionTime when the status changes', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: '' }, t0);
    const second = setCondition(first, { type: 'Ready', status: 'True', reason: 'Created', message: '' }, t1);
    expect(second[0].lastTransitionTime).toBe('2026-01-01T11:00:00Z');
  });

  it('leaves other conditions and their order alone, and does not modify its input', () => {
    const input: Condition[] = [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Created',
        message: '',
        lastTransitionTime: '2026-01-01T09:00:00Z',
      },
      {
        type: 'Succeeded',
        status: 'Unknown',
        reason: 'Running',
        message: '',
        lastTransitionTime: '2026-01-01T09:00:00Z',
      },
    ];
    const frozen = JSON.stringify(input);
    const output = setCondition(
      input,
      { type: 'Ready', status: 'False', reason: 'InvalidSettings', message: 'x' },
      t1,
    );
    expect(output.map((c) => c.type)).toEqual(['Ready', 'Succeeded']);
    expect(output[1]).toBe(input[1]);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('returns an identical array when nothing changed, so a status diff finds no write', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'Created', message: 'ok' }, t0);
    const again = setCondition(
      first,
      { type: 'Ready', status: 'True', reason: 'Created', message: 'ok' },
      t1,
    );
    expect(again).toEqual(first);
  });
});

describe('condition lookups', () => {
  const conditions = setCondition([], { type: 'Ready', status: 'True', reason: 'Created', message: '' }, t0);

  it('finds a condition by type and tells whether it is True', () => {
    expect(findCondition(conditions, 'Ready')?.reason).toBe('Created');
    expect(isConditionTrue(conditions, 'Ready')).toBe(true);
    expect(isConditionTrue(conditions, 'Succeeded')).toBe(false);
    expect(isConditionTrue(undefined, 'Ready')).toBe(false);
  });

  it('removes a condition by type', () => {
    expect(removeCondition(conditions, 'Ready')).toEqual([]);
  });
});
