import { describe, expect, it } from 'vitest';
import { localClockFromFlags, realClock, SimulatedClock } from '../../../infra/local/simulated-clock';

const ZONE = 'America/Los_Angeles';

/** Real time that only moves when the test says so. */
function steppedRealTime(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SimulatedClock', () => {
  it('runs `speed` times real time while idle and at real speed while a function works', () => {
    // Prepare
    const real = steppedRealTime();
    const clock = new SimulatedClock(new Date('2027-03-13T20:00:00-08:00'), 600, real.now);

    // Act / Assess: 6 s idle is an hour.
    real.advance(6_000);
    expect(clock.now().toISOString()).toBe('2027-03-14T05:00:00.000Z');
    // 2 s of work is 2 s, however fast the idle time runs.
    const done = clock.working();
    real.advance(2_000);
    expect(clock.now().toISOString()).toBe('2027-03-14T05:00:02.000Z');
    done();
    real.advance(100);
    expect(clock.now().toISOString()).toBe('2027-03-14T05:01:02.000Z');
    clock.stop();
  });

  it('at speed max, jumps to each timer in due order, and not while work is held', async () => {
    // Prepare
    const clock = new SimulatedClock(new Date('2027-11-07T08:00:00Z'), Infinity);
    const fired: string[] = [];
    const record = (name: string) => () => fired.push(`${name} ${clock.now().toISOString()}`);
    clock.after(3_600_000, record('an hour'));
    clock.after(5_000, record('five seconds'));
    const cancel = clock.after(60_000, record('cancelled'));
    cancel();

    // Act: work holds the clock at real speed, so nothing an hour away fires meanwhile.
    const done = clock.working();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([]);
    done();
    await clock.reach(new Date('2027-11-07T09:00:00Z'));

    // Assess: each timer read the clock at its own due time.
    expect(fired).toEqual(['five seconds 2027-11-07T08:00:05.000Z', 'an hour 2027-11-07T09:00:00.000Z']);
    clock.stop();
  });
});

describe('--clock and --speed', () => {
  it('reads --clock in the business time zone unless it has an offset, and --speed as a factor or max', () => {
    const zoned = localClockFromFlags({ clock: '2027-03-13T20:00', speed: '600' }, ZONE);
    expect('clock' in zoned && zoned.clock.simulation).toEqual({ start: new Date('2027-03-14T04:00:00Z'), speed: 600 });
    const utc = localClockFromFlags({ clock: '2027-03-14T04:00Z' }, ZONE);
    expect('clock' in utc && utc.clock.simulation).toEqual({ start: new Date('2027-03-14T04:00:00Z'), speed: 1 });
    const max = localClockFromFlags({ clock: '2027-11-07T00:30-07:00', speed: 'max' }, ZONE);
    expect('clock' in max && max.clock.simulation).toEqual({ start: new Date('2027-11-07T07:30:00Z'), speed: Infinity });
    expect(localClockFromFlags({}, ZONE)).toEqual({ clock: realClock });
  });

  it.each([
    [{ clock: 'tomorrow' }, /--clock must be an ISO date and time/],
    [{ clock: '2027-02-30T10:00' }, /--clock must be an ISO date and time/],
    [{ clock: '2027-03-14T02:30' }, /does not exist in America\/Los_Angeles/],
    [{ speed: '0' }, /--speed must be a number above 0/],
    [{ speed: '-5' }, /--speed must be a number above 0/],
    [{ speed: 'fast' }, /--speed must be a number above 0/],
    [{ speed: '1e9' }, /--speed must be a number above 0/],
    [{ speed: '' }, /--speed must be a number above 0/],
  ])('refuses %j with a message that names the flag', (flags, message) => {
    const answer = localClockFromFlags(flags, ZONE);
    expect('problem' in answer && answer.problem).toMatch(message);
  });
});
