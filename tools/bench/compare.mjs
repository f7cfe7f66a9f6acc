#!/usr/bin/env node
// Compare our C++ Socket.IO bench server with the official Node implementation
// (tools/bench/node-baseline) under the same sio_loadgen load.
//
// For every scenario, runs OURS and NODE alternately (A B A B ...), each run
// on a fresh server process, and measures the server process tree's CPU time
// (/proc/<pid>/stat utime+stime+cutime+cstime) across the load and its RSS
// (/proc/<pid>/status VmRSS: before the load, and the peak sampled every 100 ms).
//
// Usage: node tools/bench/compare.mjs [options]   (run with --help for the list)
// Node >= 18, Linux only, no dependencies. Loopback only.

import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

// The scenarios: which sio_loadgen --scenario runs them and its default arguments, sized so
// the default run (8 scenarios x 3 rounds x 2 servers) takes about 5 minutes on 2 cores.
// `cap`: --duration only bounds the run (it ends after --count broadcasts or once the sessions
// are open), so the global --duration does not override it. `optIn`: only via --scenarios.
const SCENARIOS = {
  // connect: opens --clients sessions, 200 handshakes in flight.
  connect: { mode: "connect", cap: true, args: { "--clients": "2000", "--duration": "30" } },
  // echo: open loop at a fixed moderate rate (latency under load).
  echo: { mode: "echo", args: { "--clients": "50", "--duration": "5", "--rate": "5000", "--payload": "64" } },
  // echo-max: closed loop, one echo in flight per client (throughput and CPU per echo).
  "echo-max": { mode: "echo", args: { "--clients": "50", "--duration": "5", "--rate": "0", "--payload": "64" } },
  // fanout: closed loop, at most 16 broadcasts not yet received by all 1000 members.
  fanout: {
    mode: "fanout", cap: true,
    args: { "--clients": "1000", "--window": "16", "--count": "500", "--payload": "64", "--senders": "1", "--duration": "60" },
  },
  // fanout-paced: 40 broadcasts/s to 500 members (20 000 deliveries/s; the old fanout).
  "fanout-paced": {
    mode: "fanout",
    args: { "--clients": "500", "--duration": "5", "--rate": "40", "--payload": "64", "--senders": "1" },
  },
  // fanout-polling: like fanout, the members and the sender on HTTP long-polling.
  "fanout-polling": {
    mode: "fanout", cap: true,
    args: {
      "--transport": "polling", "--clients": "200", "--window": "16", "--count": "4000", "--payload": "64",
      "--senders": "1", "--duration": "60",
    },
  },
  // cluster-fanout: fanout's load on a two-server cluster through a private redis-server: the
  // members alternate between the servers, the sender is on the first, so half of every
  // broadcast crosses Redis. Each server gets one I/O thread (Node has one).
  "cluster-fanout": {
    mode: "fanout", cap: true, cluster: 2, oursArgs: ["1"],
    args: { "--clients": "1000", "--window": "16", "--count": "500", "--payload": "64", "--senders": "1", "--duration": "60" },
  },
  idle: { mode: "idle", args: { "--clients": "1000", "--duration": "5" } },
  "idle-10k": { mode: "idle", args: { "--clients": "10000", "--duration": "5" } },
  // idle-50k: needs an open-file limit above 50 000 for both processes (see --nofile).
  "idle-50k": { mode: "idle", optIn: true, args: { "--clients": "50000", "--duration": "5", "--sources": "4" } },
};
const DEFAULT_SCENARIOS = Object.keys(SCENARIOS).filter((k) => !SCENARIOS[k].optIn);

