import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip);

export interface ChartPoint {
  day: string;
  value: number | null;
  mark?: { status: 'warn' | 'critical'; messages: string[] } | undefined;
}

const COLOURS = { line: '#2f5bd3', warn: '#b45309', critical: '#c0262d' } as const;

/**
 * A metric's daily values as a line, proof days marked: warn as an amber triangle, critical as a
 * red diamond (shape as well as colour). Chart.js draws on a canvas; the caller gives the same
 * data as a table for screen readers.
 */
export function MetricChart({ points, label, description }: { points: ChartPoint[]; label: string; description: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const style = (point: ChartPoint): 'circle' | 'triangle' | 'rectRot' => (point.mark?.status === 'critical' ? 'rectRot' : point.mark?.status === 'warn' ? 'triangle' : 'circle');
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
          },
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
            callbacks: {
              afterLabel: (item) => {
                const mark = points[item.dataIndex]?.mark;
                return mark ? [`proof: ${mark.status}`, ...mark.messages] : '';
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
      <canvas ref={canvas} role="img" aria-label={description} data-points={points.length}>
        {description}
      </canvas>
    </div>
  );
}
