// --log-format json: every line the demo writes, on stderr (its log) and on stdout (the
// application's lines), is one JSON object with time, level and msg, whatever a client sent.
//
//   SIO_DEMO=path/to/sio_demo SIO_WWW=path/to/www node --test log_format.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, stopServer } from './lib/server_process.mjs'
import { io } from 'socket.io-client'

const DEMO = process.env.SIO_DEMO
const WWW = process.env.SIO_WWW
// The ready line is JSON too: its msg carries the port.
const READY = /"msg":"Server running on port (\d+) \((?:development|production)\)\."/
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

test('--log-format json: one JSON object per line, on stderr and stdout', { timeout: 30_000 }, async () => {
  const server = await startServer({
    binary: DEMO,
    args: ['--host', '127.0.0.1', '--port', '0', '--www', WWW, '--threads', '2',
      '--log-format', 'json', '--log-level', 'debug'],
    readyLine: READY,
    timeoutMs: 10_000,
  })
  const client = io(`http://127.0.0.1:${server.port}`,
    { transports: ['websocket'], reconnection: false, forceNew: true })
  await new Promise((resolve, reject) => {
    client.once('connect', resolve)
    client.once('connect_error', reject)
  })
  // Logged back by the server: an unknown event (a warning that quotes its name) and a
  // message (an application line on stdout), with quotes, backslashes, control characters
  // and non-ASCII text in them.
  const nasty = 'say "hi"\\ \n\t\u0001 é € 😀 </script>'
  client.emit(nasty, 1)
  client.emit('IO_CLIENT_HELLO', nasty)
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  await new Promise((resolve) => setTimeout(resolve, 300))
  client.close()
  await new Promise((resolve) => setTimeout(resolve, 200))
  server.child.kill('SIGTERM')
  await exited
  await stopServer(server.child)

  const parse = (stream, lines) =>
    lines.map((line) => {
      let entry
      assert.doesNotThrow(() => { entry = JSON.parse(line) }, `${stream} line is not JSON: ${line}`)
      assert.deepEqual(Object.keys(entry), ['time', 'level', 'msg'], line)
      assert.match(entry.time, TIME)
      assert.ok(['trace', 'debug', 'info', 'warn', 'error'].includes(entry.level), line)
      assert.equal(typeof entry.msg, 'string')
      return entry
    })
  const err = parse('stderr', server.stderr)
  const out = parse('stdout', server.stdout)
  assert.ok(err.length >= 3, server.stderr.join('\n'))
  assert.ok(err.some((e) => e.level === 'debug'), 'the debug lines too')
  assert.ok(err.some((e) => e.level === 'warn' && e.msg.includes('unknown event') &&
    e.msg.includes('say \\"hi\\"')), 'the unknown event warning')
  assert.ok(err.some((e) => e.msg === 'received signal 15: stopping'))
  assert.ok(out.some((e) => e.msg === `[socket.io] Client: ${nasty}`), JSON.stringify(out))
  assert.ok(out.some((e) => e.msg === '[socket.io] A client connected.'))
})
