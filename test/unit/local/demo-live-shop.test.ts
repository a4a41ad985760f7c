import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NightshiftConfig } from '../../../functions/core/config';
import { loadConfigFile } from '../../../infra/config/load-config';
import { demoEvents, demoShopGoingOn, liveOutageWindow } from '../../../infra/local/demo-events';

const ZONE = 'America/Los_Angeles';

describe('the live outage window', () => {
  it('is today when the first start is before 11:00, tomorrow from 11:00 on, in the business zone', () => {
    // Act / Assess
    expect(liveOutageWindow(new Date('2026-12-03T10:30:00-08:00'), ZONE)).toEqual({ day: '2026-12-03', from: new Date('2026-12-03T11:00:00-08:00'), to: new Date('2026-12-03T20:00:00-08:00') });
    expect(liveOutageWindow(new Date('2026-12-03T11:00:00-08:00'), ZONE).day).toBe('2026-12-04');
    expect(liveOutageWindow(new Date('2026-12-03T23:30:00-08:00'), ZONE).day).toBe('2026-12-04');
    // The night clocks spring forward: the next day's 11:00 is PDT.
    expect(liveOutageWindow(new Date('2027-03-13T15:00:00-08:00'), ZONE)).toEqual({ day: '2027-03-14', from: new Date('2027-03-14T11:00:00-07:00'), to: new Date('2027-03-14T20:00:00-07:00') });
  });
});

describe('the demo shop going on past the first start', () => {
  let config: NightshiftConfig;

  beforeAll(async () => {
    config = await loadConfigFile('nightshift.config.ts', resolve(import.meta.dirname, '../../..'));
  });

  it('repeats the written history up to the first start, then goes on with the app silent from 11:00', () => {
    // Prepare: the first start at 10:30:20.5; a later look at 13:00.
    const firstStart = new Date('2026-12-03T10:30:20.500-08:00');
    const later = new Date('2026-12-03T13:00:00-08:00');
    const outageFrom = Date.parse('2026-12-03T11:00:00-08:00');

    // Act
    const goingOn = [];
    for (const hour of demoShopGoingOn(config, firstStart, { outage: '2026-12-03' })) {
      goingOn.push(...hour.events.filter((event) => event.tsMs <= later.getTime()));
      if (hour.endMs > later.getTime()) break;
    }

    // Assess: the seam is exact (the integration test live-shop.test.ts compares what comes after
    // it with the history a later first start would write), and the app is silent from 11:00 on
    // while web and store go on.
    const seamSide = goingOn.filter((event) => event.tsMs <= firstStart.getTime());
    const history = demoEvents(config, firstStart).events;
    // A digest: a deep equality of 260,000 events would take seconds.
    expect({ events: seamSide.length, digest: digest(seamSide) }).toEqual({ events: history.length, digest: digest(history) });
    const afterOutage = goingOn.filter((event) => event.tsMs >= outageFrom);
    expect(afterOutage.filter((event) => event.dims['channel'] === 'app')).toEqual([]);
    expect(new Set(afterOutage.map((event) => event.dims['channel']))).toEqual(new Set(['web', 'store']));
    expect(goingOn.filter((event) => event.tsMs > firstStart.getTime() && event.tsMs < outageFrom && event.dims['channel'] === 'app').length).toBeGreaterThan(20);
  });
});

const digest = (events: readonly unknown[]): string => createHash('sha256').update(JSON.stringify(events)).digest('hex');
