// Sticky sessions with nginx: redis-server, two demo servers (sio_demo --redis) and nginx in
// front of them, run from tools/nginx-cluster.conf as it is (its placeholders filled in) as a
// foreground process with everything in a temporary directory. Long-polling clients through
// nginx, each from its own loopback address (nginx hashes $remote_addr), join a room and get
// the chapter's three hellos; every request of one address reached one server (nginx's access
// log says which); clients connected straight to each server, in that room, get the room's
// hello of each client that joins through nginx, whichever server nginx chose. A client that
// upgrades to WebSocket through nginx works too.
// Skipped, with a message, only when nginx cannot run here at all.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www [NGINX=path/to/nginx] node --test cluster_nginx.test.mjs

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, rmSync, chmodSync } from 'node:fs'
import { connect } from 'node:net'
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { startRedis, freePort } from './lib/redis_server.mjs'
import { client, disconnectAll, received, eventually } from './lib/cluster_members.mjs'
import { sleep } from './lib/util.mjs'

const NGINX = process.env.NGINX || '/usr/sbin/nginx'
const TEMPLATE = fileURLToPath(new URL('../../tools/nginx-cluster.conf', import.meta.url))
const DEMO_READY = /Server running on port (\d+) \((?:development|production)\)\./
const HELLO = 'IO_SERVER_HELLO'
const ROOM = 'behind-nginx'
const JOINED = `[socket.io] A client joined room ${ROOM}.`

const nginxVersion = spawnSync(NGINX, ['-v'], { encoding: 'utf8' })
const skip = nginxVersion.error || nginxVersion.status !== 0
  ? `nginx cannot run here (${NGINX}: ${nginxVersion.error?.message ?? nginxVersion.stderr.trim()}); tools/setup.sh --tests installs it`
  : false

function startDemo(redisUrl) {
  const binary = process.env.SIO_DEMO
  const www = process.env.SIO_WWW
  assert.ok(binary && www, 'set SIO_DEMO to the sio_demo binary and SIO_WWW to the www folder')
  return startServer({ binary, args: ['--host', '127.0.0.1', '--port', '0', '--www', www, '--redis', redisUrl], readyLine: DEMO_READY, timeoutMs: 10_000 })
}

/** nginx in the foreground from the template, listening on a free loopback port. */
async function startNginx(ports) {
  const dir = mkdtempSync(join(tmpdir(), 'sio-nginx-'))
  chmodSync(dir, 0o755) // run as root, nginx's workers are "nobody": they use the temp dirs
  const listen = await freePort()
  const conf = readFileSync(TEMPLATE, 'utf8') // the comments' examples change too: harmless
    .replaceAll('@LISTEN@', `127.0.0.1:${listen}`)
    .replaceAll('@PORT_1@', String(ports[0]))
    .replaceAll('@PORT_2@', String(ports[1]))
    .replaceAll('@ACCESS_LOG@', join(dir, 'access.log'))
  writeFileSync(join(dir, 'nginx.conf'), conf)
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const output = []
  child.stdout.on('data', (d) => output.push(String(d)))
  child.stderr.on('data', (d) => output.push(String(d)))
  process.once('exit', () => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {}
  })
  const nginx = { child, dir, port: listen, output, accessLog: join(dir, 'access.log') }
  // Ready when it accepts connections.
  try {
    await waitForNginx(child, listen, output)
  } catch (e) {
    await stopServer(child, { signal: 'SIGKILL' })
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  return nginx
}

function waitForNginx(child, listen, output) {
  return eventually(
    () => {
      if (child.exitCode !== null) assert.fail(`nginx exited (${child.exitCode}): ${output.join('')}`)
      return new Promise((resolve) => {
        const s = connect(listen, '127.0.0.1', () => {
          s.destroy()
          resolve(true)
        })
        s.on('error', () => resolve(false))
      })
    },
    () => `nginx did not start: ${output.join('')}`,
    10_000,
  )
}

