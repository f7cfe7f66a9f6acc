// Browser test for the demo page, driving Debian's Chromium with playwright-core.
//
//   SIO_DEMO=path/to/server-binary SIO_WWW=path/to/www node --test demo_page.test.mjs
//
// Optional: CHROMIUM (default /usr/bin/chromium).
//
// The server is started as `$SIO_DEMO --host 127.0.0.1 --port 0 --www $SIO_WWW` and must
// print "Server running on port <port> (development|production)." on stdout (flushed).

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'

const SERVER_START_TIMEOUT_MS = 15_000
const TEST_TIMEOUT_MS = 60_000
const READY_LINE = /Server running on port (\d+) \((development|production)\)\./
const PAGE_TITLE = 'Socket.IO — Hello App'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// ---------------------------------------------------------------------------
// Server process

/**
 * Start the demo server on an ephemeral port.
 * Resolves to { child, port, mode, output } once the ready line is printed.
 */
function startServer(binary, www, timeoutMs = SERVER_START_TIMEOUT_MS) {
  // Own process group, so the server and anything it starts can be killed together.
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', '--www', www], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  liveServers.add(child)
  child.once('exit', () => liveServers.delete(child))
  const output = [] // every stdout/stderr line, for diagnostics

  createInterface({ input: child.stderr }).on('line', (line) => output.push(`[stderr] ${line}`))
  const stdout = createInterface({ input: child.stdout })

  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (message) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      stopServer(child)
      reject(new Error(`${message}\n--- server output ---\n${output.join('\n')}`))
    }
    const timer = setTimeout(
      () => fail(`server did not print its ready line within ${timeoutMs} ms`),
      timeoutMs,
    )
    stdout.on('line', (line) => {
      output.push(line)
      const m = READY_LINE.exec(line)
      if (m && !settled) {
        settled = true
        clearTimeout(timer)
        resolve({ child, port: Number(m[1]), mode: m[2], output })
      }
    })
    child.once('error', (err) => fail(`could not start ${binary}: ${err.message}`))
    child.once('exit', (code, signal) =>
      fail(`server exited before it was ready (code ${code}, signal ${signal})`),
    )
  })
}

const liveServers = new Set()

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal) // the whole process group
  } catch {
    try {
      child.kill(signal)
    } catch {
      // already gone
    }
  }
}

// Safety net: never leave a server behind, even if the test process ends abruptly.
process.once('exit', () => {
  for (const child of liveServers) killGroup(child, 'SIGKILL')
})

/**
 * SIGTERM to the server's process group, then SIGKILL after graceMs; resolves when the
 * server has gone. Also closes our ends of its pipes so they cannot keep us alive.
 */
function stopServer(child, graceMs = 5_000) {
  if (!child || child.pid === undefined) return Promise.resolve()
  const closePipes = () => {
    child.stdout?.destroy()
    child.stderr?.destroy()
  }
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL') // leftovers in its group, if any
    closePipes()
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const killer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(killer)
      killGroup(child, 'SIGKILL') // leftovers in its group, if any
      closePipes()
      resolve()
    })
    killGroup(child, 'SIGTERM')
  })
}

// ---------------------------------------------------------------------------
// Page helpers

const pageState = new WeakMap() // page -> { consoleMessages, pageErrors, responses }

/** Open a page in a fresh context and start recording what happens on it. */
async function openTrackedPage(browser) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const state = { consoleMessages: [], pageErrors: [], responses: [] }
  pageState.set(page, state)
  page.on('console', (msg) => state.consoleMessages.push({ type: msg.type(), text: msg.text() }))
  page.on('pageerror', (err) => state.pageErrors.push(err))
  page.on('response', (res) => state.responses.push({ url: res.url(), status: res.status() }))
  page.on('requestfailed', (req) =>
    state.responses.push({ url: req.url(), status: 0, failure: req.failure()?.errorText }),
  )
  return { context, page, state }
}

