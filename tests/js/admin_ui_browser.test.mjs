// The official Admin UI (@socket.io/admin-ui 0.5.1's page, served by the demo at /admin/)
// in Debian's Chromium against the demo's admin namespace: a wrong password is refused, the
// right one shows the demo client's socket with its rooms and handshake, and the UI's
// disconnect button disconnects that client.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test admin_ui_browser.test.mjs
//
// Saves a screenshot of the socket's page to $SIO_ADMIN_SCREENSHOT (default
// /tmp/admin-ui.png; docs/admin-ui.png is one). The page's icon font comes from a CDN; the
// test serves it from tests/js/node_modules/@mdi/font and refuses every other outside request.

import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { io } from 'socket.io-client'
import { startServer, stopServer } from './lib/server_process.mjs'
import { launchChromium } from './lib/chromium.mjs'
import { ADMIN_USER, ADMIN_PASSWORD, ADMIN_HASH } from './lib/admin_ui.mjs'

const READY = /Server running on port (\d+) \((development|production)\)\./
const SCREENSHOT = process.env.SIO_ADMIN_SCREENSHOT || '/tmp/admin-ui.png'
const MDI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/@mdi/font')
const UI_TIMEOUT_MS = 10_000

let server, browser, player
after(async () => {
  player?.disconnect()
  await browser?.close()
  if (server) await stopServer(server.child)
})

function once(emitter, event, timeoutMs = UI_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs)
    emitter.once(event, (...args) => {
      clearTimeout(timer)
      resolve(args)
    })
  })
}

async function connectForm(page, url, password) {
  await page.getByLabel('Server URL').fill(url)
  await page.getByLabel('Username').fill(ADMIN_USER)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Connect' }).click()
}

test('the Admin UI in Chromium: log in, see the demo client, disconnect it', { timeout: 90_000 }, async () => {
  server = await startServer({
    binary: process.env.SIO_DEMO,
    args: ['--host', '127.0.0.1', '--port', '0', '--www', process.env.SIO_WWW, '--threads', '2',
      '--admin-user', ADMIN_USER, '--admin-password-hash', ADMIN_HASH],
    readyLine: READY,
    timeoutMs: 10_000,
  })
  const url = `http://127.0.0.1:${server.port}`

  // A demo client with something to show: a query parameter and a room.
  player = io(url, { forceNew: true, reconnection: false, query: { player: 'alice' } })
  await once(player, 'connect')
  const hello = once(player, 'IO_SERVER_HELLO')
  player.emit('IO_CLIENT_JOIN_ROOM', 'lobby')
  await hello

  browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1600, height: 700 } })
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    const m = route.request().url().match(/\/npm\/@mdi\/font@[^/]+\/(css|fonts)\/([^?#]+)/)
    return m ? route.fulfill({ path: path.join(MDI, m[1], m[2]) }) : route.abort()
  })
  page.setDefaultTimeout(UI_TIMEOUT_MS)

  // /admin redirects to /admin/, the UI's page.
  const response = await page.goto(`${url}/admin`)
  assert.equal(response.status(), 200)
  assert.equal(new URL(page.url()).pathname, '/admin/')

  // A wrong password: the form says so and stays.
  await connectForm(page, url, 'not-the-password')
  await page.getByText('Invalid credentials').waitFor()
  await assert.rejects(page.getByText(/^connected$/i).waitFor({ timeout: 1_000 }))

  // The right one.
  await page.getByLabel('Password').fill(ADMIN_PASSWORD)
  await page.getByRole('button', { name: 'Connect' }).click()
  await page.getByText(/^connected$/i).first().waitFor()

  await page.getByRole('link', { name: 'Sockets' }).click()
  await page.getByRole('cell', { name: player.id }).click()
  const main = page.locator('main')
  await main.getByText('lobby', { exact: true }).waitFor()
  await main.getByText('alice', { exact: true }).waitFor() // the handshake's query
  await main.getByText('node-XMLHttpRequest').waitFor() // and its headers
  await page.screenshot({ path: SCREENSHOT })

  // The socket's disconnect button (the client's is the first of the two).
  const disconnected = once(player, 'disconnect')
  await main.locator('button:has(i.mdi-logout)').last().click()
  const [reason] = await disconnected
  assert.equal(reason, 'io server disconnect')
  await main.getByText(/^disconnected$/i).first().waitFor()
})
