// The Admin UI's server side (sio::admin::instrument, the demo's --admin-* flags) as the UI of
// @socket.io/admin-ui 0.5.1 talks to it, with the official socket.io-client: its namespace
// /admin, the basic auth with a bcrypt hash, and the events and commands of dist/index.js.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test admin_ui.test.mjs

import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { io } from 'socket.io-client'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { ADMIN_USER, ADMIN_PASSWORD, ADMIN_HASH } from './lib/admin_ui.mjs'
import { startRedis } from './lib/redis_server.mjs'

const DEMO = process.env.SIO_DEMO
const WWW = process.env.SIO_WWW
const READY = /Server running on port (\d+) \((development|production)\)\./
const EVENT_TIMEOUT_MS = 5_000
const QUIET_MS = 500

const sockets = new Set()
after(() => sockets.forEach((s) => s.disconnect()))

async function startDemo(extra) {
  const server = await startServer({
    binary: DEMO,
    args: ['--host', '127.0.0.1', '--port', '0', '--www', WWW, '--threads', '2', ...extra],
    readyLine: READY,
    timeoutMs: 10_000,
  })
  return { server, url: `http://127.0.0.1:${server.port}` }
}

const withAuth = ['--admin-user', ADMIN_USER, '--admin-password-hash', ADMIN_HASH]

function client(url, opts = {}) {
  const s = io(url, { forceNew: true, reconnection: false, ...opts })
  sockets.add(s)
  return s
}

/** Resolves to the arguments of the next `event` on `s` (rejects after a timeout). */
function next(s, event, timeoutMs = EVENT_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event, on)
      reject(new Error(`no ${event} within ${timeoutMs} ms`))
    }, timeoutMs)
    const on = (...args) => {
      clearTimeout(timer)
      s.off(event, on)
      resolve(args)
    }
    s.on(event, on)
  })
}

