// /healthz and /readyz on the demo, as Kubernetes probes see them: 200 while serving and
// ready; /readyz 503 while draining after SIGTERM, and while Redis (--redis) is away.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test health.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startDemo, stopServer } from './lib/server_process.mjs'
import { freePort, startRedis } from './lib/redis_server.mjs'
import { io } from 'socket.io-client'

async function probe(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') }
}

async function until(check, what, ms = 15_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('/healthz and /readyz are 200 while serving; /readyz is 503 "draining" after SIGTERM', { timeout: 30_000 }, async () => {
  const server = await startDemo(['--drain-seconds', '3', '--grace', '2'])
  try {
    assert.deepEqual(await probe(server.port, '/healthz'),
      { status: 200, body: 'ok\n', type: 'text/plain; charset=utf-8' })
    assert.deepEqual(await probe(server.port, '/readyz'),
      { status: 200, body: 'ready\n', type: 'text/plain; charset=utf-8' })
    assert.equal((await probe(server.port, '/readyz/more')).status, 404)
    const post = await fetch(`http://127.0.0.1:${server.port}/readyz`, { method: 'POST' })
    assert.equal(post.status, 405)

    // A client, so that there is something to drain.
    const client = io(`http://127.0.0.1:${server.port}`,
      { transports: ['websocket'], reconnection: false, forceNew: true })
    await new Promise((resolve, reject) => {
      client.once('connect', resolve)
      client.once('connect_error', reject)
    })
    const exited = new Promise((resolve) => server.child.once('exit', resolve))
    server.child.kill('SIGTERM')
    // The drain keeps the port open: the probe sees the server going away.
    const draining = await until(async () => {
      const r = await probe(server.port, '/readyz')
      return r.status === 503 ? r : null
    }, '/readyz to turn 503')
    assert.deepEqual(draining, { status: 503, body: 'draining\n', type: 'text/plain; charset=utf-8' })
    // Still alive meanwhile.
    assert.equal((await probe(server.port, '/healthz')).status, 200)
    client.close()
    await exited
  } finally {
    await stopServer(server.child)
  }
})

test('with --redis, /readyz is 503 while Redis is away and 200 once it is back', { timeout: 60_000 }, async () => {
  const redisPort = await freePort()
  // Redis is not there yet: the demo starts, but is not ready.
  const server = await startDemo(['--redis', `redis://127.0.0.1:${redisPort}`])
  let redis
  try {
    assert.deepEqual(await probe(server.port, '/readyz'),
      { status: 503, body: 'redis: not connected\n', type: 'text/plain; charset=utf-8' })
    assert.equal((await probe(server.port, '/healthz')).status, 200)

    redis = await startRedis(redisPort)
    await until(async () => (await probe(server.port, '/readyz')).status === 200,
      '/readyz 200 once Redis is up')

    await stopServer(redis.child)
    await until(async () => (await probe(server.port, '/readyz')).status === 503,
      '/readyz 503 once Redis is stopped')
    assert.equal((await probe(server.port, '/healthz')).status, 200)

    redis = await startRedis(redisPort)
    await until(async () => (await probe(server.port, '/readyz')).status === 200,
      '/readyz 200 once Redis is back')
    // The adapter's state is on /metrics too.
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
    assert.match(metrics, /^socketio_redis_ready 1$/m)
    assert.match(metrics, /^socketio_redis_reconnects_total [1-9]\d*$/m)
  } finally {
    await stopServer(server.child)
    if (redis) await stopServer(redis.child)
  }
})