const HELP = `usage: node tools/bench/compare.mjs [options]

  --ours CMD         our bench server command; the port (0) is appended
                     (default: build/release/tools/sio_bench_server)
  --node CMD         reference server command (default: node tools/bench/node-baseline/server.js)
  --loadgen CMD      load generator command (default: build/release/tools/sio_loadgen);
                     a .js/.mjs path is run with this node
  --scenarios LIST   comma-separated, from ${Object.keys(SCENARIOS).join(",")}
                     (default: ${DEFAULT_SCENARIOS.join(",")})
  --rounds N         rounds per scenario, each runs ours then node (default: 3, minimum 1)
  --duration S       override --duration of the timed scenarios (echo, echo-max, fanout-paced,
                     idle*); for the others it is only a bound: set it per scenario
  --SCENARIO ARGS    extra/overriding loadgen args for one scenario, e.g.
                       --fanout "--clients 2000 --count 300"   --echo-max "--clients 100"
  --nofile N         open-file limit for both servers and the load generator, set with
                     prlimit (default: 200000; raising the hard limit needs root /
                     CAP_SYS_RESOURCE, else the current hard limit is used; 0: leave as is)
  --pin              pin the server to CPU 0 and the load generator to CPU 1 (taskset)
  --markdown FILE    also write the result table as Markdown
  --json FILE        also write every run's raw measurements as JSON
  --help

CMDs are split on whitespace (no shell quoting). Relative paths are relative to
the current directory; the defaults are relative to the repository root.

Default loadgen args per scenario:
${Object.entries(SCENARIOS)
  .map(([k, v]) => `  ${k.padEnd(15)} --scenario ${v.mode} ${Object.entries(v.args).flat().join(" ")}${v.optIn ? "  (opt-in)" : ""}`)
  .join("\n")}
`;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    ours: `${ROOT}/build/release/tools/sio_bench_server`,
    node: `${process.execPath} ${ROOT}/tools/bench/node-baseline/server.js`,
    loadgen: `${ROOT}/build/release/tools/sio_loadgen`,
    scenarios: DEFAULT_SCENARIOS,
    rounds: 3,
    duration: null,
    extra: {},
    pin: false,
    nofile: 200000,
    markdown: null,
    json: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case "--ours": o.ours = val(); break;
      case "--node": o.node = val(); break;
      case "--loadgen": o.loadgen = val(); break;
      case "--scenarios": o.scenarios = val().split(",").map((s) => s.trim()).filter(Boolean); break;
      case "--rounds": o.rounds = Math.max(1, Number.parseInt(val(), 10) || 3); break;
      case "--duration": o.duration = val(); break;
      case "--pin": o.pin = true; break;
      case "--nofile": o.nofile = Math.max(0, Number.parseInt(val(), 10) || 0); break;
      case "--markdown": o.markdown = val(); break;
      case "--json": o.json = val(); break;
      case "--help": case "-h": process.stdout.write(HELP); process.exit(0); break;
      default: {
        const name = a.replace(/^--/, "");
        if (a.startsWith("--") && name in SCENARIOS) o.extra[name] = val();
        else die(`unknown option ${a} (see --help)`);
      }
    }
  }
  for (const s of o.scenarios) if (!(s in SCENARIOS)) die(`unknown scenario ${s}`);
  return o;
}

function die(msg) {
  process.stderr.write(`compare: ${msg}\n`);
  killAll();
  process.exit(2);
}

function splitCmd(cmd) {
  const parts = cmd.trim().split(/\s+/).filter(Boolean);
  if (parts.length && /\.(m?js|cjs)$/.test(parts[0])) parts.unshift(process.execPath);
  return parts;
}

function loadgenArgs(scenario, opts) {
  const def = SCENARIOS[scenario];
  const m = new Map(Object.entries(def.args));
  if (opts.duration && !def.cap) m.set("--duration", opts.duration);
  const extra = (opts.extra[scenario] ?? "").trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < extra.length; i++) {
    const k = extra[i];
    const v = extra[i + 1] !== undefined && !extra[i + 1].startsWith("--") ? extra[++i] : "";
    m.set(k, v);
  }
  const out = ["--scenario", def.mode];
  for (const [k, v] of m) { out.push(k); if (v !== "") out.push(v); }
  return out;
}

