import { checkAlarms, checkDashboards, checkQueries, type AlarmCheck, type QueryCheck, type WidgetCheck } from './cloudwatch/checks';
import { grantUsage, type GrantUse } from './iam';
import type { Rehearsal } from './rehearsal';
import type { StepResult } from './scenario-kit';

export interface FunctionUsage {
  name: string;
  invocations: number;
  failed: number;
  used: Array<{ action: string; resource: string; calls: number }>;
  denied: Array<{ action: string; resource: string; via?: string; detail?: string }>;
  unusedGrants: GrantUse[];
}

export interface RehearsalReport {
  functions: FunctionUsage[];
  services: Array<{ caller: string; action: string; resource: string; allowed: boolean }>;
  alarms: AlarmCheck[];
  widgets: WidgetCheck[];
  queries: QueryCheck[];
  steps: StepResult[];
  notes: string[];
  summary: {
    functions: number;
    invocations: number;
    awsCalls: number;
    denied: number;
    unusedGrants: number;
    alarms: number;
    alarmsMatched: number;
    scenarioSteps: number;
    scenarioPassed: number;
  };
}

/** Everything the rehearsal saw, per function and per CloudWatch resource. */
export async function buildReport(rehearsal: Rehearsal, steps: StepResult[]): Promise<RehearsalReport> {
  const functions: FunctionUsage[] = [];
  const records = rehearsal.iam.records;
  for (const fn of rehearsal.functions) {
    const own = records.filter((record) => record.caller === fn.name);
    const used = new Map<string, { action: string; resource: string; calls: number }>();
    for (const record of own.filter((entry) => entry.allowed)) {
      const resource = summarizeResource(record.resource);
      const key = `${record.action} ${resource}`;
      const entry = used.get(key) ?? { action: record.action, resource, calls: 0 };
      entry.calls += 1;
      used.set(key, entry);
    }
    const invocations = rehearsal.lambda.invocations.filter((invocation) => invocation.functionName === fn.name);
    functions.push({
      name: fn.name,
      invocations: invocations.length,
      failed: invocations.filter((invocation) => invocation.outcome && !invocation.outcome.ok).length,
      used: [...used.values()].sort((a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource)),
      denied: own.filter((record) => !record.allowed).map((record) => ({ action: record.action, resource: record.resource, ...(record.via ? { via: record.via } : {}), ...(record.detail ? { detail: record.detail } : {}) })),
      unusedGrants: (await grantUsage(rehearsal.iam, fn.roleArn, fn.name)).filter((grant) => !grant.used),
    });
  }
  const functionNames = new Set(rehearsal.functions.map((fn) => fn.name));
  const services = dedupe(records.filter((record) => !functionNames.has(record.caller)).map((record) => ({ caller: record.caller, action: record.action, resource: record.resource, allowed: record.allowed })));
  const alarms = checkAlarms(rehearsal.metrics, rehearsal.cloudwatch.alarms);
  const widgets = checkDashboards(rehearsal.deployment, rehearsal.metrics, rehearsal.cloudwatch.alarms);
  const queries = checkQueries(rehearsal.deployment, rehearsal.metrics);
  const notes = [
    ...rehearsal.functions.flatMap((fn) => fn.notes.map((note) => `${fn.name}: ${note}`)),
    ...rehearsal.metrics.rejectedEmf.slice(0, 5).map((entry) => `${entry.source}: EMF line CloudWatch would drop (${entry.reason})`),
  ];
  const denied = functions.reduce((sum, fn) => sum + fn.denied.length, 0) + services.filter((record) => !record.allowed).length;
  return {
    functions,
    services,
    alarms,
    widgets,
    queries,
    steps,
    notes,
    summary: {
      functions: rehearsal.functions.length,
      invocations: rehearsal.lambda.invocations.length,
      awsCalls: rehearsal.endpoint.calls.length,
      denied,
      unusedGrants: functions.reduce((sum, fn) => sum + fn.unusedGrants.length, 0),
      alarms: alarms.length,
      alarmsMatched: alarms.filter((alarm) => alarm.matched).length,
      scenarioSteps: steps.length,
      scenarioPassed: steps.filter((step) => step.passed).length,
    },
  };
}

