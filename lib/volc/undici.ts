/**
 * The two parts of undici lights-out calls, imported without undici's index (see loadUndici in http.ts, the
 * only importer of this file, which imports it on the first request: the bundle keeps it in a chunk of its own).
 */

import requestOn from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';

export { Agent, requestOn };
