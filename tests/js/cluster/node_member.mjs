// A Node member of a Redis-backed cluster, for the mixed-cluster tests: socket.io 4.8.4 with
// @socket.io/redis-adapter 8.3.0 over node-redis 4.7.1, running the chapter's
// IO_CLIENT_JOIN_ROOM and the hooks of shared/docs/cluster-hooks.md on "/", plus `survey`
// {room, timeoutMs} (io.to(room).timeout(t).emit('question', cb), acked {error, answers
// sorted}), `sockets-join` / `sockets-leave` {room, target} and `disconnect-room` {room, close}.
// Also the server-side event `note`, relayed to its clients as `server-side-note`.
//
//   node node_member.mjs --port PORT --redis redis://HOST:PORT [--id NAME]
//
// Prints "cluster member <id> listening on port <port>" once it serves.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, redis: { type: 'string' }, id: { type: 'string' } },
})
// The adapter does not catch a failed publish, and Node exits on an unhandled rejection by
// default: a Redis restart would kill this member (see the wire-format note, §9).
process.on('unhandledRejection', (e) => console.error(`unhandledRejection: ${e?.message ?? e}`))

const pub = createClient({ url: values.redis })
const sub = pub.duplicate()
pub.on('error', (e) => console.error(`redis pub: ${e.message}`))
sub.on('error', (e) => console.error(`redis sub: ${e.message}`))
await Promise.all([pub.connect(), sub.connect()])

const httpServer = createServer()
const io = new Server(httpServer, { adapter: createAdapter(pub, sub) })
let id = values.id
let port = 0

io.on('ping-servers', ({ from, payload }, reply) => reply({ server: id, from, payload }))
// A server-side event nobody answers (from an emitter, say), shown to this server's clients.
io.on('note', (...args) => io.local.emit('server-side-note', ...args))
io.on('connection', (socket) => {
  socket.on('IO_CLIENT_JOIN_ROOM', (room) => {
    socket.join(room)
    io.emit('IO_SERVER_HELLO', 'Hello everyone!')
    io.to(room).emit('IO_SERVER_HELLO', `Hello clients of room ${room}!`)
    socket.emit('IO_SERVER_HELLO', 'Hello you!')
  })
  socket.on('whoami', (ack) => ack({ id, port, impl: 'node', sid: socket.id }))
  socket.on('join', (rooms, ack) => {
    socket.join(rooms)
    ack([...socket.rooms])
  })
  socket.on('leave', (room, ack) => {
    socket.leave(room)
    ack([...socket.rooms])
  })
  socket.on('relay', ({ rooms, except, exceptSelf, event, args }, ack) => {
    let op = exceptSelf ? socket.broadcast : io
    if (rooms?.length) op = op.to(rooms)
    if (except?.length) op = op.except(except)
    op.emit(event, ...(args ?? []))
    ack(true)
  })
  socket.on('fetch-room', async (room, ack) => {
    try {
      const sockets = await io.in(room).fetchSockets()
      ack(sockets.map((s) => s.id).sort())
    } catch (e) {
      ack({ error: e.message })
    }
  })
  socket.on('server-side-emit', (payload, ack) => {
    io.serverSideEmit('ping-servers', { from: id, payload }, (err, responses) =>
      ack({ error: err ? err.message : null, responses }),
    )
  })
  socket.on('survey', ({ room, timeoutMs }, ack) => {
    const op = room ? io.to(room) : io
    op.timeout(timeoutMs ?? 5000).emit('question', (err, answers) =>
      ack({ error: err ? err.message : null, answers: [...(answers ?? [])].sort() }),
    )
  })
  socket.on('sockets-join', ({ room, target }, ack) => {
    io.in(room).socketsJoin(target)
    ack(true)
  })
  socket.on('sockets-leave', ({ room, target }, ack) => {
    io.in(room).socketsLeave(target)
    ack(true)
  })
  socket.on('disconnect-room', ({ room, close }, ack) => {
    ack(true) // first: the asking socket may be one of those disconnected
    io.in(room).disconnectSockets(!!close)
  })
  socket.on('count', async (ack) => {
    const all = await io.fetchSockets().catch(() => null)
    ack({ local: io.engine.clientsCount, cluster: all ? all.length : null })
  })
})

httpServer.listen(Number(values.port), '127.0.0.1', () => {
  port = httpServer.address().port
  id ??= `node-${port}`
  console.log(`cluster member ${id} listening on port ${port}`)
})
const stop = () => {
  io.close()
  Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
