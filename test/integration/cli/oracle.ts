/**
 * An independent oracle of the planner's decision, written from the rules as the issues state them and
 * reading only the fleet data: it shares no code with lib/plan, so a test comparing the two checks the CLI's
 * plan against the rules rather than against itself.
 */
import type { Fleet, FleetInstance } from '../../../lib/emulator/index.js';

/** A schedule as the oracle sees it (written by hand next to the YAML of the test). */
export interface OracleSchedule {
  name: string;
  stoppedMode?: 'auto' | 'StopCharging' | 'KeepCharging';
  forceStop?: boolean;
  tags?: Record<string, string>;
  projects?: string[];
  zones?: string[];
}

/** What the plan should say about one instance. */
export interface Expected {
  decision: 'stop' | 'skip';
  /** The skip reason; absent for stops. */
  reason?: string;
  stoppedMode: string | null;
  forceStop: boolean | null;
}

const INELIGIBLE = /^ecs\.(i|d|ebm|hpc)/;

function tag(instance: FleetInstance, key: string): string | undefined {
  return instance.Tags.find((t) => t.Key === key)?.Value;
}

function matchesSelect(instance: FleetInstance, schedule: OracleSchedule): boolean {
  const tagsOk = Object.entries(schedule.tags ?? {}).every(([k, v]) => tag(instance, k) === v);
  const projectOk = schedule.projects === undefined || schedule.projects.includes(instance.ProjectName);
  const zoneOk = schedule.zones === undefined || schedule.zones.includes(instance.ZoneId);
  return tagsOk && projectOk && zoneOk;
}

/** A skip-until value read loosely but correctly for the values the tests use: null when malformed. */
function snoozeEnd(value: string): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    // Through the end of that local day; the tests' dates are months away from `at`, so the zone is moot.
    return new Date(`${value}T23:59:59Z`);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return new Date(value);
  return null;
}

function mode(instance: FleetInstance, requested: string): string {
  const eligible = !INELIGIBLE.test(instance.InstanceTypeId);
  if (requested === 'KeepCharging') return 'KeepCharging';
  if (requested === 'auto') {
    return instance.InstanceChargeType === 'PostPaid' && eligible ? 'StopCharging' : 'KeepCharging';
  }
  return instance.InstanceChargeType === 'PrePaid' ? 'KeepCharging' : 'StopCharging';
}

/**
 * The expected plan item of every tagged instance the plan should show: those of firing schedules and those
 * whose tag names no schedule. Instances of configured schedules that do not fire are absent.
 */
export function expectedPlan(
  fleet: Fleet,
  options: { tagKey: string; schedules: OracleSchedule[]; firing: ReadonlySet<string>; at: Date },
): Map<string, Expected> {
  const byName = new Map(options.schedules.map((s) => [s.name, s]));
  const expected = new Map<string, Expected>();
  const skip = (reason: string): Expected => ({
    decision: 'skip',
    reason,
    stoppedMode: null,
    forceStop: null,
  });
  for (const instance of fleet.instances) {
    const value = tag(instance, options.tagKey);
    if (value === undefined) continue;
    const schedule = byName.get(value);
    if (schedule === undefined) {
      expected.set(instance.InstanceId, skip('unknown-schedule'));
      continue;
    }
    if (!options.firing.has(value)) continue;
    const snooze = tag(instance, `${options.tagKey}:skip-until`);
    const override = tag(instance, `${options.tagKey}:stopped-mode`);
    const snoozeUntil = snooze === undefined ? undefined : snoozeEnd(snooze);
    let result: Expected;
    if (!matchesSelect(instance, schedule)) result = skip('filter-mismatch');
    else if ((instance.Status ?? 'RUNNING') !== 'RUNNING') result = skip(`not-running:${instance.Status}`);
    else if (snoozeUntil === null) result = skip('invalid-override-tag');
    else if (override !== undefined && override !== 'StopCharging' && override !== 'KeepCharging')
      result = skip('invalid-override-tag');
    else if (snoozeUntil !== undefined && options.at < snoozeUntil) result = skip('snoozed');
    else {
      result = {
        decision: 'stop',
        stoppedMode: mode(instance, override ?? schedule.stoppedMode ?? 'auto'),
        forceStop: schedule.forceStop ?? false,
      };
    }
    expected.set(instance.InstanceId, result);
  }
  return expected;
}
