/**
 * Headless Chromium for the console's end-to-end tests: Debian's `chromium` (installed by
 * .ci/run), driven by playwright-core with executablePath. A missing browser fails the tests,
 * never skips them. Playwright starts each browser with a new, empty profile directory.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.EC2NET_CHROMIUM || '/usr/bin/chromium';

/** The repository's ignored output folder (dist/test/console/ → out/). */
export const OUT_DIR = fileURLToPath(new URL('../../../out/', import.meta.url));

/** Flags this machine needs: no GPU, no sandbox as root, and no background connections (the network is closed). */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does it) or set EC2NET_CHROMIUM.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
}

export async function outDir(): Promise<string> {
  await mkdir(OUT_DIR, { recursive: true });
  return OUT_DIR;
}
