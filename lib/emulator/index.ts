/**
 * The local Volcengine ECS emulator: a real HTTP server that speaks the ECS OpenAPI (signature checks,
 * DescribeInstances, StopInstances, StartInstances, ClientToken idempotency, rate quota, injected faults) over a
 * fleet from a file or a generator, plus an unsigned inspection API under `/_emulator/`.
 */
export type { CallRecord } from './calls.js';
export { API_VERSION, InstanceErrors, RequestErrors, SERVICE } from './catalog.js';
export {
  DEFAULT_STOP_CHARGING_INELIGIBLE,
  type FaultSettings,
  type LatencyMs,
  loadFaults,
  parseFaults,
  validateFaults,
} from './faults.js';
export { loadFleet, parseFleet, validateFleet } from './fleet.js';
export { DEFAULT_REGIONS, type GenerateFleetOptions, generateFleet } from './generate.js';
export { INSPECTION_ENDPOINTS } from './inspection.js';
export { mulberry32, type Random } from './prng.js';
export { type EmulatorHandle, type EmulatorOptions, startEmulator } from './server.js';
export type { FleetState, InspectedInstance, LiveFlags } from './state.js';
export { DEFAULT_CREDENTIALS, type EmulatorFlags, type Fleet, type FleetInstance } from './types.js';
