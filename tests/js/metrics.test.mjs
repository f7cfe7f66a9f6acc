// /metrics on the demo: a scripted session with the official socket.io-client (WebSocket,
// long-polling and its upgrade, a room, events, broadcasts, a malformed packet, disconnects)
// moves each counter by exactly what it implies; promtool accepts what is served.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test metrics.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { startDemo, stopServer } from './lib/server_process.mjs'
import { io } from 'socket.io-client'

const PROMTOOL = process.env.PROMTOOL || '/usr/bin/promtool'

async function scrape(port, path = '/metrics') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
  return res.text()
}

/** Sample lines as a Map from `name{labels}` to a number. */
function parse(text) {
  const samples = new Map()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    samples.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return samples
}

function promtoolCheck(text) {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' })
  assert.equal(r.error, undefined, `cannot run ${PROMTOOL}: ${r.error}`)
  assert.equal(r.status, 0, `promtool check metrics:\n${r.stdout}${r.stderr}\n---\n${text}`)
}

function connect(port, opts) {
  const c = io(`http://127.0.0.1:${port}`, { reconnection: false, forceNew: true, ...opts })
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c))
    c.once('connect_error', reject)
  })
}

function until(check, what, ms = 5000) {
  const deadline = Date.now() + ms
  return new Promise((resolve, reject) => {
    const poll = async () => {
      const value = await check()
      if (value) return resolve(value)
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(poll, 25)
    }
    poll()
  })
}

test('a scripted session moves the counters by exactly what it implies', { timeout: 30_000 }, async () => {
  const server = await startDemo()
  try {
    const before = parse(await scrape(server.port))
    // Every series is there from the start, at 0.
    for (const name of [
      'engineio_handshakes_total{transport="websocket"}',
      'engineio_disconnects_total{reason="queue full"}',
      'engineio_malformed_input_total{kind="packet"}',
      'socketio_malformed_packets_total{kind="bad_json"}',
      'socketio_event_handler_seconds_count',
      'socketio_sockets{namespace="/"}',
    ])
      assert.equal(before.get(name), 0, name)

    // A WebSocket client and a long-polling one that upgrades.
    const ws = await connect(server.port, { transports: ['websocket'] })
    const polling = await connect(server.port, {})
    await until(() => polling.io.engine.transport.name === 'websocket', 'the upgrade')

    // The room join: io.emit (2 sockets), io.to(room).emit (1), socket.emit (direct).
    const wsHellos = []
    const pollingHellos = []
    ws.on('IO_SERVER_HELLO', (m) => wsHellos.push(m))
    polling.on('IO_SERVER_HELLO', (m) => pollingHellos.push(m))
    ws.emit('IO_CLIENT_JOIN_ROOM', 'room-1')
    polling.emit('IO_CLIENT_HELLO', 'hi')
    await until(() => wsHellos.length === 3 && pollingHellos.length === 1, 'the hellos')

    const during = parse(await scrape(server.port))
    assert.equal(during.get('engineio_clients{transport="websocket"}'), 2)
    assert.equal(during.get('engineio_clients{transport="polling"}'), 0)
    assert.equal(during.get('socketio_sockets{namespace="/"}'), 2)
    // Each socket's own room, and room-1.
    assert.equal(during.get('socketio_rooms{namespace="/"}'), 3)

    // A malformed Socket.IO packet (type 9) closes its connection.
    const bad = await connect(server.port, { transports: ['websocket'] })
    const badGone = new Promise((resolve) => bad.once('disconnect', resolve))
    bad.io.engine.write('9oops')
    await badGone

    const goneWs = new Promise((resolve) => ws.once('disconnect', resolve))
    const gonePolling = new Promise((resolve) => polling.once('disconnect', resolve))
    ws.disconnect()
    polling.disconnect()
    await Promise.all([goneWs, gonePolling])
    const afterText = await until(async () => {
      const text = await scrape(server.port)
      const s = parse(text)
      return s.get('engineio_clients{transport="websocket"}') === 0 &&
        s.get('engineio_clients{transport="polling"}') === 0 &&
        s.get('engineio_disconnects_total{reason="transport close"}') -
          before.get('engineio_disconnects_total{reason="transport close"}') === 2
        ? text
        : null
    }, 'the sessions to end')
    promtoolCheck(afterText)
    const after = parse(afterText)
    const delta = (name) => {
      assert.ok(after.has(name), `${name} is exposed`)
      return after.get(name) - (before.get(name) ?? 0)
    }

    assert.equal(delta('engineio_handshakes_total{transport="websocket"}'), 2)
    assert.equal(delta('engineio_handshakes_total{transport="polling"}'), 1)
    assert.equal(delta('engineio_upgrades_total'), 1)
    assert.equal(delta('engineio_disconnects_total{reason="transport close"}'), 2)
    assert.equal(delta('engineio_disconnects_total{reason="parse error"}'), 1)
    assert.equal(delta('engineio_disconnects_total{reason="ping timeout"}'), 0)
    assert.equal(delta('socketio_connects_total'), 3)
    assert.equal(delta('socketio_connect_errors_total'), 0)
    assert.equal(delta('socketio_disconnects_total{reason="client namespace disconnect"}'), 2)
    assert.equal(delta('socketio_disconnects_total{reason="parse error"}'), 1)
    assert.equal(delta('socketio_events_received_total'), 2)
    assert.equal(delta('socketio_broadcasts_total'), 2)
    assert.equal(delta('socketio_broadcast_deliveries_total'), 3)
    assert.equal(delta('socketio_malformed_packets_total{kind="unknown_type"}'), 1)
    assert.equal(delta('socketio_event_handler_seconds_count'), 2)
    assert.equal(delta('socketio_event_handler_seconds_bucket{le="+Inf"}'), 2)
    assert.equal(delta('engineio_volatile_dropped_total'), 0)
    assert.equal(after.get('socketio_sockets{namespace="/"}'), 0)
    assert.equal(after.get('socketio_rooms{namespace="/"}'), 0)
    // Packets: at least the CONNECTs, the events and the malformed one in; the open
    // packets, CONNECT answers and the 4 hellos out.
    assert.ok(delta('engineio_packets_received_total') >= 3 + 2 + 1)
    assert.ok(delta('engineio_packets_sent_total') >= 3 + 3 + 4)
    assert.ok(delta('engineio_received_bytes_total') > 0)
    assert.ok(delta('engineio_sent_bytes_total') > 0)
  } finally {
    await stopServer(server.child)
  }
})

test('--metrics-port serves /metrics there only; --no-metrics serves none', async () => {
  const server = await startDemo(['--metrics-port', '0'])
  try {
    const line = server.stdout.find((l) => /^Metrics on port \d+\.$/.test(l))
    assert.ok(line, `no "Metrics on port" line in ${server.stdout}`)
    const metricsPort = Number(/(\d+)/.exec(line)[1])
    promtoolCheck(await scrape(metricsPort))
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status, 404)
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status, 200)
  } finally {
    await stopServer(server.child)
  }
  const off = await startDemo(['--no-metrics'])
  try {
    assert.equal((await fetch(`http://127.0.0.1:${off.port}/metrics`)).status, 404)
    assert.equal((await fetch(`http://127.0.0.1:${off.port}/healthz`)).status, 200)
  } finally {
    await stopServer(off.child)
  }
})
