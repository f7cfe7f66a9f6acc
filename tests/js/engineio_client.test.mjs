// The official engine.io-client (Node) against the conformance server's /engine.io/ echo.
//
//   SIO_CONFORMANCE_SERVER=path/to/sio_conformance_server node --test engineio_client.test.mjs
//
// Optional: SIO_LOG_LEVEL (default "info"; e.g. "debug") is passed to the server, whose
// output is attached to failure messages.
//
// The server is started as `$SIO_CONFORMANCE_SERVER 0 <log-level>` and must print a line
// containing "http://127.0.0.1:<port>" on stdout (flushed). /engine.io/ is a plain Engine.IO
// v4 server that echoes every message back; pingInterval 300, pingTimeout 200,
// maxPayload 1000000.

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { withTimeout, sleep, pseudoRandomBytes } from './lib/util.mjs'
import { Socket } from 'engine.io-client'

const SERVER_START_TIMEOUT_MS = 10_000
const TEST_TIMEOUT_MS = 15_000
const FILE_TIMEOUT_MS = 60_000
const OPEN_TIMEOUT_MS = 5_000
const ECHO_TIMEOUT_MS = 5_000
const READY_LINE = /http:\/\/127\.0\.0\.1:(\d+)/

const PING_INTERVAL_MS = 300
const PING_TIMEOUT_MS = 200
const MAX_PAYLOAD = 1_000_000

const MODES = [
  { name: 'websocket only', transports: ['websocket'], expectUpgrade: false },
  { name: 'polling only', transports: ['polling'], expectUpgrade: false },
  { name: 'polling then upgrade', transports: ['polling', 'websocket'], expectUpgrade: true },
]

// ---------------------------------------------------------------------------
// Server process

/**
 * Start the conformance server on an ephemeral port.
 * Resolves to { child, port, output, … } once the ready line is printed.
 */
function startConformance(binary) {
  const logLevel = process.env.SIO_LOG_LEVEL || 'info'
  return startServer({
    binary,
    args: ['0', logLevel],
    readyLine: READY_LINE,
    timeoutMs: SERVER_START_TIMEOUT_MS,
  })
}

// ---------------------------------------------------------------------------
// Client helpers

const liveSockets = new Set()

function closeAllSockets() {
  for (const socket of liveSockets) {
    try {
      socket.close()
    } catch {
      // already closed
    }
  }
  liveSockets.clear()
}

/**
 * A client socket plus everything it reported: messages (queued for next()), pings,
 * close/error events, the handshake, the upgrade.
 */
class Client {
  constructor(port, opts) {
    this.messages = []
    this.waiters = []
    this.pings = 0
    this.errors = []
    this.closed = null // { reason, description } once 'close' fired
    this.handshake = null
    this.upgraded = false
    this.events = [] // names, in order, for diagnostics

    this.socket = new Socket(`http://127.0.0.1:${port}`, opts)
    liveSockets.add(this.socket)
    const s = this.socket
    s.on('handshake', (data) => {
      this.events.push('handshake')
      this.handshake = data
    })
    s.on('open', () => this.events.push('open'))
    s.on('upgrade', () => {
      this.events.push('upgrade')
      this.upgraded = true
    })
    s.on('upgradeError', (err) => this.events.push(`upgradeError: ${err?.message}`))
    s.on('ping', () => {
      this.pings += 1
    })
    s.on('error', (err) => {
      this.events.push(`error: ${err?.message}`)
      this.errors.push(err)
    })
    s.on('close', (reason, description) => {
      this.events.push(`close: ${reason}`)
      this.closed = { reason, description }
      liveSockets.delete(s)
      for (const w of this.waiters.splice(0)) w.reject(new Error(`socket closed (${reason})`))
    })
    s.on('message', (data) => {
      const w = this.waiters.shift()
      if (w) w.resolve(data)
      else this.messages.push(data)
    })
  }

