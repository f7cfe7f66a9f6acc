// Chromium (playwright-core) on the demo page over HTTPS, the page's Socket.IO over WSS.
// Chromium trusts the test's CA for real: it is added to an NSS database under a temporary
// HOME (certutil, Debian's libnss3-tools), which is where Chromium on Linux looks for
// locally trusted roots. No certificate errors are ignored.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test tls_demo_page.test.mjs
//
// Optional: CHROMIUM (default /usr/bin/chromium).

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { launchChromium } from './lib/chromium.mjs'
import { stopServer, serverLog } from './lib/server_process.mjs'
import { makeTestCert, startTlsDemo } from './lib/tls.mjs'
import { waitForLines } from './lib/socketio_client.mjs'

const TEST_TIMEOUT_MS = 60_000
const EXPECTED_CONSOLE = [
  '[socket.io] Connected.',
  '[socket.io] Server: Hello everyone!',
  '[socket.io] Server: Hello clients of room hello-1234!',
  '[socket.io] Server: Hello you!',
]

/** A HOME whose NSS database trusts `caFile` to identify web sites. */
function homeTrusting(caFile, home) {
  const db = join(home, '.pki', 'nssdb')
  mkdirSync(db, { recursive: true })
  execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password'])
  execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'socketio-cpp test CA', '-i', caFile])
  return home
}

function launch(home) {
  return launchChromium({ env: { ...process.env, HOME: home } })
}

describe('demo page in Chromium over https://', { timeout: 3 * TEST_TIMEOUT_MS }, () => {
  let cert
  let server
  let url

  before(async () => {
    cert = makeTestCert()
    server = await startTlsDemo(cert)
    url = `https://localhost:${server.port}/`
  }, { timeout: 20_000 })

  after(async () => {
    try {
      if (server) await stopServer(server.child)
    } finally {
      cert?.remove()
    }
  }, { timeout: 15_000 })

  it('without the CA, Chromium refuses the certificate', { timeout: TEST_TIMEOUT_MS }, async () => {
    const home = join(cert.dir, 'home-untrusting')
    mkdirSync(home)
    const browser = await launch(home)
    try {
      const page = await browser.newPage()
      await assert.rejects(page.goto(url, { timeout: 20_000 }), /ERR_CERT_AUTHORITY_INVALID/)
    } finally {
      await browser.close()
    }
    assert.equal(server.child.exitCode, null, serverLog(server))
  })

  it('trusting the CA, loads the page and talks Socket.IO over WSS', { timeout: TEST_TIMEOUT_MS }, async () => {
    const browser = await launch(homeTrusting(cert.caFile, join(cert.dir, 'home')))
    const from = server.stdout.length
    try {
      const page = await browser.newPage()
      const consoleMessages = []
      const webSockets = []
      const responses = []
      page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }))
      page.on('websocket', (ws) => webSockets.push(ws))
      page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }))
      const describeConsole = () => consoleMessages.map((m) => `  [${m.type}] ${m.text}`).join('\n') + serverLog(server)

      const response = await page.goto(url, { waitUntil: 'load', timeout: 20_000 })
      assert.equal(response?.status(), 200, `GET ${url}`)
      const security = await response.securityDetails()
      assert.match(security?.protocol ?? '', /TLS 1\.[23]/, JSON.stringify(security))

      const socketLines = () => consoleMessages.map((m) => m.text).filter((t) => t.startsWith('[socket.io]'))
      await page
        .waitForFunction((n) => document.querySelectorAll('#log li').length >= n, EXPECTED_CONSOLE.length, {
          timeout: 10_000,
        })
        .catch((err) => {
          throw new Error(`${err.message}\n${describeConsole()}`)
        })
      assert.deepEqual(socketLines(), EXPECTED_CONSOLE, describeConsole())
      assert.equal(await page.textContent('#status'), 'connected')
      await waitForLines(server, 'stdout', from, (ls) => ls.includes('[socket.io] Client: Hello!'), 5_000,
        'the Client: Hello! line')

      // The page upgraded to a WebSocket over TLS.
      const ws = webSockets.find((w) => /^wss:\/\/localhost:\d+\/socket\.io\/\?.*transport=websocket/.test(w.url()))
      assert.ok(ws, `no wss:// Socket.IO WebSocket; WebSockets: ${webSockets.map((w) => w.url()).join(', ')}`)
      assert.equal(ws.isClosed(), false)
      assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), [], describeConsole())
      assert.deepEqual(responses.filter((r) => r.status >= 400), [], 'failed requests')

      await page.close()
      await waitForLines(server, 'stdout', from, (ls) => ls.includes('[socket.io] A client disconnected.'), 5_000,
        'the disconnect line')
    } finally {
      await browser.close()
    }
    assert.equal(server.child.exitCode, null, serverLog(server))
  })
})
