import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../functions/adapters/clock';

describe('systemClock.after', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits a month (longer than one Node timer holds) instead of firing at once', () => {
    // Prepare: a monthly schedule's next slot, 29 days away.
    vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') });
    const fired: number[] = [];
    const month = 29 * 86_400_000;

    // Act
    systemClock.after(month, () => fired.push(Date.now()));
    vi.advanceTimersByTime(1000);
    const afterASecond = fired.length;
    vi.advanceTimersByTime(month);

    // Assess
    expect(afterASecond).toBe(0);
    expect(fired).toEqual([Date.parse('2026-12-03T10:00:00Z') + month]);
  });

  it('cancels a long wait between its legs', () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') });
    const fired: string[] = [];
    const cancel = systemClock.after(40 * 86_400_000, () => fired.push('fired'));

    // Act: past the first leg (~24.8 days), then cancelled.
    vi.advanceTimersByTime(30 * 86_400_000);
    cancel();
    vi.advanceTimersByTime(20 * 86_400_000);

    // Assess
    expect(fired).toEqual([]);
  });
});
