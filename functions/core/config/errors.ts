import { NightshiftError } from '../errors';

export interface ConfigProblem {
  path: string;
  reason: string;
}

/** A config that cannot be used; `problems` lists every one of them, not just the first. */
export class InvalidConfigError extends NightshiftError {
  readonly problems: ConfigProblem[];

  constructor(source: string, problems: ConfigProblem[], options?: { cause?: unknown }) {
    const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.reason}`);
    super('invalid_config', `${source} is not a valid Nightshift config:\n${lines.join('\n')}`, options);
    this.problems = problems;
  }
}

/** The config file could not be found or read at all. */
export class ConfigLoadError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_load_failed', message, options);
  }
}
