/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

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
 * set (`npm run screenshots` points it at docs/console for the docs' pictures).
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

type Rgb = readonly [number, number, number];

/**
 * What a canvas has drawn: its painted pixels (`ink`), and per named colour the opaque pixels of
 * that colour (anti-aliased edges excluded), with its size and accessible label.
 */
export async function canvasInk<Name extends string>(
  canvas: Locator,
  colours: Record<Name, Rgb>,
): Promise<{ ink: number; width: number; height: number; label: string } & Record<Name, number>> {
  return canvas.evaluate((element: HTMLCanvasElement, wanted: Record<string, Rgb>) => {
    const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
    const counts: Record<string, number> = Object.fromEntries(Object.keys(wanted).map((name) => [name, 0]));
    let ink = 0;
    for (let index = 0; index < data.length; index += 4) {
      if (data[index + 3]! > 0) ink += 1;
      if (data[index + 3]! <= 200) continue;
      for (const [name, [red, green, blue]] of Object.entries(wanted)) {
        if (Math.abs(data[index]! - red) < 24 && Math.abs(data[index + 1]! - green) < 24 && Math.abs(data[index + 2]! - blue) < 24) counts[name]! += 1;
      }
    }
    return { ...counts, ink, width: element.width, height: element.height, label: element.getAttribute('aria-label') ?? '' };
  }, colours as Record<string, Rgb>) as Promise<{ ink: number; width: number; height: number; label: string } & Record<Name, number>>;
}
