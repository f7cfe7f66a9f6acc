// SIGTERM with clients connected: the demo server exits as soon as they are gone when they
// cooperate, and once its grace (--grace) runs out when one does not.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test shutdown.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { startDemo, stopServer, serverLog } from './lib/server_process.mjs'
import { io } from 'socket.io-client'

/** Sends SIGTERM; resolves to { ms, code } once the process has exited. */
function terminate(child) {
  const started = performance.now()
  return new Promise((resolve) => {
    child.once('exit', (code, signal) =>
      resolve({ ms: performance.now() - started, code, signal }),
    )
    child.kill('SIGTERM')
  })
}

function connectAll(port, count) {
  const clients = []
  const connected = []
  for (let i = 0; i < count; i++) {
    const transports = i % 2 ? ['polling'] : ['websocket']
    const c = io(`http://127.0.0.1:${port}`, { transports, reconnection: false, forceNew: true })
    clients.push(c)
    connected.push(new Promise((resolve, reject) => {
      c.once('connect', resolve)
      c.once('connect_error', reject)
    }))
  }
  return { clients, ready: Promise.all(connected) }
}

test('clients that cooperate: every one is told, and the server exits at once with 0', async () => {
  const server = await startDemo()
  try {
    const { clients, ready } = connectAll(server.port, 40)
    await ready
    const disconnected = clients.map(
      (c) => new Promise((resolve) => c.once('disconnect', (reason) => resolve(reason))),
    )
    const exit = await terminate(server.child)
    const reasons = await Promise.all(disconnected)
    assert.equal(exit.code, 0, serverLog(server))
    // The default grace is 10 s: finishing far below it shows nothing was waited out.
    assert.ok(exit.ms < 2_000, `exited after ${exit.ms.toFixed(0)} ms${serverLog(server)}`)
    // Every client learns it is over: WebSocket ones from the close frame, polling ones
    // from the close packet (or from a poll that found the server gone).
    assert.equal(reasons.length, 40)
    assert.ok(server.stderr.concat(server.stdout).some((l) => l.includes('stopped')))
  } finally {
    await stopServer(server.child)
  }
})

test('a client that does not cooperate is cut off when the grace runs out', async () => {
  const server = await startDemo(['--grace', '1'])
  const sockets = []
  try {
    const { clients, ready } = connectAll(server.port, 10)
    await ready
    // A WebSocket that never answers the server's close frame (the close handshake would
    // wait 2 s), and a request whose header never ends (the HTTP layer would wait 30 s).
    const silent = net.connect(server.port, '127.0.0.1')
    sockets.push(silent)
    await new Promise((resolve) => silent.once('connect', resolve))
    const upgraded = new Promise((resolve) => silent.once('data', resolve))
    silent.write(
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
    assert.match(String(await upgraded), /^HTTP\/1\.1 101/)
    const partial = net.connect(server.port, '127.0.0.1')
    sockets.push(partial)
    await new Promise((resolve) => partial.once('connect', resolve))
    partial.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await new Promise((resolve) => setTimeout(resolve, 100))

    const exit = await terminate(server.child)
    assert.equal(exit.code, 0, serverLog(server))
    assert.ok(exit.ms >= 900, `exited after ${exit.ms.toFixed(0)} ms, before the grace`)
    assert.ok(exit.ms < 5_000, `exited after ${exit.ms.toFixed(0)} ms${serverLog(server)}`)
    for (const c of clients) c.close()
  } finally {
    for (const s of sockets) s.destroy()
    await stopServer(server.child)
  }
})

test('--drain-seconds spreads the disconnects over the drain, then exits with 0', async () => {
  const server = await startDemo(['--drain-seconds', '2'])
  try {
    const { clients, ready } = connectAll(server.port, 12)
    await ready
    let started = 0
    const disconnected = clients.map(
      (c) => new Promise((resolve) => c.once('disconnect', () => resolve(performance.now() - started))),
    )
    started = performance.now()
    const exiting = terminate(server.child)
    // During the drain the server refuses new sessions (503) but still serves the others.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const late = await fetch(`http://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=polling`)
    assert.equal(late.status, 503)
    assert.deepEqual(await late.json(), { code: 4, message: 'Server shutting down' })

    const times = (await Promise.all(disconnected)).sort((a, b) => a - b)
    const exit = await exiting
    const shown = times.map((t) => t.toFixed(0)).join(', ')
    assert.equal(exit.code, 0, serverLog(server))
    // 12 sessions over 2 s: one every 167 ms, from 0 to 1.83 s; each half of the drain
    // has its share, and the process ends soon after the drain.
    assert.ok(times[0] < 500, `first disconnect at ${times[0].toFixed(0)} ms: ${shown}`)
    assert.ok(times[11] > 1_400, `last disconnect at ${times[11].toFixed(0)} ms: ${shown}`)
    const firstHalf = times.filter((t) => t < 1_000).length
    assert.ok(firstHalf >= 4 && firstHalf <= 8, `disconnects at ${shown} ms`)
    assert.ok(exit.ms >= 1_900 && exit.ms < 4_000, `exited after ${exit.ms.toFixed(0)} ms${serverLog(server)}`)
  } finally {
    await stopServer(server.child)
  }
})
