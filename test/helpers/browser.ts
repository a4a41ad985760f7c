import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); `.ci/run` installs it. NIGHTSHIFT_CHROMIUM overrides. */
export const CHROMIUM_PATH = process.env['NIGHTSHIFT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set NIGHTSHIFT_CHROMIUM)`;
}

/**
 * Headless, and quiet on the network: without the background-networking flags Chromium tries
 * Google's hosts at start, which this machine refuses.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Saves a screenshot under `test-output/console/`, and also under NIGHTSHIFT_SCREENSHOTS_DIR when
 * set (`npm run screenshots` points it at docs/console for the README's pictures).
 */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const paths = [resolve(ROOT, 'test-output/console', `${name}.png`)];
  const extra = process.env['NIGHTSHIFT_SCREENSHOTS_DIR'];
  if (extra) paths.push(resolve(ROOT, extra, `${name}.png`));
  for (const path of paths) {
    await mkdir(dirname(path), { recursive: true });
    await page.screenshot({ path, fullPage: options.fullPage ?? false });
  }
  return paths[0]!;
}
