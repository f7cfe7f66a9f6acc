// A private redis-server (Debian's, or $REDIS_SERVER) per test: a free loopback port, no
// persistence; stopped by stopServer like any other server.
import { createServer } from 'node:net'
import { startServer } from './server_process.mjs'

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Starts redis-server on `port` (a free one when omitted); resolves to the server with `url`. */
export async function startRedis(port) {
  port ??= await freePort()
  const server = await startServer({
    binary: process.env.REDIS_SERVER || '/usr/bin/redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    readyLine: /Ready to accept connections()/,
    timeoutMs: 10_000,
  })
  server.port = port
  server.url = `redis://127.0.0.1:${port}`
  return server
}
