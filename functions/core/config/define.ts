import type { NightshiftConfigInput } from './schema';

/**
 * Types a config file's object; the loader validates it. What a config file imports as
 * `nightshift/config` (the package's own export): nothing but this, so a config file anywhere
 * loads without the rest of Nightshift's modules.
 */
export function defineConfig(config: NightshiftConfigInput): NightshiftConfigInput {
  return config;
}

export type { NightshiftConfigInput } from './schema';