/** The first `event` whose arguments satisfy `pred`. */
function nextWhere(s, event, pred, timeoutMs = EVENT_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event, on)
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`))
    }, timeoutMs)
    const on = (...args) => {
      if (!pred(...args)) return
      clearTimeout(timer)
      s.off(event, on)
      resolve(args)
    }
    s.on(event, on)
  })
}

/** An admin connection; resolves once connected, with the first config/all_sockets promised. */
function admin(url, auth) {
  const s = client(`${url}/admin`, { auth })
  const config = next(s, 'config')
  const session = next(s, 'session')
  const allSockets = next(s, 'all_sockets')
  const stats = next(s, 'server_stats', 5_000)
  session.catch(() => {}), allSockets.catch(() => {}), stats.catch(() => {}), config.catch(() => {})
  return { s, config, session, allSockets, stats }
}

/** A demo client in room `room`, connected. */
async function demoClient(url, room, opts) {
  const c = client(url, opts)
  await next(c, 'connect')
  const hello = next(c, 'IO_SERVER_HELLO')
  c.emit('IO_CLIENT_JOIN_ROOM', room)
  await hello
  return c
}

describe('admin UI, development mode with a password', () => {
  let demo
  test('start', async () => {
    demo = await startDemo(withAuth)
  })
  after(() => demo && stopServer(demo.server.child))

  test('a wrong password or user is refused with "invalid credentials"', async () => {
    for (const auth of [
      { username: ADMIN_USER, password: 'wrong' },
      { username: 'someone', password: ADMIN_PASSWORD },
      {},
      { sessionId: 'made-up' },
    ]) {
      const s = client(`${demo.url}/admin`, { auth })
      const [err] = await next(s, 'connect_error')
      assert.equal(err.message, 'invalid credentials', JSON.stringify(auth))
    }
  })

  test('config, session, server_stats and all_sockets as the UI expects them', async () => {
    const c = await demoClient(demo.url, 'room1')
    const a = admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
    await next(a.s, 'connect')
    const [sessionId] = await a.session
    assert.match(sessionId, /^\S{8,}$/)
    const [config] = await a.config
    assert.deepEqual(config.supportedFeatures, [
      'EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'MJOIN', 'MLEAVE', 'MDISCONNECT',
      'AGGREGATED_EVENTS', 'ALL_EVENTS',
    ])
    const [all] = await a.allSockets
    const mine = all.find((x) => x.id === c.id)
    assert.ok(mine, `the demo client is listed: ${JSON.stringify(all)}`)
    assert.equal(mine.nsp, '/')
    assert.equal(mine.clientId, c.io.engine.id.slice(0, 12))
    assert.ok(['polling', 'websocket'].includes(mine.transport))
    assert.deepEqual([...mine.rooms].sort(), [c.id, 'room1'].sort())
    assert.deepEqual(mine.data, {})
    assert.equal(mine.handshake.address, '127.0.0.1')
    assert.equal(typeof mine.handshake.headers, 'object')
    assert.ok(mine.handshake.url.startsWith('/socket.io/'))
    assert.equal(mine.handshake.query.EIO, '4')
    assert.equal(mine.handshake.auth, undefined, 'auth is not shown')
    assert.ok(all.some((x) => x.id === a.s.id && x.nsp === '/admin'), 'the admin socket too')

    const [stats] = await a.stats
    assert.equal(stats.hostname.length > 0, true)
    assert.equal(stats.serverId, `${stats.hostname}#${stats.pid}`)
    assert.equal(typeof stats.pid, 'number')
    assert.equal(typeof stats.uptime, 'number')
    assert.ok(stats.clientsCount >= 2, JSON.stringify(stats))
    assert.equal(typeof stats.pollingClientsCount, 'number')
    assert.ok(Array.isArray(stats.aggregatedEvents))
    const ns = Object.fromEntries(stats.namespaces.map((n) => [n.name, n.socketsCount]))
    assert.ok(ns['/'] >= 1 && ns['/admin'] >= 1, JSON.stringify(stats.namespaces))
    // Within the next stats, the connections counted per second.
    const [later] = await next(a.s, 'server_stats')
    const types = new Set([...stats.aggregatedEvents, ...later.aggregatedEvents].map((e) => e.type))
    for (const t of ['rawConnection', 'packetsIn', 'bytesIn', 'packetsOut', 'bytesOut'])
      assert.ok(types.has(t), `${t} in ${JSON.stringify([...types])}`)

    // The session id lets the UI back in without the password.
    const again = admin(demo.url, { sessionId })
    await next(again.s, 'connect')
    await again.config
  })

  test('events, rooms and connections are reported as they happen', async () => {
    const a = admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
    await a.allSockets
    const connected = next(a.s, 'socket_connected')
    const c = client(demo.url)
    await next(c, 'connect')
    const [sock, date] = await connected
    assert.equal(sock.id, c.id)
    assert.equal(sock.nsp, '/')
    assert.ok(!Number.isNaN(Date.parse(date)), date)

    const joined = nextWhere(a.s, 'room_joined', (nsp, room) => room === 'room2')
    const received = nextWhere(a.s, 'event_received', (nsp, id) => id === c.id)
    const sent = nextWhere(a.s, 'event_sent', (nsp, id, args) => id === c.id && args[1] === 'Hello you!')
    c.emit('IO_CLIENT_JOIN_ROOM', 'room2')
    assert.deepEqual((await joined).slice(0, 3), ['/', 'room2', c.id])
    assert.deepEqual((await received).slice(0, 3), ['/', c.id, ['IO_CLIENT_JOIN_ROOM', 'room2']])
    assert.deepEqual((await sent).slice(0, 3), ['/', c.id, ['IO_SERVER_HELLO', 'Hello you!']])

    const cid = c.id // the client forgets it on disconnect
    const gone = nextWhere(a.s, 'socket_disconnected', (nsp, id) => id === cid)
    c.disconnect()
    const [nsp, , reason] = await gone
    assert.equal(nsp, '/')
    assert.equal(reason, 'client namespace disconnect')
  })

  test('join, leave and _disconnect from the UI act on the demo client', async () => {
    const c = await demoClient(demo.url, 'room1')
    const a = admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
    await a.allSockets

    const joined = nextWhere(a.s, 'room_joined', (nsp, room, id) => room === 'vip' && id === c.id)
    a.s.emit('join', '/', 'vip', c.id)
    await joined
    const left = nextWhere(a.s, 'room_left', (nsp, room, id) => room === 'room1' && id === c.id)
    a.s.emit('leave', '/', 'room1', c.id)
    await left
    const check = admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
    const [all] = await check.allSockets
    assert.deepEqual([...all.find((x) => x.id === c.id).rooms].sort(), [c.id, 'vip'].sort())

    const disconnected = next(c, 'disconnect')
    const reported = nextWhere(a.s, 'socket_disconnected', (nsp, id) => id === c.id)
    a.s.emit('_disconnect', '/', false, c.id)
    assert.equal((await disconnected)[0], 'io server disconnect')
    assert.equal((await reported)[2], 'server namespace disconnect')
  })
})

