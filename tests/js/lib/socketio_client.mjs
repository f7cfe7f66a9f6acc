// Shared by the socketio_client_*.test.mjs files: the official socket.io-client (Node)
// against the demo server and the conformance server, over each transport setup: polling
// then upgrade (the default), polling only, WebSocket only.
//
// Optional: SIO_LOG_LEVEL (default "info"; e.g. "debug") is passed to both servers, whose
// output is attached to failure messages.
//
// The demo is started as `$SIO_DEMO --host 127.0.0.1 --port 0 --www $SIO_WWW` and prints
// "Server running on port <port> (...)." then one flushed stdout line per chapter event;
// warnings go to stderr. The conformance server is started as
// `$SIO_CONFORMANCE_SERVER 0 <log-level>` and prints a line containing
// "http://127.0.0.1:<port>"; its / and /custom namespaces emit `auth` on connect, / echoes
// `message` as `message-back` and acks `message-with-ack` with the same arguments; /auth runs
// asynchronous middleware (token "letmein" is admitted and welcomed with {user: "alice"}).

import { it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, stopServer, serverLog } from './server_process.mjs'
import { withTimeout } from './util.mjs'
import { io } from 'socket.io-client'

export const SERVER_START_TIMEOUT_MS = 10_000
export const TEST_TIMEOUT_MS = 20_000
export const SUITE_TIMEOUT_MS = 45_000 // each file's top-level suite
const CONNECT_TIMEOUT_MS = 5_000
export const EVENT_TIMEOUT_MS = 5_000
export const QUIET_MS = 300 // how long "nothing else arrives" is watched for

const DEMO_READY_LINE = /Server running on port (\d+) \((development|production)\)\./
const CONFORMANCE_READY_LINE = /http:\/\/127\.0\.0\.1:(\d+)/

export const IO_CLIENT_HELLO = 'IO_CLIENT_HELLO'
export const IO_CLIENT_JOIN_ROOM = 'IO_CLIENT_JOIN_ROOM'
export const IO_SERVER_HELLO = 'IO_SERVER_HELLO'

export const CONNECTED_LINE = '[socket.io] A client connected.'
export const DISCONNECTED_LINE = '[socket.io] A client disconnected.'
export const joinedLine = (room) => `[socket.io] A client joined room ${room}.`
export const clientLine = (message) => `[socket.io] Client: ${message}`

export const MODES = [
  { name: 'polling then upgrade', transports: undefined, finalTransport: 'websocket' },
  { name: 'polling only', transports: ['polling'], finalTransport: 'polling' },
  { name: 'websocket only', transports: ['websocket'], finalTransport: 'websocket' },
]

// ---------------------------------------------------------------------------
// Server processes

export function startDemo() {
  const binary = process.env.SIO_DEMO
  const www = process.env.SIO_WWW
  assert.ok(binary, 'set SIO_DEMO to the sio_demo binary')
  assert.ok(www, 'set SIO_WWW to the www folder')
  const args = ['--host', '127.0.0.1', '--port', '0', '--www', www]
  if (process.env.SIO_LOG_LEVEL) args.push('--log-level', process.env.SIO_LOG_LEVEL)
  return startServer({ binary, args, readyLine: DEMO_READY_LINE, timeoutMs: SERVER_START_TIMEOUT_MS })
}

export function startConformance() {
  const binary = process.env.SIO_CONFORMANCE_SERVER
  assert.ok(binary, 'set SIO_CONFORMANCE_SERVER to the sio_conformance_server binary')
  return startServer({
    binary,
    args: ['0', process.env.SIO_LOG_LEVEL || 'info'],
    readyLine: CONFORMANCE_READY_LINE,
    timeoutMs: SERVER_START_TIMEOUT_MS,
  })
}

/**
 * Registers the enclosing suite's hooks: `start()` runs a server before its tests (then
 * `started(server, url)` is called, url being http://127.0.0.1:<port>), and after them every
 * client socket is closed and the server stopped.
 */
