import { defineConfig } from 'vitest/config';
import { ProcessesFirstSequencer } from './test/support/sequencer.js';

/**
 * Most of the suite's time used to be start-up rather than tests: a fresh process per test file ('forks'),
 * each importing vitest, undici, pino and lib/ again. Worker threads that keep their module cache from file
 * to file (`isolate: false`) pay for that once per worker. That is safe because no test file leaves shared
 * state behind for the next: none mocks modules, stubs globals or the environment, or installs fake timers
 * (clocks, sleep and randomness are injected), servers listen on port 0 and are closed in hooks, and the
 * daemon's node-cron test counts tasks relative to its own start. A file that ever needs a clean module
 * registry must say why, and go in a project of its own with `isolate: true`.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    isolate: false,
    // vitest runs on one core fewer than the machine has: a single worker on 2 cores, which left the second
    // core to child processes alone and made the suite's wall time the sum of its files'. The main thread
    // mostly waits for the workers, so every core gets a worker (2 on 2 cores).
    maxWorkers: '100%',
    sequence: { sequencer: ProcessesFirstSequencer },
  },
});
