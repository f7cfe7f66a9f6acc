#!/usr/bin/env node
// Issue 14: 50 000 connections on a Redis cluster, held the way a user would on a machine whose
// open-file hard limit (20 000 per process) keeps one process from holding them: a private
// redis-server, --servers bench servers (ours or the Node reference) on the Redis adapter,
// --loadgens sio_loadgen processes (scenario members), each on its own loopback source address
// (127.0.0.2, 127.0.0.3, ...), spreading its clients evenly over the servers, all in one room.
//
// One run: connect every client (connect rate, time to all), sample every server's RSS before
// and once all are connected and joined (RSS per connection per process), then one sender
// (in the first loadgen process) sends --broadcasts broadcasts at --rate per second through
// the cluster while every loadgen counts what its clients receive: delivered/s, every server's
// CPU per 1M delivered, Redis CPU and commands (PUBLISH per broadcast), latency. A run fails
// unless every member received every broadcast.
//
// Usage: node tools/bench/cluster-scale.mjs [options]   (--help for the list)
// Linux only, loopback only, no dependencies. Every process it starts is killed when it ends,
// fails, times out or gets Ctrl-C.

import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const HELP = `usage: node tools/bench/cluster-scale.mjs [options]

  --impl ours|node|both  which server (default: ours; both: ours then node each round)
  --rounds N             runs per server kind (default: 1)
  --clients N            room members in all (default: 50000)
  --servers N            server processes on the Redis adapter (default: 3)
  --loadgens N           sio_loadgen processes; process k binds to 127.0.0.(2+k)
                         (default: 4, i.e. 12 500 clients each)
  --threads T            I/O threads of each of our servers (default: 1)
  --broadcasts K         broadcasts sent by the one sender (default: 40)
  --rate R               broadcasts per second (default: 10)
  --payload BYTES        broadcast payload (default: 64)
  --idle S               seconds to hold the connections idle before the broadcasts, to
                         measure what holding them costs (CPU, Redis commands; default: 25,
                         one heartbeat interval of both servers)
  --drain S              how long the loadgens wait for the deliveries after the last send
                         before they give up and the run fails (default: 60)
  --connects C           handshakes in flight per loadgen process (default: 100)
  --nofile N             open-file limit for every process, set with prlimit (default: the
                         hard limit; each process must stay under it)
  --timeout S            bound on one run, setup included (default: 300 + K/R + drain)
  --ours CMD             our server (default: build/release/tools/sio_bench_server); the port
                         (0) and T are appended
  --node CMD             reference server (default: node tools/bench/node-baseline/server.js)
  --loadgen CMD          load generator (default: build/release/tools/sio_loadgen)
  --json FILE            also write every run's raw measurements as JSON
  --help
`;

