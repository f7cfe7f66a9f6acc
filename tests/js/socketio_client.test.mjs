// The official socket.io-client (Node) against the demo server and the conformance server,
// over each transport setup: polling then upgrade (the default), polling only, WebSocket only.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www \
//   SIO_CONFORMANCE_SERVER=path/to/sio_conformance_server node --test socketio_client.test.mjs
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

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { withTimeout, sleep, pseudoRandomBytes } from './lib/util.mjs'
import { io } from 'socket.io-client'

const SERVER_START_TIMEOUT_MS = 10_000
const TEST_TIMEOUT_MS = 20_000
const SUITE_TIMEOUT_MS = 45_000 // each of the two top-level suites: 90 s for the file
const CONNECT_TIMEOUT_MS = 5_000
const EVENT_TIMEOUT_MS = 5_000
const QUIET_MS = 300 // how long "nothing else arrives" is watched for

const DEMO_READY_LINE = /Server running on port (\d+) \((development|production)\)\./
const CONFORMANCE_READY_LINE = /http:\/\/127\.0\.0\.1:(\d+)/

const IO_CLIENT_HELLO = 'IO_CLIENT_HELLO'
const IO_CLIENT_JOIN_ROOM = 'IO_CLIENT_JOIN_ROOM'
const IO_SERVER_HELLO = 'IO_SERVER_HELLO'

const CONNECTED_LINE = '[socket.io] A client connected.'
const DISCONNECTED_LINE = '[socket.io] A client disconnected.'
const joinedLine = (room) => `[socket.io] A client joined room ${room}.`
const clientLine = (message) => `[socket.io] Client: ${message}`

const MODES = [
  { name: 'polling then upgrade', transports: undefined, finalTransport: 'websocket' },
  { name: 'polling only', transports: ['polling'], finalTransport: 'polling' },
  { name: 'websocket only', transports: ['websocket'], finalTransport: 'websocket' },
]

// ---------------------------------------------------------------------------
// Server processes

function startDemo() {
  const binary = process.env.SIO_DEMO
  const www = process.env.SIO_WWW
  assert.ok(binary, 'set SIO_DEMO to the sio_demo binary')
  assert.ok(www, 'set SIO_WWW to the www folder')
  const args = ['--host', '127.0.0.1', '--port', '0', '--www', www]
  if (process.env.SIO_LOG_LEVEL) args.push('--log-level', process.env.SIO_LOG_LEVEL)
  return startServer({ binary, args, readyLine: DEMO_READY_LINE, timeoutMs: SERVER_START_TIMEOUT_MS })
}

function startConformance() {
  const binary = process.env.SIO_CONFORMANCE_SERVER
  assert.ok(binary, 'set SIO_CONFORMANCE_SERVER to the sio_conformance_server binary')
  return startServer({
    binary,
    args: ['0', process.env.SIO_LOG_LEVEL || 'info'],
    readyLine: CONFORMANCE_READY_LINE,
    timeoutMs: SERVER_START_TIMEOUT_MS,
  })
}

function assertAlive(server) {
  assert.equal(server.child.exitCode, null, `server exited${serverLog(server)}`)
  assert.equal(server.child.signalCode, null, `server was killed${serverLog(server)}`)
}

/**
 * Resolves once predicate(lines) holds, where lines are the server's `stream` lines from
 * index `from` on. Resolves to those lines.
 */
