/**
 * The local notification receiver for tests, with the URL token and signing secret that `npm test` sets as
 * sentinels (scripts/secret-scan.mjs scans the suite's output for them), and the environment a target reads.
 */
import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookBehaviour,
  type WebhookPlatform,
  type WebhookReceiver,
} from '../../lib/emulator/index.js';

/** The token and secret of this test run: the sentinels under `npm test`, random otherwise. */
export const WEBHOOK_TOKEN =
  process.env.LIGHTS_OUT_TEST_WEBHOOK_TOKEN ?? `hooktoken${randomBytes(12).toString('hex')}`;
export const WEBHOOK_SECRET =
  process.env.LIGHTS_OUT_TEST_WEBHOOK_SECRET ?? `SEChooksecret${randomBytes(16).toString('hex')}`;

/**
 * A receiver that requires the sentinel secret on every platform that signs; closed when the test ends.
 *
 * @example
 * const receiver = await startReceiver();
 * const env = targetEnv(receiver, 'feishu');
 */
export async function startReceiver(
  options: { behaviour?: WebhookBehaviour; unsigned?: boolean } = {},
): Promise<WebhookReceiver> {
  const secrets = options.unsigned
    ? {}
    : { feishu: WEBHOOK_SECRET, lark: WEBHOOK_SECRET, dingtalk: WEBHOOK_SECRET, webhook: WEBHOOK_SECRET };
  const receiver = await startWebhookReceiver({
    token: WEBHOOK_TOKEN,
    secrets,
    ...(options.behaviour && { behaviour: options.behaviour }),
  });
  onTestFinished(() => receiver.close());
  return receiver;
}

/** `<TYPE>_URL` and, for the signing platforms, `<TYPE>_SECRET`, as a config's urlEnv/secretEnv name them. */
export function targetEnv(receiver: WebhookReceiver, ...platforms: WebhookPlatform[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const p of platforms) {
    env[`${p.toUpperCase()}_URL`] = receiver.urlFor(p);
    env[`${p.toUpperCase()}_SECRET`] = WEBHOOK_SECRET;
  }
  return env;
}

/** The `notify:` YAML of one target per platform, reading `<TYPE>_URL` (and `<TYPE>_SECRET` where it signs). */
export function notifyYaml(
  targets: Array<{ type: WebhookPlatform; when?: string; schedules?: string[]; unsigned?: boolean }>,
): string {
  const signs = (t: WebhookPlatform) => t === 'feishu' || t === 'lark' || t === 'dingtalk' || t === 'webhook';
  return [
    'notify:',
    ...targets.map((t) => {
      const upper = t.type.toUpperCase();
      const parts = [`type: ${t.type}`, `urlEnv: ${upper}_URL`];
      if (signs(t.type) && !t.unsigned) parts.push(`secretEnv: ${upper}_SECRET`);
      if (t.when) parts.push(`when: ${t.when}`);
      if (t.schedules) parts.push(`schedules: [${t.schedules.join(', ')}]`);
      return `  - { ${parts.join(', ')} }`;
    }),
  ].join('\n');
}