describe('admin UI, read-only and production', () => {
  test('--admin-readonly: no command is accepted', async () => {
    const demo = await startDemo([...withAuth, '--admin-readonly'])
    try {
      const c = await demoClient(demo.url, 'room1')
      const a = admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
      const [config] = await a.config
      assert.deepEqual(config.supportedFeatures, ['AGGREGATED_EVENTS', 'ALL_EVENTS'])
      await a.allSockets
      let disconnected = false
      c.on('disconnect', () => (disconnected = true))
      a.s.emit('_disconnect', '/', true, c.id)
      a.s.emit('join', '/', 'vip', c.id)
      await new Promise((r) => setTimeout(r, QUIET_MS))
      assert.equal(disconnected, false)
      const [all] = await admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD }).allSockets
      assert.deepEqual([...all.find((x) => x.id === c.id).rooms].sort(), [c.id, 'room1'].sort())
    } finally {
      await stopServer(demo.server.child)
    }
  })

  test('--admin-mode production: stats only, no sockets or events', async () => {
    const demo = await startDemo([...withAuth, '--admin-mode', 'production'])
    try {
      const a = admin(demo.url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
      const [config] = await a.config
      assert.deepEqual(config.supportedFeatures, [
        'EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'MJOIN', 'MLEAVE', 'MDISCONNECT', 'AGGREGATED_EVENTS',
      ])
      const seen = []
      for (const e of ['all_sockets', 'socket_connected', 'room_joined', 'event_received'])
        a.s.on(e, () => seen.push(e))
      const [stats] = await a.stats
      assert.ok(stats.namespaces.some((n) => n.name === '/admin'))
      await demoClient(demo.url, 'room1')
      await new Promise((r) => setTimeout(r, QUIET_MS))
      assert.deepEqual(seen, [])
    } finally {
      await stopServer(demo.server.child)
    }
  })

  test('--admin-no-auth lets anyone in, with a warning line', async () => {
    const demo = await startDemo(['--admin-no-auth'])
    try {
      assert.ok(demo.server.output.some((l) => l.includes('WARNING') && l.includes('no password')),
        serverLog(demo.server))
      const a = admin(demo.url, {})
      await a.config
    } finally {
      await stopServer(demo.server.child)
    }
  })

  test('a password instead of a hash is refused at start', () => {
    const r = spawnSync(DEMO, ['--port', '0', '--admin-user', 'a', '--admin-password-hash', 'secret'],
      { encoding: 'utf8' })
    assert.equal(r.status, 2)
    assert.match(r.stderr, /bcrypt hash/)
  })
})

describe('admin UI on a cluster (--redis)', () => {
  test('the UI connected to one server gets every server\'s stats and sockets', async () => {
    const redis = await startRedis()
    const demos = []
    try {
      for (let i = 0; i < 2; i++) demos.push(await startDemo([...withAuth, '--redis', redis.url]))
      const c = await demoClient(demos[1].url, 'far-room') // on the other server
      const a = admin(demos[0].url, { username: ADMIN_USER, password: ADMIN_PASSWORD })
      const [all] = await a.allSockets
      const far = all.find((x) => x.id === c.id)
      assert.ok(far, `the other server's client is listed: ${JSON.stringify(all)}`)
      assert.ok(far.rooms.includes('far-room'))
      assert.equal(far.clientId, c.io.engine.id.slice(0, 12))
      // server_stats from both servers, told apart by serverId (hostname#pid).
      const ids = new Set()
      const deadline = Date.now() + 6_000
      while (ids.size < 2 && Date.now() < deadline) ids.add((await next(a.s, 'server_stats'))[0].serverId)
      assert.equal(ids.size, 2, [...ids].join(', '))
      // A command from this UI reaches the client on the other server.
      const disconnected = next(c, 'disconnect')
      a.s.emit('_disconnect', '/', false, c.id)
      assert.equal((await disconnected)[0], 'io server disconnect')
    } finally {
      for (const d of demos) await stopServer(d.server.child)
      await stopServer(redis.child)
    }
  })
})