// The value of a loadgen option in an argument list, or `fallback`.
function argValue(args, key, fallback) {
  const i = args.lastIndexOf(key);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

// Descriptors one loadgen run needs (sockets, two per polling session, plus slack).
function fdsNeeded(args) {
  const perSession = argValue(args, "--transport", "websocket") === "polling" ? 2 : 1;
  return (Number(argValue(args, "--clients", "10")) + Number(argValue(args, "--senders", "1"))) * perSession + 100;
}

// ---------------------------------------------------------------- open-file limit
// Returns { prefix: argv prefix for spawning, limit: the soft limit the processes get, note }.
function fdLimitSetup(want) {
  const hard = (() => {
    try { return execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim(); } catch { return ""; }
  })();
  const hardN = hard === "unlimited" ? Infinity : Number.parseInt(hard, 10) || 1024;
  if (!want) return { prefix: [], limit: hardN, note: null };
  const works = (n) => {
    try { execFileSync("prlimit", [`--nofile=${n}:${n}`, "--", "true"], { stdio: "ignore" }); return true; } catch { return false; }
  };
  if (works(want)) return { prefix: ["prlimit", `--nofile=${want}:${want}`, "--"], limit: want, note: null };
  const n = Number.isFinite(hardN) ? hardN : want;
  const note = `cannot raise the open-file limit to ${want} (prlimit failed: needs root with CAP_SYS_RESOURCE); ` +
    `servers and load generator run with ${n}`;
  return { prefix: works(n) ? ["prlimit", `--nofile=${n}:${n}`, "--"] : [], limit: n, note };
}

// ---------------------------------------------------------------- /proc
let CLK_TCK = 100;
try {
  CLK_TCK = Number.parseInt(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }), 10) || 100;
} catch { /* keep 100 */ }

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = s.slice(s.lastIndexOf(")") + 2).split(" "); // rest[0] is field 3 (state)
    return {
      ppid: Number(rest[1]),
      ticks: Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]),
    };
  } catch {
    return null;
  }
}

function processTree(root) {
  const children = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const st = readStat(d);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(d));
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    for (const c of children.get(p) ?? []) stack.push(c);
  }
  return out;
}

// Seconds of CPU used by the process tree (incl. reaped children).
function treeCpuSeconds(root) {
  let ticks = 0;
  for (const p of processTree(root)) ticks += readStat(p)?.ticks ?? 0;
  return ticks / CLK_TCK;
}

// VmRSS of the process tree, KiB.
function treeRssKiB(root) {
  let kib = 0;
  for (const p of processTree(root)) {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) kib += Number(m[1]);
    } catch { /* gone */ }
  }
  return kib;
}

// ---------------------------------------------------------------- processes
const live = new Set();

function killGroup(child, signal = "SIGTERM") {
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

function killAll() {
  for (const c of live) killGroup(c, "SIGKILL");
}
process.on("SIGINT", () => { killAll(); process.exit(130); });
process.on("SIGTERM", () => { killAll(); process.exit(143); });
process.on("exit", killAll);

function spawnGroup(argv, env = process.env) {
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  live.add(child);
  child.exited = new Promise((res) => child.on("exit", (code, sig) => { live.delete(child); res({ code, sig }); }));
  child.on("error", () => {});
  return child;
}

async function stopServer(child) {
  killGroup(child, "SIGTERM");
  const t = setTimeout(() => killGroup(child, "SIGKILL"), 2000);
  await child.exited;
  clearTimeout(t);
}

function startServer(argv, timeoutMs = 15000, { extraArgs = [], env = process.env } = {}) {
  const child = spawnGroup([...argv, "0", ...extraArgs], env);
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  return new Promise((res, rej) => {
    let buf = "";
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopServer(child).then(() => rej(new Error(`${why}\n${stderr}`)));
    };
    const timer = setTimeout(() => fail(`server did not print its line within ${timeoutMs} ms`), timeoutMs);
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
        res({ child, url: m[1] });
      }
    });
  });
}

