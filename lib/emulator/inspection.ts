/**
 * The inspection API under `/_emulator/`: what tests and users look at and change. It is served only by the
 * emulator, is never signed, and no fault ever applies to it.
 */
import { ConfigError, LightsOutError } from '../errors.js';
import type { EmulatorCore } from './core.js';
import { parseFaults } from './faults.js';
import { parseFleet } from './fleet.js';

/** The answer of an inspection request. */
export interface InspectionAnswer {
  status: number;
  body: unknown;
}

/** The endpoints, as `GET /_emulator/` lists them. */
export const INSPECTION_ENDPOINTS = [
  'GET /_emulator/instances[?region=R]: every instance with its current Status, StoppedMode and counters',
  'GET /_emulator/calls: the log of every API call',
  'POST /_emulator/reset: body a fleet (YAML or JSON), or empty for the start fleet',
  'GET /_emulator/faults: the fault settings',
  'PUT /_emulator/faults: replace the fault settings (YAML or JSON)',
] as const;

function problem(status: number, code: string, message: string, issues?: unknown): InspectionAnswer {
  return { status, body: { error: issues ? { code, message, issues } : { code, message } } };
}

function invalid(error: unknown): InspectionAnswer {
  if (error instanceof ConfigError) return problem(400, error.code, error.message, error.issues);
  if (error instanceof LightsOutError) return problem(400, error.code, error.message);
  throw error;
}

/** Answers one `/_emulator/...` request. */
export function handleInspection(
  core: EmulatorCore,
  method: string,
  url: URL,
  body: string,
): InspectionAnswer {
  const route = url.pathname.replace(/\/+$/, '');
  const allowed: Record<string, string[]> = {
    '/_emulator': ['GET'],
    '/_emulator/instances': ['GET'],
    '/_emulator/calls': ['GET'],
    '/_emulator/reset': ['POST'],
    '/_emulator/faults': ['GET', 'PUT'],
  };
  const methods = allowed[route];
  if (!methods) return problem(404, 'NotFound', `No inspection endpoint ${url.pathname}.`);
  if (!methods.includes(method))
    return problem(405, 'MethodNotAllowed', `${route} accepts ${methods.join(', ')}.`);
  switch (route) {
    case '/_emulator/instances': {
      const region = url.searchParams.get('region');
      const records = region ? core.state.inRegion(region) : core.state.all();
      return { status: 200, body: { instances: records.map((r) => core.state.inspect(r)) } };
    }
    case '/_emulator/calls':
      return { status: 200, body: { calls: core.calls } };
    case '/_emulator/reset':
      try {
        core.reset(body.trim() === '' ? undefined : parseFleet(body, 'reset body'));
        return { status: 200, body: { instances: core.state.all().length } };
      } catch (error) {
        return invalid(error);
      }
    case '/_emulator/faults':
      if (method === 'GET') return { status: 200, body: core.faults.settings };
      try {
        core.faults.set(parseFaults(body, 'faults body'));
        return { status: 200, body: core.faults.settings };
      } catch (error) {
        return invalid(error);
      }
    default:
      return { status: 200, body: { endpoints: INSPECTION_ENDPOINTS } };
  }
}
