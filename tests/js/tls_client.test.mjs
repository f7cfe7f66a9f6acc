// socket.io-client (Node) against the demo over HTTPS and WSS, with a CA the test makes and
// the client trusts (`ca`, certificates still verified): each transport setup, the chapter's
// events; and a client that does not trust the CA is refused.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test tls_client.test.mjs

import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { stopServer, serverLog } from './lib/server_process.mjs'
import { makeTestCert, startTlsDemo } from './lib/tls.mjs'
import {
  TEST_TIMEOUT_MS,
  SUITE_TIMEOUT_MS,
  IO_CLIENT_HELLO,
  IO_CLIENT_JOIN_ROOM,
  CONNECTED_LINE,
  DISCONNECTED_LINE,
  joinedLine,
  clientLine,
  MODES,
  waitForLines,
  count,
  closeAllSockets,
  connect,
  Client,
} from './lib/socketio_client.mjs'

describe('socket.io-client over https:// and wss://', { timeout: SUITE_TIMEOUT_MS }, () => {
  let cert
  let server
  let url

  before(async () => {
    cert = makeTestCert()
    server = await startTlsDemo(cert)
    url = `https://localhost:${server.port}`
  }, { timeout: 20_000 })

  after(async () => {
    closeAllSockets()
    try {
      if (server) await stopServer(server.child)
    } finally {
      cert?.remove()
    }
  }, { timeout: 10_000 })

  for (const mode of MODES) {
    it(`${mode.name}: joins a room, gets the three hellos, says hello`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const from = server.stdout.length
      const room = `tls-${mode.name.replace(/\W+/g, '-')}`
      const client = await connect(url, mode, { ca: cert.ca }, server)
      if (mode.finalTransport === 'websocket') await client.waitWebSocket()
      assert.equal(client.transport, mode.finalTransport, client.describe())

      client.socket.emit(IO_CLIENT_JOIN_ROOM, room)
      assert.deepEqual(
        await client.waitHellos(3),
        ['Hello everyone!', `Hello clients of room ${room}!`, 'Hello you!'],
        `${client.describe()}${serverLog(server)}`,
      )
      client.socket.emit(IO_CLIENT_HELLO, 'Hello over TLS!')
      await waitForLines(server, 'stdout', from, (ls) => ls.includes(clientLine('Hello over TLS!')), 5_000,
        'the client line')
      assert.equal(client.transport, mode.finalTransport, client.describe())

      client.disconnect()
      await waitForLines(server, 'stdout', from, (ls) => ls.includes(DISCONNECTED_LINE), 5_000,
        'the disconnect line')
      const lines = server.stdout.slice(from)
      assert.equal(count(lines, CONNECTED_LINE), 1, serverLog(server))
      assert.ok(lines.includes(joinedLine(room)), serverLog(server))
    })
  }

  it('a client that does not trust the CA cannot connect, and the server carries on', { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const mode of MODES) {
      const c = new Client(url, mode, {})
      const err = await c.waitConnectError()
      const why = `${err?.message} ${err?.description?.message ?? err?.description ?? ''}`
      assert.match(why, /certificate|xhr poll error|websocket error/i, `${mode.name}: ${why}`)
      c.disconnect()
    }
    const ok = await connect(url, MODES[0], { ca: cert.ca }, server)
    ok.disconnect()
    assert.equal(server.child.exitCode, null, serverLog(server))
  })
})
