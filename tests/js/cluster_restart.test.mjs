// Redis dies under a cluster's traffic and comes back on the same port. One client per member
// in room "ticks", each relaying a numbered tick to the room every 50 ms.
//
// 1. A mixed cluster: two C++ members (sio_cluster_member) and a Node member (socket.io 4.8.4
//    + @socket.io/redis-adapter 8.3.0 on node-redis 4.7.1). redis-server gets SIGKILL, and in
//    a second round SIGTERM, stays down about 2 s and is started again.
//    Asserted (qualitative only): no member process dies; same-server delivery goes on
//    through the outage (every tick reaches its own server's client); cross-server delivery
//    resumes for every pair (within 5 s) and everything sent after the restart's first
//    2 s arrives; nothing is delivered twice and each origin's ticks arrive in order;
//    PUBSUB NUMSUB of the request channel is the member count again.
//    Printed: per pair, the time from Redis accepting connections again to the first
//    cross-server tick, and of the ticks sent while Redis was down how many arrived late and
//    how many were lost (and how many sent after the restart were lost).
// 2. Two C++ members and a bare subscriber on the cluster's channels that the test brings
//    back 600 ms after Redis (a slow server): the C++ members hold their outage publishes
//    until it is subscribed again, so it loses none; then, with that subscriber gone for
//    good, they stop waiting after resume_wait (2 s) and lose nothing either; and once it is
//    forgotten, they resume as soon as both are subscribed again.
//
//   SIO_CLUSTER_MEMBER=path/to/sio_cluster_member node --test cluster_restart.test.mjs

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { createClient } from 'redis'
import { decode } from 'notepack.io' // @socket.io/redis-adapter's msgpack codec
import { stopServer, serverLog } from './lib/server_process.mjs'
import { startRedis } from './lib/redis_server.mjs'
import { startMember, client, disconnectAll, call, eventually, alive } from './lib/cluster_members.mjs'
import { sleep, withTimeout } from './lib/util.mjs'

const TICK_MS = 50
const RESUME_BOUND_MS = 5_000
const REQUEST_CHANNEL = 'socket.io-request#/#'
const BROADCAST_PATTERN = 'socket.io#/#*'

/** PUBSUB NUMSUB of the request channel, on a connection of its own (which does not count). */
async function numsub(url) {
  const r = createClient({ url, socket: { reconnectStrategy: false } })
  r.on('error', () => {})
  await withTimeout(r.connect(), 2_000, 'connect to redis for NUMSUB')
  try {
    return (await r.pubSubNumSub(REQUEST_CHANNEL))[REQUEST_CHANNEL]
  } finally {
    await r.quit().catch(() => {})
  }
}

/** Polls NUMSUB from now until it is `n`; resolves to the ms that took, or undefined. */
async function numsubReaches(url, n, since) {
  while (performance.now() < since + RESUME_BOUND_MS) {
    if ((await numsub(url).catch(() => 0)) === n) return performance.now() - since
    await sleep(10)
  }
  return undefined
}

/** Starts a cluster of `specs` ([kind, id]) with one client each in room "ticks", and waits until every member hears every other. */
async function startCluster(redis, specs) {
  const members = await Promise.all(specs.map(([kind, id]) => startMember(kind, redis.url, id)))
  const clients = await Promise.all(members.map((m) => client(m, ['websocket'])))
  for (const c of clients) await call(c, 'join', ['ticks'])
  let n = 0
  await eventually(async () => {
    for (const c of clients) await call(c, 'relay', { rooms: ['ticks'], event: 'warm', args: [c.member.id, n++] })
    await sleep(100)
    return clients.every((r) => clients.every((o) => r.events.some((e) => e.name === 'warm' && e.args[0] === o.member.id)))
  }, () => `the cluster never formed${members.map((m) => serverLog(m)).join('')}`, 15_000)
  return { members, clients }
}

