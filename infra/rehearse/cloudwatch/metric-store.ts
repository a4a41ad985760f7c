/** One metric datapoint, as CloudWatch stores it: namespace, name, dimension set, time, value. */
export interface Datapoint {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  at: number;
  value: number;
  /** Who emitted it: a function's EMF line, or a service (AWS/SQS, AWS/ApiGateway). */
  source: string;
}

export interface LogLine {
  logGroup: string;
  /** The function or service that wrote it. */
  source: string;
  at: number;
  text: string;
  /** The JSON object when the whole line is one (what Logs Insights discovers fields from). */
  fields?: Record<string, unknown>;
}

/** What CloudWatch would have received: metric datapoints and log events, per log group. */
export class MetricStore {
  readonly datapoints: Datapoint[] = [];
  readonly logs: LogLine[] = [];
  /** EMF lines CloudWatch would reject (and drop), with why. */
  readonly rejectedEmf: Array<{ source: string; reason: string; line: string }> = [];

  put(point: Datapoint): void {
    this.datapoints.push(point);
  }

  /**
   * A line a function printed. A whole-line JSON object is a structured log event; one with an
   * `_aws.CloudWatchMetrics` block is also Embedded Metric Format, turned into datapoints as
   * CloudWatch Logs does (one per metric per dimension set, values may be arrays).
   */
  logLine(logGroup: string, source: string, at: number, text: string): void {
    const line: LogLine = { logGroup, source, at, text };
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      try {
        const parsed = JSON.parse(trimmed) as Record<string, unknown>;
        line.fields = parsed;
        this.extractEmf(parsed, source, at, text);
      } catch {
        // Not JSON: a plain log line, searchable by text only.
      }
    }
    this.logs.push(line);
  }

  private extractEmf(event: Record<string, unknown>, source: string, at: number, text: string): void {
    const aws = event['_aws'] as { Timestamp?: number; CloudWatchMetrics?: Array<{ Namespace?: string; Dimensions?: string[][]; Metrics?: Array<{ Name?: string }> }> } | undefined;
    if (!aws?.CloudWatchMetrics) return;
    if (typeof aws.Timestamp !== 'number') {
      this.rejectedEmf.push({ source, reason: '_aws.Timestamp is missing', line: text });
      return;
    }
    for (const directive of aws.CloudWatchMetrics) {
      if (!directive.Namespace) {
        this.rejectedEmf.push({ source, reason: 'a directive has no Namespace', line: text });
        continue;
      }
      for (const metric of directive.Metrics ?? []) {
        const value = event[metric.Name ?? ''];
        const values = (Array.isArray(value) ? value : [value]).filter((item): item is number => typeof item === 'number');
        if (values.length === 0) {
          this.rejectedEmf.push({ source, reason: `metric ${String(metric.Name)} has no numeric value`, line: text });
          continue;
        }
        for (const dimensionSet of directive.Dimensions ?? [[]]) {
          const dimensions: Record<string, string> = {};
          for (const name of dimensionSet) {
            if (typeof event[name] !== 'string') this.rejectedEmf.push({ source, reason: `dimension ${name} has no string value`, line: text });
            else dimensions[name] = event[name];
          }
          for (const item of values) this.put({ namespace: directive.Namespace, name: metric.Name ?? '', dimensions, at: aws.Timestamp, value: item, source });
        }
      }
    }
  }
}
