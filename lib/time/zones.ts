/**
 * Which time zone names a configuration accepts: IANA `Area/Location` names (`Asia/Shanghai`), `UTC` and
 * `Etc/*`, each as long as the runtime knows it. Abbreviations (`CST`) and the legacy one-word or
 * country-prefixed aliases (`PRC`, `US/Eastern`) are refused with what they probably meant: `CST` is China
 * Standard Time to a Beijing team and US Central Time to the runtime, a twelve- or fourteen-hour mistake.
 * The full list is in docs/time-zones.md.
 */
import { closest } from '../suggest.js';

/**
 * Abbreviations people write for a zone, and the zones they usually mean (first the likeliest for this
 * tool's users). An all-capital name not in this table is refused as an abbreviation all the same.
 */
const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  CST: ['Asia/Shanghai', 'America/Chicago'],
  CDT: ['America/Chicago'],
  CCT: ['Asia/Shanghai'],
  BJT: ['Asia/Shanghai'],
  HKT: ['Asia/Hong_Kong'],
  SGT: ['Asia/Singapore'],
  JST: ['Asia/Tokyo'],
  KST: ['Asia/Seoul'],
  IST: ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'],
  PHT: ['Asia/Manila'],
  ICT: ['Asia/Bangkok', 'Asia/Ho_Chi_Minh'],
  WIB: ['Asia/Jakarta'],
  MSK: ['Europe/Moscow'],
  GMT: ['UTC', 'Europe/London'],
  UCT: ['UTC'],
  BST: ['Europe/London'],
  WET: ['Europe/Lisbon'],
  CET: ['Europe/Berlin', 'Europe/Paris'],
  CEST: ['Europe/Berlin', 'Europe/Paris'],
  MET: ['Europe/Berlin'],
  EET: ['Europe/Athens', 'Europe/Helsinki'],
  EEST: ['Europe/Athens', 'Europe/Helsinki'],
  EST: ['America/New_York'],
  EDT: ['America/New_York'],
  MST: ['America/Denver', 'America/Phoenix'],
  MDT: ['America/Denver'],
  PST: ['America/Los_Angeles'],
  PDT: ['America/Los_Angeles'],
  AKST: ['America/Anchorage'],
  HST: ['Pacific/Honolulu'],
  AEST: ['Australia/Sydney', 'Australia/Brisbane'],
  AEDT: ['Australia/Sydney'],
  ACST: ['Australia/Adelaide', 'Australia/Darwin'],
  AWST: ['Australia/Perth'],
  NZST: ['Pacific/Auckland'],
  NZDT: ['Pacific/Auckland'],
  EST5EDT: ['America/New_York'],
  CST6CDT: ['America/Chicago'],
  MST7MDT: ['America/Denver'],
  PST8PDT: ['America/Los_Angeles'],
};

