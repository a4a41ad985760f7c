import { describe, expect, it } from 'vitest';
import { localDayOf } from '../../../cli/command';
import { formatDuration, formatFields, formatNumber, formatTable, progressBar } from '../../../cli/output';

describe('formatTable', () => {
  it('pads columns to the widest cell, right-aligns numbers and never pads the last column', () => {
    // Prepare
    const rows = [
      { name: 'snapshot-daily', count: 3, note: 'ok' },
      { name: 'sweeper', count: 1200, note: 'fine' },
    ];

    // Act
    const text = formatTable(rows, [
      { header: 'NAME', value: (row) => row.name },
      { header: 'COUNT', value: (row) => String(row.count), align: 'right' },
      { header: 'NOTE', value: (row) => row.note },
    ]);

    // Assess
    expect(text.split('\n')).toEqual([
      'NAME            COUNT  NOTE', //
      'snapshot-daily      3  ok',
      'sweeper          1200  fine',
    ]);
  });

  it('cuts long cells with an ellipsis, keeps cells on one line and counts code points', () => {
    // Act
    const text = formatTable(
      [{ a: 'abcdefghij', b: 'line one\nline two' }, { a: 'é€😀', b: '' }],
      [
        { header: 'A', value: (row) => row.a, maxWidth: 5 },
        { header: 'B', value: (row) => row.b },
      ],
    );

    // Assess
    expect(text.split('\n')).toEqual(['A      B', 'abcd…  line one line two', 'é€😀']);
  });

  it('prints only the header for no rows', () => {
    // Act / Assess
    expect(formatTable([], [{ header: 'ID', value: () => '' }])).toBe('ID');
  });
});

describe('small formatters', () => {
  it('format durations, numbers, fields and the progress bar', () => {
    // Act / Assess
    expect([formatDuration(undefined), formatDuration(850), formatDuration(1234), formatDuration(125_000)]).toEqual(['', '850 ms', '1.2 s', '2 min 5 s']);
    expect([formatNumber(null), formatNumber(12), formatNumber(0.1 + 0.2), formatNumber(54.11784279481234)]).toEqual(['—', '12', '0.3', '54.11784279']);
    expect(formatFields([['id', '01K'], ['period', undefined], ['status', 'succeeded']])).toBe('id      01K\nstatus  succeeded');
    expect(progressBar(0.5, '50 lines', 10)).toBe('[#####.....]  50% 50 lines');
    expect(progressBar(7, 'done', 4)).toBe('[####] 100% done');
  });

  it("counts yesterday in calendar days, so a 23-hour day does not shift it", () => {
    // Prepare: 00:30 on the day after the 2027 spring-forward in Los Angeles (07:30Z).
    const now = new Date('2027-03-15T07:30:00Z');

    // Act / Assess
    expect(localDayOf(now, 'America/Los_Angeles', -1)).toBe('2027-03-14');
    expect(localDayOf(now, 'UTC')).toBe('2027-03-15');
  });
});
