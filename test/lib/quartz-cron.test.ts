import { assertQuartzCron, QuartzCronError, quartzCronProblem } from '../../lib/quartz-cron.js';

describe('quartzCronProblem', () => {
  it.each([
    ['0 0 2 * * ?', 'daily at 02:00'],
    ['0 30 2 ? * MON-FRI', 'weekdays by name range'],
    ['0 0/15 * * * ?', 'every 15 minutes from 0'],
    ['*/10 * * * * ?', 'every 10 seconds'],
    ['0 0 8-18/2 ? * 2,4,6', 'a stepped range of hours and a list of days'],
    ['0 0 12 L * ?', 'the last day of the month'],
    ['0 0 12 L-3 * ?', 'three days before the last day'],
    ['0 0 12 15W * ?', 'the weekday nearest the 15th'],
    ['0 0 12 LW * ?', 'the last weekday of the month'],
    ['0 0 12 ? * 6L', 'the last Friday'],
    ['0 0 12 ? * FRI#3', 'the third Friday'],
    ['0 0 12 ? * L', 'L alone in day-of-week'],
    ['0 0 12 1 JAN,jul,DEC ?', 'month names in any case'],
    ['0 15 10 ? * * 2027', 'a year field'],
    ['0 15 10 ? * * 2026-2030', 'a year range'],
    ['  0   0 2 *   * ?  ', 'extra whitespace'],
  ])('accepts %s (%s)', (expression) => {
    expect(quartzCronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['0 0 2 * *', /expected 6 or 7 fields.*found 5/],
    ['', /expected 6 or 7 fields.*found 0/],
    ['0 0 2 * * ? 2027 x', /found 8/],
    ['60 0 2 * * ?', /seconds "60": 60 is out of range 0-59/],
    ['0 60 2 * * ?', /minutes "60": 60 is out of range 0-59/],
    ['0 0 24 * * ?', /hours "24": 24 is out of range 0-23/],
    ['0 0 2 0 * ?', /day-of-month "0": 0 is out of range 1-31/],
    ['0 0 2 32 * ?', /day-of-month "32": 32 is out of range 1-31/],
    ['0 0 2 * 13 ?', /month "13": 13 is out of range 1-12/],
    ['0 0 2 ? * 8', /day-of-week "8": 8 is out of range 1-7/],
    ['0 0 2 ? * 0', /day-of-week "0": 0 is out of range 1-7/],
    ['0 0 2 1 * ? 1969', /year "1969": 1969 is out of range 1970-2099/],
    ['0 0 2 * * *', /one of day-of-month and day-of-week must be "\?"/],
    ['0 0 2 1 * MON', /one of day-of-month and day-of-week must be "\?"/],
    ['0 0 2 ? * ?', /one of day-of-month and day-of-week must be "\?"/],
    ['? 0 2 * * ?', /seconds "\?": "\?" is only allowed in day-of-month and day-of-week/],
    ['0 0 2 * FOO ?', /month "FOO": "FOO" is not a number 1-12 or one of JAN/],
    ['0 0 2 ? * MON-XYZ', /"XYZ" is not a number 1-7 or one of SUN/],
    ['0 0/0 2 * * ?', /increment 0 in "0\/0" must be between 1 and 59/],
    ['0 0/60 2 * * ?', /increment 60 .* between 1 and 59/],
    ['0 0 0/24 * * ?', /increment 24 .* between 1 and 23/],
    ['0 0/x 2 * * ?', /increment "x" in "0\/x" is not a number/i],
    ['0 0/5/5 2 * * ?', /more than one "\/"/],
    ['0 /5 2 * * ?', /no value before "\/"/],
    ['0 1-2-3 2 * * ?', /"1-2-3" is not a value or a range/],
    ['0 1,,2 2 * * ?', /empty list item/],
    ['0 0 2 L,5 * ?', /"L" cannot be combined with other values/],
    ['0 0 2 L-31 * ?', /offset from the last day must be 0-30/],
    ['0 0 2 32W * ?', /32 is out of range 1-31/],
    ['0 0 2 W * ?', /is not one of L, L-n, nW or LW/],
    ['0 0 2 ? * 6#6', /the week after "#" must be 1-5/],
    ['0 0 2 ? * 9#2', /9 is out of range 1-7/],
    ['0 0 2 ? * 6L,2', /cannot be combined with other values/],
    ['0 0 2 ? * 2W', /uses L, W, # or \? where this field does not allow them|is not one of L, dL or d#k/],
    ['0 0 L * * ?', /hours "L": "L" uses L, W, # or \?/],
    ['0 0 2 ? * 1#2#3', /is not one of L, dL or d#k/],
  ])('rejects %s', (expression, message) => {
    expect(quartzCronProblem(expression)).toMatch(message);
  });
});

describe('assertQuartzCron', () => {
  it('throws a QuartzCronError naming the expression and the problem', () => {
    expect(() => assertQuartzCron('0 0 25 * * ?')).toThrow(QuartzCronError);
    expect(() => assertQuartzCron('0 0 25 * * ?')).toThrow(
      'invalid Quartz cron expression "0 0 25 * * ?": hours "25": 25 is out of range 0-23',
    );
  });

  it('returns quietly for a valid expression', () => {
    expect(() => assertQuartzCron('0 0 6 ? * SUN')).not.toThrow();
  });
});