function parseArgs(argv) {
  const o = {
    impl: "ours", rounds: 1, clients: 50000, servers: 3, loadgens: 4, threads: 1, broadcasts: 40,
    rate: 10, payload: 64, drain: 60, idle: 25, connects: 100, nofile: null, timeout: null, json: null,
    ours: `${ROOT}/build/release/tools/sio_bench_server`,
    node: `${process.execPath} ${ROOT}/tools/bench/node-baseline/server.js`,
    loadgen: `${ROOT}/build/release/tools/sio_loadgen`,
  };
  const int = (a, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) die(`${a} needs an integer >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") { process.stdout.write(HELP); process.exit(0); }
    if (i + 1 >= argv.length) die(`${a} needs a value (see --help)`);
    const v = argv[++i];
    switch (a) {
      case "--impl": if (!["ours", "node", "both"].includes(v)) die("--impl: ours, node or both"); o.impl = v; break;
      case "--rounds": o.rounds = int(a, v, 1); break;
      case "--clients": o.clients = int(a, v, 1); break;
      case "--servers": o.servers = int(a, v, 1); break;
      case "--loadgens": o.loadgens = int(a, v, 1); if (o.loadgens > 250) die("--loadgens: at most 250"); break;
      case "--threads": o.threads = int(a, v, 1); break;
      case "--broadcasts": o.broadcasts = int(a, v, 1); break;
      case "--rate": o.rate = Number(v); if (!(o.rate > 0)) die("--rate must be > 0"); break;
      case "--payload": o.payload = int(a, v, 0); break;
      case "--idle": o.idle = int(a, v, 1); break;
      case "--drain": o.drain = int(a, v, 1); break;
      case "--connects": o.connects = int(a, v, 1); break;
      case "--nofile": o.nofile = int(a, v, 64); break;
      case "--timeout": o.timeout = int(a, v, 10); break;
      case "--ours": o.ours = v; break;
      case "--node": o.node = v; break;
      case "--loadgen": o.loadgen = v; break;
      case "--json": o.json = v; break;
      default: die(`unknown option ${a} (see --help)`);
    }
  }
  o.timeout ??= Math.ceil(300 + o.broadcasts / o.rate + o.drain);
  return o;
}

function die(msg) {
  process.stderr.write(`cluster-scale: ${msg}\n`);
  cleanup();
  process.exit(2);
}

const splitCmd = (cmd) => cmd.trim().split(/\s+/).filter(Boolean);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`cluster-scale: ${msg}\n`);

// ---------------------------------------------------------------- /proc
let CLK_TCK = 100;
try {
  CLK_TCK = Number.parseInt(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }), 10) || 100;
} catch { /* keep 100 */ }

// CPU seconds (utime+stime+cutime+cstime) of one process; NaN once it is gone.
function cpuSeconds(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

// The process a spawned child ends up as: prlimit execs its command, so the pid stays; a
// shell wrapper would not (we spawn none).
const serverPid = (child) => child.pid;

// ---------------------------------------------------------------- processes
const live = new Set();
let startDir = null;

function killGroup(child, signal) {
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

function cleanup() {
  for (const c of live) killGroup(c, "SIGKILL");
  if (startDir) { try { rmSync(startDir, { recursive: true, force: true }); } catch { /* gone */ } }
}
process.on("SIGINT", () => { cleanup(); process.exit(130); });
process.on("SIGTERM", () => { cleanup(); process.exit(143); });
process.on("exit", cleanup);

function spawnGroup(argv, env = process.env) {
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  live.add(child);
  child.exited = new Promise((res) => child.on("exit", (code, sig) => { live.delete(child); res({ code, sig }); }));
  child.on("error", () => {});
  return child;
}

async function stop(child) {
  if (!live.has(child)) return;
  killGroup(child, "SIGTERM");
  const t = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
  await child.exited;
  clearTimeout(t);
}

function startServer(argv, env) {
  const child = spawnGroup(argv, env);
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  child.stderrTail = () => stderr;
  return new Promise((res, rej) => {
    let buf = "";
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop(child).then(() => rej(new Error(`${why}\n${stderr}`)));
    };
    const timer = setTimeout(() => fail("server did not print its line within 15 s"), 15000);
    child.on("error", (e) => fail(`cannot start ${argv[0]}: ${e.message}`));
    child.exited.then(({ code, sig }) => fail(`server exited early (code ${code}, signal ${sig})`));
    child.stdout.on("data", (d) => {
      buf += d;
      const m = /bench server on (http:\/\/127\.0\.0\.1:(\d+))/.exec(buf);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        res({ child, url: m[1], hostPort: `127.0.0.1:${m[2]}` });
      }
    });
  });
}

// A loadgen process; `onPhase(name)` runs when it prints "sio_loadgen: phase NAME".
function startLoadgen(argv, onPhase) {
  const child = spawnGroup(argv);
  let out = "", err = "", partial = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => {
    err = (err + d).slice(-4000);
    const lines = (partial + d).split("\n");
    partial = lines.pop();
    for (const l of lines) {
      const m = /^sio_loadgen: phase (\S+)/.exec(l);
      if (m) onPhase(m[1]);
    }
  });
  child.stderrTail = () => err.slice(-600);
  child.result = child.exited.then(({ code, sig }) => {
    let json = null;
    for (const line of out.trim().split("\n").reverse()) {
      try { json = JSON.parse(line); break; } catch { /* not json */ }
    }
    return { code, sig, json, stderr: err };
  });
  return child;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => res(port)); });
  });
}

function redisCli(port, ...args) {
  try {
    return execFileSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

// A private redis-server (no persistence); resolves once it answers.
async function startRedis() {
  const port = await freePort();
  const child = spawnGroup(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "",
    "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]);
  const until = Date.now() + 10000;
  while (!redisCli(port, "ping").includes("PONG")) {
    if (Date.now() > until) { await stop(child); throw new Error("redis-server did not start"); }
    await sleep(50);
  }
  return { child, port, url: `redis://127.0.0.1:${port}` };
}

// Redis counters: calls per command (commandstats) and total commands / pubsub messages.
function redisStats(port) {
  const text = redisCli(port, "info", "all");
  const calls = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[m[1]] = Number(m[2]);
  const num = (k) => Number(new RegExp(`^${k}:(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { calls, total_commands: num("total_commands_processed"), net_output_bytes: num("total_net_output_bytes") };
}

function diffCalls(a, b) {
  const out = {};
  for (const [k, v] of Object.entries(b.calls)) if (v - (a.calls[k] ?? 0) > 0) out[k] = v - (a.calls[k] ?? 0);
  return out;
}

// The soft open-file limit every process gets: prlimit N:N (N = --nofile or the hard limit).
function fdPrefix(want) {
  const hard = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
  const n = want ?? (hard === "unlimited" ? 1048576 : Number(hard));
  try {
    execFileSync("prlimit", [`--nofile=${n}:${n}`, "--", "true"], { stdio: "ignore" });
    return { prefix: ["prlimit", `--nofile=${n}:${n}`, "--"], limit: n };
  } catch {
    die(`cannot set the open-file limit to ${n} with prlimit (above the hard limit ${hard}?)`);
  }
}

// ---------------------------------------------------------------- one run
async function oneRun(impl, opts, fd) {
  const redis = await startRedis();
  const servers = [];
  const loadgens = [];
  let timer = null;
  try {
    const env = { ...process.env, REDIS_URL: redis.url };
    const argv = impl === "ours" ? [...splitCmd(opts.ours), "0", String(opts.threads)] : [...splitCmd(opts.node), "0"];
    for (let i = 0; i < opts.servers; i++) servers.push(await startServer([...fd.prefix, ...argv], env));
    await sleep(1000); // every server subscribes
    const pids = servers.map((s) => serverPid(s.child));
    const sample = () => ({
      t: Date.now(), cpu: pids.map(cpuSeconds), rss: pids.map(rssKiB), redis_cpu: cpuSeconds(redis.child.pid),
    });
    const before = sample();

    startDir = mkdtempSync(join(tmpdir(), "cluster-scale-"));
    const startFile = join(startDir, "start");
    const per = Math.floor(opts.clients / opts.loadgens);
    const phases = Array.from({ length: opts.loadgens }, () => ({}));
    const dur = Math.ceil(opts.broadcasts / opts.rate + opts.drain);
    const t0 = Date.now();
    for (let k = 0; k < opts.loadgens; k++) {
      const clients = per + (k < opts.clients % opts.loadgens ? 1 : 0);
      // Rotate the server order so that the remainders spread evenly.
      const members = servers.map((_, i) => servers[(i + k) % servers.length]).flatMap((s) => ["--member-url", s.url]);
      const args = [...fd.prefix, ...splitCmd(opts.loadgen), "--scenario", "members", "--url", servers[0].url,
        ...members, "--clients", String(clients), "--sources", "1", "--source-from", String(2 + k),
        "--connects", String(opts.connects), "--start-file", startFile, "--count", String(opts.broadcasts),
        "--rate", String(opts.rate), "--payload", String(opts.payload), "--duration", String(dur),
        ...(k === 0 ? ["--senders", "1"] : [])];
      loadgens.push(startLoadgen(args, (name) => { phases[k][name] = { ...sample(), t: Date.now() }; }));
    }
    const timedOut = new Promise((res) => { timer = setTimeout(() => res("timeout"), opts.timeout * 1000); });
    const anyExit = Promise.race(loadgens.map((l, k) => l.exited.then((e) => ({ k, ...e }))));
    const serverExit = Promise.race(servers.map((s, i) => s.child.exited.then((e) => ({ i, ...e }))));

    // Wait until every loadgen is ready (connected and joined), or something ended.
    const allReady = (async () => {
      while (!phases.every((p) => p.ready)) await sleep(20);
      return "ready";
    })();
    const first = await Promise.race([allReady, timedOut, anyExit.then((e) => ({ exited: e })),
      serverExit.then((e) => ({ serverExited: e }))]);
    if (first !== "ready") throw new Error(`setup failed: ${JSON.stringify(first)}`);
    const ready = sample();
    log(`${impl}: all ${opts.clients} clients connected and joined in ${((ready.t - t0) / 1000).toFixed(1)} s`);
    await sleep(2000); // settle, then the RSS the servers keep while holding the connections
    const held = sample();
    const redisIdle0 = redisStats(redis.port);
    await sleep(opts.idle * 1000);
    const idle = sample();
    const redisIdle1 = redisStats(redis.port);
    const redis0 = redisStats(redis.port);
    const load0 = sample();
    writeFileSync(startFile, "go\n");
    const results = await Promise.race([Promise.all(loadgens.map((l) => l.result)), timedOut,
      serverExit.then((e) => ({ serverExited: e }))]);
    if (!Array.isArray(results)) throw new Error(`broadcast phase failed: ${JSON.stringify(results)}`);
    clearTimeout(timer);
    const ends = phases.map((p) => p["load-end"]).filter(Boolean);
    const load1 = ends.length ? ends.reduce((a, b) => (b.t > a.t ? b : a)) : sample();
    const redis1 = redisStats(redis.port);
    return summarize(impl, opts, { servers, before, ready, held, idle, redisIdle0, redisIdle1, load0, load1, redis0, redis1, phases, results, t0 });
  } catch (e) {
    const tails = loadgens.map((l, k) => `loadgen ${k}: ${(l.stderrTail?.() ?? "")}`);
    return { impl, error: `${e.message}`.trim(), servers: servers.map((s) => s.child.stderrTail().slice(-500)), tails };
  } finally {
    clearTimeout(timer);
    await Promise.all(loadgens.map((l) => stop(l)));
    for (const s of servers) await stop(s.child);
    await stop(redis.child);
    if (startDir) { rmSync(startDir, { recursive: true, force: true }); startDir = null; }
  }
}

function summarize(impl, opts, m) {
  const { servers, before, ready, held, idle, redisIdle0, redisIdle1, load0, load1, redis0, redis1, phases, results, t0 } = m;
  const errors = [];
  results.forEach((r, k) => {
    if (r.code !== 0 || !r.json) errors.push(`loadgen ${k}: exit ${r.code} ${r.sig ?? ""} ${r.stderr.trim().split("\n").slice(-2).join(" | ")}`);
  });
  const js = results.map((r) => r.json).filter(Boolean);
  const sum = (f) => js.reduce((a, j) => a + f(j), 0);
  const delivered = sum((j) => j.delivered);
  const expected = opts.clients * opts.broadcasts;
  if (delivered !== expected) errors.push(`delivered ${delivered} != expected ${expected}`);
  const connected = sum((j) => j.connected);
  // Connections per server, from each loadgen's by_member_server (+1 sender on servers[0]).
  const conns = servers.map((s, i) => sum((j) => (j.by_member_server ?? []).filter((b) => b.server === s.hostPort)
    .reduce((a, b) => a + b.clients, 0)) + (i === 0 ? 1 : 0));
  if (servers.length === 1) conns[0] = connected + 1;
  const lastConnected = Math.max(...phases.map((p) => p.connected?.t ?? NaN));
  const start = Math.min(...js.map((j) => j.start_ns));
  const last = Math.max(...js.map((j) => j.last_msg_ns));
  const loadS = (last - start) / 1e9;
  const perServer = servers.map((s, i) => {
    const cpu = load1.cpu[i] - load0.cpu[i];
    const idleCpuPerS = (idle.cpu[i] - held.cpu[i]) / ((idle.t - held.t) / 1000);
    const cpuNet = cpu - idleCpuPerS * ((load1.t - load0.t) / 1000); // without what idling costs
    const local = conns[i] - (i === 0 ? 1 : 0); // members on this server
    return {
      url: s.url,
      connections: conns[i],
      rss_before_kib: before.rss[i], rss_ready_kib: ready.rss[i], rss_held_kib: held.rss[i], rss_after_load_kib: load1.rss[i],
      rss_kib_per_conn: (held.rss[i] - before.rss[i]) / conns[i],
      cpu_connect_s: ready.cpu[i] - before.cpu[i],
      cpu_load_s: cpu,
      cpu_s_per_1M_own_delivered: (cpu * 1e6) / (local * opts.broadcasts),
      idle_cpu_pct: idleCpuPerS * 100,
      cpu_load_net_of_idle_s: cpuNet,
      cpu_s_per_1M_own_delivered_net_of_idle: (cpuNet * 1e6) / (local * opts.broadcasts),
    };
  });
  const redisCpu = load1.redis_cpu - load0.redis_cpu;
  const calls = diffCalls(redis0, redis1);
  return {
    impl, threads: impl === "ours" ? opts.threads : 1, ok: errors.length === 0, errors,
    clients: opts.clients, connected, broadcasts: opts.broadcasts, rate: opts.rate,
    time_to_all_connected_s: (lastConnected - t0) / 1000,
    time_to_all_joined_s: (ready.t - t0) / 1000,
    connects_per_s: connected / ((lastConnected - t0) / 1000),
    delivered, expected,
    load_s: loadS,
    delivered_per_s: delivered / loadS,
    server_cpu_load_s: perServer.reduce((a, s) => a + s.cpu_load_s, 0),
    cpu_s_per_1M_delivered_all_servers: (perServer.reduce((a, s) => a + s.cpu_load_s, 0) * 1e6) / delivered,
    redis_cpu_load_s: redisCpu,
    redis_cpu_s_per_1M_delivered: (redisCpu * 1e6) / delivered,
    redis_calls: calls,
    redis_idle_calls: diffCalls(redisIdle0, redisIdle1),
    redis_idle_commands_per_s: (redisIdle1.total_commands - redisIdle0.total_commands) / opts.idle,
    redis_publish_per_broadcast: (calls.publish ?? 0) / opts.broadcasts,
    redis_commands_per_broadcast: (redis1.total_commands - redis0.total_commands) / opts.broadcasts,
    redis_out_bytes_per_broadcast: (redis1.net_output_bytes - redis0.net_output_bytes) / opts.broadcasts,
    latency_ms: js.map((j) => ({ p50: j.latency_us.p50 / 1e3, p99: j.latency_us.p99 / 1e3, max: j.latency_us.max / 1e3 })),
    loadgen_cpu_s: js.map((j) => j.loadgen_cpu_s),
    loadgen_connects_per_s: js.map((j) => j.connects_per_s),
    servers: perServer,
    loadgens: js, // each process's own JSON line
  };
}

// ---------------------------------------------------------------- report
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

function printRun(r) {
  if (r.error) {
    process.stdout.write(`\n${r.impl}: FAILED: ${r.error}\n${r.servers.join("\n")}\n${r.tails.join("\n")}\n`);
    return;
  }
  const lines = [
    `\n${r.impl}${r.impl === "ours" ? ` (${r.threads} I/O thread${r.threads > 1 ? "s" : ""} per server)` : ""}: ` +
      `${r.ok ? "OK" : `FAILED: ${r.errors.join("; ")}`}`,
    `  connect: ${r.connected} of ${r.clients} in ${f(r.time_to_all_connected_s, 2)} s = ${f(r.connects_per_s, 0)} sessions/s ` +
      `(joined: ${f(r.time_to_all_joined_s, 2)} s)`,
    `  broadcast: ${r.broadcasts} x ${r.clients} at ${r.rate}/s: delivered ${r.delivered} of ${r.expected} in ${f(r.load_s, 2)} s = ` +
      `${f(r.delivered_per_s, 0)}/s; servers ${f(r.cpu_s_per_1M_delivered_all_servers, 2)} CPU s per 1M delivered (all servers), ` +
      `Redis ${f(r.redis_cpu_load_s, 2)} CPU s, ${f(r.redis_publish_per_broadcast, 2)} PUBLISH and ` +
      `${f(r.redis_commands_per_broadcast, 2)} commands per broadcast`,
    `  latency per loadgen (p50/p99 ms): ${r.latency_ms.map((l) => `${f(l.p50)}/${f(l.p99)}`).join(", ")}; ` +
      `loadgen CPU s: ${r.loadgen_cpu_s.map((x) => f(x, 1)).join(", ")}`,
    ...r.servers.map((s, i) =>
      `  server ${i}: ${s.connections} conns, RSS ${f(s.rss_before_kib / 1024)} -> ${f(s.rss_held_kib / 1024)} MiB ` +
      `(${f(s.rss_kib_per_conn, 2)} KiB/conn; ${f(s.rss_after_load_kib / 1024)} MiB after the broadcasts), ` +
      `CPU ${f(s.cpu_connect_s, 2)} s connecting, ${f(s.cpu_load_s, 2)} s broadcasting = ` +
      `${f(s.cpu_s_per_1M_own_delivered, 2)} s per 1M of its own deliveries ` +
      `(${f(s.cpu_s_per_1M_own_delivered_net_of_idle, 2)} without the idle cost); idle: ${f(s.idle_cpu_pct, 1)} % of a core`),
    `  Redis while idle: ${f(r.redis_idle_commands_per_s, 1)} commands/s ${JSON.stringify(r.redis_idle_calls)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const fd = fdPrefix(opts.nofile);
  const perProcess = Math.ceil(opts.clients / opts.loadgens) + 64;
  const perServer = Math.ceil(opts.clients / opts.servers) + 64;
  if (perProcess > fd.limit || perServer > fd.limit) {
    die(`${perProcess} descriptors per loadgen and ${perServer} per server do not fit the open-file limit ${fd.limit}: ` +
      "use more --loadgens / --servers");
  }
  const kinds = opts.impl === "both" ? ["ours", "node"] : [opts.impl];
  const runs = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const impl of kinds) {
      log(`round ${round}/${opts.rounds}: ${impl}, ${opts.clients} clients on ${opts.servers} servers, ${opts.loadgens} loadgens`);
      const r = await oneRun(impl, opts, fd);
      r.round = round;
      printRun(r);
      runs.push(r);
      await sleep(3000); // let the closed sockets settle before the next run
    }
  }
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(runs, null, 2)}\n`);
  const failed = runs.filter((r) => r.error || !r.ok).length;
  if (failed) log(`${failed} of ${runs.length} runs failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { process.stderr.write(`cluster-scale: ${e.stack ?? e}\n`); cleanup(); process.exit(1); });
