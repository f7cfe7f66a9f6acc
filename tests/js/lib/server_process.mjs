// Shared helpers for the JS tests: start a server binary in its own process group, wait for
// its ready line, and stop it (and anything it started) again.

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { EventEmitter } from 'node:events'

const liveServers = new Set()

/**
 * Start `binary args…` in its own process group; resolves to
 * { child, port, match, stdout, stderr, output, lines } once a stdout line matches readyLine
 * (whose first group is the port; `match` is the whole RegExp match).
 * stdout / stderr collect the lines of each stream; output is every line (stderr ones
 * prefixed), for diagnostics; `lines` emits 'stdout' and 'stderr' per line.
 * Rejects, with the server's output attached, if the ready line does not come within
 * timeoutMs or the server fails to start or exits first (the server is then stopped).
 */
export function startServer({ binary, args = [], readyLine, timeoutMs }) {
  // Own process group, so the server and anything it starts can be killed together.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  liveServers.add(child)
  child.once('exit', () => liveServers.delete(child))
  const server = {
    child,
    port: 0,
    match: null,
    stdout: [],
    stderr: [],
    output: [],
    lines: new EventEmitter(),
  }

  createInterface({ input: child.stderr }).on('line', (line) => {
    server.stderr.push(line)
    server.output.push(`[stderr] ${line}`)
    server.lines.emit('stderr', line)
  })
  const stdout = createInterface({ input: child.stdout })

  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (message) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      stopServer(child)
      reject(new Error(`${message}\n--- server output ---\n${server.output.join('\n')}`))
    }
    const timer = setTimeout(
      () => fail(`server did not print its ready line within ${timeoutMs} ms`),
      timeoutMs,
    )
    stdout.on('line', (line) => {
      server.output.push(line)
      server.stdout.push(line)
      server.lines.emit('stdout', line)
      const m = readyLine.exec(line)
      if (m && !settled) {
        settled = true
        clearTimeout(timer)
        server.port = Number(m[1])
        server.match = m
        resolve(server)
      }
    })
    child.once('error', (err) => fail(`could not start ${binary}: ${err.message}`))
    child.once('exit', (code, signal) =>
      fail(`server exited before it was ready (code ${code}, signal ${signal})`),
    )
  })
}

export function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal) // the whole process group
  } catch {
    try {
      child.kill(signal)
    } catch {
      // already gone
    }
  }
}

// Safety net: never leave a server behind, even if the test process ends abruptly.
process.once('exit', () => {
  for (const child of liveServers) killGroup(child, 'SIGKILL')
})

/**
 * `signal` to the server's process group, then SIGKILL after graceMs; resolves when the
 * server has gone. Also closes our ends of its pipes so they cannot keep us alive.
 */
export function stopServer(child, { signal = 'SIGTERM', graceMs = 5_000 } = {}) {
  if (!child || child.pid === undefined) return Promise.resolve()
  const closePipes = () => {
    child.stdout?.destroy()
    child.stderr?.destroy()
  }
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL') // leftovers in its group, if any
    closePipes()
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const killer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(killer)
      killGroup(child, 'SIGKILL') // leftovers in its group, if any
      closePipes()
      resolve()
    })
    killGroup(child, signal)
  })
}

/** The server's output, ready to append to a failure message ('' without a server). */
export function serverLog(server) {
  return server ? `\n--- server output ---\n${server.output.join('\n')}` : ''
}

export const DEMO_READY = /Server running on port (\d+) \((development|production)\)\./

/**
 * The demo ($SIO_DEMO, serving $SIO_WWW) on a free port of 127.0.0.1 with 2 I/O threads and
 * `extra` flags; resolves once it printed its ready line (as startServer).
 */
export function startDemo(extra = [], { timeoutMs = 10_000 } = {}) {
  const binary = process.env.SIO_DEMO
  const www = process.env.SIO_WWW
  if (!binary || !www) throw new Error('set SIO_DEMO to the sio_demo binary and SIO_WWW to the www folder')
  return startServer({
    binary,
    args: ['--host', '127.0.0.1', '--port', '0', '--www', www, '--threads', '2', ...extra],
    readyLine: DEMO_READY,
    timeoutMs,
  })
}