  /** Resolves once 'open' fired; rejects if the socket closes first. */
  waitOpen(timeoutMs = OPEN_TIMEOUT_MS) {
    return withTimeout(this.waitEvent('open'), timeoutMs, 'socket did not open')
  }

  /** Resolves once 'upgrade' fired (or has already). */
  waitUpgrade(timeoutMs = OPEN_TIMEOUT_MS) {
    if (this.upgraded) return Promise.resolve()
    return withTimeout(this.waitEvent('upgrade'), timeoutMs, 'socket did not upgrade')
  }

  /** Resolves to { reason, description } once 'close' fired (or has already). */
  waitClose(timeoutMs = OPEN_TIMEOUT_MS) {
    if (this.closed) return Promise.resolve(this.closed)
    return withTimeout(
      new Promise((resolve) => this.socket.once('close', (reason, description) => resolve({ reason, description }))),
      timeoutMs,
      'socket did not close',
    )
  }

  waitEvent(name) {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error(`socket closed (${this.closed.reason}) before '${name}'`))
        return
      }
      const onEvent = () => {
        this.socket.off('close', onClose)
        resolve()
      }
      const onClose = (reason, description) => {
        this.socket.off(name, onEvent)
        const detail = description?.message || description?.description?.message || ''
        reject(new Error(`socket closed (${reason}${detail ? `: ${detail}` : ''}) before '${name}'`))
      }
      this.socket.once(name, onEvent)
      this.socket.once('close', onClose)
    })
  }

  /** The next message received (oldest first). */
  next(timeoutMs = ECHO_TIMEOUT_MS) {
    if (this.messages.length) return Promise.resolve(this.messages.shift())
    if (this.closed) return Promise.reject(new Error(`socket closed (${this.closed.reason})`))
    let waiter
    const p = new Promise((resolve, reject) => {
      waiter = { resolve, reject }
      this.waiters.push(waiter)
    })
    return withTimeout(p, timeoutMs, 'no message received').catch((err) => {
      const i = this.waiters.indexOf(waiter)
      if (i !== -1) this.waiters.splice(i, 1)
      throw err
    })
  }

  /** Send data and resolve to what the server echoes back. */
  async echo(data, timeoutMs = ECHO_TIMEOUT_MS) {
    this.socket.send(data)
    return this.next(timeoutMs)
  }

  describe() {
    return `transport=${this.socket.transport?.name} events=[${this.events.join(', ')}]`
  }

  close() {
    this.socket.close()
  }
}

/** Open a client in `mode`; for the upgrading mode, also wait for the upgrade. */
async function openClient(port, mode) {
  const client = new Client(port, { transports: mode.transports })
  await client.waitOpen()
  if (mode.expectUpgrade) await client.waitUpgrade()
  return client
}

function bytes0to255() {
  const a = new Uint8Array(256)
  for (let i = 0; i < 256; i++) a[i] = i
  return a
}

function assertBinaryEqual(received, sent, label) {
  assert.notEqual(typeof received, 'string', `${label}: binary came back as text`)
  assert.ok(
    Buffer.isBuffer(received) || received instanceof ArrayBuffer || ArrayBuffer.isView(received),
    `${label}: unexpected type ${Object.prototype.toString.call(received)}`,
  )
  const got = Buffer.from(received instanceof ArrayBuffer ? new Uint8Array(received) : received)
  const want = Buffer.from(sent)
  assert.equal(got.length, want.length, `${label}: length`)
  assert.ok(got.equals(want), `${label}: bytes differ`)
}

// ---------------------------------------------------------------------------
// Tests

