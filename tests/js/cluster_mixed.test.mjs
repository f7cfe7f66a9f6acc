// A mixed cluster on one real Redis: a C++ member (tools' sio_cluster_member, with the Redis
// adapter) and a Node member (socket.io 4.8.4 + @socket.io/redis-adapter 8.3.0), each with
// official socket.io-client clients, over WebSocket and polling. Every broadcast form, binary,
// and the cluster-wide operations must work in both directions.
//
//   SIO_CLUSTER_MEMBER=path/to/sio_cluster_member node --test cluster_mixed.test.mjs

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createClient } from 'redis'
import { stopServer, serverLog } from './lib/server_process.mjs'
import { startMember, client, call, received, disconnectAll } from './lib/cluster_members.mjs'
import { startRedis } from './lib/redis_server.mjs'
import { pseudoRandomBytes, sleep } from './lib/util.mjs'

/** Nothing named `name` beyond `n` arrives at `c` within a quiet period. */
async function noMore(c, name, n = 0) {
  await sleep(300)
  const got = c.events.filter((e) => e.name === name).length
  assert.equal(got, n, `${c.member.id} client: ${got} "${name}" events, expected ${n}`)
}

const MODES = [
  { name: 'websocket', transports: ['websocket'] },
  { name: 'polling', transports: ['polling'] },
]

for (const mode of MODES) {
  describe(`mixed cluster (C++ and Node members), ${mode.name}`, { timeout: 90_000 }, () => {
    let redis
    let cpp
    let node
    const log = () => serverLog(cpp) + serverLog(node)

    before(async () => {
      redis = await startRedis()
      ;[cpp, node] = await Promise.all([startMember('cpp', redis.url, 'cpp-1'), startMember('node', redis.url, 'node-1')])
      cpp.id = 'cpp-1'
      node.id = 'node-1'
    }, { timeout: 30_000 })

    after(async () => {
      disconnectAll()
      await Promise.all([stopServer(cpp?.child), stopServer(node?.child)])
      await stopServer(redis?.child)
    }, { timeout: 20_000 })

    it('counts exactly one subscriber per server on the request channel', async () => {
      const r = createClient({ url: redis.url })
      await r.connect()
      try {
        const numsub = await r.pubSubNumSub('socket.io-request#/#')
        assert.equal(numsub['socket.io-request#/#'], 2, log())
      } finally {
        await r.quit()
      }
    })

    it("runs the chapter's room hellos across servers, in order", async () => {
      const b = await client(node, mode.transports)
      b.socket.emit('IO_CLIENT_JOIN_ROOM', 'room-A')
      await received(b, 'IO_SERVER_HELLO', 3)
      const a = await client(cpp, mode.transports) // after b's hellos, so it gets only its own
      a.socket.emit('IO_CLIENT_JOIN_ROOM', 'room-A')
      const atA = (await received(a, 'IO_SERVER_HELLO', 3)).map((x) => x[0])
      assert.deepEqual(atA, ['Hello everyone!', 'Hello clients of room room-A!', 'Hello you!'], log())
      // b: its own three, then everyone and the room's from the C++ server.
      const atB = (await received(b, 'IO_SERVER_HELLO', 5)).map((x) => x[0])
      assert.deepEqual(atB.slice(3), ['Hello everyone!', 'Hello clients of room room-A!'], log())
      await noMore(a, 'IO_SERVER_HELLO', 3)
      await noMore(b, 'IO_SERVER_HELLO', 5)
    })

    it('relays every broadcast form, binary included, both ways', async () => {
      const c1 = await client(cpp, mode.transports)
      const c2 = await client(cpp, mode.transports)
      const n1 = await client(node, mode.transports)
      const n2 = await client(node, mode.transports)
      await call(c1, 'join', ['red'])
      await call(n1, 'join', ['red', 'blue'])
      await call(n2, 'join', ['blue'])
      const bytes = pseudoRandomBytes(70_000)
      for (const [from, label] of [[c2, 'from-cpp'], [n2, 'from-node']]) {
        // One room, binary: only red members, on both servers, get identical bytes.
        await call(from, 'relay', { rooms: ['red'], event: `bin-${label}`, args: [bytes, { nested: bytes.subarray(0, 3) }] })
        for (const c of [c1, n1]) {
          const [[got, obj]] = await received(c, `bin-${label}`)
          assert.ok(Buffer.from(got).equals(bytes), `${label}: 70 000 bytes identical at ${c.member.id}`)
          assert.ok(Buffer.from(obj.nested).equals(bytes.subarray(0, 3)))
        }
        // Several rooms minus one: red or blue, except blue.
        await call(from, 'relay', { rooms: ['red', 'blue'], except: ['blue'], event: `ex-${label}`, args: [1] })
        await received(c1, `ex-${label}`)
        // To a socket on the other server by its id.
        const target = from.member === cpp ? n2 : c1
        await call(from, 'relay', { rooms: [target.id], event: `direct-${label}`, args: ['hi'] })
        assert.deepEqual(await received(target, `direct-${label}`), [['hi']])
        // Everyone but the sender (socket.broadcast).
        await call(from, 'relay', { exceptSelf: true, event: `all-${label}`, args: [] })
        for (const c of [c1, c2, n1, n2].filter((x) => x !== from)) await received(c, `all-${label}`)
      }
      for (const c of [c1, c2, n1, n2]) {
        await noMore(c, 'ex-from-cpp', c === c1 ? 1 : 0)
        await noMore(c, 'ex-from-node', c === c1 ? 1 : 0)
        await noMore(c, 'bin-from-cpp', c === c1 || c === n1 ? 1 : 0)
      }
      await noMore(c2, 'all-from-cpp', 0)
      await noMore(n2, 'all-from-node', 0)
    })

    it('answers fetchSockets, serverSideEmit and counts from either side', async () => {
      const c = await client(cpp, mode.transports)
      const n = await client(node, mode.transports)
      await call(c, 'join', ['green'])
      await call(n, 'join', ['green'])
      const both = [c.id, n.id].sort()
      assert.deepEqual(await call(c, 'fetch-room', 'green'), both, log())
      assert.deepEqual(await call(n, 'fetch-room', 'green'), both, log())
      const fromCpp = await call(c, 'server-side-emit', { x: 1 })
      assert.deepEqual(fromCpp, { error: null, responses: [{ server: 'node-1', from: 'cpp-1', payload: { x: 1 } }] }, log())
      const fromNode = await call(n, 'server-side-emit', [2])
      assert.deepEqual(fromNode, { error: null, responses: [{ server: 'cpp-1', from: 'node-1', payload: [2] }] }, log())
      const countC = await call(c, 'count')
      const countN = await call(n, 'count')
      assert.equal(countC.cluster, countN.cluster)
      assert.equal(countC.cluster, countC.local + countN.local, log())
    })
  })
}