export function serveDuring(start, started, { startTimeoutMs = SERVER_START_TIMEOUT_MS + 2_000 } = {}) {
  let server
  before(async () => {
    server = await start()
    started(server, `http://127.0.0.1:${server.port}`)
  }, { timeout: startTimeoutMs })
  after(async () => {
    closeAllSockets()
    if (server) await stopServer(server.child)
  }, { timeout: 10_000 })
}

export function assertAlive(server) {
  assert.equal(server.child.exitCode, null, `server exited${serverLog(server)}`)
  assert.equal(server.child.signalCode, null, `server was killed${serverLog(server)}`)
}

/**
 * Resolves once predicate(lines) holds, where lines are the server's `stream` lines from
 * index `from` on. Resolves to those lines.
 */
export function waitForLines(server, stream, from, predicate, timeoutMs, what) {
  const lines = () => server[stream].slice(from)
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate(lines())) return
      clearTimeout(timer)
      server.lines.off(stream, check)
      resolve(lines())
    }
    const timer = setTimeout(() => {
      server.lines.off(stream, check)
      reject(new Error(`server ${stream}: ${what} not seen within ${timeoutMs} ms${serverLog(server)}`))
    }, timeoutMs)
    server.lines.on(stream, check)
    check()
  })
}

export const count = (lines, line) => lines.filter((l) => l === line).length

// ---------------------------------------------------------------------------
// Client helpers

const liveSockets = new Set()

export function closeAllSockets() {
  for (const socket of liveSockets) {
    try {
      socket.disconnect()
    } catch {
      // already closed
    }
  }
  liveSockets.clear()
}

// How starved this process is: the longest gap between 50 ms ticks, minus 50, overall (max)
// and since the last reset of `window`.
const loopLag = { max: 0, window: 0, last: Date.now() }
setInterval(() => {
  const now = Date.now()
  const stall = now - loopLag.last - 50
  loopLag.max = Math.max(loopLag.max, stall)
  loopLag.window = Math.max(loopLag.window, stall)
  loopLag.last = now
}, 50).unref()

// Signs that a session died of the conformance server's tight heartbeat (pingInterval 300,
// pingTimeout 200) rather than of the feature under test; counted by every Client.
const heartbeatTrouble = { count: 0, notes: [] }
function noteHeartbeatTrouble(text) {
  heartbeatTrouble.count += 1
  heartbeatTrouble.notes.push(text)
}

/** An Error plus, for engine.io-client's transport errors, the HTTP status and body. */
function describeError(err) {
  let text = String(err?.message ?? err)
  if (err?.description !== undefined) {
    const d = err.description
    text += ` (description: ${typeof d === 'object' ? d?.message ?? JSON.stringify(d) : d}`
    const ctx = err.context
    if (ctx && typeof ctx === 'object') {
      if ('status' in ctx) text += `, status ${ctx.status}`
      if (typeof ctx.responseText === 'string') text += `, body ${JSON.stringify(ctx.responseText.slice(0, 200))}`
    }
    text += ')'
  }
  return text
}

/**
 * A socket.io-client socket (forceNew, no reconnection) plus everything it received:
 * `events` is every event other than the built-in ones, as [name, ...args], oldest first.
 */
