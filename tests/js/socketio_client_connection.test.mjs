// socket.io-client (Node) against the conformance server, over each transport setup:
// connecting (auth, middleware, namespaces) and connection state recovery.
//
//   SIO_CONFORMANCE_SERVER=path/to/sio_conformance_server node --test socketio_client_connection.test.mjs
//
// Servers, clients and helpers: lib/socketio_client.mjs.

import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { withTimeout } from './lib/util.mjs'
import {
  SUITE_TIMEOUT_MS,
  EVENT_TIMEOUT_MS,
  MODES,
  startConformance,
  serveDuring,
  assertAlive,
  Client,
  itLogged,
} from './lib/socketio_client.mjs'

describe('socket.io-client against the conformance server: connections', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server
  let url
  serveDuring(startConformance, (started, at) => {
    server = started
    url = at
  })

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
    })
  }
})