describe('engine.io-client against the conformance server', { timeout: FILE_TIMEOUT_MS }, () => {
  let server

  before(async () => {
    const binary = process.env.SIO_CONFORMANCE_SERVER
    assert.ok(binary, 'set SIO_CONFORMANCE_SERVER to the sio_conformance_server binary')
    server = await startConformance(binary)
  }, { timeout: SERVER_START_TIMEOUT_MS + 2_000 })

  after(async () => {
    closeAllSockets()
    if (server) await stopServer(server.child)
  }, { timeout: 10_000 })

  for (const mode of MODES) {
    describe(mode.name, () => {
      // Each test gets its own client, closed here whatever happened.
      let client
      const fresh = async () => {
        client = await openClient(server.port, mode)
        return client
      }
      const cleanup = () => {
        if (client && !client.closed) client.close()
        client = null
      }
      const context = () => (client ? ` [${client.describe()}]` : '') + serverLog(server)

      it('opens and reports the server handshake', { timeout: TEST_TIMEOUT_MS }, async () => {
        try {
          const c = await fresh()
          const expectedTransport = mode.expectUpgrade ? 'websocket' : mode.transports[0]
          assert.equal(c.socket.transport.name, expectedTransport, `transport${context()}`)
          assert.equal(c.socket.readyState, 'open')
          assert.ok(c.handshake, 'no handshake event')
          assert.equal(typeof c.handshake.sid, 'string')
          assert.ok(c.handshake.sid.length > 0, 'empty sid')
          assert.equal(c.socket.id, c.handshake.sid)
          assert.equal(c.handshake.pingInterval, PING_INTERVAL_MS)
          assert.equal(c.handshake.pingTimeout, PING_TIMEOUT_MS)
          assert.equal(c.handshake.maxPayload, MAX_PAYLOAD)
          assert.ok(Array.isArray(c.handshake.upgrades), 'upgrades is not an array')
          if (mode.transports[0] === 'polling') {
            assert.deepEqual(c.handshake.upgrades, ['websocket'], 'upgrades offered over polling')
          } else {
            assert.deepEqual(c.handshake.upgrades, [], 'upgrades offered over websocket')
          }
          // The client's own (internal) copies, when this version has them.
          if ('_pingInterval' in c.socket) assert.equal(c.socket._pingInterval, PING_INTERVAL_MS)
          if ('_pingTimeout' in c.socket) assert.equal(c.socket._pingTimeout, PING_TIMEOUT_MS)
          if (mode.expectUpgrade) {
            assert.ok(c.upgraded, 'no upgrade event')
            assert.deepEqual(c.events.slice(0, 3), ['handshake', 'open', 'upgrade'])
          } else {
            assert.ok(!c.events.includes('upgrade'), `unexpected upgrade${context()}`)
          }
        } finally {
          cleanup()
        }
      })

      it('echoes text', { timeout: TEST_TIMEOUT_MS }, async () => {
        try {
          const c = await fresh()
          for (const text of ['hello', 'héllo wörld ✓ 😀 — ünïcödé', ' ', '{"a":[1,2,3]}', '4ping']) {
            assert.equal(await c.echo(text), text, `echo of ${JSON.stringify(text)}${context()}`)
          }
          // An empty message travels as a bare "4"; engine.io-parser decodes that without a
          // data field, so the client reports undefined rather than ''.
          assert.equal((await c.echo('')) ?? '', '', `echo of ""${context()}`)
          const big = 'x'.repeat(50_000) + 'é'.repeat(25_000)
          assert.equal(await c.echo(big), big, `echo of a ${big.length}-char string${context()}`)
        } finally {
          cleanup()
        }
      })

      it('echoes binary', { timeout: TEST_TIMEOUT_MS }, async () => {
        try {
          const c = await fresh()
          const small = bytes0to255()
          assertBinaryEqual(await c.echo(small), small, `bytes 0..255${context()}`)
          const buf = Buffer.from(bytes0to255())
          assertBinaryEqual(await c.echo(buf), buf, `Buffer 0..255${context()}`)
          const one = new Uint8Array([0])
          assertBinaryEqual(await c.echo(one), one, `single zero byte${context()}`)
          const large = pseudoRandomBytes(100 * 1024)
          assertBinaryEqual(await c.echo(large), large, `100 KiB${context()}`)
        } finally {
          cleanup()
        }
      })

      it('echoes a quick burst in order', { timeout: TEST_TIMEOUT_MS }, async () => {
        try {
          const c = await fresh()
          const sent = []
          for (let i = 0; i < 50; i++) {
            sent.push(i % 5 === 4 ? new Uint8Array([i, 255 - i, i]) : `message ${i}`)
          }
          for (const m of sent) c.socket.send(m) // all in the same tick
          for (let i = 0; i < sent.length; i++) {
            const got = await c.next()
            if (typeof sent[i] === 'string') {
              assert.equal(got, sent[i], `message #${i}${context()}`)
            } else {
              assertBinaryEqual(got, sent[i], `message #${i}${context()}`)
            }
          }
          await sleep(100)
          assert.equal(c.messages.length, 0, `unexpected extra messages${context()}`)
        } finally {
          cleanup()
        }
      })

      it('stays connected across several heartbeats', { timeout: TEST_TIMEOUT_MS }, async () => {
        try {
          const c = await fresh()
          const pingsBefore = c.pings
          await sleep(1_500) // five ping rounds at 300 ms
          assert.equal(c.closed, null, `closed while idle${context()}`)
          assert.equal(c.socket.readyState, 'open')
          const pings = c.pings - pingsBefore
          assert.ok(pings >= 3, `only ${pings} pings in 1.5 s${context()}`)
          assert.equal(await c.echo('still there'), 'still there', `echo after idling${context()}`)
        } finally {
          cleanup()
        }
      })

      it('closes cleanly from the client', { timeout: TEST_TIMEOUT_MS }, async () => {
        try {
          const c = await fresh()
          assert.equal(await c.echo('before close'), 'before close')
          const closed = c.waitClose()
          c.close()
          const { reason } = await closed
          assert.equal(reason, 'forced close')
          assert.equal(c.socket.readyState, 'closed')
          assert.deepEqual(c.errors, [], `errors${context()}`)
          // The server is still fine for the next session.
          const again = await openClient(server.port, mode)
          try {
            assert.equal(await again.echo('next session'), 'next session')
            assert.notEqual(again.socket.id, c.handshake.sid, 'session id reused')
          } finally {
            again.close()
          }
        } finally {
          cleanup()
        }
      })
    })
  }

  describe('refused connections', () => {
    for (const transports of [['websocket'], ['polling'], ['polling', 'websocket']]) {
      it(`wrong path, transports ${transports.join('+')}: error then close`, { timeout: TEST_TIMEOUT_MS }, async () => {
        const c = new Client(server.port, { transports, path: '/nope/' })
        try {
          const { reason } = await c.waitClose(OPEN_TIMEOUT_MS)
          assert.equal(reason, 'transport error', `close reason [${c.describe()}]`)
          assert.ok(c.errors.length >= 1, 'no error event')
          assert.ok(!c.events.includes('open'), 'opened on a wrong path')
          assert.equal(c.handshake, null)
        } finally {
          if (!c.closed) c.close()
        }
      })
    }
  })

  describe('server killed under the clients', () => {
    let doomed

    after(async () => {
      if (doomed) await stopServer(doomed.child, { signal: 'SIGKILL' })
    }, { timeout: 10_000 })

    it('every mode closes with transport close or transport error', { timeout: TEST_TIMEOUT_MS }, async () => {
      doomed = await startConformance(process.env.SIO_CONFORMANCE_SERVER)
      const clients = []
      try {
        for (const mode of MODES) clients.push(await openClient(doomed.port, mode))
        for (const c of clients) assert.equal(await c.echo('ping?'), 'ping?')

        const closes = clients.map((c) => c.waitClose(5_000))
        await stopServer(doomed.child, { signal: 'SIGKILL' })
        const results = await Promise.all(closes)
        results.forEach(({ reason }, i) => {
          assert.ok(
            ['transport close', 'transport error'].includes(reason),
            `${MODES[i].name}: close reason ${JSON.stringify(reason)} [${clients[i].describe()}]`,
          )
        })
      } finally {
        for (const c of clients) if (!c.closed) c.close()
      }
    })
  })
})