function waitForLines(server, stream, from, predicate, timeoutMs, what) {
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

const count = (lines, line) => lines.filter((l) => l === line).length

// ---------------------------------------------------------------------------
// Client helpers

const liveSockets = new Set()

function closeAllSockets() {
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
class Client {
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
async function connect(url, mode, opts, server) {
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

function assertBytes(received, sent, label) {
  const got = asBuffer(received, label)
  const want = asBuffer(sent, label)
  assert.equal(got.length, want.length, `${label}: length`)
  assert.ok(got.equals(want), `${label}: bytes differ`)
}

// ---------------------------------------------------------------------------
// Tests: the demo (the chapter's handlers)

describe('socket.io-client against the demo', { timeout: SUITE_TIMEOUT_MS }, () => {
  after(() => closeAllSockets())

  for (const mode of MODES) {
    describe(mode.name, () => {
      let server
      let url

      before(async () => {
        server = await startDemo()
        url = `http://127.0.0.1:${server.port}`
      }, { timeout: SERVER_START_TIMEOUT_MS + 2_000 })

      after(async () => {
        closeAllSockets()
        if (server) await stopServer(server.child)
      }, { timeout: 10_000 })

      it('joins rooms and gets the three hellos, to the right clients', { timeout: TEST_TIMEOUT_MS }, async () => {
        const from = server.stdout.length
        const clients = []
        const ctx = () =>
          clients.map((c) => `\n  ${c.name}: ${c.describe()} hellos=${JSON.stringify(c.hellos())}`).join('') +
          serverLog(server)
        const open = async (name) => {
          const c = await connect(url, mode, {}, server)
          c.name = name
          clients.push(c)
          return c
        }
        try {
          // B in another room.
          const b = await open('B')
          b.socket.emit(IO_CLIENT_JOIN_ROOM, 'other-room')
          assert.deepEqual(
            await b.waitHellos(3),
            ['Hello everyone!', 'Hello clients of room other-room!', 'Hello you!'],
            `B's own hellos${ctx()}`,
          )

          // C in hello-1234; B hears only the broadcast.
          const c = await open('C')
          c.socket.emit(IO_CLIENT_JOIN_ROOM, 'hello-1234')
          assert.deepEqual(
            await c.waitHellos(3),
            ['Hello everyone!', 'Hello clients of room hello-1234!', 'Hello you!'],
            `C's own hellos${ctx()}`,
          )
          await b.waitHellos(4)

          // A joins hello-1234 too.
          const bBefore = b.hellos().length
          const cBefore = c.hellos().length
          const a = await open('A')
          a.socket.emit(IO_CLIENT_JOIN_ROOM, 'hello-1234')
          await a.waitHellos(3)
          await b.waitHellos(bBefore + 1)
          await c.waitHellos(cBefore + 2)
          await sleep(QUIET_MS) // anything extra would show up now

          assert.deepEqual(
            a.events,
            [
              [IO_SERVER_HELLO, 'Hello everyone!'],
              [IO_SERVER_HELLO, 'Hello clients of room hello-1234!'],
              [IO_SERVER_HELLO, 'Hello you!'],
            ],
            `A's events${ctx()}`,
          )
          assert.deepEqual(
            b.hellos(),
            ['Hello everyone!', 'Hello clients of room other-room!', 'Hello you!', 'Hello everyone!', 'Hello everyone!'],
            `B: its own hellos, then only the broadcasts from C's and A's joins${ctx()}`,
          )
          assert.deepEqual(
            c.hellos(),
            ['Hello everyone!', 'Hello clients of room hello-1234!', 'Hello you!',
              'Hello everyone!', 'Hello clients of room hello-1234!'],
            `C: its own hellos, then the broadcast and the room message from A's join${ctx()}`,
          )
          for (const x of clients) {
            assert.equal(x.events.length, x.hellos().length, `${x.name}: events other than hellos${ctx()}`)
          }

          if (mode.finalTransport === 'websocket') for (const x of clients) await x.waitWebSocket()
          for (const x of clients) assert.equal(x.transport, mode.finalTransport, `${x.name}: transport${ctx()}`)

          a.socket.emit(IO_CLIENT_HELLO, 'Hello!')
          for (const x of clients) x.disconnect()

          const lines = await waitForLines(
            server,
            'stdout',
            from,
            (ls) => count(ls, DISCONNECTED_LINE) >= 3 && ls.includes(clientLine('Hello!')),
            EVENT_TIMEOUT_MS,
            '3 disconnect lines and the Client: Hello! line',
          )
          await sleep(QUIET_MS)
          const all = server.stdout.slice(from)
          assert.equal(count(all, CONNECTED_LINE), 3, `connect lines${serverLog(server)}`)
          assert.equal(count(all, joinedLine('other-room')), 1, `other-room join lines${serverLog(server)}`)
          assert.equal(count(all, joinedLine('hello-1234')), 2, `hello-1234 join lines${serverLog(server)}`)
          assert.equal(count(all, clientLine('Hello!')), 1, `Client: Hello! lines${serverLog(server)}`)
          assert.equal(count(all, DISCONNECTED_LINE), 3, `disconnect lines${serverLog(server)}`)
          assert.equal(all.length, 3 + 3 + 1 + 3, `unexpected stdout lines${serverLog(server)}`)
          // Each client's connect line comes before its join line.
          assert.ok(lines.indexOf(CONNECTED_LINE) < lines.indexOf(joinedLine('other-room')))
          assertAlive(server)
        } finally {
          for (const x of clients) x.disconnect()
        }
      })

      it('ignores bad rooms and unknown events, with a warning, and stays connected', { timeout: TEST_TIMEOUT_MS }, async () => {
        const fromOut = server.stdout.length
        const fromErr = server.stderr.length
        const d = await connect(url, mode, {}, server)
        const ctx = () => ` [${d.describe()}]${serverLog(server)}`
        try {
          const id = d.socket.id
          const warnFor = (re) => (ls) => ls.some((l) => /\bwarn/i.test(l) && l.includes(id) && re.test(l))

          d.socket.emit(IO_CLIENT_JOIN_ROOM, 42)
          await waitForLines(server, 'stderr', fromErr, warnFor(/IO_CLIENT_JOIN_ROOM/), EVENT_TIMEOUT_MS,
            'a warn line for the non-string room')
          const e1 = server.stderr.length

          d.socket.emit(IO_CLIENT_JOIN_ROOM, 'x'.repeat(1000))
          await waitForLines(server, 'stderr', e1, warnFor(/IO_CLIENT_JOIN_ROOM.*\b1000\b/), EVENT_TIMEOUT_MS,
            'a warn line for the 1000-character room')
          const e2 = server.stderr.length

          d.socket.emit(IO_CLIENT_JOIN_ROOM, 'y'.repeat(129))
          await waitForLines(server, 'stderr', e2, warnFor(/IO_CLIENT_JOIN_ROOM.*\b129\b/), EVENT_TIMEOUT_MS,
            'a warn line for the 129-character room')
          const e3 = server.stderr.length

          d.socket.emit('NOT_A_CHAPTER_EVENT', 'whatever')
          await waitForLines(server, 'stderr', e3, warnFor(/NOT_A_CHAPTER_EVENT/), EVENT_TIMEOUT_MS,
            'a warn line for the unknown event')

          await sleep(QUIET_MS)
          assert.deepEqual(d.events, [], `events after bad input${ctx()}`)
          assert.ok(d.socket.connected, `disconnected after bad input${ctx()}`)
          assertAlive(server)
          const out = server.stdout.slice(fromOut)
          assert.ok(!out.some((l) => l.includes('joined room')), `a bad room was joined${serverLog(server)}`)

          // A following valid join (128 characters, the longest allowed) still works.
          const room = 'r'.repeat(128)
          d.socket.emit(IO_CLIENT_JOIN_ROOM, room)
          assert.deepEqual(
            await d.waitHellos(3),
            ['Hello everyone!', `Hello clients of room ${room}!`, 'Hello you!'],
            `hellos after bad input${ctx()}`,
          )
          await waitForLines(server, 'stdout', fromOut, (ls) => ls.includes(joinedLine(room)), EVENT_TIMEOUT_MS,
            'the join line for the valid room')

          d.disconnect()
          await waitForLines(server, 'stdout', fromOut, (ls) => ls.includes(DISCONNECTED_LINE), EVENT_TIMEOUT_MS,
            'the disconnect line')
          assertAlive(server)
        } finally {
          d.disconnect()
        }
      })
    })
  }
})

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

function itLogged(getServer, name, fn) {
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

// ---------------------------------------------------------------------------
// Tests: the conformance server (acks, binary, auth, namespaces)

describe('socket.io-client against the conformance server', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server
  let url

  before(async () => {
    server = await startConformance()
    url = `http://127.0.0.1:${server.port}`
  }, { timeout: SERVER_START_TIMEOUT_MS + 2_000 })

  after(async () => {
    closeAllSockets()
    if (server) await stopServer(server.child)
  }, { timeout: 10_000 })

  for (const mode of MODES) {
    describe(mode.name, () => {
      itLogged(() => server, 'echoes the auth payload on connect', async () => {
        const c = new Client(url, mode, { auth: { token: 'abc' } })
        try {
          await c.waitConnect()
          const [args] = await c.waitFor('auth')
          assert.deepEqual(args, [{ token: 'abc' }], `auth [${c.describe()}]`)
        } finally {
          c.disconnect()
        }
      })

      itLogged(() => server, 'acks with the same arguments', async () => {
        const c = await connect(url, mode)
        const ctx = () => ` [${c.describe()}]`
        try {
          const args = [1, '2', { 3: [true] }]
          const all = await withTimeout(
            new Promise((resolve) => c.socket.emit('message-with-ack', ...args, (...res) => resolve(res))),
            EVENT_TIMEOUT_MS,
            () => `no ack${ctx()}`,
          )
          assert.deepEqual(all, args, `ack arguments${ctx()}`)

          const first = await withTimeout(c.socket.emitWithAck('message-with-ack', ...args), EVENT_TIMEOUT_MS, () => `no ack${ctx()}`)
          assert.equal(first, 1, `emitWithAck result${ctx()}`)

          // Several in flight at once: each ack reaches its own callback.
          const many = await withTimeout(
            Promise.all(
              Array.from({ length: 20 }, (_, i) =>
                new Promise((resolve) => c.socket.emit('message-with-ack', i, `n${i}`, (...res) => resolve(res))),
              ),
            ),
            EVENT_TIMEOUT_MS,
            () => `missing acks${ctx()}`,
          )
          many.forEach((res, i) => assert.deepEqual(res, [i, `n${i}`], `ack #${i}${ctx()}`))

          // Binary in an ack.
          const bin = Buffer.from([0, 1, 2, 253, 254, 255])
          const [back] = await withTimeout(
            new Promise((resolve) => c.socket.emit('message-with-ack', bin, (...res) => resolve(res))),
            EVENT_TIMEOUT_MS,
            () => `no binary ack${ctx()}`,
          )
          assertBytes(back, bin, `binary ack${ctx()}`)
        } finally {
          c.disconnect()
        }
      })

      itLogged(() => server, 'echoes binary, top-level and nested', async () => {
        const c = await connect(url, mode)
        const ctx = () => ` [${c.describe()}]`
        try {
          const buf = Buffer.from([1, 2, 3, 0, 255])
          const u8 = new Uint8Array([4, 5, 6])
          const big = pseudoRandomBytes(64 * 1024)
          const nested = { a: { bin: Buffer.from('nested ✓'), list: [new Uint8Array([7, 8]), 'text', 9] }, n: null }
          c.socket.emit('message', buf, u8, nested, big, 'plain')
          const [[gBuf, gU8, gNested, gBig, gPlain, ...rest]] = await c.waitFor('message-back')
          assert.equal(rest.length, 0, `extra arguments${ctx()}`)
          assertBytes(gBuf, buf, `Buffer${ctx()}`)
          assertBytes(gU8, u8, `Uint8Array${ctx()}`)
          assertBytes(gBig, big, `64 KiB${ctx()}`)
          assert.equal(gPlain, 'plain')
          assert.equal(gNested.n, null)
          assertBytes(gNested.a.bin, nested.a.bin, `nested Buffer${ctx()}`)
          assert.equal(gNested.a.list.length, 3)
          assertBytes(gNested.a.list[0], nested.a.list[0], `nested Uint8Array${ctx()}`)
          assert.equal(gNested.a.list[1], 'text')
          assert.equal(gNested.a.list[2], 9)

          // Text-only round trip too, and order is kept.
          c.socket.emit('message', 'second', { x: [1, 2] })
          c.socket.emit('message', new Uint8Array([42]))
          const backs = await c.waitFor('message-back', 3)
          assert.deepEqual(backs[1], ['second', { x: [1, 2] }], `text echo${ctx()}`)
          assert.equal(backs[2].length, 1)
          assertBytes(backs[2][0], new Uint8Array([42]), `third echo${ctx()}`)
        } finally {
          c.disconnect()
        }
      })

      itLogged(() => server, 'asynchronous middleware on /auth admits or refuses with data', async () => {
        const good = new Client(`${url}/auth`, mode, { auth: { token: 'letmein' } })
        const bad = new Client(`${url}/auth`, mode, { auth: { token: 'guess' } })
        try {
          await good.waitConnect()
          const [args] = await good.waitFor('welcome')
          assert.deepEqual(args, [{ user: 'alice' }], `what the middleware stored [${good.describe()}]`)

          const err = await bad.waitConnectError()
          assert.equal(err.message, 'unauthorized', `connect_error [${bad.describe()}]`)
          assert.deepEqual(err.data, { reason: 'bad token' }, `connect_error data [${bad.describe()}]`)
          assert.ok(!bad.socket.connected)
          assertAlive(server)
        } finally {
          good.disconnect()
          bad.disconnect()
        }
      })

      itLogged(() => server, 'a broadcast with acks collects every client\'s answer', async () => {
        const token = { token: 'letmein' }
        const clients = ['a', 'b', 'c'].map((name) => {
          const c = new Client(`${url}/auth`, mode, { auth: token })
          c.socket.on('question', (q, ack) => ack(`${name}:${q}`))
          return c
        })
        let silent
        try {
          await Promise.all(clients.map((c) => c.waitConnect()))
          const [asker] = clients
          asker.socket.emit('survey', 'ready?', 3000)
          // Everyone answers: the result comes before the timeout.
          const [[timedOut, answers]] = await asker.waitFor('survey-result')
          assert.equal(timedOut, false, `timed out [${asker.describe()}]`)
          assert.deepEqual([...answers].sort(), ['a:ready?', 'b:ready?', 'c:ready?'])

          silent = new Client(`${url}/auth`, mode, { auth: token })
          silent.socket.on('question', () => {}) // never acknowledges
          await silent.waitConnect()
          asker.socket.emit('survey', 'again?', 300)
          const [, [late, partial]] = await asker.waitFor('survey-result', 2)
          assert.equal(late, true, `a silent client makes it time out [${asker.describe()}]`)
          assert.deepEqual([...partial].sort(), ['a:again?', 'b:again?', 'c:again?'])
          assertAlive(server)
        } finally {
          clients.forEach((c) => c.disconnect())
          silent?.disconnect()
        }
      })

      itLogged(() => server, 'connection state recovery: same id, rooms, and the missed events', async () => {
        const opts = { path: '/recovering/', reconnection: true, reconnectionDelay: 400, reconnectionDelayMax: 400 }
        const c = new Client(url, mode, opts)
        const d = new Client(url, mode, { path: '/recovering/' })
        const ctx = () => ` [${c.describe()}]`
        try {
          await Promise.all([c.waitConnect(), d.waitConnect()])
          const [[recoveredAtFirst]] = await c.waitFor('hello')
          assert.equal(recoveredAtFirst, false)
          assert.equal(c.socket.recovered, false)
          const firstId = c.socket.id
          assert.equal(await c.socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('join', 'r'), true)
          await d.socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('shout', 'r', 'one')
          await c.waitFor('news')

          // The connection drops (not a disconnect by the app): the client reconnects.
          const dropped = new Promise((resolve) => c.socket.once('disconnect', resolve))
          c.socket.io.engine.close()
          // ("forced close" on this side; the server sees its transport close.)
          await withTimeout(dropped, EVENT_TIMEOUT_MS, () => `no disconnect${ctx()}`)
          await d.socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('shout', 'r', 'two')
          await d.socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('shout', 'r', 'three')

          await withTimeout(
            new Promise((resolve) => (c.socket.connected ? resolve() : c.socket.once('connect', resolve))),
            EVENT_TIMEOUT_MS,
            () => `did not reconnect${ctx()}`,
          )
          assert.equal(c.socket.recovered, true, `recovered${ctx()}`)
          assert.equal(c.socket.id, firstId, `the same socket id${ctx()}`)
          const news = await c.waitFor('news', 3)
          // The client hands the offset to handlers as a last argument (as with Node).
          assert.deepEqual(news.map((args) => args[0]), ['one', 'two', 'three'], `news${ctx()}`)
          const hellos = await c.waitFor('hello', 2)
          assert.equal(hellos[1][0], true, `hello after recovery${ctx()}`)

          // Still in its room.
          await d.socket.timeout(EVENT_TIMEOUT_MS).emitWithAck('shout', 'r', 'four')
          const more = await c.waitFor('news', 4)
          assert.equal(more[3][0], 'four')
          assertAlive(server)
        } finally {
          c.disconnect()
          d.disconnect()
        }
      })

      itLogged(() => server, 'connects to /custom and is refused on /nope', async () => {
        const custom = new Client(`${url}/custom`, mode, { auth: { token: 'xyz' } })
        const nope = new Client(`${url}/nope`, mode)
        try {
          await custom.waitConnect()
          const [args] = await custom.waitFor('auth')
          assert.deepEqual(args, [{ token: 'xyz' }], `auth on /custom [${custom.describe()}]`)
          assert.equal(custom.socket.nsp ?? '/custom', '/custom')

          const err = await nope.waitConnectError()
          assert.equal(err.message, 'Invalid namespace', `connect_error [${nope.describe()}]`)
          assert.ok(!nope.socket.connected)
          assertAlive(server)
        } finally {
          custom.disconnect()
          nope.disconnect()
        }
      })
    })
  }
})
