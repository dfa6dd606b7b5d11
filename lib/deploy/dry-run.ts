/**
 * What `deploy --dry-run` shows: the calls a deploy would make, each with its body as it would be sent except
 * that the zip is summarised and secret values are replaced, and the zip's contents. Pure.
 */
import { VefaasAction } from '../volc/index.js';
import { type DeploySettings, functionSpec, TIMER_NAME, timerSpec } from './deploy.js';
import { sha256 } from './zip.js';

/** One call a deploy would make, and when. */
export interface PlannedCall {
  action: string;
  /** When the call is made (a deploy decides from what it finds). */
  when: string;
  body: Record<string, unknown>;
}

/** Environment variables whose value is a secret, by name. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD/i;

/** The function body as the dry run shows it: the zip summarised, secret values replaced. */
function shownFunction(settings: DeploySettings): Record<string, unknown> {
  const spec = functionSpec(settings);
  return {
    ...spec,
    Source: `<zip, ${settings.pkg.zip.length} bytes, sha256 ${sha256(settings.pkg.zip)}>`,
    Envs: spec.Envs.map((e) => ({ Key: e.Key, Value: SECRET_NAME.test(e.Key) ? '[Redacted]' : e.Value })),
  };
}

/**
 * The calls of a deploy, in order, for the dry run.
 *
 * @example
 * plannedCalls(settings).map((c) => c.action); // ['ListFunctions', 'CreateFunction', 'GetFunction', ...]
 */
export function plannedCalls(settings: DeploySettings): PlannedCall[] {
  const fn = shownFunction(settings);
  const timer = timerSpec(settings.tickMs);
  const id = '<FunctionId>';
  return [
    {
      action: VefaasAction.ListFunctions,
      when: 'always: find the function by name',
      body: { Filters: [{ Name: 'Name', Values: [settings.name] }], PageNumber: 1, PageSize: 100 },
    },
    { action: VefaasAction.CreateFunction, when: 'the function does not exist', body: fn },
    {
      action: VefaasAction.GetFunction,
      when: 'the function exists: compare its content hash',
      body: { Id: id },
    },
    {
      action: VefaasAction.UpdateFunction,
      when: 'the function exists and its code or settings changed',
      body: { Id: id, ...fn },
    },
    {
      action: VefaasAction.ListTriggers,
      when: `always: find the timer ${TIMER_NAME}`,
      body: { FunctionId: id, PageNumber: 1, PageSize: 100 },
    },
    {
      action: VefaasAction.CreateTimer,
      when: 'the timer does not exist',
      body: { FunctionId: id, ...timer },
    },
    {
      action: VefaasAction.UpdateTimer,
      when: 'the timer exists with other settings',
      body: { Id: '<TimerId>', FunctionId: id, ...timer },
    },
    {
      action: VefaasAction.GetReleaseStatus,
      when: 'the function is unchanged: is its last release good?',
      body: { FunctionId: id },
    },
    {
      action: VefaasAction.Release,
      when: 'the function changed, or its last release did not succeed',
      body: { FunctionId: id, RevisionNumber: 0 },
    },
    {
      action: VefaasAction.GetReleaseStatus,
      when: 'after a release: until it succeeds or fails',
      body: { FunctionId: id },
    },
  ];
}
