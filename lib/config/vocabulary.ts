/**
 * The words of the configuration's enumerations, as `as const` maps with derived unions: the schema offers
 * them as the allowed values, and the rest of the code compares against them.
 */

/** How a schedule asks instances to be stopped. `auto` picks StopCharging where the API allows it. */
export const StoppedModeSetting = {
  Auto: 'auto',
  StopCharging: 'StopCharging',
  KeepCharging: 'KeepCharging',
} as const;
export type StoppedModeSetting = (typeof StoppedModeSetting)[keyof typeof StoppedModeSetting];

/** Where a notification goes: the platform's message format and signing scheme. */
export const NotifyType = {
  Feishu: 'feishu',
  Lark: 'lark',
  DingTalk: 'dingtalk',
  WeCom: 'wecom',
  Slack: 'slack',
  Webhook: 'webhook',
} as const;
export type NotifyType = (typeof NotifyType)[keyof typeof NotifyType];

/** Which runs a target hears about. */
export const NotifyWhen = {
  /** Every run that had a fire (a tick with no fire sends nothing). */
  Always: 'always',
  /** A run in which an instance was stopped, started or failed, the guard refused, or the listing failed. */
  Changes: 'changes',
  /** A run in which an instance failed, the guard refused, or the listing failed. */
  Failures: 'failures',
} as const;
export type NotifyWhen = (typeof NotifyWhen)[keyof typeof NotifyWhen];