/**
 * Every client ticks; after 1 s Redis gets `signal`, stays down `downMs` (from the stop
 * command), is started again on its port, then `afterUp()` runs; ticks go on 3 s more, then
 * 1 s for the last ones to arrive. Returns { redis (the new one), sent, down, up, extra }.
 */
async function outage({ redis, clients, event, signal, downMs, afterUp = async () => undefined }) {
  const sent = new Map(clients.map((c) => [c.member.id, []])) // origin -> [{seq, at}]
  const timers = clients.map((c) => {
    let seq = 0
    return setInterval(() => {
      const s = seq++
      sent.get(c.member.id).push({ seq: s, at: performance.now() })
      c.socket.emit('relay', { rooms: ['ticks'], event, args: [c.member.id, s] }, () => {}) // the hook acks
    }, TICK_MS)
  })
  try {
    await sleep(1_000)
    const stopAt = performance.now()
    await stopServer(redis.child, { signal, graceMs: 5_000 })
    const down = performance.now() // the process has exited
    await sleep(Math.max(0, downMs - (down - stopAt)))
    const port = redis.port
    redis = await startRedis(port)
    const up = performance.now() // it printed "Ready to accept connections"
    const extra = afterUp(up, redis)
    await sleep(3_000)
    for (const timer of timers) clearInterval(timer)
    await sleep(1_000)
    return { redis, sent, down, up, extra: await extra }
  } finally {
    for (const timer of timers) clearInterval(timer)
  }
}

/**
 * Checks and measures one origin's ticks at one receiver: `got` is [{seq, at}] in arrival
 * order. Same server: all of them. Other server: resumed, and complete from up + 2 s.
 */
function judge({ from, to, got, ticks, down, up, local, log }) {
  const seqs = got.map((g) => g.seq)
  assert.equal(new Set(seqs).size, seqs.length, `${from} -> ${to}: duplicates${log()}`)
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `${from} -> ${to}: ${seqs[i]} after ${seqs[i - 1]}${log()}`)
  const arrived = new Map(got.map((g) => [g.seq, g.at]))
  const during = ticks.filter((x) => x.at >= down && x.at < up)
  if (local) {
    const missing = ticks.filter((x) => !arrived.has(x.seq)).map((x) => x.seq)
    assert.deepEqual(missing, [], `${from}: own ticks not delivered locally${log()}`)
    return { during: during.length, slowest: Math.max(...during.map((x) => arrived.get(x.seq) - x.at)) }
  }
  const late = during.filter((x) => arrived.has(x.seq))
  const firstBack = got.find((g) => g.at >= up)
  const resume = firstBack ? firstBack.at - up : undefined
  assert.ok(resume !== undefined && resume <= RESUME_BOUND_MS, `${from} -> ${to}: no delivery within ${RESUME_BOUND_MS} ms of the restart${log()}`)
  const lastOnes = ticks.filter((x) => x.at >= up + 2_000 && !arrived.has(x.seq)).map((x) => x.seq)
  assert.deepEqual(lastOnes, [], `${from} -> ${to}: ticks sent 2 s after the restart lost${log()}`)
  return {
    resume,
    late: late.length,
    lost: during.length - late.length,
    afterLost: ticks.filter((x) => x.at >= up && !arrived.has(x.seq)).length,
    lateBy: late.length ? Math.max(...late.map((x) => arrived.get(x.seq) - x.at)) : undefined,
  }
}

const fmtMs = (x) => (x === undefined ? '-' : `${Math.round(x)} ms`)
const pairLine = (label, x) =>
  `${label}: ${x.from} -> ${x.to}: first tick ${fmtMs(x.resume)} after redis accepted; ` +
  `outage ticks ${x.late} late / ${x.lost} lost (latest ${fmtMs(x.lateBy)}); ${x.afterLost} lost after the restart`

function report(t, lines) {
  for (const line of lines) {
    t.diagnostic(line)
    console.log(line)
  }
}