// Runs the load generator; `onPhase(name)` is called when it prints "sio_loadgen: phase NAME"
// on stderr (load-start, load-end), so the server can be sampled right then.
function runLoadgen(argv, timeoutMs, onPhase = () => {}) {
  const child = spawnGroup(argv);
  let out = "", err = "", partial = "";
  const phases = [];
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => {
    err = (err + d).slice(-4000);
    const lines = (partial + d).split("\n");
    partial = lines.pop();
    for (const l of lines) {
      const m = /^sio_loadgen: phase (\S+)/.exec(l);
      if (m) { phases.push(m[1]); onPhase(m[1]); }
    }
  });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; killGroup(child, "SIGKILL"); }, timeoutMs);
  child.on("error", (e) => { err += `cannot start ${argv[0]}: ${e.message}`; });
  return child.exited.then(({ code, sig }) => {
    clearTimeout(timer);
    let json = null;
    for (const line of out.trim().split("\n").reverse()) {
      try { json = JSON.parse(line); break; } catch { /* not json */ }
    }
    return { code, sig, timedOut, json, phases, stderr: err };
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- one run
// A free TCP port on 127.0.0.1 (for redis-server, which cannot pick one itself).
function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => res(port)); });
  });
}

// A private redis-server for one cluster run; resolves once it answers on its port.
async function startRedis() {
  const port = await freePort();
  const child = spawnGroup(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "",
    "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]);
  const until = Date.now() + 10000;
  for (;;) {
    const up = await new Promise((res) => {
      const c = spawn("redis-cli", ["-p", String(port), "ping"], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      c.stdout.on("data", (d) => { out += d; });
      c.on("exit", () => res(out.includes("PONG")));
      c.on("error", () => res(false));
    });
    if (up) return { child, url: `redis://127.0.0.1:${port}` };
    if (Date.now() > until) { await stopServer(child); throw new Error("redis-server did not start"); }
    await sleep(50);
  }
}

async function oneRun(impl, serverArgv, scenario, opts) {
  const pin = (cpu, argv) => (opts.pin ? ["taskset", "-c", String(cpu), ...argv] : argv);
  const def = SCENARIOS[scenario];
  const redis = def.cluster ? await startRedis() : null;
  const servers = [];
  try {
    const env = redis ? { ...process.env, REDIS_URL: redis.url } : process.env;
    const extraArgs = impl === "ours" ? def.oursArgs ?? [] : [];
    for (let i = 0; i < (def.cluster ?? 1); i++) {
      servers.push(await startServer(pin(0, [...opts.fd.prefix, ...serverArgv]), 15000, { extraArgs, env }));
    }
    await sleep(redis ? 1000 : 300); // let start-up settle (and every server subscribe)
    const pids = servers.map((x) => x.child.pid);
    const cpuOf = () => pids.reduce((a, p) => a + treeCpuSeconds(p), 0);
    const rssOf = () => pids.reduce((a, p) => a + treeRssKiB(p), 0);
    const redisCpu = () => (redis ? treeCpuSeconds(redis.child.pid) : 0);
    const rssBefore = rssOf();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssOf()); }, 100);
    const cpu0 = cpuOf();
    const at = {}; // phase name -> { cpu, rss, redis } when the loadgen announced it
    const onPhase = (name) => { at[name] = { cpu: cpuOf(), rss: rssOf(), redis: redisCpu() }; };
    const args = loadgenArgs(scenario, opts);
    const dur = Number(argValue(args, "--duration", "10")) || 10;
    const clients = Number(argValue(args, "--clients", "10")) || 10;
    // The loadgen's own bounds: duration + 60 s + a setup timeout of 30 s + 2 ms per session.
    const timeoutMs = (dur + 120 + clients * 0.004) * 1000;
    const members = servers.length > 1 ? servers.flatMap((x) => ["--member-url", x.url]) : [];
    const lgArgv = [...opts.fd.prefix, ...splitCmd(opts.loadgen), "--url", servers[0].url, ...members, ...args];
    const lg = await runLoadgen(pin(1, lgArgv), timeoutMs, onPhase);
    const cpu1 = cpuOf();
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssOf());
    const r = { impl, scenario, cpu_s: cpu1 - cpu0, rss_before_kib: rssBefore, rss_peak_kib: rssPeak, loadgen: lg.json };
    if (at["load-start"] && at["load-end"]) {
      r.cpu_setup_s = at["load-start"].cpu - cpu0;
      r.cpu_load_s = at["load-end"].cpu - at["load-start"].cpu;
      r.rss_load_start_kib = at["load-start"].rss;
      r.rss_load_end_kib = at["load-end"].rss;
      if (redis) r.redis_cpu_load_s = at["load-end"].redis - at["load-start"].redis;
    }
    if (lg.timedOut || lg.code !== 0 || !lg.json) {
      r.error = `loadgen ${lg.timedOut ? "timed out" : `exit ${lg.code}${lg.sig ? ` (${lg.sig})` : ""}`}` +
        `${lg.json ? "" : ", no JSON line"}: ${lg.stderr.trim().split("\n").slice(-3).join(" | ")}`;
    }
    return r;
  } finally {
    for (const x of servers) await stopServer(x.child);
    if (redis) await stopServer(redis.child);
  }
}

