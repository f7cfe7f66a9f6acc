// Reference bench server: the official Node Socket.IO implementation, with the
// same events as tools/bench sio_bench_server, so tools/bench/compare.mjs can
// measure both under the same load.
//
//   node server.js [PORT]   (0 or missing = a free port)
//   REDIS_URL=redis://127.0.0.1:6379 node server.js 0   joins a cluster through Redis with
//   @socket.io/redis-adapter (the cluster-fanout scenario)
//
// Prints "bench server on http://127.0.0.1:<port>" once listening.
// Main namespace events:
//   echo (...args, ack)          -> ack(...args)
//   join (room, ack)             -> join room, ack(true)
//   broadcast (room, payload, ack?) -> emit "msg"(payload) to every socket in room
//                                      (sender included if it joined), ack(true)
import http from "node:http";
import { Server } from "socket.io";

const port = Number.parseInt(process.argv[2] ?? "0", 10) || 0;

const httpServer = http.createServer();
const io = new Server(httpServer, { serveClient: false });

if (process.env.REDIS_URL) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const pubClient = createClient({ url: process.env.REDIS_URL });
  const subClient = pubClient.duplicate();
  await Promise.all([pubClient.connect(), subClient.connect()]);
  io.adapter(createAdapter(pubClient, subClient));
}

io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  socket.on("join", (room, ack) => {
    socket.join(String(room));
    if (typeof ack === "function") ack(true);
  });
  socket.on("broadcast", (room, payload, ack) => {
    io.to(String(room)).emit("msg", payload);
    if (typeof ack === "function") ack(true);
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  const { port: actual } = httpServer.address();
  process.stdout.write(`bench server on http://127.0.0.1:${actual}\n`);
});

const stop = () => {
  io.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
