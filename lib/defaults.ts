/**
 * The value of every optional setting whose default is a plain number, string or flag, written once. The
 * configuration's schema (lib/config, `CONFIG_DEFAULTS`) builds its defaults from these, and the code that needs
 * a default before any configuration exists (the retry policy and advice of lib/stop, the emulator's generated
 * fleets) reads them here, so the handler's
 * import does not load the configuration code, its schema library or yaml (they load with the configuration).
 */
export const SETTING_DEFAULTS = {
  allowUnknownRegions: false,
  tagKey: 'lights-out',
  timezone: 'UTC',
  tickMs: 300_000,
  rateLimit: { qps: 10 },
  defaults: {
    stoppedMode: 'auto',
    fallback: 'KeepCharging',
    forceStop: false,
  },
  guard: { maxInstancesPerRun: 1000 },
  retry: { baseMs: 200, capMs: 2_000, maxAttempts: 8 },
  listing: { maxInstancesPerRegion: 200_000 },
  verify: { enabled: false, timeoutMs: 120_000, intervalMs: 5_000 },
  /** The `inline:` section's (Cloud Custodian's offhours defaults). */
  inline: { tagKey: 'maid_offhours', off: 19, on: 7, days: 'm-f', optOut: false },
} as const;