// ---------------------------------------------------------------- metrics
// [name, f(run), better]: better is "lower" (default), "higher" or "info" (no ratio).
// CPU of the load phase (between the loadgen's load-start and load-end lines: without the
// handshakes, joins and closes); the whole run's CPU when the loadgen printed no phases.
const loadCpu = (r) => r.cpu_load_s ?? r.cpu_s;
const latency = (label, key) => [`${label} (ms)`, (r) => (r.loadgen.latency_us?.[key] ?? NaN) / 1e3];
const FANOUT = [
  ["CPU s per 1M delivered msgs", (r) => per(loadCpu(r) * 1e6, r.loadgen.delivered)],
  ["delivered msgs/s", (r) => r.loadgen.delivered_per_s ?? NaN, "higher"],
  latency("delivery p99 latency", "p99"),
  latency("delivery p99.9 latency", "p999"),
];
const IDLE = [
  ["RSS KiB per idle connection", (r) => per(r.rss_peak_kib - r.rss_before_kib, r.loadgen.connected)],
  ["CPU ms per connect (setup)", (r) => per((r.cpu_setup_s ?? NaN) * 1e3, r.loadgen.connected)],
  ["connects/s (setup)", (r) => r.loadgen.connects_per_s ?? NaN, "higher"],
  ["RSS MiB before load", (r) => r.rss_before_kib / 1024],
];
const METRICS = {
  connect: [
    ["CPU ms per connect", (r) => per(r.cpu_s * 1e3, r.loadgen.ops || r.loadgen.connected)],
    ["connects/s", (r) => r.loadgen.connects_per_s ?? NaN, "higher"],
    latency("connect p99 latency", "p99"),
  ],
  echo: [
    ["CPU µs per acked echo", (r) => per(loadCpu(r) * 1e6, r.loadgen.ops)],
    latency("echo p50 latency", "p50"),
    latency("echo p99 latency", "p99"),
    latency("echo p99.9 latency", "p999"),
  ],
  "echo-max": [
    ["CPU µs per acked echo", (r) => per(loadCpu(r) * 1e6, r.loadgen.ops)],
    ["acked echoes/s", (r) => r.loadgen.ops_per_s, "higher"],
    latency("echo p99 latency", "p99"),
    latency("echo p99.9 latency", "p999"),
  ],
  fanout: FANOUT,
  // Server CPU and RSS are the two servers' sums; by_member_server[1] holds the clients of the
  // second server, every one of whose deliveries crossed Redis.
  "cluster-fanout": [
    ...FANOUT.slice(0, 2),
    latency("delivery p99 latency, all", "p99"),
    ["cross-server delivery p99 latency (ms)", (r) => (r.loadgen.by_member_server?.[1]?.latency_us.p99 ?? NaN) / 1e3],
    ["same-server delivery p99 latency (ms)", (r) => (r.loadgen.by_member_server?.[0]?.latency_us.p99 ?? NaN) / 1e3],
    ["Redis CPU s per 1M delivered msgs", (r) => per((r.redis_cpu_load_s ?? NaN) * 1e6, r.loadgen.delivered), "info"],
  ],
  "fanout-paced": FANOUT,
  "fanout-polling": FANOUT,
  idle: IDLE,
  "idle-10k": IDLE,
  "idle-50k": IDLE,
};
const COMMON = [
  ["peak RSS MiB", (r) => r.rss_peak_kib / 1024],
  ["loadgen CPU s (its own)", (r) => r.loadgen.loadgen_cpu_s ?? NaN, "info"],
];

