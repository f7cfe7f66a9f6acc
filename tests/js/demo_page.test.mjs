// Browser test for the demo page, driving Debian's Chromium with playwright-core.
//
//   SIO_DEMO=path/to/server-binary SIO_WWW=path/to/www node --test demo_page.test.mjs
//
// Optional: CHROMIUM (default /usr/bin/chromium).
//
// The server is started as `$SIO_DEMO --host 127.0.0.1 --port 0 --www $SIO_WWW` and must
// print "Server running on port <port> (development|production)." on stdout (flushed), then
// one flushed stdout line per chapter event ("[socket.io] A client connected." and so on).
//
// The Socket.IO case saves a screenshot of the page to $SIO_SCREENSHOT
// (default /tmp/demo-page.png).

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, stopServer } from './lib/server_process.mjs'
import { launchChromium } from './lib/chromium.mjs'

const SERVER_START_TIMEOUT_MS = 15_000
const TEST_TIMEOUT_MS = 60_000
const READY_LINE = /Server running on port (\d+) \((development|production)\)\./
const PAGE_TITLE = 'Socket.IO — Hello App'
const SCREENSHOT_PATH = process.env.SIO_SCREENSHOT || '/tmp/demo-page.png'

// ---------------------------------------------------------------------------
// Server process

/**
 * Start the demo server on an ephemeral port.
 * Resolves to { child, port, output, stdout, lines, … } once the ready line is printed:
 * output is every line (stderr ones prefixed), stdout the stdout lines only, and `lines`
 * emits 'stdout' for each new stdout line (see lib/server_process.mjs).
 */
function startDemoServer(binary, www) {
  return startServer({
    binary,
    args: ['--host', '127.0.0.1', '--port', '0', '--www', www],
    readyLine: READY_LINE,
    timeoutMs: SERVER_START_TIMEOUT_MS,
  })
}

/**
 * Resolves once predicate(lines) holds, where lines are the server's stdout lines from
 * index `from` on; resolves to those lines.
 */
function waitForStdout(server, from, predicate, timeoutMs, what) {
  const current = () => server.stdout.slice(from)
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate(current())) return
      clearTimeout(timer)
      server.lines.off('stdout', check)
      resolve(current())
    }
    const timer = setTimeout(() => {
      server.lines.off('stdout', check)
      reject(
        new Error(
          `server stdout: ${what} not seen within ${timeoutMs} ms\n--- server output ---\n${server.output.join('\n')}`,
        ),
      )
    }, timeoutMs)
    server.lines.on('stdout', check)
    check()
  })
}

const countLines = (lines, line) => lines.filter((l) => l === line).length

// ---------------------------------------------------------------------------
// Page helpers

const pageState = new WeakMap() // page -> { consoleMessages, pageErrors, responses }