/** Legacy aliases the tz database keeps for old systems (its `backward` file), and their current names. */
const LEGACY_ALIASES: Readonly<Record<string, string>> = {
  PRC: 'Asia/Shanghai',
  ROC: 'Asia/Taipei',
  ROK: 'Asia/Seoul',
  Japan: 'Asia/Tokyo',
  Singapore: 'Asia/Singapore',
  Hongkong: 'Asia/Hong_Kong',
  GB: 'Europe/London',
  'GB-Eire': 'Europe/London',
  Eire: 'Europe/Dublin',
  NZ: 'Pacific/Auckland',
  'NZ-CHAT': 'Pacific/Chatham',
  'W-SU': 'Europe/Moscow',
  Egypt: 'Africa/Cairo',
  Iran: 'Asia/Tehran',
  Israel: 'Asia/Jerusalem',
  Turkey: 'Europe/Istanbul',
  Poland: 'Europe/Warsaw',
  Portugal: 'Europe/Lisbon',
  Iceland: 'Atlantic/Reykjavik',
  Cuba: 'America/Havana',
  Jamaica: 'America/Jamaica',
  Libya: 'Africa/Tripoli',
  Navajo: 'America/Denver',
  Kwajalein: 'Pacific/Kwajalein',
  Greenwich: 'UTC',
  Universal: 'UTC',
  Zulu: 'UTC',
  GMT0: 'UTC',
  'GMT+0': 'UTC',
  'GMT-0': 'UTC',
  'US/Eastern': 'America/New_York',
  'US/Central': 'America/Chicago',
  'US/Mountain': 'America/Denver',
  'US/Pacific': 'America/Los_Angeles',
  'US/Alaska': 'America/Anchorage',
  'US/Hawaii': 'Pacific/Honolulu',
  'US/Arizona': 'America/Phoenix',
  'US/East-Indiana': 'America/Indiana/Indianapolis',
  'US/Indiana-Starke': 'America/Indiana/Knox',
  'US/Michigan': 'America/Detroit',
  'US/Aleutian': 'America/Adak',
  'US/Samoa': 'Pacific/Pago_Pago',
  'Canada/Atlantic': 'America/Halifax',
  'Canada/Central': 'America/Winnipeg',
  'Canada/Eastern': 'America/Toronto',
  'Canada/Mountain': 'America/Edmonton',
  'Canada/Newfoundland': 'America/St_Johns',
  'Canada/Pacific': 'America/Vancouver',
  'Canada/Saskatchewan': 'America/Regina',
  'Canada/Yukon': 'America/Whitehorse',
  'Mexico/General': 'America/Mexico_City',
  'Mexico/BajaNorte': 'America/Tijuana',
  'Mexico/BajaSur': 'America/Mazatlan',
  'Brazil/East': 'America/Sao_Paulo',
  'Brazil/West': 'America/Manaus',
  'Brazil/Acre': 'America/Rio_Branco',
  'Brazil/DeNoronha': 'America/Noronha',
  'Chile/Continental': 'America/Santiago',
  'Chile/EasterIsland': 'Pacific/Easter',
  'Australia/ACT': 'Australia/Sydney',
  'Australia/Canberra': 'Australia/Sydney',
  'Australia/NSW': 'Australia/Sydney',
  'Australia/North': 'Australia/Darwin',
  'Australia/Queensland': 'Australia/Brisbane',
  'Australia/South': 'Australia/Adelaide',
  'Australia/Tasmania': 'Australia/Hobart',
  'Australia/Victoria': 'Australia/Melbourne',
  'Australia/West': 'Australia/Perth',
  'Australia/LHI': 'Australia/Lord_Howe',
  'Australia/Yancowinna': 'Australia/Broken_Hill',
};

/** Cities people write as a zone that are not zone names, and the zone they live in. */
const CITIES: Readonly<Record<string, string>> = {
  beijing: 'Asia/Shanghai',
  peking: 'Asia/Shanghai',
  guangzhou: 'Asia/Shanghai',
  shenzhen: 'Asia/Shanghai',
  hangzhou: 'Asia/Shanghai',
  chengdu: 'Asia/Shanghai',
  wuhan: 'Asia/Shanghai',
  nanjing: 'Asia/Shanghai',
  xian: 'Asia/Shanghai',
  mumbai: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  new_delhi: 'Asia/Kolkata',
  bangalore: 'Asia/Kolkata',
  bengaluru: 'Asia/Kolkata',
  osaka: 'Asia/Tokyo',
  hanoi: 'Asia/Bangkok',
  san_francisco: 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  washington: 'America/New_York',
  boston: 'America/New_York',
  houston: 'America/Chicago',
  dallas: 'America/Chicago',
  frankfurt: 'Europe/Berlin',
  munich: 'Europe/Berlin',
  canberra: 'Australia/Sydney',
};