function per(a, b) { return b > 0 ? a / b : NaN; }
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
function fmt(x) {
  if (!Number.isFinite(x)) return "n/a";
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
function summary(xs) {
  const v = xs.filter(Number.isFinite);
  if (!v.length) return { med: NaN, text: "n/a" };
  const med = median(v);
  return { med, text: `${fmt(med)} [${fmt(Math.min(...v))}–${fmt(Math.max(...v))}]` };
}

// ---------------------------------------------------------------- main
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const oursArgv = splitCmd(opts.ours);
  const nodeArgv = splitCmd(opts.node);
  const lgArgv = splitCmd(opts.loadgen);
  for (const [what, argv] of [["--ours", oursArgv], ["--loadgen", lgArgv]]) {
    if (argv[0].includes("/") && !existsSync(argv[0])) die(`${what}: ${argv[0]} not found (build it, or pass ${what})`);
  }
  if (nodeArgv.includes(`${ROOT}/tools/bench/node-baseline/server.js`) &&
      !existsSync(`${ROOT}/tools/bench/node-baseline/node_modules/socket.io`)) {
    die("node baseline not installed: cd tools/bench/node-baseline && npm ci");
  }
  opts.fd = fdLimitSetup(opts.nofile);
  const fdNotes = [];
  if (opts.fd.note) {
    process.stderr.write(`compare: ${opts.fd.note}\n`);
    fdNotes.push(opts.fd.note);
  }
  for (const scenario of opts.scenarios) {
    const need = fdsNeeded(loadgenArgs(scenario, opts));
    if (need > opts.fd.limit) {
      const n = `${scenario}: needs about ${need} open files per process, the limit is ${opts.fd.limit}: expect failures`;
      process.stderr.write(`compare: ${n}\n`);
      fdNotes.push(n);
    }
  }

  const runs = [];
  const t0 = Date.now();
  for (const scenario of opts.scenarios) {
    for (let round = 1; round <= opts.rounds; round++) {
      for (const [impl, argv] of [["ours", oursArgv], ["node", nodeArgv]]) {
        let r;
        try {
          r = await oneRun(impl, argv, scenario, opts);
        } catch (e) {
          r = { impl, scenario, error: e.message.trim() };
        }
        r.round = round;
        runs.push(r);
        const lg = r.loadgen;
        process.stderr.write(
          `[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${scenario} #${round} ${impl.padEnd(4)} ` +
          (lg ? `cpu=${r.cpu_s.toFixed(2)}s` +
                (r.cpu_load_s !== undefined ? ` (setup ${r.cpu_setup_s.toFixed(2)} load ${r.cpu_load_s.toFixed(2)})` : "") +
                ` rss=${(r.rss_before_kib / 1024).toFixed(1)}→${(r.rss_peak_kib / 1024).toFixed(1)}MiB ` +
                `ops=${lg.ops} delivered=${lg.delivered}/${lg.expected} errors=${lg.errors} connected=${lg.connected} ` +
                (lg.delivered_per_s ? `delivered/s=${lg.delivered_per_s} ` : "") +
                (lg.connects_per_s ? `connects/s=${lg.connects_per_s} ` : "") +
                `p99=${lg.latency_us?.p99}µs p99.9=${lg.latency_us?.p999}µs loadgen_cpu=${lg.loadgen_cpu_s}s` : "") +
          (r.error ? ` ERROR: ${r.error}` : "") + "\n");
      }
    }
  }

  // Table
  const rows = [];
  const notes = [...fdNotes];
  for (const scenario of opts.scenarios) {
    const ok = (impl) => runs.filter((r) => r.scenario === scenario && r.impl === impl && r.loadgen && !r.error);
    for (const [name, f, better = "lower"] of [...METRICS[scenario], ...COMMON]) {
      const o = summary(ok("ours").map(f));
      const n = summary(ok("node").map(f));
      const [num, den] = better === "higher" ? [o.med, n.med] : [n.med, o.med];
      const ratio = better === "info" ? "—" : den > 0 && Number.isFinite(num) ? `${fmt(num / den)}×` : "n/a";
      const label = better === "higher" ? `${name} ↑` : name;
      rows.push([scenario, label, o.text, n.text, ratio]);
    }
    for (const impl of ["ours", "node"]) {
      const all = runs.filter((r) => r.scenario === scenario && r.impl === impl);
      const failed = all.filter((r) => r.error || !r.loadgen).length;
      const lossy = all.filter((r) => r.loadgen && (r.loadgen.errors > 0 || r.loadgen.delivered < r.loadgen.expected));
      if (failed) notes.push(`${scenario}/${impl}: ${failed} of ${all.length} runs failed (excluded)`);
      if (lossy.length) {
        notes.push(`${scenario}/${impl}: ${lossy.length} runs with errors or delivered < expected (` +
          lossy.map((r) => `${r.loadgen.delivered}/${r.loadgen.expected}, ${r.loadgen.errors} errors`).join("; ") + ")");
      }
    }
  }
  const header = ["scenario", "metric (lower is better; ↑ higher)", "ours median [min–max]", "node median [min–max]", "× better ours"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const text = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
  const cfg = opts.scenarios.map((s) => `${s}: ${loadgenArgs(s, opts).join(" ")}`);
  process.stdout.write(
    `\n${opts.rounds} rounds per scenario, alternating ours/node, fresh server each run` +
    `${opts.pin ? ", server pinned to CPU 0, loadgen to CPU 1" : ""}\n` +
    cfg.map((c) => `  ${c}\n`).join("") + `\n${text}\n` +
    (notes.length ? `\nnotes:\n${notes.map((n) => `  - ${n}`).join("\n")}\n` : ""));

  if (opts.markdown) {
    const md = [
      `# Socket.IO server comparison: ours vs Node socket.io`,
      "",
      `${opts.rounds} rounds per scenario, alternating ours/node, fresh server process each run` +
        `${opts.pin ? "; server pinned to CPU 0, load generator to CPU 1" : ""}. ` +
        `Server CPU = utime+stime of the server process tree during the load phase (connect: the whole run; ` +
        `idle "setup": while the sessions open); RSS = VmRSS (peak sampled every 100 ms). ` +
        `"× better ours" is node median / ours median for lower-is-better metrics and ours / node for ` +
        `the ones marked ↑ (higher is better); "loadgen CPU" is the load generator's own CPU, for reference.`,
      "",
      ...cfg.map((c) => `- \`${c}\``),
      "",
      `| ${header.join(" | ")} |`,
      `| ${header.map((_, i) => (i >= 2 ? "---:" : "---")).join(" | ")} |`,
      ...rows.map((r) => `| ${r.join(" | ")} |`),
      ...(notes.length ? ["", "Notes:", "", ...notes.map((n) => `- ${n}`)] : []),
      "",
    ].join("\n");
    writeFileSync(opts.markdown, md);
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify(runs, null, 2) + "\n");
  const anyOk = runs.some((r) => !r.error && r.loadgen);
  process.exit(anyOk ? 0 : 1);
}

main().catch((e) => { process.stderr.write(`compare: ${e.stack ?? e}\n`); killAll(); process.exit(1); });
