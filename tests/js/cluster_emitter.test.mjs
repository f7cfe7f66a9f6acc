// Emitters into a mixed cluster on one real Redis: a C++ member (sio_cluster_member) and a
// Node member (socket.io 4.8.4 + @socket.io/redis-adapter 8.3.0), each with official
// socket.io-client clients. The same checks run with Node's @socket.io/redis-emitter 5.1.0
// (over node-redis 4.7.1) and with the C++ emitter (sio::cluster::emitter, through sio_emit):
// emit to all, to rooms, except rooms, 70 000 binary bytes, socketsJoin / socketsLeave,
// serverSideEmit, disconnectSockets; every one must reach the clients of both members.
//
//   SIO_CLUSTER_MEMBER=path/to/sio_cluster_member SIO_EMIT=path/to/sio_emit \
//     node --test cluster_emitter.test.mjs

import { describe, it, before, after, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from 'redis'
import { Emitter } from '@socket.io/redis-emitter'
import { io as connectClient } from 'socket.io-client'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { startRedis } from './lib/redis_server.mjs'
import { pseudoRandomBytes, withTimeout, sleep } from './lib/util.mjs'

const READY = /cluster member \S+ listening on port (\d+)/
const EVENT_TIMEOUT_MS = 5_000
const NODE_MEMBER = fileURLToPath(new URL('./cluster/node_member.mjs', import.meta.url))

function startMember(kind, redisUrl, id) {
  const args = ['--port', '0', '--redis', redisUrl, '--id', id]
  if (kind === 'cpp') {
    const binary = process.env.SIO_CLUSTER_MEMBER
    assert.ok(binary, 'set SIO_CLUSTER_MEMBER to the sio_cluster_member binary')
    return startServer({ binary, args, readyLine: READY, timeoutMs: 10_000 })
  }
  return startServer({ binary: process.execPath, args: [NODE_MEMBER, ...args], readyLine: READY, timeoutMs: 10_000 })
}

const sockets = new Set()
/** An official client on `member`; resolves once connected. Records every event. */
async function client(member) {
  const socket = connectClient(`http://127.0.0.1:${member.port}`, { transports: ['websocket'], reconnection: false, forceNew: true })
  sockets.add(socket)
  const events = []
  socket.onAny((name, ...args) => events.push({ name, args }))
  const disconnects = []
  socket.on('disconnect', (reason) => disconnects.push(reason))
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  }), EVENT_TIMEOUT_MS, `connect to ${member.id}`)
  return { socket, events, disconnects, member, id: socket.id }
}

const call = (c, event, ...args) =>
  withTimeout(c.socket.emitWithAck(event, ...args), EVENT_TIMEOUT_MS, `${event} on ${c.member.id}`)

/** Waits until `c` has received `n` events named `name`; returns their argument lists. */
async function received(c, name, n = 1) {
  const deadline = Date.now() + EVENT_TIMEOUT_MS
  for (;;) {
    const got = c.events.filter((e) => e.name === name).map((e) => e.args)
    if (got.length >= n) return got
    if (Date.now() > deadline) assert.fail(`${c.member.id} client got ${got.length} "${name}", wanted ${n}: ${JSON.stringify(c.events).slice(0, 500)}`)
    await sleep(10)
  }
}

/** Exactly `n` events named `name` at each of `clients` after a quiet period. */
async function exactly(clients, name, n) {
  await sleep(300)
  for (const c of clients) {
    const got = c.events.filter((e) => e.name === name).length
    assert.equal(got, n, `${c.member.id} client ${c.id}: ${got} "${name}" events, expected ${n}`)
  }
}

async function disconnected(c) {
  const deadline = Date.now() + EVENT_TIMEOUT_MS
  while (c.socket.connected) {
    if (Date.now() > deadline) assert.fail(`${c.member.id} client ${c.id} still connected`)
    await sleep(10)
  }
  return c.disconnects[0]
}

