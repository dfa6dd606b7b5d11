/** The environment a user of the emulator would set, for tests that run lights-out against one. */
import type { EmulatorHandle } from '../../lib/emulator/index.js';

/**
 * `VOLC_ENDPOINT`, `VOLC_ACCESSKEY` and `VOLC_SECRETKEY` pointing at `emulator`.
 *
 * @example
 * await main(['run', '-c', file], captureIo('run', emulatorEnv(emulator), now));
 */
export function emulatorEnv(emulator: EmulatorHandle): NodeJS.ProcessEnv {
  return {
    VOLC_ENDPOINT: emulator.url,
    VOLC_ACCESSKEY: emulator.credentials.accessKeyId,
    VOLC_SECRETKEY: emulator.credentials.secretKey,
  };
}
