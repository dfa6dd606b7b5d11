/**
 * The validated, defaults-resolved configuration. `lib/config/load.ts` turns a YAML file into this; everything
 * downstream (schedule, plan, stop) reads only this shape, never raw YAML.
 */
import { CalendarBase } from '../schedule/index.js';
import type { ConfigDraft } from './schema.js';
import type { StoppedModeSetting } from './vocabulary.js';

export { NotifyType, NotifyWhen, StoppedModeSetting } from './vocabulary.js';

/** A section as the schema reads it, without the index signature that refuses unknown keys. */
type Shape<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

/** What to do when the API refuses StopCharging for an instance. */
export type FallbackSetting = 'KeepCharging' | 'none';

/**
 * Narrowing filters of a schedule or of `inline:`, ANDed with the tag: `tags` (each present with this value),
 * `projects` and `zones` (absent: any). Defined by the schema's `select` (lib/config/schedules.ts).
 */
export type SelectFilter = Shape<ConfigDraft['schedules'][string]['select']>;

/** A named working-day calendar (`calendars:`). The team's lists win over the base; no date is in both. */
export interface CalendarConfig {
  /** The calendar's name: `[a-z0-9][a-z0-9-]*`. */
  name: string;
  /** `cn` or `weekdays`. */
  base: CalendarBase;
  /** Local dates `YYYY-MM-DD` that are not working days, whatever the base says. @default [] */
  holidays: string[];
  /** Local dates `YYYY-MM-DD` that are working days, whatever the base says. @default [] */
  workdays: string[];
}

/**
 * The calendar that governs each action's crons of a schedule (`calendar:`); an action without one fires on
 * every day its crons name. Keyed by action (`stop`, and `start` once schedules have start crons).
 */
export type ScheduleCalendars = Partial<Record<'stop' | 'start', CalendarConfig>>;

export { CalendarBase };

export interface ScheduleConfig {
  /** The schedule's name, which is also the tag value that selects it: `[a-z0-9][a-z0-9-]*`. */
  name: string;
  description?: string;
  /**
   * When instances are stopped: 5-field cron expressions, evaluated in `timezone`. Empty when the schedule
   * only starts. @default []
   */
  stop: string[];
  /**
   * When STOPPED instances are started again: 5-field cron expressions, evaluated in `timezone`. Absent when
   * the schedule only stops. A schedule has at least one expression in `stop` or `start`.
   */
  start?: string[];
  /** IANA time zone. @default the config's `timezone` */
  timezone: string;
  /** @default the config's `defaults.stoppedMode` */
  stoppedMode?: StoppedModeSetting;
  /** @default the config's `defaults.forceStop` */
  forceStop?: boolean;
  /** Local dates `YYYY-MM-DD` on which the schedule does not fire. @default [] */
  skipDates: string[];
  /** The calendars that govern its crons, per action. Absent: no calendar, the crons alone decide. */
  calendar?: ScheduleCalendars;
  /** @default { tags: {} } */
  select: SelectFilter;
  /** Where the schedule was written, for messages. */
  location?: { file: string; line: number; column: number };
  /** Where its `start:` was written, for messages about the start crons. */
  startLocation?: { file: string; line: number; column: number };
}

/** Retry policy settings (see lib/stop/retry.ts for how they are used); defaults: CONFIG_DEFAULTS.retry. */
export type RetrySettings = Shape<ConfigDraft['retry']>;

/** Bounds of one region's DescribeInstances listing; defaults: CONFIG_DEFAULTS.listing. */
export type ListingSettings = Shape<ConfigDraft['listing']>;

/** Post-stop verification with DescribeInstances; defaults: CONFIG_DEFAULTS.verify. */
export type VerifySettings = Shape<ConfigDraft['verify']>;

/** One `notify:` target (lib/config/notify.ts); the URL and the secret are read from the variables it names. */
export type NotifyTarget = Shape<NonNullable<ConfigDraft['notify']>[number]> & {
  /** Where the target was written (`notify[0]` at file:line:col), for messages. */
  location?: { file: string; line: number; column: number };
};

/** The `prices:` table: hourly compute prices in one currency, by instance type or family (a type wins). */
export type PricesConfig = Shape<NonNullable<ConfigDraft['prices']>>;

/**
 * Inline schedules: instances that carry their own schedule in a tag, in Cloud Custodian's offhours grammar
 * (`off=(M-F,19);on=(M-F,7);tz=pt`). Present only when the configuration has an `inline:` section.
 */
export interface InlineConfig {
  /** The tag holding the value; compared exactly (case-sensitive), as the server-side filter does. @default 'maid_offhours' */
  tagKey: string;
  /** IANA zone of a value that names none. @default the config's `timezone` */
  timezone: string;
  /** Default stop hour, 0-23. @default 19 */
  off: number;
  /** Default start hour, 0-23; null: a value without `on=` never starts its instance. @default 7 */
  on: number | null;
  /** Default days, in the grammar's letters (`m-f`, `f-m`, `u`). @default 'm-f' */
  days: string;
  /**
   * The calendar (named from `calendars:`) governing inline stops and starts: it replaces the day filter of
   * specs whose days are the `days` default, and narrows specs that name their own days to its working days.
   * @default none
   */
  calendar?: CalendarConfig;
  /** Local dates `YYYY-MM-DD` on which inline schedules do not fire. @default [] */
  skipDates: string[];
  /** @default the config's `defaults.stoppedMode` */
  stoppedMode?: StoppedModeSetting;
  /** @default the config's `defaults.forceStop` */
  forceStop?: boolean;
  /**
   * false: only instances carrying the tag take part. true: every instance of the `select` scope (which must
   * name projects or zones) takes part with the defaults unless its tag says otherwise. @default false
   */
  optOut: boolean;
  /** Narrows inline instances, as a schedule's `select` does; with `optOut`, also the listing's scope. @default { tags: {} } */
  select: SelectFilter;
}

export interface Config {
  /** The file the configuration came from (for messages). */
  file: string;
  version: 1;
  /** At least one region; each one of docs/volcengine-regions.md unless `allowUnknownRegions`. */
  regions: string[];
  /** Accept regions missing from docs/volcengine-regions.md (newer ones). @default false */
  allowUnknownRegions: boolean;
  /** API endpoint; env `VOLC_ENDPOINT` wins over it. */
  endpoint?: string;
  /** @default 'lights-out' */
  tagKey: string;
  /** Default IANA time zone of schedules. @default 'UTC' */
  timezone: string;
  /** How often the cloud timer fires, in milliseconds (`tick: 5m` in YAML). @default 300000 */
  tickMs: number;
  /** The sections of settings, as the schema reads them (lib/config/schema.ts; defaults: CONFIG_DEFAULTS). */
  rateLimit: Shape<ConfigDraft['rateLimit']>;
  defaults: Shape<ConfigDraft['defaults']>;
  guard: Shape<ConfigDraft['guard']>;
  retry: RetrySettings;
  listing: ListingSettings;
  verify: VerifySettings;
  /** Named working-day calendars, in declaration order; names are unique. @default [] */
  calendars: CalendarConfig[];
  /** In declaration order; names are unique. */
  schedules: ScheduleConfig[];
  /** Where run notifications go. Absent (or empty): the run notifies nobody. */
  notify?: NotifyTarget[];
  /** Absent: savings are counted in instance-hours only. */
  prices?: PricesConfig;
  /** Inline (tag) schedules; absent when the file has no `inline:` section. */
  inline?: InlineConfig;
}