/** Runs sio_emit with `args`; resolves once it exited 0 (it waits for Redis to have the publish). */
function sioEmit(args) {
  const binary = process.env.SIO_EMIT
  assert.ok(binary, 'set SIO_EMIT to the sio_emit binary')
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`sio_emit ${args.slice(0, 8).join(' ')}: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

// The two emitters behind one interface: `target` is {to: [...], except: [...]}.
function nodeEmitter(redisClient) {
  const io = new Emitter(redisClient)
  const select = ({ to = [], except = [] } = {}) => {
    let op = io
    if (to.length) op = op.to(to)
    if (except.length) op = op.except(except)
    return op
  }
  // The emitter publishes without waiting; a PING on the same connection answers after it.
  const flushed = () => withTimeout(redisClient.ping(), EVENT_TIMEOUT_MS, 'redis PING')
  return {
    async emit(target, event, ...args) {
      select(target).emit(event, ...args)
      await flushed()
    },
    async socketsJoin(target, rooms) {
      select(target).socketsJoin(rooms)
      await flushed()
    },
    async socketsLeave(target, rooms) {
      select(target).socketsLeave(rooms)
      await flushed()
    },
    async disconnectSockets(target, close) {
      select(target).disconnectSockets(close)
      await flushed()
    },
    async serverSideEmit(event, ...args) {
      io.serverSideEmit(event, ...args)
      await flushed()
    },
  }
}

function cppEmitter(redisUrl, dir) {
  let files = 0
  const options = ({ to = [], except = [] } = {}) => [
    '--redis', redisUrl,
    ...to.flatMap((r) => ['--to', r]),
    ...except.flatMap((r) => ['--except', r]),
  ]
  // JSON for each argument; a binary one through a file (@FILE), as it is too big for argv.
  const arg = (a) => {
    if (!(a instanceof Uint8Array)) return JSON.stringify(a)
    const path = join(dir, `arg-${files++}.bin`)
    writeFileSync(path, a)
    return `@${path}`
  }
  return {
    emit: (target, event, ...args) => sioEmit([...options(target), '--', event, ...args.map(arg)]),
    socketsJoin: (target, rooms) => sioEmit([...options(target), ...rooms.flatMap((r) => ['--join', r])]),
    socketsLeave: (target, rooms) => sioEmit([...options(target), ...rooms.flatMap((r) => ['--leave', r])]),
    disconnectSockets: (target, close) => sioEmit([...options(target), '--disconnect', ...(close ? ['--close'] : [])]),
    serverSideEmit: (event, ...args) => sioEmit([...options(), '--server-side', '--', event, ...args.map(arg)]),
  }
}

describe('emitters into a mixed cluster (C++ and Node members)', { timeout: 120_000 }, () => {
  let redis
  let cpp
  let node
  let redisClient
  let dir
  const emitters = {}
  const log = () => serverLog(cpp) + serverLog(node)

  before(async () => {
    redis = await startRedis()
    ;[cpp, node] = await Promise.all([startMember('cpp', redis.url, 'cpp-1'), startMember('node', redis.url, 'node-1')])
    cpp.id = 'cpp-1'
    node.id = 'node-1'
    redisClient = createClient({ url: redis.url })
    redisClient.on('error', (e) => console.error(`emitter's redis client: ${e.message}`))
    await redisClient.connect()
    dir = mkdtempSync(join(tmpdir(), 'sio-emit-'))
    emitters.node = nodeEmitter(redisClient)
    emitters.cpp = cppEmitter(redis.url, dir)
  }, { timeout: 30_000 })

  afterEach(() => {
    for (const s of sockets) s.disconnect()
    sockets.clear()
  })

  after(async () => {
    await redisClient?.quit().catch(() => {})
    await Promise.all([stopServer(cpp?.child), stopServer(node?.child)])
    await stopServer(redis?.child)
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, { timeout: 20_000 })

  for (const kind of ['node', 'cpp']) {
    const em = () => emitters[kind]
    const room = (name) => `${kind}-${name}`

    /** c1, n1 in red; c2, n2 in blue (c: on the C++ member, n: on the Node one). */
    async function fourClients() {
      const [c1, c2, n1, n2] = await Promise.all([client(cpp), client(cpp), client(node), client(node)])
      await Promise.all([
        call(c1, 'join', [room('red')]),
        call(n1, 'join', [room('red')]),
        call(c2, 'join', [room('blue')]),
        call(n2, 'join', [room('blue')]),
      ])
      return { c1, c2, n1, n2, all: [c1, c2, n1, n2] }
    }

    it(`${kind} emitter: emits to all, to rooms, except rooms, on both members`, async () => {
      const { c1, c2, n1, n2, all } = await fourClients()
      const args = ['hello', 42, { a: [1, 2.5, null], s: 'ünïcødé ✓' }]
      await em().emit({}, `all-${kind}`, ...args)
      for (const c of all) assert.deepEqual(await received(c, `all-${kind}`), [args], log())
      await em().emit({ to: [room('red')] }, `red-${kind}`, 1)
      await em().emit({ except: [room('red')] }, `not-red-${kind}`, 2)
      await em().emit({ to: [room('red'), room('blue')], except: [room('blue')] }, `red-blue-not-blue-${kind}`, 3)
      for (const c of [c1, n1]) {
        assert.deepEqual(await received(c, `red-${kind}`), [[1]], log())
        assert.deepEqual(await received(c, `red-blue-not-blue-${kind}`), [[3]], log())
      }
      for (const c of [c2, n2]) assert.deepEqual(await received(c, `not-red-${kind}`), [[2]], log())
      await exactly(all, `all-${kind}`, 1)
      await exactly([c2, n2], `red-${kind}`, 0)
      await exactly([c1, n1], `not-red-${kind}`, 0)
      await exactly([c2, n2], `red-blue-not-blue-${kind}`, 0)
    })

    it(`${kind} emitter: 70 000 binary bytes arrive identical on both members`, async () => {
      const { c1, n1, c2, n2 } = await fourClients()
      const bytes = pseudoRandomBytes(70_000, kind === 'node' ? 1 : 2)
      await em().emit({ to: [room('red')] }, `bin-${kind}`, bytes, { size: bytes.length })
      for (const c of [c1, n1]) {
        const [[got, meta]] = await received(c, `bin-${kind}`)
        assert.ok(Buffer.from(got).equals(Buffer.from(bytes)), `70 000 bytes identical at ${c.member.id}`)
        assert.deepEqual(meta, { size: 70_000 })
      }
      await exactly([c2, n2], `bin-${kind}`, 0)
    })

    it(`${kind} emitter: socketsJoin, then a room emit; socketsLeave, then none`, async () => {
      const { c1, n1, c2, n2, all } = await fourClients()
      await em().socketsJoin({ to: [room('red')] }, [room('green'), room('gold')])
      await em().emit({ to: [room('green')] }, `green-${kind}`, 'joined')
      for (const c of [c1, n1]) {
        assert.deepEqual(await received(c, `green-${kind}`), [['joined']], log())
        const rooms = await call(c, 'join', [])
        assert.ok(rooms.includes(room('green')) && rooms.includes(room('gold')), `${c.member.id}: ${rooms}`)
      }
      await em().socketsLeave({}, [room('green')])
      await em().emit({ to: [room('green')] }, `green-again-${kind}`, 'left')
      await em().emit({ to: [room('gold')] }, `gold-${kind}`, 'still in')
      for (const c of [c1, n1]) await received(c, `gold-${kind}`)
      await exactly(all, `green-again-${kind}`, 0)
      await exactly([c2, n2], `green-${kind}`, 0)
      await exactly([c2, n2], `gold-${kind}`, 0)
    })

    it(`${kind} emitter: serverSideEmit reaches every member's server-side listener`, async () => {
      const c = await client(cpp)
      const n = await client(node)
      await em().serverSideEmit('note', { from: kind }, 7)
      for (const x of [c, n]) assert.deepEqual(await received(x, 'server-side-note'), [[{ from: kind }, 7]], log())
      await exactly([c, n], 'server-side-note', 1)
    })

    it(`${kind} emitter: disconnectSockets disconnects the matching sockets only`, async () => {
      const { c1, n1, c2, n2 } = await fourClients()
      await em().disconnectSockets({ to: [room('red')] }, false)
      for (const c of [c1, n1]) assert.equal(await disconnected(c), 'io server disconnect', log())
      await em().disconnectSockets({ to: [room('blue')] }, true)
      for (const c of [c2, n2]) await disconnected(c)
      // The members still serve.
      const [c, n] = await Promise.all([client(cpp), client(node)])
      assert.ok(c.socket.connected && n.socket.connected)
    })
  }
})
