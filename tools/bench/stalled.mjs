#!/usr/bin/env node
// Clients that stop reading under a broadcast flood (issue 11's scenario), against our bench
// server and the Node reference, one after the other on fresh processes:
//
//   --stalled clients join room "flood" and then never read again (their TCP socket is
//   paused: no frame, no pong); --bystanders join the same room and read everything; one
//   sender (not in the room) makes the server broadcast --messages small messages to it.
//
// Reports the server's RSS (before, peak, at the end), how many stalled connections the
// server still holds open after the flood (sampled until --watch seconds have passed) and
// whether every bystander got every message. Needs the `ws` package of
// tools/bench/node-baseline (npm ci there). Loopback only, bounded in count and time.
//
// Usage: node tools/bench/stalled.mjs [--ours CMD] [--node CMD] [--only ours|node]
//        [--stalled N] [--bystanders N] [--messages N] [--payload BYTES] [--watch S] [--window N]

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(resolve(ROOT, "tools/bench/node-baseline/package.json"));
const WebSocket = require("ws");

const opts = {
  ours: resolve(ROOT, "build/release/tools/sio_bench_server"),
  node: `node ${resolve(ROOT, "tools/bench/node-baseline/server.js")}`,
  only: "",
  stalled: 200,
  bystanders: 10,
  messages: 300000,
  payload: 40,
  watch: 60,
  window: 2000,
};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, "");
  if (!(key in opts)) {
    console.error(`unknown option ${process.argv[i]}\n${readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1, 15).join("\n")}`);
    process.exit(2);
  }
  opts[key] = typeof opts[key] === "number" ? Number(process.argv[i + 1]) : process.argv[i + 1];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
};
// The server's established TCP connections to `port` (its socket inodes matched against
// /proc/net/tcp), so a connection the server closed counts at once, whatever the client reads.
function serverConnections(pid, port) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {}
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let n = 0;
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === "01" && inodes.has(f[9])) n++;
  }
  return n;
}

function startServer(cmd) {
  const [bin, ...args] = cmd.split(/\s+/);
  const child = spawn(bin, [...args, "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) ok({ child, port: Number(m[1]), stderr: () => stderr });
    });
    child.on("exit", (code) => fail(new Error(`${cmd} exited ${code}: ${stderr}`)));
  });
}

// A raw Engine.IO v4 / Socket.IO v5 client over `ws`: opens, connects to "/" and, unless
// `join` is false (the sender), joins the room.
function member(port, { onMsg, join = true } = {}) {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    ws.on("error", fail);
    ws.on("message", (data) => {
      const text = data.toString();
      if (text === "2") ws.send("3");
      else if (text.startsWith("0{")) ws.send("40");
      else if (text.startsWith("40{")) join ? ws.send('420["join","flood"]') : ok(ws);
      else if (text === "430[true]") ok(ws);
      else if (onMsg && text.startsWith('42["msg"')) onMsg();
    });
  });
}

async function run(name, cmd) {
  // A bystander that fails the run (closed by the server, or an error) is reported, not hidden.
  const bystanderErrors = [];
  const { child, port, stderr } = await startServer(cmd);
  const pid = child.pid;
  await sleep(300);
  const before = rssMiB(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);

  const stalled = [];
  for (let i = 0; i < opts.stalled; i++) {
    const ws = await member(port);
    ws._socket.pause(); // never reads again: no frame, no pong
    ws.on("error", () => {});
    stalled.push(ws);
  }
  const received = new Array(opts.bystanders).fill(0);
  const bystanders = [];
  for (let i = 0; i < opts.bystanders; i++) {
    const ws = await member(port, { onMsg: () => received[i]++ });
    ws.on("close", (code) => bystanderErrors.push(`bystander ${i} closed (${code}) after ${received[i]} at ${Date.now()}`));
    bystanders.push(ws);
  }

  const sender = await member(port, { join: false });
  const frame = JSON.stringify(["broadcast", "flood", "x".repeat(opts.payload)]);
  const t0 = Date.now();
  // Closed loop: at most --window broadcasts not yet received by every bystander, so the
  // bystanders keep up and only the stalled clients fall behind.
  const stuck = () => bystanderErrors.length > 0 || Date.now() > t0 + opts.watch * 1000;
  for (let sent = 0; sent < opts.messages && !stuck(); ) {
    while (sent - Math.min(...received) > opts.window && !stuck()) await sleep(1);
    const n = Math.min(500, opts.messages - sent);
    for (let i = 0; i < n; i++) sender.send(`42${frame}`);
    sent += n;
    await new Promise((r) => sender.send("3", r)); // our own write drained (ordered)
  }
  const sentS = (Date.now() - t0) / 1000;

  // Until every bystander has everything (or the watch ends), then until --watch.
  const deadline = t0 + opts.watch * 1000;
  let complete = 0;
  while (Date.now() < deadline) {
    if (!complete && received.every((n) => n >= opts.messages)) complete = (Date.now() - t0) / 1000;
    if (complete && serverConnections(pid, port) <= opts.bystanders + 1) break;
    await sleep(200);
  }
  const stillOpen = Math.max(0, serverConnections(pid, port) - opts.bystanders - 1);
  const closedAt = (Date.now() - t0) / 1000;
  const end = rssMiB(pid);
  clearInterval(sampler);

  const bystanderFailures = bystanderErrors.length;
  if (bystanderFailures) console.error(bystanderErrors.join("\n"));
  for (const ws of [...stalled, ...bystanders, sender]) ws.terminate();
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
  const warnings = stderr().split("\n").filter((l) => /queue|write|closing/i.test(l));
  if (process.env.STALLED_LOG) console.error(warnings.join("\n"));
  return {
    server: name,
    rss_before_mib: +before.toFixed(1),
    rss_peak_mib: +peak.toFixed(1),
    rss_growth_mib: +(peak - before).toFixed(1),
    rss_end_mib: +end.toFixed(1),
    send_s: +sentS.toFixed(1),
    bystanders_complete_s: complete || null,
    bystander_min_received: Math.min(...received),
    bystanders_closed: bystanderFailures,
    stalled_still_open: stillOpen,
    observed_until_s: +closedAt.toFixed(1),
    server_log_lines: warnings.length,
  };
}

const results = [];
if (opts.only !== "node") results.push(await run("ours", opts.ours));
if (opts.only !== "ours") results.push(await run("node", opts.node));
console.log(
  `${opts.stalled} stalled + ${opts.bystanders} bystanders in one room, ${opts.messages} broadcasts of ${opts.payload} B`,
);
console.table(results);
console.log(JSON.stringify(results));
process.exit(0);
