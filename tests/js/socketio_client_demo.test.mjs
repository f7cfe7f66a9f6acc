// socket.io-client (Node) against the demo server (the chapter's handlers), over each
// transport setup: rooms and hellos, bad input ignored with a warning.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test socketio_client_demo.test.mjs
//
// Servers, clients and helpers: lib/socketio_client.mjs.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { serverLog } from './lib/server_process.mjs'
import { sleep } from './lib/util.mjs'
import {
  TEST_TIMEOUT_MS,
  SUITE_TIMEOUT_MS,
  EVENT_TIMEOUT_MS,
  QUIET_MS,
  IO_CLIENT_HELLO,
  IO_CLIENT_JOIN_ROOM,
  IO_SERVER_HELLO,
  CONNECTED_LINE,
  DISCONNECTED_LINE,
  joinedLine,
  clientLine,
  MODES,
  startDemo,
  serveDuring,
  assertAlive,
  waitForLines,
  count,
  connect,
} from './lib/socketio_client.mjs'

describe('socket.io-client against the demo', { timeout: SUITE_TIMEOUT_MS }, () => {
  for (const mode of MODES) {
    describe(mode.name, () => {
      let server
      let url
      serveDuring(startDemo, (started, at) => {
        server = started
        url = at
      })

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
