import { describe, expect, it } from 'vitest';
import { attributeChange, explainsText, type Cell } from '../../../functions/core/proofs/attribution';
import { formatHours } from '../../../functions/core/proofs/attribution-format';
import { seededRandom } from '../../helpers/rollup-events';
import { SHOP_DIMENSIONS, shopDay, shopSegments, type PlantedIncident } from '../../../bench/proofs/shop-cells';

function attribute(incident: PlantedIncident, seed: number) {
  const random = seededRandom(seed);
  const baseline = Array.from({ length: 8 }, () => ({ numerator: shopDay(20_000, random) }));
  return attributeChange({ observed: { numerator: shopDay(20_000, random, incident) }, baseline, dimensions: SHOP_DIMENSIONS });
}

describe('attribution', () => {
  it('names the app outage in every store, its hours and its share', () => {
    // Prepare
    const outage: PlantedIncident = { dimension: 'channel', value: 'app', from: 11, to: 20, factor: 0.04 };

    // Act
    const attribution = attribute(outage, 7);

    // Assess
    const top = attribution?.contributors[0];
    expect(attribution?.direction).toBe('drop');
    expect(top?.segment).toBe('channel=app');
    expect(top?.where).toBe('in every store');
    expect(top?.hours).toEqual(['11:00–20:00']);
    expect(top?.share).toBeGreaterThan(0.9);
    expect(top?.message).toMatch(/^channel=app: −\d+% in every store, 11:00–20:00; explains \d+% of the drop$/);
  });

  it('ranks each planted single-dimension incident first', () => {
    // Prepare
    const incidents = shopSegments().flatMap(({ dimension, value }, index) => [
      { dimension, value, from: 10, to: 16, factor: 0.1 },
      { dimension, value, from: 12 + (index % 4), to: 22, factor: 2.5 },
    ]);

    // Act
    const tops = incidents.map((incident, index) => attribute(incident, 100 + index)?.contributors[0]?.dims);

    // Assess
    expect(tops).toEqual(incidents.map((incident) => ({ [incident.dimension]: incident.value })));
  });

  it('narrows a one-store, one-channel spike to both values and its hour', () => {
    // Prepare
    const random = seededRandom(3);
    const baseline = Array.from({ length: 8 }, () => ({ numerator: shopDay(20_000, random) }));
    const bulkOrder: Cell = { dimsKey: 'channel=web\u0002store=la-venice', hour: 11, value: 15_000 };

    // Act
    const attribution = attributeChange({ observed: { numerator: [...shopDay(20_000, random), bulkOrder] }, baseline, dimensions: SHOP_DIMENSIONS });

    // Assess
    expect(attribution?.contributors[0]).toMatchObject({ segment: 'channel=web, store=la-venice', hours: ['11:00–12:00'] });
  });

  it('splits a ratio change by where the rate moved, not where the traffic is', () => {
    // Prepare: sessions everywhere as usual; orders of the app halve
    const random = seededRandom(11);
    const day = (appOrders: number) => {
      const sessions = shopDay(20_000, random);
      const orders = sessions.map((cell) => ({ ...cell, value: cell.value * 0.03 * (cell.dimsKey.startsWith('channel=app') ? appOrders : 1) }));
      return { numerator: orders, denominator: sessions };
    };
    const baseline = Array.from({ length: 8 }, () => day(1));

    // Act
    const attribution = attributeChange({ observed: day(0.5), baseline, dimensions: SHOP_DIMENSIONS });

    // Assess
    expect(attribution?.contributors[0]?.segment).toBe('channel=app');
    expect(attribution?.contributors[0]?.change).toBeCloseTo(-0.5, 1);
  });

  it('has nothing to explain without a deviation', () => {
    const cells: Cell[] = [{ dimsKey: 'channel=web', hour: 3, value: 10 }];
    expect(attributeChange({ observed: { numerator: cells }, baseline: [{ numerator: cells }], dimensions: ['channel'] })).toBeUndefined();
  });

  it('says why a segment explains more than the whole change', () => {
    // Act
    const texts = [explainsText(0.98, -10), explainsText(1.004, -10), explainsText(1.05, -10), explainsText(1.2, 10)];

    // Assess
    expect(texts).toEqual(['explains 98% of the drop', 'explains 100% of the drop', 'explains 105% of the drop (the rest rose)', 'explains 120% of the rise (the rest fell)']);
  });

  it('writes hours as ranges', () => {
    expect(formatHours([3, 11, 12, 13, 23])).toEqual(['03:00–04:00', '11:00–14:00', '23:00–24:00']);
    expect(formatHours(Array.from({ length: 21 }, (_, hour) => hour))).toEqual(['all day']);
  });
});
