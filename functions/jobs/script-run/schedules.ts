import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import type { ScriptManifest } from './manifest';

/**
 * A manifest's `schedule` entries as scheduled tasks (`script-<name>`), next to the config's own
 * schedules: EventBridge Scheduler in AWS, the local scheduler with `npm start`.
 */
export function scriptSchedules(manifest: ScriptManifest, defaultTimezone: string): ScheduledTask[] {
  return Object.entries(manifest.scripts).flatMap(([name, spec]) =>
    spec.schedule
      ? [
          {
            name: `script-${name}`,
            type: 'script-run' as const,
            expression: spec.schedule.expression,
            timezone: spec.schedule.timezone ?? defaultTimezone,
            enabled: spec.schedule.enabled,
            period: 'none' as const,
            params: { script: name, args: spec.schedule.args },
            description: `Script ${name}`,
          },
        ]
      : [],
  );
}
