// Debian's Chromium (or $CHROMIUM) under playwright-core, headless, with the flags that keep
// it from reaching out (no sandbox: tests may run as root).
import { chromium } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches it; `env` replaces the browser's environment (e.g. a HOME with trusted CAs). */
export function launchChromium({ env } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...(env ? { env } : {}),
    timeout: 30_000,
  })
}