describe('nginx in front of two demo servers sharing a Redis', { skip, timeout: 90_000 }, () => {
  let redis
  let servers = []
  let nginx
  const log = () => servers.map((s) => serverLog(s)).join('') + (nginx ? `\n--- nginx ---\n${nginx.output.join('')}` : '')
  const joinedAt = (s) => s.stdout.filter((l) => l === JOINED).length

  before(async () => {
    redis = await startRedis()
    servers = await Promise.all([startDemo(redis.url), startDemo(redis.url)])
    nginx = await startNginx(servers.map((s) => s.port))
  }, { timeout: 30_000 })

  after(async () => {
    disconnectAll()
    await stopServer(nginx?.child, { signal: 'SIGQUIT' })
    await Promise.all(servers.map((s) => stopServer(s.child)))
    await stopServer(redis?.child)
    if (nginx) rmSync(nginx.dir, { recursive: true, force: true })
  }, { timeout: 20_000 })

  it('keeps each long-polling client on one server, and the room spans both', async (t) => {
    // One client straight on each server, in the room.
    const direct = []
    for (const [i, s] of servers.entries()) {
      const c = await client({ id: `server ${i + 1}`, port: s.port }, ['websocket'])
      c.socket.emit('IO_CLIENT_JOIN_ROOM', ROOM)
      await received(c, HELLO, 3)
      direct.push(c)
    }
    const roomHellos = (c) => c.events.filter((e) => e.name === HELLO && e.args[0] === `Hello clients of room ${ROOM}!`).length

    const viaNginx = []
    const landed = new Map() // source address -> server index
    for (let i = 0; i < 4; i++) {
      const address = `127.0.0.${11 + i}`
      const before = servers.map(joinedAt)
      const beforeDirect = direct.map(roomHellos)
      const c = await client(null, ['polling'], { url: `http://127.0.0.1:${nginx.port}`, agent: new Agent({ localAddress: address }) })
      c.member = { id: `nginx client from ${address}` }
      c.socket.emit('IO_CLIENT_JOIN_ROOM', ROOM)
      const hellos = (await received(c, HELLO, 3)).slice(0, 3).map((a) => a[0])
      assert.deepEqual(hellos, ['Hello everyone!', `Hello clients of room ${ROOM}!`, 'Hello you!'], log())
      const server = await eventually(() => {
        const now = servers.map(joinedAt)
        const i2 = now.findIndex((n, k) => n > before[k])
        return i2 >= 0 ? i2 + 1 : 0
      }, () => `no server logged the join${log()}`)
      landed.set(address, server)
      // Both direct clients, the one on the other server included, get this join's room hello.
      for (const [k, d] of direct.entries()) {
        await eventually(() => roomHellos(d) > beforeDirect[k], () => `server ${k + 1}'s direct client missed the room hello of ${address} (on server ${server})${log()}`)
      }
      viaNginx.push(c)
    }
    // A few more polls each, then: still connected (a poll that reached the wrong server
    // would have ended its session), and nginx sent each address to one server only.
    await sleep(500)
    for (const c of viaNginx) {
      assert.ok(c.socket.connected, `${c.member.id} lost its session: ${c.disconnected}${log()}`)
      assert.equal(c.socket.io.engine.transport.name, 'polling')
    }
    const upstreams = new Map()
    for (const line of readFileSync(nginx.accessLog, 'utf8').split('\n')) {
      const m = /^(\S+) "(\S+) \/socket\.io\/\S* [^"]*" (\d+) upstream=(\S+)/.exec(line)
      if (!m || !landed.has(m[1])) continue
      if (!upstreams.has(m[1])) upstreams.set(m[1], new Map())
      const per = upstreams.get(m[1])
      per.set(m[4], (per.get(m[4]) ?? 0) + 1)
      assert.equal(m[3], '200', `${line}${log()}`)
    }
    for (const [address, server] of landed) {
      const per = upstreams.get(address)
      assert.ok(per, `no access log lines for ${address}`)
      assert.equal(per.size, 1, `${address} reached ${[...per.keys()].join(' and ')}`)
      const [[upstream, requests]] = [...per]
      assert.equal(upstream, `127.0.0.1:${servers[server - 1].port}`)
      t.diagnostic(`${address}: ${requests} requests, all to server ${server} (${upstream})`)
    }
  })

  it('passes the WebSocket upgrade through', async () => {
    const c = await client(null, undefined, { url: `http://127.0.0.1:${nginx.port}`, agent: new Agent({ localAddress: '127.0.0.21' }) })
    c.member = { id: 'nginx client that upgrades' }
    await eventually(() => c.socket.io.engine.transport.name === 'websocket', () => `no upgrade through nginx${log()}`)
    c.socket.emit('IO_CLIENT_JOIN_ROOM', ROOM)
    const hellos = (await received(c, HELLO, 3)).slice(0, 3).map((a) => a[0])
    assert.deepEqual(hellos, ['Hello everyone!', `Hello clients of room ${ROOM}!`, 'Hello you!'], log())
  })
})
