// Cross-server acknowledgements and commands in a mixed cluster on one real Redis: a C++ member
// (sio_cluster_member) and a Node member (socket.io 4.8.4 + @socket.io/redis-adapter 8.3.0),
// official clients on both, over WebSocket and polling.
//   - io.to(room).timeout(t).emit('question', cb) from either side collects every client's
//     answer on both servers, or times out with the answers of those that did answer;
//   - io.in(room).socketsJoin / socketsLeave / disconnectSockets from either side act on the
//     clients of both servers.
//
//   SIO_CLUSTER_MEMBER=path/to/sio_cluster_member node --test cluster_ops.test.mjs

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { stopServer, serverLog } from './lib/server_process.mjs'
import { startRedis } from './lib/redis_server.mjs'
import { startMember, client, disconnectAll, call, received, eventually, alive } from './lib/cluster_members.mjs'

const MODES = [
  { name: 'websocket', transports: ['websocket'] },
  { name: 'polling', transports: ['polling'] },
]

const sorted = (ids) => [...ids].sort()
/** The rooms `c` is in, as its server reports them (joining nothing). */
const roomsOf = async (c) => call(c, 'join', [])

for (const mode of MODES) {
  describe(`cluster acks and commands (C++ and Node members), ${mode.name}`, { timeout: 90_000 }, () => {
    let redis
    let cpp
    let node
    const log = () => serverLog(cpp) + serverLog(node)
    const connect = (member, opts) => client(member, mode.transports, opts)

    before(async () => {
      redis = await startRedis()
      ;[cpp, node] = await Promise.all([startMember('cpp', redis.url, 'cpp-1'), startMember('node', redis.url, 'node-1')])
    }, { timeout: 30_000 })

    after(async () => {
      disconnectAll()
      await Promise.all([stopServer(cpp?.child), stopServer(node?.child)])
      await stopServer(redis?.child)
    }, { timeout: 20_000 })

    it('collects every answer from both servers, from either side', async (t) => {
      const clients = [await connect(cpp), await connect(cpp), await connect(node), await connect(node)]
      for (const c of clients) await call(c, 'join', ['survey'])
      const everyone = sorted(clients.map((c) => c.id))
      for (const from of [clients[0], clients[2]]) {
        const start = performance.now()
        const r = await call(from, 'survey', { room: 'survey', timeoutMs: 4_000 })
        const ms = performance.now() - start
        assert.deepEqual(r, { error: null, answers: everyone }, `survey from ${from.member.id}${log()}`)
        t.diagnostic(`survey from ${from.member.id}: 4 answers in ${ms.toFixed(1)} ms (timeout 4000)`)
      }
      // A room with members on one server only: the other server's share is an empty one.
      await call(clients[3], 'join', ['node-only'])
      for (const from of [clients[0], clients[2]]) {
        const r = await call(from, 'survey', { room: 'node-only', timeoutMs: 4_000 })
        assert.deepEqual(r, { error: null, answers: [clients[3].id] }, `one-server room from ${from.member.id}${log()}`)
      }
      for (const c of clients) c.socket.disconnect()
    })

    it('times out with the answers of those that answered', async (t) => {
      const answering = [await connect(cpp), await connect(node)]
      const silent = [await connect(cpp, { answer: false }), await connect(node, { answer: false })]
      for (const c of [...answering, ...silent]) await call(c, 'join', ['half'])
      for (const from of answering) {
        const start = performance.now()
        const r = await call(from, 'survey', { room: 'half', timeoutMs: 800 })
        const ms = performance.now() - start
        assert.deepEqual(r, { error: 'operation has timed out', answers: sorted(answering.map((c) => c.id)) }, `survey from ${from.member.id}${log()}`)
        t.diagnostic(`survey from ${from.member.id} with 2 silent clients: timed out after ${ms.toFixed(0)} ms (timeout 800)`)
      }
      for (const c of [...answering, ...silent]) c.socket.disconnect()
    })

    it('socketsJoin and socketsLeave from either side act on both servers', async () => {
      const c1 = await connect(cpp)
      const c2 = await connect(cpp)
      const n1 = await connect(node)
      const n2 = await connect(node)
      await call(c1, 'join', ['src'])
      await call(n1, 'join', ['src'])
      for (const [from, other] of [[c2, n2], [n2, c2]]) {
        const room = `joined-by-${from.member.id}`
        assert.equal(await call(from, 'sockets-join', { room: 'src', target: room }), true)
        // Node applies it when its own request comes back from Redis: wait for it.
        for (const c of [c1, n1]) {
          await eventually(async () => (await roomsOf(c)).includes(room), () => `${c.member.id} client never joined ${room}${log()}`)
        }
        for (const c of [c2, n2]) assert.ok(!(await roomsOf(c)).includes(room), `${c.member.id} bystander joined ${room}`)
        // Both servers see the new room's members, and a broadcast to it reaches them.
        for (const asker of [c2, n2]) assert.deepEqual(await call(asker, 'fetch-room', room), sorted([c1.id, n1.id]), log())
        await call(other, 'relay', { rooms: [room], event: `to-${room}`, args: [room] })
        for (const c of [c1, n1]) assert.deepEqual(await received(c, `to-${room}`), [[room]])

        assert.equal(await call(other, 'sockets-leave', { room: 'src', target: room }), true)
        for (const c of [c1, n1]) {
          await eventually(async () => !(await roomsOf(c)).includes(room), () => `${c.member.id} client never left ${room}${log()}`)
        }
        for (const asker of [c2, n2]) assert.deepEqual(await call(asker, 'fetch-room', room), [], log())
        assert.ok((await roomsOf(c1)).includes('src') && (await roomsOf(n1)).includes('src'), 'still in src')
      }
      for (const c of [c1, c2, n1, n2]) c.socket.disconnect()
    })

    it('disconnectSockets from either side disconnects clients of both servers', async (t) => {
      for (const [origin, close] of [[cpp, false], [node, false], [cpp, true], [node, true]]) {
        const asker = await connect(origin)
        const bystanders = [await connect(cpp), await connect(node)]
        const doomed = [await connect(cpp), await connect(cpp), await connect(node)]
        const room = `doomed-${origin.id}-${close}`
        for (const c of doomed) await call(c, 'join', [room])
        assert.equal(await call(asker, 'disconnect-room', { room, close }), true)
        for (const c of doomed) {
          await eventually(() => c.disconnected, () => `${c.member.id} client was not disconnected (from ${origin.id}, close ${close})${log()}`)
        }
        const reasons = doomed.map((c) => `${c.member.id}: ${c.disconnected}`)
        t.diagnostic(`disconnect-room from ${origin.id}, close ${close}: ${reasons.join(', ')}`)
        // Without close the namespace is left, with the server's DISCONNECT packet.
        if (!close) for (const c of doomed) assert.equal(c.disconnected, 'io server disconnect', c.member.id)
        // The others stay: they still answer.
        for (const c of [asker, ...bystanders]) {
          assert.equal(c.disconnected, null, `${c.member.id} bystander disconnected`)
          assert.equal((await call(c, 'whoami')).sid, c.id)
        }
        assert.deepEqual(await call(asker, 'fetch-room', room), [], log())
        for (const c of [asker, ...bystanders]) c.socket.disconnect()
      }
      assert.ok(alive(cpp) && alive(node), log())
    })
  })
}
