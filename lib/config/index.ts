/**
 * Configuration: reads a lights-out YAML file into a validated, defaults-resolved {@link Config}, or a
 * ConfigError listing every problem as `FILE:LINE:COLUMN: message`.
 *
 * - `loadConfig(file)` / `parseConfig(text, file)`: the file (or its text) to a Config.
 * - `resolveConfigPath(flag, env)`: which file to read (`-c`, then `LIGHTS_OUT_CONFIG`, then the default).
 * - `CONFIG_DEFAULTS`: the value of every optional setting (the one place defaults are written).
 * - `configSchema`: the valibot schema of the file's structure (the JSON Schema is generated from it).
 * - The Config types themselves.
 */
export { isCredentialKey } from './credentials.js';
export { INLINE_DEFAULTS } from './inline.js';
export {
  CONFIG_ENV,
  DEFAULT_CONFIG_PATH,
  loadConfig,
  MAX_CONFIG_BYTES,
  parseConfig,
  resolveConfigPath,
} from './load.js';
export { inlineDefaultsOf } from './resolve.js';
export { SCHEDULE_NAME_MAX_CHARS, SCHEDULE_NAME_PATTERN } from './schedules.js';
export { CONFIG_DEFAULTS, configSchema } from './schema.js';
export type {
  Config,
  FallbackSetting,
  InlineConfig,
  NotifyTarget,
  PricesConfig,
  RetrySettings,
  ScheduleConfig,
  SelectFilter,
  VerifySettings,
} from './types.js';
export { NotifyType, NotifyWhen, StoppedModeSetting } from './vocabulary.js';
