/**
 * `lights-out demo`: the first run of a newcomer (`npm start`). Starts the local ECS emulator in-process with a
 * demo fleet, fires every schedule of the configuration once against it through the same `runOnce` as every
 * other entry point, and prints each schedule's outcome table and a summary.
 *
 * The clients get the emulator's URL and key pair explicitly and an empty environment, so nothing is read from
 * VOLC_*: whatever the environment holds, no real account can be touched.
 */

import type { Config, ScheduleConfig } from '../config/index.js';
import { DEFAULT_CONFIG_PATH, INLINE_DEFAULTS, loadConfig } from '../config/index.js';
import { type Fleet, loadFleet, startEmulator } from '../emulator/index.js';
import { createLogger } from '../logger.js';
import {
  createClientPool,
  firesFor,
  type NotificationPreview,
  runAndNotify,
  systemClock,
} from '../run/index.js';
import { Action, type Fire, inlineRules, nextFires, parseInlineValue } from '../schedule/index.js';
import { Outcome } from '../stop/index.js';
import { closingText, type DemoRun, introText, scheduleHeading } from './demo-text.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';
import { formatOutcomeTable, formatRunSummary } from './report.js';

/** The fleet the demo serves when `--fleet` is not given. */
export const DEFAULT_DEMO_FLEET = 'schedules/demo-fleet.yaml';

/**
 * The emulator's faults in the demo: no waiting for state changes, and a share of starts of StopCharging-stopped
 * instances refused for lack of capacity, so the demo shows a refusal that a later batch gets past. Seeded:
 * the same demo refuses the same starts.
 */
export const DEMO_FAULTS = { transitionMs: 0, insufficientCapacity: 0.4, seed: 4 } as const;

/**
 * The fires the demo runs for one schedule: its next stop, then the first start after that stop (an evening
 * and the next morning); a schedule with one action, its next fire. Empty when it never fires.
 */
export function demoFires(schedule: ScheduleConfig, now: Date): Fire[] {
  const next = (action: Action, from: Date) => {
    // The first fire of `action`: the schedule's fires come in time order, both actions mixed.
    for (let count = 2; count <= 64; count *= 2) {
      const fire = nextFires(schedule, from, count).find((f) => f.action === action);
      if (fire !== undefined) return fire;
    }
    return undefined;
  };
  const stop = schedule.stop.length > 0 ? next(Action.Stop, now) : undefined;
  const start = (schedule.start ?? []).length > 0 ? next(Action.Start, stop?.fireTime ?? now) : undefined;
  return [stop, start].filter((fire): fire is Fire => fire !== undefined);
}

/**
 * The configuration the demo's inline run uses: the file's `inline:` section, or, when it has none (the
 * reference configuration leaves inline schedules off), the documented defaults, so the demo can show what
 * the fleet's inline-tagged instances would get. Only the demo does this; a real run never turns them on.
 */
export function demoInlineConfig(config: Config): { config: Config; assumed: boolean } {
  if (config.inline !== undefined) return { config, assumed: false };
  const inline = { ...INLINE_DEFAULTS, timezone: config.timezone, skipDates: [], select: { tags: {} } };
  return { config: { ...config, inline }, assumed: true };
}

/**
 * The first inline stop fire after `now` among the fleet's inline tag values whose tick holds no fire of a
 * named schedule (those the demo has run already): the tick the demo runs to show inline schedules. Undefined
 * when no instance carries a value that stops in the coming weeks.
 */
export function nextInlineStop(config: Config, fleet: Fleet, now: Date): Fire | undefined {
  const inline = config.inline;
  if (inline === undefined) return undefined;
  const values = new Set<string>();
  for (const instance of fleet.instances) {
    for (const tag of instance.Tags ?? []) if (tag.Key === inline.tagKey) values.add(tag.Value ?? '');
  }
  const fires: Fire[] = [];
  for (const raw of values) {
    const value = parseInlineValue(raw, inline);
    if (value.kind !== 'schedule') continue;
    const rules = inlineRules(value, inline.skipDates, inline.calendar);
    fires.push(...nextFires({ ...rules, start: [] }, now, 16));
  }
  fires.sort((a, b) => a.fireTime.getTime() - b.fireTime.getTime());
  return fires.find((fire) => firesFor(config, { at: fire.fireTime }).length === 0);
}

/** The exit code of the demo's runs: the guard's refusal first, then any failed instance. */
function exitCodeOf(runs: readonly DemoRun[]): number {
  if (runs.some((run) => run.summary.guardRefused)) return ExitCode.GuardRefused;
  if (runs.some((run) => run.summary.outcomes[Outcome.Failed] > 0)) return ExitCode.Failed;
  return ExitCode.Ok;
}

/** True when a run stopped, started or failed an instance: what `when: changes` reports. */
function runChanged(outcomes: readonly { outcome: string }[]): boolean {
  return outcomes.some((o) => o.outcome === 'stopped' || o.outcome === 'started' || o.outcome === 'failed');
}

/** The heading of the demo's inline run: whose tag, which tick, and whether the section was assumed. */
function inlineHeading(demo: { config: Config; assumed: boolean }, fire: Fire): string {
  const tagKey = demo.config.inline?.tagKey ?? INLINE_DEFAULTS.tagKey;
  const lines = [
    `== inline schedules: instances that carry their own schedule in the '${tagKey}' tag`,
    `   tick    ${fire.fireTime.toISOString()} (the first inline stop: ${fire.schedule})`,
  ];
  if (demo.assumed) {
    lines.push(
      '   note    the configuration has no inline: section, so real runs leave these instances alone; the demo',
      '           shows what the documented defaults would do (uncomment inline: to turn them on)',
    );
  }
  return `${lines.join('\n')}\n\n`;
}

