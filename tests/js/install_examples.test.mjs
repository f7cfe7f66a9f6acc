// The examples (examples/hello, examples/chat), built against an installed copy of the
// library by tests/install/run.sh, driven with the official socket.io-client.
//
//   SIO_EXAMPLE_HELLO=.../hello SIO_EXAMPLE_CHAT=.../chat node --test install_examples.test.mjs
//
// SIO_EXAMPLE_HELLO may list several binaries separated by ':' (run.sh also builds hello with
// nothing but `pkg-config --cflags --libs socketio_cpp`); each gets the hello tests.

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io } from 'socket.io-client'
import { startServer, stopServer, serverLog } from './lib/server_process.mjs'
import { withTimeout, sleep } from './lib/util.mjs'

const READY = /^Listening on port (\d+)/
const EVENT_TIMEOUT_MS = 5_000
const QUIET_MS = 300 // how long "nothing else arrives" is watched for

const helloBinaries = (process.env.SIO_EXAMPLE_HELLO ?? '').split(':').filter(Boolean)
const chatBinary = process.env.SIO_EXAMPLE_CHAT
assert.ok(helloBinaries.length > 0, 'set SIO_EXAMPLE_HELLO to the hello example binary')
assert.ok(chatBinary, 'set SIO_EXAMPLE_CHAT to the chat example binary')

function start(binary, args = []) {
  return startServer({
    binary,
    args: ['--host', '127.0.0.1', '--port', '0', ...args],
    readyLine: READY,
    timeoutMs: 10_000,
  })
}

const clients = []
function connect(url, opts = {}) {
  const c = io(url, { reconnection: false, forceNew: true, ...opts })
  clients.push(c)
  return c
}
function connected(c) {
  return withTimeout(
    new Promise((resolve, reject) => {
      c.once('connect', resolve)
      c.once('connect_error', reject)
    }),
    EVENT_TIMEOUT_MS,
    'no connect',
  )
}
function closeClients() {
  for (const c of clients.splice(0)) c.close()
}

/** Collects every `event` the client receives (first argument). */
function collect(c, event) {
  const got = []
  c.on(event, (arg) => got.push(arg))
  return got
}
/** Waits until `got` holds n items, then QUIET_MS more so that extra ones would show. */
async function settle(got, n, what, server) {
  const deadline = Date.now() + EVENT_TIMEOUT_MS
  while (got.length < n) {
    if (Date.now() > deadline) {
      assert.fail(`${what}: ${got.length} of ${n} arrived (${JSON.stringify(got)})${serverLog(server)}`)
    }
    await sleep(10)
  }
  await sleep(QUIET_MS)
}

for (const binary of helloBinaries) {
  describe(`hello (${binary})`, () => {
    let server
    let url
    let www
    before(async () => {
      www = mkdtempSync(join(tmpdir(), 'sio-hello-www-'))
      writeFileSync(join(www, 'index.html'), '<!doctype html><title>hello example</title>\n')
      server = await start(binary, ['--www', www])
      url = `http://127.0.0.1:${server.port}`
    })
    after(async () => {
      closeClients()
      await stopServer(server?.child)
      rmSync(www, { recursive: true, force: true })
    })

    it('hellos to everyone, to the room and to the sender', async () => {
      const a = connect(url)
      const b = connect(url, { transports: ['websocket'] })
      const toA = collect(a, 'IO_SERVER_HELLO')
      const toB = collect(b, 'IO_SERVER_HELLO')
      await Promise.all([connected(a), connected(b)])

      a.emit('IO_CLIENT_JOIN_ROOM', 'lobby')
      await settle(toA, 3, 'hellos to the client that joined', server)
      assert.deepEqual(toA, ['Hello everyone!', 'Hello clients of room lobby!', 'Hello you!'])
      assert.deepEqual(toB, ['Hello everyone!'], 'a client in no room: only the hello to all')

      b.emit('IO_CLIENT_JOIN_ROOM', 'lobby')
      await settle(toB, 4, 'hellos after the second join', server)
      assert.deepEqual(toB.slice(1), [
        'Hello everyone!',
        'Hello clients of room lobby!',
        'Hello you!',
      ])
      assert.deepEqual(toA.slice(3), ['Hello everyone!', 'Hello clients of room lobby!'])
    })

    it('serves the --www folder', async () => {
      const res = await fetch(`${url}/`)
      assert.equal(res.status, 200)
      assert.match(await res.text(), /hello example/)
    })
  })
}

describe('chat', () => {
  let server
  let url
  before(async () => {
    server = await start(chatBinary, ['--token', 's3cret'])
    url = `http://127.0.0.1:${server.port}`
  })
  after(async () => {
    closeClients()
    await stopServer(server?.child)
  })

  it('/admin refuses a client without the token', async () => {
    const intruder = connect(`${url}/admin`, { auth: { token: 'wrong' } })
    await assert.rejects(connected(intruder), (err) => {
      assert.equal(err.message, 'not authorized')
      return true
    })
  })

  // First on "/", so that its count is not raced by the disconnects of an earlier test.
  it('/admin announces to every client of /, and its ack counts them', async () => {
    const users = [connect(url), connect(url, { transports: ['polling'] })]
    const heard = users.map((u) => collect(u, 'announcement'))
    await Promise.all(users.map(connected))
    const admin = connect(`${url}/admin`, { auth: { token: 's3cret' } })
    await connected(admin)

    const count = await admin.timeout(EVENT_TIMEOUT_MS).emitWithAck('announce', 'maintenance at 5')
    assert.equal(count, 2)
    for (const got of heard) {
      await settle(got, 1, 'the announcement', server)
      assert.deepEqual(got, ['maintenance at 5'])
    }
  })

  it('a message is acknowledged and broadcast to the others, not the sender', async () => {
    const alice = connect(url, { auth: { name: 'alice' } })
    const bob = connect(url, { auth: { name: 'bob' }, transports: ['websocket'] })
    const toAlice = collect(alice, 'chat message')
    const toBob = collect(bob, 'chat message')
    await Promise.all([connected(alice), connected(bob)])

    const ack = await alice.timeout(EVENT_TIMEOUT_MS).emitWithAck('chat message', 'hi all')
    assert.equal(ack.ok, true)
    assert.equal(typeof ack.id, 'number')
    await settle(toBob, 1, 'the broadcast to bob', server)
    assert.deepEqual(toBob, [{ from: 'alice', text: 'hi all' }])
    assert.deepEqual(toAlice, [], 'the sender does not get its own message')

    const refused = await bob.timeout(EVENT_TIMEOUT_MS).emitWithAck('chat message', 42)
    assert.deepEqual(refused, { ok: false, error: 'the message must be a string' })
    await sleep(QUIET_MS)
    assert.deepEqual(toAlice, [], 'a refused message is not broadcast')
  })
})
