// Chromium on two demo servers of one cluster (a private redis-server, sio_demo --redis): a
// page on each joins the chapter's room, and the first page sees the hellos the second
// page's join makes on the other server. Each page shows which server it talks to.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test cluster_browser.test.mjs

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { startRedis } from './lib/redis_server.mjs'
import { launchChromium } from './lib/chromium.mjs'

const READY = /Server running on port (\d+) \(/
const ROOM_HELLO = '[socket.io] Server: Hello clients of room hello-1234!'
const OWN_HELLOS = [
  '[socket.io] Connected.',
  '[socket.io] Server: Hello everyone!',
  ROOM_HELLO,
  '[socket.io] Server: Hello you!',
]

function startDemo(redisUrl) {
  const binary = process.env.SIO_DEMO
  const www = process.env.SIO_WWW
  assert.ok(binary && www, 'set SIO_DEMO and SIO_WWW')
  return startServer({
    binary,
    args: ['--host', '127.0.0.1', '--port', '0', '--www', www, '--redis', redisUrl],
    readyLine: READY,
    timeoutMs: 15_000,
  })
}

describe('demo page in Chromium on a two-server cluster', { timeout: 120_000 }, () => {
  let redis
  let servers = []
  let browser

  before(async () => {
    redis = await startRedis()
    servers = await Promise.all([startDemo(redis.url), startDemo(redis.url)])
    browser = await launchChromium()
  }, { timeout: 60_000 })

  after(async () => {
    await browser?.close()
    await Promise.all(servers.map((s) => stopServer(s.child)))
    await stopServer(redis?.child)
  }, { timeout: 20_000 })

  it("each page sees the other server's hellos to the room", async () => {
    const log = (page) => page.$$eval('#log li', (items) => items.map((li) => li.textContent))
    const open = async (server) => {
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${server.port}/`, { waitUntil: 'load', timeout: 20_000 })
      await page.waitForFunction((n) => document.querySelectorAll('#log li').length >= n, OWN_HELLOS.length, {
        timeout: 15_000,
      })
      return page
    }
    const context = () => serverLog(servers[0]) + serverLog(servers[1])
    const first = await open(servers[0])
    assert.deepEqual(await log(first), OWN_HELLOS, context())
    assert.equal(await first.textContent('#server'), `127.0.0.1:${servers[0].port}`)

    const second = await open(servers[1])
    assert.deepEqual(await log(second), OWN_HELLOS, context())
    assert.equal(await second.textContent('#server'), `127.0.0.1:${servers[1].port}`)

    // The second page's join, on the other server, reached the first page through Redis.
    await first
      .waitForFunction((n) => document.querySelectorAll('#log li').length >= n, OWN_HELLOS.length + 2, {
        timeout: 10_000,
      })
      .catch((e) => assert.fail(`${e.message}: ${JSON.stringify(OWN_HELLOS)}${context()}`))
    assert.deepEqual((await log(first)).slice(OWN_HELLOS.length), ['[socket.io] Server: Hello everyone!', ROOM_HELLO])
    for (const s of servers) assert.equal(s.child.exitCode, null, serverLog(s))
  })
})
