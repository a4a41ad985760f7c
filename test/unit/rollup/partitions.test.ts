import { describe, expect, it } from 'vitest';
import { splitHours } from '../../../functions/jobs/rollup/partitions';

const load = (hour: string, objects: number) => ({ hour: `2026-11-21T${hour}`, objects });

describe('splitHours', () => {
  it('balances objects across workers, busiest hour first, each hour whole', () => {
    // Prepare
    const loads = [load('01', 10), load('02', 7), load('03', 6), load('04', 5), load('05', 2)];

    // Act
    const partitions = splitHours(loads, 2);

    // Assess: 10+5 and 7+6+2, hours in order.
    expect(partitions).toEqual([
      ['2026-11-21T01', '2026-11-21T04'],
      ['2026-11-21T02', '2026-11-21T03', '2026-11-21T05'],
    ]);
  });

  it('makes no empty partition when there are fewer hours than workers', () => {
    expect(splitHours([load('07', 3), load('08', 1)], 4)).toEqual([['2026-11-21T07'], ['2026-11-21T08']]);
  });

  it('hands every hour to exactly one partition, whatever the order it is given in', () => {
    // Prepare
    const loads = Array.from({ length: 30 }, (_, index) => load(String(index % 24).padStart(2, '0') + (index >= 24 ? 'x' : ''), (index * 7) % 11));

    // Act
    const forward = splitHours(loads, 4);
    const backward = splitHours([...loads].reverse(), 4);

    // Assess
    expect(forward.flat().sort()).toEqual(loads.map((entry) => entry.hour).sort());
    expect(backward).toEqual(forward);
    expect(forward).toHaveLength(4);
  });

  it('puts everything in one partition for one worker', () => {
    expect(splitHours([load('02', 1), load('01', 5)], 1)).toEqual([['2026-11-21T01', '2026-11-21T02']]);
  });
});