export class Client {
  constructor(url, mode, opts = {}) {
    this.events = []
    this.log = [] // everything, for diagnostics
    this.connectErrors = [] // every connect_error's Error, oldest first
    this.packets = [] // Engine.IO packet trace, for diagnostics
    this.t0 = Date.now()
    const log = this.log
    this.note = (text) => log.push(`${Date.now() - this.t0}ms ${text}`)
    this.socket = io(url, {
      forceNew: true,
      reconnection: false,
      timeout: CONNECT_TIMEOUT_MS,
      ...(mode.transports ? { transports: mode.transports } : {}),
      ...opts,
    })
    liveSockets.add(this.socket)
    const s = this.socket
    s.on('connect', () => this.note(`connect ${s.id}`))
    s.on('connect_error', (err) => {
      this.note(`connect_error: ${describeError(err)}`)
      if (/Session ID unknown/.test(err?.context?.responseText ?? '')) {
        noteHeartbeatTrouble('connect_error: Session ID unknown')
      }
      this.connectErrors.push(err)
    })
    s.on('disconnect', (reason) => {
      this.note(`disconnect: ${reason}`)
      liveSockets.delete(s)
    })
    s.onAny((...args) => {
      this.events.push(args)
      this.note(`event ${JSON.stringify(args[0])}`)
    })
    s.io.on('open', () => {
      const engine = s.io.engine
      this.note(`engine open (${engine?.transport?.name})`)
      engine?.on('upgrade', (t) => this.note(`upgrade to ${t?.name}`))
      // Engine.IO packets in (<) and out (>), with ms since the client was created.
      const trace = (dir) => (packet) => {
        const data = packet.data
        const what = typeof data === 'string' ? data.slice(0, 40) : data ? `<${data.byteLength ?? data.length} bytes>` : ''
        this.packets.push(`${Date.now() - this.t0}${dir}${packet.type}${what ? ` ${what}` : ''}`)
      }
      engine?.on('packet', trace('<'))
      engine?.on('packetCreate', trace('>'))
      engine?.on('close', (reason, description) => {
        this.note(`engine close: ${reason}`)
        if (reason === 'ping timeout') noteHeartbeatTrouble(`engine close: ping timeout`)
        if (/Session ID unknown/.test(description?.context?.responseText ?? '')) {
          noteHeartbeatTrouble('engine close: Session ID unknown')
        }
      })
    })
  }

  get transport() {
    return this.socket.io.engine?.transport?.name
  }

  /** Resolves once connected; rejects on connect_error. */
  waitConnect(timeoutMs = CONNECT_TIMEOUT_MS) {
    if (this.socket.connected) return Promise.resolve()
    if (this.connectErrors.length) {
      return Promise.reject(new Error(`connect_error: ${this.connectErrors[0]?.message} [${this.describe()}]`))
    }
    const p = new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError)
        resolve()
      }
      const onError = (err) => {
        this.socket.off('connect', onConnect)
        reject(new Error(`connect_error: ${describeError(err)} [${this.describe()}]`))
      }
      this.socket.once('connect', onConnect)
      this.socket.once('connect_error', onError)
    })
    return withTimeout(p, timeoutMs, () => `did not connect [${this.describe()}]`)
  }

  /** Resolves to the Error of the first connect_error (even if already seen); rejects on connect. */
  waitConnectError(timeoutMs = CONNECT_TIMEOUT_MS) {
    if (this.connectErrors.length) return Promise.resolve(this.connectErrors[0])
    if (this.socket.connected) return Promise.reject(new Error('connected, expected connect_error'))
    const p = new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError)
        reject(new Error('connected, expected connect_error'))
      }
      const onError = (err) => {
        this.socket.off('connect', onConnect)
        resolve(err)
      }
      this.socket.once('connect', onConnect)
      this.socket.once('connect_error', onError)
    })
    return withTimeout(p, timeoutMs, () => `no connect_error [${this.describe()}]`)
  }

  /** Resolves once the engine has upgraded to WebSocket (or already runs on it). */
  waitWebSocket(timeoutMs = CONNECT_TIMEOUT_MS) {
    const engine = this.socket.io.engine
    if (engine?.transport?.name === 'websocket') return Promise.resolve()
    return withTimeout(
      new Promise((resolve) => engine.once('upgrade', () => resolve())),
      timeoutMs,
      () => `did not upgrade [${this.describe()}]`,
    )
  }

  /** The args of every `name` event so far (one array per event). */
  received(name) {
    return this.events.filter((e) => e[0] === name).map((e) => e.slice(1))
  }

  /** The messages of every IO_SERVER_HELLO so far. */
  hellos() {
    return this.received(IO_SERVER_HELLO).map((args) => args[0])
  }

  /** Resolves once at least n `name` events have arrived. */
  waitFor(name, n = 1, timeoutMs = EVENT_TIMEOUT_MS) {
    if (this.received(name).length >= n) return Promise.resolve(this.received(name))
    const p = new Promise((resolve) => {
      const check = () => {
        if (this.received(name).length < n) return
        this.socket.offAny(check)
        resolve(this.received(name))
      }
      // onAny listeners run in order, so the constructor's has recorded the event already.
      this.socket.onAny(check)
    })
    return withTimeout(p, timeoutMs, () => `fewer than ${n} '${name}' events [${this.describe()}]`)
  }

  waitHellos(n, timeoutMs = EVENT_TIMEOUT_MS) {
    return this.waitFor(IO_SERVER_HELLO, n, timeoutMs).then(() => this.hellos())
  }

  describe() {
    return (
      `max event-loop stall ${loopLag.max} ms; ` +
      `id=${this.socket.id} sid=${this.socket.io.engine?.id} transport=${this.transport} ` +
      `log=[${this.log.join(', ')}] packets=[${this.packets.join(', ')}]`
    )
  }

  disconnect() {
    this.socket.disconnect()
    liveSockets.delete(this.socket)
  }
}

