/**
 * The signing schemes of the platforms that sign with a secret (see docs/notifications.md). Feishu and Lark
 * put `timestamp` (seconds) and `sign` in the body; DingTalk puts `timestamp` (milliseconds) and `sign` in the
 * query; the generic webhook sends an HMAC of the body in headers. WeCom and Slack sign by the secret URL alone.
 */
import { createHmac } from 'node:crypto';

/**
 * Feishu/Lark: `base64(HMAC-SHA256(key = "<seconds>\n<secret>", message = ""))`.
 *
 * @example
 * feishuSign(1767225600, 'secret'); // base64 text
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/**
 * DingTalk: `base64(HMAC-SHA256(key = secret, message = "<ms>\n<secret>"))`, to be URL-encoded in the query.
 *
 * @example
 * dingtalkSign(1767225600000, 'SEC...'); // base64 text (URLSearchParams encodes it)
 */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The headers of a signed generic webhook. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-lights-out-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-lights-out-timestamp';

/**
 * Generic webhook: `sha256=` and the hex HMAC-SHA256 of `"<seconds>.<body>"` keyed by the secret (the shape
 * receivers of GitHub and Stripe webhooks already check).
 *
 * @example
 * webhookSign(1767225600, '{"source":"lights-out"}', 'secret'); // 'sha256=…'
 */
export function webhookSign(timestampSeconds: number, body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}
