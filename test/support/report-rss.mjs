// Preloaded with `node --import` into a child process: when it exits, writes its peak resident set size
// (process.resourceUsage().maxRSS, in KiB) to the file named by LIGHTS_OUT_TEST_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.LIGHTS_OUT_TEST_RSS_FILE;
if (file) {
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
