/**
 * Reads `notify:` (where run notifications go) and `prices:` (what an instance-hour costs). A webhook URL
 * carries the bot's token, so the file names the environment variables that hold URLs and secrets and never
 * holds one itself: a literal URL anywhere under `notify:` is an issue, reported without echoing it.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { listOf, nonEmptyString, oneOf } from './checks.js';
import { describe, type Field, type NodeReader, quoted } from './nodes.js';
import { type NotifyTarget, NotifyType, NotifyWhen, type PricesConfig } from './types.js';

/** What an environment variable's name must look like (POSIX: letters, digits, `_`, not starting with a digit). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Anything with a scheme and `//` is taken for a URL: `https://open.feishu.cn/...`, `http://127.0.0.1`. */
const URL_LIKE = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

/** The types whose platform signs with a secret; WeCom and Slack sign by the secret URL alone. */
const SIGNED_TYPES: ReadonlySet<NotifyType> = new Set([
  NotifyType.Feishu,
  NotifyType.Lark,
  NotifyType.DingTalk,
  NotifyType.Webhook,
]);

const LITERAL_URL_MESSAGE =
  'a literal URL is not allowed in notify: a webhook URL carries the bot token, so put it in an ' +
  'environment variable and name that variable with urlEnv';

/** An environment variable's name; a URL here gets the literal-URL message, never an echo. */
const envName: Field<string> = (node, r) => {
  const value = r.string(node, 'the name of an environment variable');
  if (value === undefined) return undefined;
  if (URL_LIKE.test(value)) {
    r.report(node, LITERAL_URL_MESSAGE);
    return undefined;
  }
  if (ENV_NAME.test(value)) return value;
  r.report(
    node,
    `expected the name of an environment variable like FEISHU_WEBHOOK_URL, got ${describe(node)}`,
  );
  return undefined;
};

/** Every string scalar under `node` that looks like a URL is reported (in keys too: `url: https://...`). */
function reportLiteralUrls(node: unknown, r: NodeReader, depth = 0): void {
  if (depth > 8) return;
  if (isScalar(node)) {
    if (typeof node.value === 'string' && URL_LIKE.test(node.value)) r.report(node, LITERAL_URL_MESSAGE);
    return;
  }
  if (isSeq(node)) for (const item of node.items) reportLiteralUrls(r.resolve(item), r, depth + 1);
  if (isMap(node)) {
    for (const pair of node.items) {
      reportLiteralUrls(r.resolve(pair.key), r, depth + 1);
      reportLiteralUrls(r.resolve(pair.value), r, depth + 1);
    }
  }
}

const targetFields = {
  type: oneOf(Object.values(NotifyType)),
  urlEnv: envName,
  secretEnv: envName,
  when: oneOf(Object.values(NotifyWhen)),
  schedules: listOf(nonEmptyString, {
    emptyMessage: 'schedules must name at least one schedule',
    noun: 'schedule',
  }),
  // There is no `url` key. Read here only to say why, instead of "unknown key 'url' (did you mean 'urlEnv'?)".
  url: (node: unknown, r: NodeReader) => {
    if (!(isScalar(node) && typeof node.value === 'string' && URL_LIKE.test(node.value))) {
      r.report(node, "there is no 'url' key: name the environment variable that holds the URL with urlEnv");
    }
    return undefined;
  },
};

/** One target: `type` and `urlEnv` required; `secretEnv` only where the platform signs with a secret. */
function target(node: unknown, r: NodeReader): NotifyTarget | undefined {
  const body = r.struct(node, targetFields, { required: ['type', 'urlEnv'], owner: node });
  if (!body?.type || !body.urlEnv) return undefined;
  if (body.secretEnv !== undefined && !SIGNED_TYPES.has(body.type)) {
    const at = isMap(node) ? (node.get('secretEnv', true) ?? node) : node;
    r.report(
      at,
      `${body.type} signs by the secret URL alone: remove secretEnv (keep the whole URL in urlEnv)`,
    );
    return undefined;
  }
  const { line, column } = r.position(node);
  return {
    type: body.type,
    urlEnv: body.urlEnv,
    ...(body.secretEnv !== undefined && { secretEnv: body.secretEnv }),
    when: body.when ?? NotifyWhen.Changes,
    ...(body.schedules !== undefined && { schedules: body.schedules }),
    location: { file: r.file, line, column },
  };
}

/** The `notify:` list. Every literal URL inside is reported, whatever key (or no key) holds it. */
export const notify: Field<NotifyTarget[]> = (node, r) => {
  reportLiteralUrls(node, r);
  const items = r.list(node, 'a list of notification targets');
  if (!items) return undefined;
  const targets: NotifyTarget[] = [];
  for (const item of items) {
    const read = target(item, r);
    if (read) targets.push(read);
  }
  return targets;
};

/**
 * Checks that each target's `schedules` names configured schedules; run after both are read. Reports at the
 * name's node when the file still has it, else at the target.
 */
export function checkNotifySchedules(
  targets: readonly NotifyTarget[],
  scheduleNames: readonly string[],
  r: NodeReader,
): void {
  for (const t of targets) {
    for (const name of t.schedules ?? []) {
      // A URL was reported as such already; naming it again would echo its token.
      if (scheduleNames.includes(name) || URL_LIKE.test(name)) continue;
      r.report(
        t.location ?? { line: 1, column: 1 },
        `notify target ${t.type} names schedule ${quoted(name)}, which is not configured (schedules: ${scheduleNames.join(', ')})`,
      );
    }
  }
}

/** An instance type (`ecs.g3i.large`) or family (`ecs.g3i`). */
const PRICE_KEY = /^[a-z0-9-]+\.[a-z0-9-]+(\.[a-z0-9-]+)?$/;

const currency: Field<string> = (node, r) => {
  const value = r.string(node, 'an ISO 4217 currency code');
  if (value === undefined) return undefined;
  if (/^[A-Z]{3}$/.test(value)) return value;
  r.report(node, `expected an ISO 4217 currency code like CNY or USD, got ${describe(node)}`);
  return undefined;
};

/** `hourly:` prices: instance type or family to a non-negative price. */
const hourly: Field<Record<string, number>> = (node, r) => {
  const entries = r.entries(node, 'instance type');
  if (!entries) return undefined;
  const out: Record<string, number> = {};
  for (const { key, keyNode, value } of entries) {
    if (!PRICE_KEY.test(key)) {
      r.report(keyNode, `invalid instance type or family ${quoted(key)} (like ecs.g3i.large or ecs.g3i)`);
      continue;
    }
    const price = r.number(value, 'an hourly price');
    if (price === undefined) continue;
    if (!Number.isFinite(price) || price < 0) {
      r.report(value, `expected an hourly price of zero or more, got ${describe(value)}`);
      continue;
    }
    Object.defineProperty(out, key, { value: price, enumerable: true, writable: true, configurable: true });
  }
  return out;
};

/** The `prices:` section: `currency` and `hourly`, both required. */
export const prices: Field<PricesConfig> = (node, r) => {
  const body = r.struct(node, { currency, hourly }, { required: ['currency', 'hourly'], owner: node });
  if (!body?.currency || !body.hourly) return undefined;
  return { currency: body.currency, hourly: body.hourly };
};
