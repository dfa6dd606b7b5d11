/**
 * Time zones of inline (tag) schedules. A tag's `tz=` holds an IANA name in any case, or one of the short
 * aliases Cloud Custodian's offhours reads, because tags written for Custodian already use them. This is the
 * only place lights-out reads zone abbreviations; the configuration's own `timezone` keys stay IANA-only.
 */
import { checkTimeZone, timeZoneMessage } from '../time/index.js';

/**
 * The aliases Custodian's offhours filter accepts, each mapped to the zone Custodian maps it to (its offhours
 * module, `TZ_ALIASES`). Abbreviations name a region here, not a fixed offset: `est` follows New York through
 * summer time, as it does in Custodian.
 */
const ALIASES: Readonly<Record<string, string>> = {
  pt: 'America/Los_Angeles',
  pst: 'America/Los_Angeles',
  pdt: 'America/Los_Angeles',
  at: 'America/Phoenix',
  ast: 'America/Phoenix',
  mt: 'America/Denver',
  mst: 'America/Denver',
  mdt: 'America/Denver',
  ct: 'America/Chicago',
  cdt: 'America/Chicago',
  et: 'America/New_York',
  est: 'America/New_York',
  edt: 'America/New_York',
  brt: 'America/Sao_Paulo',
  gt: 'Etc/GMT',
  gmt: 'Etc/GMT',
  utc: 'Etc/UTC',
  bst: 'Europe/London',
  cet: 'Europe/Berlin',
  it: 'Asia/Kolkata',
  sgt: 'Asia/Singapore',
  kst: 'Asia/Seoul',
  jst: 'Asia/Tokyo',
  aet: 'Australia/Sydney',
};

/**
 * Aliases Custodian reads that mean something else to many of the people who run lights-out: refused with
 * both meanings named, rather than guessed.
 */
const AMBIGUOUS: Readonly<Record<string, string>> = {
  cst: "'cst' is ambiguous: Custodian reads it as US Central (America/Chicago), but it is also China Standard Time (Asia/Shanghai); write tz=america/chicago or tz=asia/shanghai",
  ist: "'ist' is ambiguous: Custodian reads it as Irish Standard Time (Europe/Dublin), but it is also India Standard Time (Asia/Kolkata); write tz=europe/dublin or tz=it (asia/kolkata)",
};

/** What a `tz=` value resolves to: an IANA zone, or why it cannot be used. */
export type InlineZone = { ok: true; zone: string } | { ok: false; reason: string };

/** The alias table, for documentation and `explain-tag` (refused aliases excluded). */
export const INLINE_ZONE_ALIASES: Readonly<Record<string, string>> = ALIASES;

/**
 * Resolves a `tz=` value (already lower-cased): a Custodian alias first, then an IANA name compared without
 * regard to case (Intl does that comparison and returns the canonical spelling).
 *
 * @example
 * resolveInlineZone('pt'); // { ok: true, zone: 'America/Los_Angeles' }
 * resolveInlineZone('asia/shanghai'); // { ok: true, zone: 'Asia/Shanghai' }
 * resolveInlineZone('cst'); // { ok: false, reason: "'cst' is ambiguous: ..." }
 */
export function resolveInlineZone(value: string): InlineZone {
  const refused = Object.hasOwn(AMBIGUOUS, value) ? AMBIGUOUS[value] : undefined;
  if (refused !== undefined) return { ok: false, reason: refused };
  const alias = Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined;
  if (alias !== undefined) return { ok: true, zone: alias };
  // Offsets such as `+08:00` are zones to newer runtimes only, and they ignore daylight saving: refuse them.
  // Intl compares names without regard to case and returns the current canonical name (a legacy alias such
  // as `us/eastern` resolves to America/New_York, unambiguously), which then meets the configuration's zone
  // rule (lib/time). A name Intl does not know gets that rule's message: for an abbreviation beyond the
  // aliases above (`cct`), the zones it probably means.
  const canonical = /^[a-z]/.test(value) ? canonicalZone(value) : undefined;
  if (canonical !== undefined && checkTimeZone(canonical).ok) return { ok: true, zone: canonical };
  const abbreviation = checkTimeZone(value.toUpperCase());
  const check =
    !abbreviation.ok && abbreviation.problem === 'abbreviation' && abbreviation.suggestions.length > 0
      ? abbreviation
      : checkTimeZone(canonical ?? value);
  const message = check.ok ? `unknown time zone '${value}'` : timeZoneMessage(check, `'${value}'`);
  return {
    ok: false,
    reason: `${message}; tz= takes an IANA name such as asia/shanghai, or an alias such as et or pt`,
  };
}

/** The runtime's spelling of a zone name given in any case, or undefined when the runtime does not know it. */
function canonicalZone(value: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