/** Open a client in `mode` and wait until it is connected (server: for diagnostics). */
export async function connect(url, mode, opts, server) {
  const client = new Client(url, mode, opts)
  try {
    await client.waitConnect()
  } catch (err) {
    err.message += serverLog(server)
    throw err
  }
  return client
}

/** Normalise whatever binary type the client decoded to a Buffer. */
function asBuffer(value, label) {
  assert.ok(
    Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value),
    `${label}: not binary but ${Object.prototype.toString.call(value)}`,
  )
  if (value instanceof ArrayBuffer) return Buffer.from(new Uint8Array(value))
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

export function assertBytes(received, sent, label) {
  const got = asBuffer(received, label)
  const want = asBuffer(sent, label)
  assert.equal(got.length, want.length, `${label}: length`)
  assert.ok(got.equals(want), `${label}: bytes differ`)
}

/**
 * it(name, fn) for the conformance server: appends to any failure the server output printed
 * while the test ran. The server's heartbeat is tight (a pong is due 200 ms after each ping),
 * so on an overloaded machine a session can die of a late pong; an attempt that fails after
 * such a sign (this process stalled for HEARTBEAT_STALL_MS or more, or a client saw a ping
 * timeout or "Session ID unknown") is retried, up to MAX_ATTEMPTS in all, with a diagnostic.
 */
const MAX_ATTEMPTS = 3
const HEARTBEAT_STALL_MS = 150
const RETRY_BUDGET_MS = 12_000 // no new attempt after this much of the test's time

export function itLogged(getServer, name, fn) {
  it(name, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      const server = getServer()
      const from = server ? server.output.length : 0
      const trouble = heartbeatTrouble.count
      loopLag.window = 0
      try {
        await fn()
        return
      } catch (err) {
        if (server) {
          const lines = server.output.slice(from)
          err.message += `\n--- server output during the test (${lines.length} lines) ---\n${lines.join('\n')}`
        }
        const signs = []
        if (loopLag.window >= HEARTBEAT_STALL_MS) signs.push(`this process stalled ${loopLag.window} ms`)
        if (heartbeatTrouble.count > trouble) signs.push(...heartbeatTrouble.notes.slice(trouble))
        const retry = signs.length > 0 && attempt < MAX_ATTEMPTS && Date.now() - started < RETRY_BUDGET_MS
        if (!retry) {
          if (signs.length) err.message += `\n(heartbeat trouble: ${signs.join('; ')})`
          throw err
        }
        t.diagnostic(
          `attempt ${attempt} failed after heartbeat trouble (${signs.join('; ')}); retrying: ${err.message.split('\n')[0]}`,
        )
        closeAllSockets()
      }
    }
  })
}