describe('Redis restart under a mixed cluster (2 C++ members, 1 Node member)', { timeout: 150_000 }, () => {
  let redis
  let members = []
  let clients = []
  const log = () => members.map((m) => serverLog(m)).join('')

  before(async () => {
    redis = await startRedis()
    ;({ members, clients } = await startCluster(redis, [['cpp', 'cpp-1'], ['cpp', 'cpp-2'], ['node', 'node-1']]))
    assert.equal(await numsub(redis.url), members.length, log())
  }, { timeout: 60_000 })

  after(async () => {
    disconnectAll()
    await Promise.all(members.map((m) => stopServer(m.child)))
    await stopServer(redis?.child)
  }, { timeout: 20_000 })

  for (const signal of ['SIGKILL', 'SIGTERM']) {
    it(`keeps serving and resumes after redis-server gets ${signal} and comes back`, async (t) => {
      const event = `tick-${signal}`
      const o = await outage({ redis, clients, event, signal, downMs: 2_000, afterUp: (up, r) => numsubReaches(r.url, members.length, up) })
      redis = o.redis
      const lines = [`${signal}: redis down ${Math.round(o.up - o.down)} ms; NUMSUB back to ${members.length} ${fmtMs(o.extra)} after it accepted again`]

      for (const m of members) assert.ok(alive(m), `${m.id} died${log()}`)
      assert.equal(await numsub(redis.url), members.length, `NUMSUB ${REQUEST_CHANNEL} after the restart${log()}`)

      const rows = []
      for (const r of clients) {
        for (const origin of clients) {
          const from = origin.member.id
          const got = r.events.filter((e) => e.name === event && e.args[0] === from).map((e) => ({ seq: e.args[1], at: e.at }))
          const x = judge({ from, to: r.member.id, got, ticks: o.sent.get(from), down: o.down, up: o.up, local: origin === r, log })
          if (origin === r) lines.push(`${signal}: ${from} local: ${x.during} ticks during the outage, all delivered, slowest ${fmtMs(x.slowest)}`)
          else rows.push({ from, to: r.member.id, kind: origin.member.kind, ...x })
        }
      }
      for (const x of rows) lines.push(pairLine(signal, x))
      for (const kind of ['cpp', 'node']) {
        const mine = rows.filter((x) => x.kind === kind)
        const sum = (k) => mine.reduce((a, x) => a + x[k], 0)
        lines.push(`${signal}: ${kind} -> others: resume ${fmtMs(Math.min(...mine.map((x) => x.resume)))}..${fmtMs(Math.max(...mine.map((x) => x.resume)))}, ` +
          `outage ticks ${sum('late')} late / ${sum('lost')} lost, ${sum('afterLost')} lost after the restart`)
      }
      report(t, lines)
    })
  }
})

