/**
 * The local Volcengine ECS emulator: a real HTTP server that speaks the ECS OpenAPI (signature checks,
 * DescribeInstances, StopInstances, StartInstances, ClientToken idempotency, rate quota, injected faults) over a
 * fleet from a file or a generator, plus an unsigned inspection API under `/_emulator/`. The same server answers
 * the veFaaS actions deploy uses (functions, timers, releases), routed by Action and signed for service `vefaas`.
 *
 * Where Volcengine's documentation is silent (docs/volcengine-api.md says where), the emulator takes the strict choice, so that a client that
 * works here does not lean on leniency the cloud may not have:
 * - authentication is checked before Action/Version; a missing or wrong STS `X-Security-Token` is 401 InvalidAccessKey;
 * - `CodeN` is sent only for the codes whose CodeN is documented;
 * - DescribeInstances with more than 100 `InstanceIds.N` is 400 InvalidCount.Malformed; a malformed list key
 *   (`InstanceIds.0`, `TagFilters.1.Value`), a parameter given twice, a bad MaxResults or NextToken is 400 InvalidArgument;
 * - a ClientToken belongs to one (access key, region); "the same parameters" means every parameter but the token,
 *   Action and the order of IDs included; a replay carries a new RequestId and the stored Result;
 * - `flowLimitPerRequest`, `internalError`, `unavailable`, `nonJson` and `dropConnection` strike before anything
 *   is done; `lostResponse` and `truncatedJson` after the action is committed; a `script` entry strikes before,
 *   or after with `applied: true`, and a request it hits draws no share-based fault;
 * - `StoppedMode` appears only on STOPPING and STOPPED instances.
 *
 * `createInProcessEmulator` is the same emulator without a socket, for tests of the layers above the client on
 * an injected clock.
 *
 * Also here: `startWebhookReceiver`, a local receiver of run notifications that answers as Feishu, Lark,
 * DingTalk, WeCom, Slack and a generic webhook do, signatures checked.
 */
export type { CallRecord } from './calls.js';
export { API_VERSION, ECS_ACTIONS, InstanceErrors, RequestErrors, SERVICE } from './catalog.js';
export type { EmulatorView } from './core.js';
export {
  DEFAULT_STOP_CHARGING_INELIGIBLE,
  type FaultSettings,
  type LatencyMs,
  loadFaults,
  parseFaults,
  validateFaults,
} from './faults.js';
export { loadFleet, parseFleet, validateFleet } from './fleet.js';
export {
  DEFAULT_REGIONS,
  GENERATED_INLINE_VALUES,
  type GenerateFleetOptions,
  generateFleet,
} from './generate.js';
export {
  createInProcessEmulator,
  type InProcessEmulator,
  type InProcessEmulatorOptions,
} from './in-process.js';
export { INSPECTION_ENDPOINTS } from './inspection.js';
export { mulberry32, type Random } from './prng.js';
export {
  type DetailsChange,
  SCRIPTED_ANSWERS,
  type ScriptedAnswer,
  type ScriptedFault,
} from './script.js';
export { type EmulatorHandle, type EmulatorOptions, startEmulator } from './server.js';
export type { FleetState, InspectedInstance, LiveFlags } from './state.js';
export { DEFAULT_CREDENTIALS, type EmulatorFlags, type Fleet, type FleetInstance } from './types.js';
export {
  DEFAULT_RELEASE_MS,
  type EmulatedFunction,
  type EmulatedTimer,
  FaasState,
  VEFAAS_ACTIONS,
  VEFAAS_RUNTIMES,
} from './vefaas.js';
export {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookBehaviour,
  type WebhookPlatform,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './webhooks.js';
