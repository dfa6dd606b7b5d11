/**
 * `notify:` (where run notifications go) and `prices:` (what an instance-hour costs). A webhook URL carries
 * the bot's token, so the file names the environment variables that hold URLs and secrets and never holds one
 * itself: a literal URL anywhere under `notify:` is an issue, reported without echoing it.
 */
import * as v from 'valibot';
import { isMap, isScalar, isSeq } from 'yaml';
import { about, expected, listOf, named, nonEmptyString, oneOf, problem, string } from './fields.js';
import { describe, quoted, type Source } from './nodes.js';
import { mapping } from './sections.js';
import { NotifyType, NotifyWhen } from './vocabulary.js';

/** What an environment variable's name must look like (POSIX: letters, digits, `_`, not starting with a digit). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Anything with a scheme and `//` is taken for a URL: `https://open.feishu.cn/...`, `http://127.0.0.1`. */
export const URL_LIKE = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

/** The types whose platform signs with a secret; WeCom and Slack sign by the secret URL alone. */
const SIGNED_TYPES: ReadonlySet<string> = new Set([
  NotifyType.Feishu,
  NotifyType.Lark,
  NotifyType.DingTalk,
  NotifyType.Webhook,
]);

export const LITERAL_URL_MESSAGE =
  'a literal URL is not allowed in notify: a webhook URL carries the bot token, so put it in an ' +
  'environment variable and name that variable with urlEnv';

/** The message for a `url:` key that holds no URL (one that does gets the literal-URL message). */
export const NO_URL_KEY_MESSAGE =
  "there is no 'url' key: name the environment variable that holds the URL with urlEnv";

/** An environment variable's name; a URL here gets the literal-URL message, never an echo. */
const envName = v.pipe(
  string('the name of an environment variable'),
  problem((value: string) =>
    URL_LIKE.test(value)
      ? LITERAL_URL_MESSAGE
      : ENV_NAME.test(value)
        ? undefined
        : `expected the name of an environment variable like FEISHU_WEBHOOK_URL, got ${describe(value)}`,
  ),
);

/** One target: `type` and `urlEnv` required; `secretEnv` only where the platform signs with a secret. */
const target = mapping(
  {
    type: v.pipe(oneOf(Object.values(NotifyType)), about('The platform: its message format and signing.')),
    urlEnv: v.pipe(envName, about('The environment variable that holds the webhook URL.')),
    secretEnv: v.optional(
      v.pipe(envName, about('The variable holding the signing secret (feishu, lark, dingtalk, webhook).')),
    ),
    when: v.optional(
      v.pipe(oneOf(Object.values(NotifyWhen)), about('Which runs this target hears about.')),
      NotifyWhen.Changes,
    ),
    schedules: v.optional(
      v.pipe(
        listOf(nonEmptyString, { empty: 'schedules must name at least one schedule', noun: 'schedule' }),
        about('Only fires of these schedules count for this target. Default: every schedule.'),
      ),
    ),
  },
  'A notification target; the URL and the secret are read from the environment variables named here.',
);

/** The message for a `secretEnv` on a platform that signs by its secret URL alone, or undefined. */
export function unsignedSecretProblem(t: { type: NotifyType; secretEnv?: string }): string | undefined {
  return t.secretEnv === undefined || SIGNED_TYPES.has(t.type)
    ? undefined
    : `${t.type} signs by the secret URL alone: remove secretEnv (keep the whole URL in urlEnv)`;
}

/** The `notify:` list. */
export const notify = v.optional(
  v.pipe(v.array(target, expected('a list of notification targets')), about('Where run notifications go.')),
);

/** Every string under `node` that looks like a URL is reported (in keys too: `https://...: x`). */
export function reportLiteralUrls(node: unknown, source: Source, depth = 0): void {
  if (depth > 8) return;
  if (isScalar(node)) {
    if (typeof node.value === 'string' && URL_LIKE.test(node.value)) source.report(node, LITERAL_URL_MESSAGE);
    return;
  }
  if (isSeq(node)) for (const item of node.items) reportLiteralUrls(source.resolve(item), source, depth + 1);
  if (isMap(node)) {
    for (const pair of node.items) {
      reportLiteralUrls(source.resolve(pair.key), source, depth + 1);
      reportLiteralUrls(source.resolve(pair.value), source, depth + 1);
    }
  }
}

/** An instance type (`ecs.g3i.large`) or family (`ecs.g3i`). */
const PRICE_KEY = /^[a-z0-9-]+\.[a-z0-9-]+(\.[a-z0-9-]+)?$/;

const PRICE = expected('an hourly price of zero or more');

/** The `prices:` section: `currency` and `hourly`, both required. */
export const prices = v.optional(
  mapping(
    {
      currency: v.pipe(
        string('an ISO 4217 currency code'),
        v.regex(/^[A-Z]{3}$/, expected('an ISO 4217 currency code like CNY or USD')),
        about('An ISO 4217 code such as CNY or USD.'),
      ),
      hourly: v.pipe(
        v.nullable(
          named(
            v.pipe(
              v.string(),
              v.regex(
                PRICE_KEY,
                (issue) =>
                  `invalid instance type or family ${quoted(issue.input)} (like ecs.g3i.large or ecs.g3i)`,
              ),
            ),
            v.pipe(v.number(expected('an hourly price')), v.finite(PRICE), v.minValue(0, PRICE)),
          ),
          {},
        ),
        about(
          'Price per hour by instance type (ecs.g3i.large) or family (ecs.g3i); a type wins over its family.',
        ),
      ),
    },
    'Hourly compute prices, in one currency, for the savings estimate.',
  ),
);