/** Object keys collapse to their first path segment (`events/dt=…/x.gz` → `events/*`). */
function summarizeResource(resource: string): string {
  const s3 = /^(arn:aws:s3:::[^/]+\/)([^/]+\/).+$/.exec(resource);
  if (s3) return `${s3[1]}${s3[2]}*`;
  return resource.replace(/(:log-stream:).*$/, '$1*');
}

/** Unused grants as `action → short resource names`, for a report a person can read. */
function groupByAction(grants: readonly GrantUse[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const grant of grants) groups.set(grant.action, [...(groups.get(grant.action) ?? []), shortResource(grant.resource)]);
  return groups;
}

/** `arn:aws:dynamodb:us-east-1:123456789012:table/X` → `table/X`; `arn:aws:s3:::bucket/events/*` → `bucket/events/*`. */
function shortResource(arn: string): string {
  return arn.replace(/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d*:/, '');
}

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The readable report, then (last line) the JSON summary. */
export function formatReport(report: RehearsalReport, meta: { node: string; assembly: string; seconds: number }): string {
  const lines: string[] = [];
  const mark = (ok: boolean): string => (ok ? 'ok  ' : 'FAIL');
  lines.push(`Deploy rehearsal of ${meta.assembly} (Lambda bundles on Node ${meta.node}; ${meta.seconds.toFixed(1)} s)`, '');
  lines.push('Scenario: a first day after deploy');
  for (const step of report.steps) lines.push(`  ${mark(step.passed)} ${step.name}`, `         ${step.detail}`);
  lines.push('', 'Functions: AWS calls by action and resource (IAM evaluated on every call)');
  for (const fn of report.functions) {
    lines.push(`  ${fn.name}: ${fn.invocations} invocations (${fn.failed} failed)`);
    for (const use of fn.used) lines.push(`      ${use.action.padEnd(28)} ${shortResource(use.resource)}  ×${use.calls}`);
    for (const denial of fn.denied) lines.push(`    DENIED ${denial.action} on ${denial.resource}${denial.via ? ` (${denial.via})` : ''}`);
    for (const [action, resources] of groupByAction(fn.unusedGrants)) lines.push(`    granted, never used: ${action} on ${resources.join(', ')}`);
  }
  lines.push('', 'Services acting for the stack (API Gateway, Scheduler, CloudWatch, Lambda)');
  for (const record of report.services) lines.push(`  ${mark(record.allowed)} ${record.caller}: ${record.action} on ${record.resource}`);
  lines.push('', 'Alarms against the metrics the scenario emitted');
  for (const alarm of report.alarms) lines.push(`  ${mark(alarm.matched)} ${alarm.alarm}: ${alarm.metrics.map((metric) => `${metric.metric} [${metric.match}]`).join(', ')}${alarm.problems.length ? ` — ${alarm.problems.join('; ')}` : ''}`);
  const badWidgets = report.widgets.filter((widget) => !widget.matched);
  lines.push('', `Dashboard widgets: ${report.widgets.length - badWidgets.length} of ${report.widgets.length} read emitted metrics`);
  for (const widget of badWidgets) lines.push(`  FAIL ${widget.widget}: ${widget.problems.join('; ')}`);
  lines.push('', 'Saved Logs Insights queries against the log lines');
  for (const query of report.queries) lines.push(`  ${mark(query.matched)} ${query.query}: ${query.matchingEvents} events match${query.problems.length ? ` — ${query.problems.join('; ')}` : ''}`);
  if (report.notes.length > 0) lines.push('', 'Notes', ...report.notes.map((note) => `  - ${note}`));
  lines.push('', JSON.stringify(report.summary));
  return lines.join('\n');
}
