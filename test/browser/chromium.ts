/**
 * Debian's Chromium (/usr/bin/chromium, `apt-get install chromium`; .ci/run installs it) driven
 * by playwright-core: headless, no sandbox (the tests run as root), a fresh user-data dir each
 * time, and nothing that reaches the network on its own (this machine has none but loopback).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian installs Chromium; TAPEGRAD_CHROMIUM overrides it. */
export const CHROMIUM = process.env.TAPEGRAD_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser context and how to close it (and remove its user-data dir). */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a new user-data dir.
 *
 * @example
 * const { context, close } = await launchChromium(); const page = await context.newPage(); … await close();
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set TAPEGRAD_CHROMIUM)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
