import { CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration, type ChartDataset } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Filler);

export interface ChartPoint {
  day: string;
  value: number | null;
  mark?: { status: 'warn' | 'critical'; messages: string[] } | undefined;
  /** The trend check's expected band that day (from the proof index): pass inside `warn`, critical outside `critical`. */
  band?: { warn: Band; critical: Band } | undefined;
  /** Holidays and annotations on the day, in words. */
  calendar?: string[] | undefined;
}

interface Band {
  min: number | null;
  max: number | null;
}

const COLOURS = { line: '#2f5bd3', warn: '#b45309', critical: '#c0262d', calendar: '#6d28d9', pass: 'rgba(47, 91, 211, 0.14)', warnZone: 'rgba(180, 83, 9, 0.12)' } as const;

/**
 * A metric's daily values as a line over the trend's expected band: inside the inner (blue) band
 * a day passes, in the outer (amber) band it is at most a warn, beyond it critical. Proof days
 * are marked: warn as an amber triangle, critical as a red diamond (shape as well as colour);
 * holidays and annotated days as a violet star on top. Chart.js draws on a canvas; the caller
 * gives the same data as a table for screen readers.
 */
export function MetricChart({ points, label, description }: { points: ChartPoint[]; label: string; description: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const style = (point: ChartPoint): 'circle' | 'triangle' | 'rectRot' => (point.mark?.status === 'critical' ? 'rectRot' : point.mark?.status === 'warn' ? 'triangle' : 'circle');
    const edge = (pick: (point: ChartPoint) => number | null | undefined) => points.map((point) => pick(point) ?? null);
    const bandLine = (name: string, data: Array<number | null>, fill: ChartDataset<'line'>['fill'], colour: string): ChartDataset<'line', Array<number | null>> => ({
      label: name,
      data,
      borderWidth: 0,
      pointRadius: 0,
      pointHoverRadius: 0,
      fill,
      backgroundColor: colour,
      spanGaps: false,
    });
    const top = Math.max(0, ...points.map((point) => Math.max(point.value ?? 0, point.band?.critical.max ?? 0)));
    const config: ChartConfiguration<'line', Array<number | null>, string> = {
      type: 'line',
      data: {
        labels: points.map((point) => point.day),
        datasets: [
          {
            label,
            data: points.map((point) => point.value),
            borderColor: COLOURS.line,
            backgroundColor: COLOURS.line,
            borderWidth: 2,
            tension: 0.15,
            spanGaps: false,
            pointStyle: points.map(style),
            pointRadius: points.map((point) => (point.mark ? 8 : 3)),
            pointHoverRadius: points.map((point) => (point.mark ? 10 : 5)),
            pointBackgroundColor: points.map((point) => (point.mark ? COLOURS[point.mark.status] : COLOURS.line)),
            pointBorderColor: points.map((point) => (point.mark ? COLOURS[point.mark.status] : COLOURS.line)),
            order: 0,
          },
          {
            label: 'holiday or annotation',
            data: points.map((point) => (point.calendar && point.calendar.length > 0 ? top * 1.05 : null)),
            showLine: false,
            pointStyle: 'star',
            pointRadius: 8,
            borderColor: COLOURS.calendar,
            backgroundColor: COLOURS.calendar,
            order: 1,
          },
          // Behind the series: the outer band (to critical) first, the inner band (to warn) over it.
          { ...bandLine('critical low', edge((point) => point.band?.critical.min ?? point.band?.warn.min), false, COLOURS.warnZone), order: 4 },
          { ...bandLine('critical high', edge((point) => point.band?.critical.max ?? point.band?.warn.max), '-1', COLOURS.warnZone), order: 4 },
          { ...bandLine('expected low', edge((point) => point.band?.warn.min), false, COLOURS.pass), order: 3 },
          { ...bandLine('expected high', edge((point) => point.band?.warn.max), '-1', COLOURS.pass), order: 3 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { beginAtZero: true },
        },
        plugins: {
          tooltip: {
            // One line per day: the value; the band and the marks follow it.
            filter: (item) => item.datasetIndex === 0,
            callbacks: {
              afterLabel: (item) => {
                const point = points[item.dataIndex];
                if (!point) return '';
                return [
                  ...(point.band ? [`expected ${describeBand(point.band.warn)}; critical beyond ${describeBand(point.band.critical)}`] : []),
                  ...(point.mark ? [`proof: ${point.mark.status}`, ...point.mark.messages] : []),
                  ...(point.calendar ?? []),
                ];
              },
            },
          },
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [points, label]);
  return (
    <div class="chart-box">
      <canvas
        ref={canvas}
        role="img"
        aria-label={description}
        data-points={points.length}
        data-band-days={points.filter((point) => point.band).length}
        data-calendar-days={points.filter((point) => point.calendar && point.calendar.length > 0).length}
      >
        {description}
      </canvas>
    </div>
  );
}

/** `950 – 1 050`, `≥ 950`: a band in words. */
export function describeBand(band: Band): string {
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  if (band.min !== null && band.max !== null) return `${number(band.min)} – ${number(band.max)}`;
  if (band.min !== null) return `≥ ${number(band.min)}`;
  return band.max !== null ? `≤ ${number(band.max)}` : 'any';
}