/** Current IANA names that some runtimes' ICU data still spells the old way, so they are suggested too. */
const CURRENT_NAMES = [
  'Asia/Kolkata',
  'Europe/Kyiv',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Yangon',
  'America/Nuuk',
  'Atlantic/Faroe',
  'Pacific/Kanton',
  'Pacific/Chuuk',
  'Pacific/Pohnpei',
];

/** A name the configuration accepts, or why not and what was probably meant. */
export type TimeZoneCheck =
  | { ok: true }
  | { ok: false; problem: 'abbreviation' | 'legacy-alias' | 'unknown'; suggestions: string[] };

let candidates: string[] | undefined;

let canonicalZones: Set<string> | undefined;

function knownToRuntime(name: string): boolean {
  // The runtime's list of canonical names answers most zones in about 2 ms; the first DateTimeFormat loads
  // ICU's locale data (about 25 ms of a cold start), so it is left to the run that needs it, and used here
  // only for the older spellings the list leaves out (such as `Asia/Calcutta`).
  canonicalZones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  if (canonicalZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a time zone name against the configuration's rule: an IANA `Area/Location` name, `UTC` or `Etc/*`,
 * known to the runtime under that spelling or an older one (`Asia/Kolkata` and `Asia/Calcutta` both pass);
 * no abbreviation, no legacy alias, no UTC offset (it would ignore daylight saving).
 *
 * @example
 * checkTimeZone('CST'); // { ok: false, problem: 'abbreviation', suggestions: ['Asia/Shanghai', 'America/Chicago'] }
 */
export function checkTimeZone(name: string): TimeZoneCheck {
  const legacy = Object.hasOwn(LEGACY_ALIASES, name) ? LEGACY_ALIASES[name] : undefined;
  if (legacy !== undefined) {
    return { ok: false, problem: 'legacy-alias', suggestions: [legacy] };
  }
  if (name !== 'UTC' && /^[A-Z][A-Z0-9+-]{1,7}$/.test(name)) {
    const meant = Object.hasOwn(ABBREVIATIONS, name) ? ABBREVIATIONS[name] : undefined;
    return { ok: false, problem: 'abbreviation', suggestions: [...(meant ?? [])] };
  }
  const shaped = name === 'UTC' || /^[A-Z][A-Za-z_]*(\/[A-Za-z0-9_+-]+)+$/.test(name);
  if (shaped && knownToRuntime(name)) return { ok: true };
  const city = CITIES[(name.split('/').pop() ?? '').toLowerCase()];
  candidates ??= ['UTC', ...CURRENT_NAMES, ...Intl.supportedValuesOf('timeZone')];
  const guess = city ?? closest(name, candidates);
  return { ok: false, problem: 'unknown', suggestions: guess ? [guess] : [] };
}

/**
 * True for a name {@link checkTimeZone} accepts.
 *
 * @example
 * isValidTimeZone('Europe/Kyiv'); // true
 * isValidTimeZone('CST'); // false
 */
export function isValidTimeZone(name: string): boolean {
  return typeof name === 'string' && checkTimeZone(name).ok;
}

/**
 * The check's outcome as one sentence: `'CST' is an abbreviation, not a time zone (did you mean ...?)`.
 *
 * @param shown the name as the message should show it (the config escapes control characters first)
 */
export function timeZoneMessage(check: Exclude<TimeZoneCheck, { ok: true }>, shown: string): string {
  const what =
    check.problem === 'abbreviation'
      ? `${shown} is an abbreviation, not a time zone`
      : check.problem === 'legacy-alias'
        ? `${shown} is a legacy alias, not a current time zone name`
        : `unknown time zone ${shown}`;
  const meant = check.suggestions.map((zone) => `'${zone}'`);
  const hint =
    meant.length === 0
      ? 'expected an IANA name like Asia/Shanghai or UTC'
      : `did you mean ${meant.length === 1 ? meant[0] : `${meant.slice(0, -1).join(', ')} or ${meant.at(-1)}`}?`;
  return `${what} (${hint})`;
}