describe('C++ members hold outage publishes for the servers they knew', { timeout: 120_000 }, () => {
  let redis
  let members = []
  let clients = []
  let ghost // a bare subscriber on the cluster's channels, standing for a slow server
  let ghostGot = [] // [{from, seq, event}] in arrival order
  const log = () => members.map((m) => serverLog(m)).join('')

  async function ghostSubscribe(url) {
    ghost = createClient({ url, socket: { reconnectStrategy: false } })
    ghost.on('error', () => {})
    await ghost.connect()
    // The pattern first: the members count subscribers of the request channel.
    await ghost.pSubscribe(BROADCAST_PATTERN, (message) => {
      const [, packet] = decode(message)
      const [event, from, seq] = packet.data
      if (event.startsWith('tick-')) ghostGot.push({ event, from, seq })
    }, true)
    await ghost.subscribe(REQUEST_CHANNEL, () => {})
  }

  before(async () => {
    redis = await startRedis()
    ;({ members, clients } = await startCluster(redis, [['cpp', 'cpp-a'], ['cpp', 'cpp-b']]))
    await ghostSubscribe(redis.url)
    assert.equal(await numsub(redis.url), 3)
    await sleep(1_500) // the members count the servers every second
  }, { timeout: 60_000 })

  after(async () => {
    disconnectAll()
    await ghost?.disconnect().catch(() => {})
    await Promise.all(members.map((m) => stopServer(m.child)))
    await stopServer(redis?.child)
  }, { timeout: 20_000 })

  const pairs = (event, o) => {
    const rows = []
    for (const r of clients) {
      for (const origin of clients) {
        if (origin === r) continue
        const from = origin.member.id
        const got = r.events.filter((e) => e.name === event && e.args[0] === from).map((e) => ({ seq: e.args[1], at: e.at }))
        rows.push({ from, to: r.member.id, ...judge({ from, to: r.member.id, got, ticks: o.sent.get(from), down: o.down, up: o.up, local: false, log }) })
      }
    }
    return rows
  }

  it('waits for a server that resubscribes 600 ms after Redis is back', async (t) => {
    const event = 'tick-late-server'
    ghostGot = []
    const o = await outage({
      redis, clients, event, signal: 'SIGKILL', downMs: 1_000,
      afterUp: async (up, r) => {
        await sleep(600)
        await ghostSubscribe(r.url)
        return performance.now() - up
      },
    })
    redis = o.redis
    const lines = [`late server: subscribed again ${fmtMs(o.extra)} after redis accepted`]
    for (const origin of clients) {
      const from = origin.member.id
      const ticks = o.sent.get(from)
      const seqs = ghostGot.filter((g) => g.event === event && g.from === from).map((g) => g.seq)
      assert.equal(new Set(seqs).size, seqs.length, `${from} -> late server: duplicates`)
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `${from} -> late server: ${seqs[i]} after ${seqs[i - 1]}`)
      const during = ticks.filter((x) => x.at >= o.down && x.at < o.up)
      const lost = during.filter((x) => !seqs.includes(x.seq)).map((x) => x.seq)
      const lostAfter = ticks.filter((x) => x.at >= o.up && !seqs.includes(x.seq)).map((x) => x.seq)
      // Held until the late server was back: it got every tick sent while Redis was down or
      // coming back (those before the kill went out while it was subscribed).
      assert.deepEqual(lost, [], `${from} -> late server: outage ticks lost${log()}`)
      assert.deepEqual(lostAfter, [], `${from} -> late server: ticks sent after the restart lost${log()}`)
      lines.push(`late server: ${from} -> it: ${during.length} outage ticks, all delivered; none lost after the restart`)
    }
    for (const x of pairs(event, o)) lines.push(pairLine('late server', x))
    report(t, lines)
  })

  it('stops waiting for a server that never comes back after resume_wait', async (t) => {
    await sleep(1_500) // a census with the late server in it
    const event = 'tick-gone-server'
    const o = await outage({ redis, clients, event, signal: 'SIGKILL', downMs: 1_000 })
    redis = o.redis
    const rows = pairs(event, o)
    for (const x of rows) assert.equal(x.lost, 0, `${x.from} -> ${x.to}: outage ticks lost${log()}`)
    report(t, rows.map((x) => pairLine('gone server', x)))
    assert.equal(await numsub(redis.url), 2)
    for (const m of members) assert.ok(alive(m), `${m.id} died${log()}`)
  })

  it('resumes within the reconnect backoff once only C++ members are left', async (t) => {
    await sleep(1_500) // a census without the gone server
    const event = 'tick-cpp-only'
    const o = await outage({ redis, clients, event, signal: 'SIGKILL', downMs: 2_000 })
    redis = o.redis
    const rows = pairs(event, o)
    for (const x of rows) assert.equal(x.lost, 0, `${x.from} -> ${x.to}: outage ticks lost${log()}`)
    report(t, rows.map((x) => pairLine('C++ only', x)))
    for (const m of members) assert.ok(alive(m), `${m.id} died${log()}`)
  })
})
