// For the TLS tests: a throwaway CA and server certificate (tests/common/make-test-cert.sh,
// as the C++ tests make theirs), and the demo started with them.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { startServer } from './server_process.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const MAKE_CERT = join(here, '..', '..', 'common', 'make-test-cert.sh')
const READY_LINE = /Server running on port (\d+) \((development|production)\)\./

/** { dir, caFile, certFile, keyFile, ca (PEM text), remove() } in a new temp dir. */
export function makeTestCert() {
  const dir = mkdtempSync(join(tmpdir(), 'sio-tls-'))
  execFileSync(MAKE_CERT, [join(dir, 'cert')], { stdio: ['ignore', 'ignore', 'pipe'] })
  const caFile = join(dir, 'cert', 'ca.pem')
  return {
    dir,
    caFile,
    certFile: join(dir, 'cert', 'cert.pem'),
    keyFile: join(dir, 'cert', 'key.pem'),
    ca: readFileSync(caFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** The demo on 127.0.0.1:0 with --tls-cert/--tls-key (see lib/server_process.mjs). */
export function startTlsDemo(cert, timeoutMs = 15_000) {
  const binary = process.env.SIO_DEMO
  const www = process.env.SIO_WWW
  assert.ok(binary, 'set SIO_DEMO to the sio_demo binary')
  assert.ok(www, 'set SIO_WWW to the www folder')
  const args = ['--host', '127.0.0.1', '--port', '0', '--www', www]
  args.push('--tls-cert', cert.certFile, '--tls-key', cert.keyFile)
  if (process.env.SIO_LOG_LEVEL) args.push('--log-level', process.env.SIO_LOG_LEVEL)
  return startServer({ binary, args, readyLine: READY_LINE, timeoutMs })
}