/** The demo's notification section: the message a Feishu, DingTalk, WeCom or Slack target would have got. */
function notificationText(run: string, message: string): string {
  return [
    `== The notification of the ${run} run`,
    '   With a notify: target (Feishu/Lark, DingTalk, WeCom, Slack or a webhook), a run that changes something',
    '   posts this message (as a card, markdown or blocks); lights-out run --notify-preview prints it:',
    '',
    message.replace(/^/gm, '   '),
  ].join('\n');
}

/** The `demo` command. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Fire every schedule once against the local emulator and a demo fleet (no account needed)',
  usage: [
    'Usage: lights-out demo [-c FILE] [--fleet FILE] [--json]',
    '',
    'Starts the local ECS emulator in-process with the demo fleet, fires each schedule of the configuration',
    'once, at its next fire time (a schedule that also starts: its next stop, then the next start after it),',
    'then the tick of the first stop of the inline-tagged instances (with the documented inline: defaults when',
    'the configuration has no inline: section; only the demo assumes them),',
    'and prints per run a table of what happened to every tagged instance, then a summary. Starts of',
    'StopCharging-stopped instances are refused for lack of capacity at a seeded share, and retried. Every call goes to the emulator on 127.0.0.1, signed with its demo key pair; VOLC_*',
    'variables and LIGHTS_OUT_CONFIG are ignored, so no real account is ever touched.',
    '',
    'Options:',
    `  -c, --config FILE  the configuration file (default: ${DEFAULT_CONFIG_PATH})`,
    `  --fleet FILE       the emulator's fleet, YAML or JSON (default: ${DEFAULT_DEMO_FLEET})`,
    '  --json             print the log lines (instance.outcome, run.summary, ...) instead of the tables',
    '',
    'Exit codes: 0 the demo ran, 1 an instance failed, 2 bad usage or an invalid file, 3 the guard refused.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      config: { type: 'string', short: 'c' },
      fleet: { type: 'string' },
      json: { type: 'boolean' },
    });
    const json = values.json === true;
    const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH);
    const fleetFile = values.fleet ?? DEFAULT_DEMO_FLEET;
    const fleet = await loadFleet(fleetFile);
    // The runs and the emulator share one clock: the system's, or the one a test injects to skip the waits.
    const clock = io.clock ?? systemClock;
    const emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      fleet,
      faults: { ...DEMO_FAULTS },
      now: clock.nowMs,
    });
    const pool = createClientPool(config, {
      env: {},
      credentials: emulator.credentials,
      endpoint: new URL(emulator.url),
    });
    // The log lines are the machine-readable record; people get the tables, so without --json they are dropped.
    const logger = createLogger({
      destination: { write: (line: string) => void (json ? io.stdout.write(line) : undefined) },
      secrets: [emulator.credentials.secretKey],
    });
    const text = (chunk: string) => void (json ? undefined : io.stdout.write(chunk));
    try {
      const regions = [...new Set(fleet.instances.map((i) => i.Region))].sort();
      text(introText(config, { file: fleetFile, instances: fleet.instances.length, regions }, emulator.url));
      const runs: DemoRun[] = [];
      // The message of the first run that stopped, started or failed something: what a target would post.
      let message: { run: string; preview: NotificationPreview } | undefined;
      const now = io.now();
      for (const schedule of config.schedules) {
        const fires = demoFires(schedule, now);
        if (fires.length === 0) {
          text(`\n== ${schedule.name}: no fire in the next 50 years; not run\n`);
          continue;
        }
        for (const fire of fires) {
          let preview: NotificationPreview | undefined;
          const result = await runAndNotify(
            config,
            {
              schedule: schedule.name,
              at: fire.fireTime,
              action: fire.action,
              notify: {
                preview: ([first]) => {
                  if (first && (first.send || first.target === null)) preview = first;
                },
              },
            },
            { ...pool, ...clock, logger },
          );
          if (message === undefined && preview && runChanged(result.outcomes)) {
            message = { run: `${schedule.name} ${fire.action}`, preview };
          }
          runs.push({ schedule: schedule.name, outcomes: result.outcomes, summary: result.summary });
          text(`\n${scheduleHeading(schedule, config, fire)}`);
          text(formatOutcomeTable(result.outcomes));
          text(`\n${formatRunSummary(result.summary, result.plan, config)}`);
        }
      }
      // Inline schedules: the tick of the fleet's first inline stop, as the timer would run it.
      const inlineDemo = demoInlineConfig(config);
      const inlineFire = nextInlineStop(inlineDemo.config, fleet, now);
      if (inlineFire !== undefined) {
        const result = await runAndNotify(
          inlineDemo.config,
          { at: inlineFire.fireTime },
          { ...pool, ...clock, logger },
        );
        runs.push({ schedule: 'inline', outcomes: result.outcomes, summary: result.summary });
        text(`\n${inlineHeading(inlineDemo, inlineFire)}`);
        text(formatOutcomeTable(result.outcomes));
        text(`\n${formatRunSummary(result.summary, result.plan, inlineDemo.config)}`);
      }
      const live = emulator.instances();
      const stopsAccepted = live.reduce((sum, i) => sum + i.stopAccepted, 0);
      const stoppedTwice = live.filter((i) => i.stopAccepted > 1).length;
      const startsAccepted = live.reduce((sum, i) => sum + i.startAccepted, 0);
      const startedTwice = live.filter((i) => i.startAccepted > 1).length;
      text(
        `\n${closingText(runs, { stopsAccepted, stoppedTwice, startsAccepted, startedTwice }, config.tagKey)}`,
      );
      if (message) text(`\n${notificationText(message.run, message.preview.text)}`);
      return exitCodeOf(runs);
    } finally {
      await pool.close();
      await emulator.close();
    }
  },
};