/** Open a page in a fresh context and start recording what happens on it. */
async function openTrackedPage(browser) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const state = { consoleMessages: [], pageErrors: [], responses: [], webSockets: [] }
  pageState.set(page, state)
  page.on('console', (msg) => state.consoleMessages.push({ type: msg.type(), text: msg.text() }))
  page.on('pageerror', (err) => state.pageErrors.push(err))
  page.on('websocket', (ws) => state.webSockets.push(ws))
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
    server = await startDemoServer(binary, www)
    baseUrl = `http://127.0.0.1:${server.port}/`
    browser = await launchChromium()
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

  it('serves /socket.io/socket.io.js, and a page using it connects', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { context, page, state } = await openTrackedPage(browser)
    const from = server.stdout.length
    try {
      await page.goto(baseUrl, { waitUntil: 'load', timeout: 20_000 })
      // What pages written for the Node server do: load the client from the server itself.
      await page.addScriptTag({ url: '/socket.io/socket.io.js' })
      const result = await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const socket = window.io({ forceNew: true })
            const timer = setTimeout(() => reject(new Error('no connect within 10 s')), 10_000)
            socket.on('connect', () => {
              clearTimeout(timer)
              const id = socket.id
              socket.disconnect()
              resolve({ id, version: typeof window.io.Manager })
            })
            socket.on('connect_error', (err) => reject(new Error(`connect_error: ${err.message}`)))
          }),
      )
      assert.ok(result.id && result.id.length > 0, 'connected with a socket id')
      assert.equal(result.version, 'function')

      const client = state.responses.find((r) => new URL(r.url).pathname === '/socket.io/socket.io.js')
      assert.ok(client, '/socket.io/socket.io.js was not requested')
      assert.equal(client.status, 200)
      // Its source map and the minified bundles are there too; unknown names are 404.
      for (const [path, status] of [
        ['/socket.io/socket.io.js.map', 200],
        ['/socket.io/socket.io.min.js', 200],
        ['/socket.io/socket.io.esm.min.js', 200],
        ['/socket.io/socket.io.nope.js', 404],
      ]) {
        const res = await page.request.get(new URL(path, baseUrl).href)
        assert.equal(res.status(), status, path)
        if (status === 200 && path.endsWith('.js')) {
          assert.match(res.headers()['content-type'], /javascript/, `${path} content-type`)
          assert.ok(res.headers().etag, `${path} has an ETag`)
        }
      }
      assert.deepEqual(state.pageErrors.map((e) => String(e)), [], `page errors:\n${describeState(state)}`)
    } finally {
      await context.close()
    }
    // Both connections (the page's bundle and ours) are gone before the next test counts lines.
    const CONNECTED = '[socket.io] A client connected.'
    const DISCONNECTED = '[socket.io] A client disconnected.'
    await waitForStdout(
      server,
      from,
      (ls) => countLines(ls, CONNECTED) >= 1 && countLines(ls, DISCONNECTED) === countLines(ls, CONNECTED),
      10_000,
      'a disconnect line for every connect line',
    )
  })

  it('talks Socket.IO with the server: connect, join, three hellos, disconnect', { timeout: TEST_TIMEOUT_MS }, async () => {
    const CONNECTED = '[socket.io] A client connected.'
    const DISCONNECTED = '[socket.io] A client disconnected.'
    const expectedConsole = [
      '[socket.io] Connected.',
      '[socket.io] Server: Hello everyone!',
      '[socket.io] Server: Hello clients of room hello-1234!',
      '[socket.io] Server: Hello you!',
    ]
    const serverOutput = () => `\n--- server output ---\n${server.output.join('\n')}`

    // Earlier pages have gone from the server: as many disconnects as connects so far.
    await waitForStdout(
      server,
      0,
      (ls) => countLines(ls, DISCONNECTED) === countLines(ls, CONNECTED),
      5_000,
      'the earlier pages\' disconnect lines',
    )
    const from = server.stdout.length

    const { context, page, state } = await openTrackedPage(browser)
    try {
      const response = await page.goto(baseUrl, { waitUntil: 'load', timeout: 20_000 })
      assert.equal(response?.status(), 200, `GET ${baseUrl}`)

      // The console: Connected., then the three hellos in order.
      const socketLines = (ms) => ms.map((m) => m.text).filter((t) => t.startsWith('[socket.io]'))
      await waitForConsole(page, (ms) => socketLines(ms).length >= expectedConsole.length, 10_000)
      await page.waitForTimeout(300) // anything extra would show up now
      assert.deepEqual(socketLines(state.consoleMessages), expectedConsole, describeState(state))

      // The page shows the same lines and the connected status.
      await page.waitForFunction((n) => document.querySelectorAll('#log li').length >= n, expectedConsole.length, {
        timeout: 5_000,
      })
      assert.deepEqual(await page.locator('#log li').allTextContents(), expectedConsole, '#log')
      assert.equal(await page.textContent('#status'), 'connected', '#status')
      assert.equal(await page.getAttribute('#status', 'data-status'), 'connected', '#status data-status')

      // The server's terminal.
      await waitForStdout(
        server,
        from,
        (ls) => ls.includes('[socket.io] Client: Hello!'),
        5_000,
        'the Client: Hello! line',
      )
      const lines = server.stdout.slice(from)
      assert.deepEqual(
        lines,
        [CONNECTED, '[socket.io] A client joined room hello-1234.', '[socket.io] Client: Hello!'],
        `server stdout${serverOutput()}`,
      )

      // The browser upgraded to WebSocket (and that is what gets closed below).
      const ws = state.webSockets.find((w) => /\/socket\.io\/\?.*transport=websocket/.test(w.url()))
      assert.ok(ws, `no Socket.IO WebSocket; WebSockets: ${state.webSockets.map((w) => w.url()).join(', ')}`)
      assert.equal(ws.isClosed(), false, 'the Socket.IO WebSocket closed')

      // Nothing went wrong on the page.
      assert.deepEqual(state.pageErrors.map((e) => String(e)), [], `page errors:\n${describeState(state)}`)
      const consoleErrors = state.consoleMessages.filter((m) => m.type === 'error')
      assert.deepEqual(consoleErrors, [], `console errors:\n${describeState(state)}`)
      const bad = state.responses.filter((r) => r.status >= 400)
      assert.deepEqual(bad, [], 'failed requests')

      await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true })

      // Closing the page ends the connection; the server notices within a few seconds.
      await page.close()
      await waitForStdout(server, from, (ls) => ls.includes(DISCONNECTED), 5_000, 'the disconnect line')
      assert.equal(countLines(server.stdout.slice(from), DISCONNECTED), 1, `disconnect lines${serverOutput()}`)
      assert.equal(server.child.exitCode, null, `server exited${serverOutput()}`)
    } finally {
      await context.close()
    }
  })
})
