/**
 * lib/notify: run notifications. `buildMessage` turns a run into the content one target hears about,
 * `shouldSend` applies the target's `when`, `renderPayload` formats it for the platform (Feishu/Lark card,
 * DingTalk and WeCom markdown, Slack blocks, generic JSON), `messageText` is the plain text, and `deliver`
 * signs and posts it with bounded retries. The run-level helper that ties them to a run is lib/run's
 * `runAndNotify`.
 */
export {
  type DeliverDeps,
  type DeliveryResult,
  deliver,
  NOTIFY_RETRY,
  type NotifyErrorCode,
  type ResolvedTarget,
  readAnswer,
  resolveTarget,
} from './deliver.js';
export {
  buildMessage,
  type FailureLine,
  localTime,
  MAX_LISTED_FAILURES,
  MAX_LISTED_STRAYS,
  type RunMessage,
  type RunReport,
  shouldSend,
} from './message.js';
export {
  cutToBytes,
  inert,
  messageText,
  messageTitle,
  type Payload,
  renderPayload,
  SLACK_SECTION_MAX_CHARS,
  tickLine,
  WECOM_MAX_BYTES,
} from './render.js';
export {
  dingtalkSign,
  feishuSign,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSign,
} from './sign.js';