/**
 * Wait until predicate(messages) is truthy, where messages is every console message
 * seen on the page so far ({ type, text }, oldest first). Resolves to the messages.
 * Example: waitForConsole(page, (ms) => ms.some((m) => m.text === '[socket.io] Connected.'), 10_000)
 */
function waitForConsole(page, predicate, timeoutMs) {
  const state = pageState.get(page)
  if (!state) throw new Error('waitForConsole: page was not opened with openTrackedPage()')
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate(state.consoleMessages)) return false
      clearTimeout(timer)
      page.off('console', onConsole)
      resolve(state.consoleMessages)
      return true
    }
    // Registered after openTrackedPage's listener, so the message is already recorded.
    const onConsole = () => check()
    const timer = setTimeout(() => {
      page.off('console', onConsole)
      const seen = state.consoleMessages.map((m) => `  [${m.type}] ${m.text}`).join('\n')
      reject(new Error(`waitForConsole: timed out after ${timeoutMs} ms; console so far:\n${seen}`))
    }, timeoutMs)
    page.on('console', onConsole)
    check()
  })
}

function describeState(state) {
  return [
    'console:',
    ...state.consoleMessages.map((m) => `  [${m.type}] ${m.text}`),
    'page errors:',
    ...state.pageErrors.map((e) => `  ${e.stack || e}`),
  ].join('\n')
}

// ---------------------------------------------------------------------------
// Tests

describe('demo page in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  let server
  let browser
  let baseUrl

  before(async () => {
    const binary = process.env.SIO_DEMO
    const www = process.env.SIO_WWW
    assert.ok(binary, 'set SIO_DEMO to the server binary')
    assert.ok(www, 'set SIO_WWW to the www folder')
    server = await startServer(binary, www)
    baseUrl = `http://127.0.0.1:${server.port}/`
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    })
  }, { timeout: 45_000 })

  after(async () => {
    try {
      if (browser) await browser.close()
    } finally {
      if (server) await stopServer(server.child)
    }
  }, { timeout: 15_000 })

  it('serves the page, its stylesheet and a bundle that runs', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { context, page, state } = await openTrackedPage(browser)
    try {
      const response = await page.goto(baseUrl, { waitUntil: 'load', timeout: 20_000 })
      assert.ok(response, 'no response for the page')
      assert.equal(response.status(), 200, `GET ${baseUrl}`)

      assert.equal(await page.title(), PAGE_TITLE)

      // The bundle ran to its end.
      await page
        .waitForFunction(() => document.body.dataset.app === 'ready', null, { timeout: 10_000 })
        .catch((err) => {
          throw new Error(`bundle did not run: ${err.message}\n${describeState(state)}`)
        })

      // The stylesheet loaded and applied.
      const style = await page.evaluate(() => ({
        theme: getComputedStyle(document.documentElement).getPropertyValue('--app-theme').trim(),
        background: getComputedStyle(document.body).backgroundColor,
      }))
      assert.deepEqual(style, { theme: 'hello', background: 'rgb(246, 247, 249)' })

      // The page's own elements are there and rendered by the bundle.
      const status = await page.textContent('#status')
      assert.ok(
        ['connecting…', 'connected', 'disconnected'].includes(status),
        `unexpected #status text: ${JSON.stringify(status)}`,
      )
      assert.equal(await page.locator('#log').count(), 1, '#log element missing')

      // Page assets came back 200 (Socket.IO requests may fail until the server speaks it).
      const assets = state.responses.filter((r) => !new URL(r.url).pathname.startsWith('/socket.io/'))
      for (const path of ['/static/css/style.css', '/static/js/bundle.js']) {
        const hit = assets.find((r) => new URL(r.url).pathname === path)
        assert.ok(hit, `${path} was not requested`)
        assert.equal(hit.status, 200, `${path} status`)
      }
      const bad = assets.filter((r) => r.status === 0 || r.status >= 400)
      assert.deepEqual(bad, [], 'failed non-Socket.IO requests')

      assert.deepEqual(
        state.pageErrors.map((e) => String(e)),
        [],
        `page errors:\n${describeState(state)}`,
      )
    } finally {
      await context.close()
    }
  })
})
