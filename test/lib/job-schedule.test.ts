import { JobSchedule } from '../../lib/job-schedule.js';

describe('JobSchedule', () => {
  it('defaults to UTC and unpaused', () => {
    expect(JobSchedule.cron('0 0 6 ? * MON').toPayload()).toEqual({
      quartz_cron_expression: '0 0 6 ? * MON',
      timezone_id: 'UTC',
      pause_status: 'UNPAUSED',
    });
  });

  it('builds a daily expression from a time of day, paused when asked', () => {
    expect(
      JobSchedule.daily({ hour: 2, minute: 30 }, { timezone: 'Asia/Tokyo', paused: true }).toPayload(),
    ).toEqual({
      quartz_cron_expression: '0 30 2 * * ?',
      timezone_id: 'Asia/Tokyo',
      pause_status: 'PAUSED',
    });
    expect(JobSchedule.daily({ hour: 5 }).expression).toBe('0 0 5 * * ?');
  });

  it('has no problems when expression and time zone are valid', () => {
    expect(JobSchedule.cron('0 0/15 * * * ?', { timezone: 'America/New_York' }).problems()).toEqual([]);
  });

  it('reports an hour out of range given to daily', () => {
    expect(JobSchedule.daily({ hour: 24 }).problems()).toEqual([
      'settings.schedule.quartz_cron_expression "0 0 24 * * ?" is not a valid Quartz cron expression: hours "24": 24 is out of range 0-23',
    ]);
  });

  it('reports both a bad expression and a bad time zone', () => {
    expect(JobSchedule.cron('every day', { timezone: 'Nowhere/Land' }).problems()).toHaveLength(2);
  });
});
