// Cluster members (the C++ sio_cluster_member, or tests/js/cluster/node_member.mjs) and
// official socket.io-client clients on them, for the cluster tests beyond cluster_mixed.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { io as connectClient } from 'socket.io-client'
import { startServer } from './server_process.mjs'
import { withTimeout, sleep } from './util.mjs'

export const READY = /cluster member \S+ listening on port (\d+)/
export const EVENT_TIMEOUT_MS = 5_000
const NODE_MEMBER = fileURLToPath(new URL('../cluster/node_member.mjs', import.meta.url))

/** Starts a member ('cpp' or 'node') named `id`; resolves to the server with `id` and `kind`. */
export async function startMember(kind, redisUrl, id) {
  let server
  if (kind === 'cpp') {
    const binary = process.env.SIO_CLUSTER_MEMBER
    assert.ok(binary, 'set SIO_CLUSTER_MEMBER to the sio_cluster_member binary')
    server = await startServer({ binary, args: ['--port', '0', '--redis', redisUrl, '--id', id], readyLine: READY, timeoutMs: 10_000 })
  } else {
    server = await startServer({
      binary: process.execPath,
      args: [NODE_MEMBER, '--port', '0', '--redis', redisUrl, '--id', id],
      readyLine: READY,
      timeoutMs: 10_000,
    })
  }
  server.id = id
  server.kind = kind
  return server
}

/** Whether the member's process is still running. */
export const alive = (member) => member.child.exitCode === null && member.child.signalCode === null

const sockets = new Set()

/**
 * An official client on `member` (or on `url`); resolves once connected. Records every event
 * with its arrival time (performance.now()) and the disconnect reason; answers 'question'
 * with its id unless `answer` is false. Other `options` go to socket.io-client.
 */
export async function client(member, transports, { answer = true, url, ...options } = {}) {
  const socket = connectClient(url ?? `http://127.0.0.1:${member.port}`, { transports, reconnection: false, forceNew: true, ...options })
  sockets.add(socket)
  const c = { socket, events: [], member, id: undefined, disconnected: null }
  socket.onAny((name, ...args) => c.events.push({ name, args, at: performance.now() }))
  if (answer) socket.on('question', (ack) => ack(socket.id))
  socket.on('disconnect', (reason) => {
    c.disconnected = reason
  })
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  }), EVENT_TIMEOUT_MS, `connect to ${member?.id ?? url}`)
  c.id = socket.id
  return c
}

/** Disconnects every client made by client(). */
export function disconnectAll() {
  for (const s of sockets) s.disconnect()
  sockets.clear()
}

/** A hook call with its ack, bounded. */
export const call = (c, event, ...args) =>
  withTimeout(c.socket.emitWithAck(event, ...args), EVENT_TIMEOUT_MS, `${event} on ${c.member?.id}`)

/** Waits until `c` has received `n` events named `name`; returns their argument lists. */
export async function received(c, name, n = 1, timeoutMs = EVENT_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const got = c.events.filter((e) => e.name === name).map((e) => e.args)
    if (got.length >= n) return got
    if (Date.now() > deadline) assert.fail(`${c.member?.id} client got ${got.length} "${name}", wanted ${n}: ${JSON.stringify(c.events).slice(0, 500)}`)
    await sleep(10)
  }
}

/** Polls `probe` until it returns a truthy value (returned), or fails with `what` after timeoutMs. */
export async function eventually(probe, what, timeoutMs = EVENT_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await probe()
    if (last) return last
    if (Date.now() > deadline) assert.fail(typeof what === 'function' ? what() : what)
    await sleep(20)
  }
}
