// socket.io-client (Node) against the conformance server, over each transport setup:
// acknowledgements (one client, and a broadcast collecting many) and binary.
//
//   SIO_CONFORMANCE_SERVER=path/to/sio_conformance_server node --test socketio_client_messages.test.mjs
//
// Servers, clients and helpers: lib/socketio_client.mjs.

import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { withTimeout, pseudoRandomBytes } from './lib/util.mjs'
import {
  SUITE_TIMEOUT_MS,
  EVENT_TIMEOUT_MS,
  MODES,
  startConformance,
  serveDuring,
  assertAlive,
  Client,
  connect,
  assertBytes,
  itLogged,
} from './lib/socketio_client.mjs'

describe('socket.io-client against the conformance server: acks and binary', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server
  let url
  serveDuring(startConformance, (started, at) => {
    server = started
    url = at
  })

  for (const mode of MODES) {
    describe(mode.name, () => {
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
    })
  }
})
