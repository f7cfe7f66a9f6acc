// The Socket.IO server in-process on 127.0.0.1:0, driven by a WebSocket client that speaks
// the wire protocol, so every byte the server sends is checked. Shared by the
// coro/socketio tests.
//
// sio_fixture's server ("/socket.io/"):
//   "/"         every socket: "join" <room> (acks true), "echo" (acks its arguments),
//               "to-room" <room> (the room gets "room-msg" "from peer"), "leave-all"
//               (disconnects it), typed "typed" <string, int> (answers "typed-back" s, n + 1);
//               event middleware refuses "forbidden" (the error handler emits "error-seen")
//               and rewrites a first argument "rewrite-me" to "rewritten"; connections are
//               kept in `sockets`, disconnect reasons in `disconnects`.
//   "/admin"    middleware wants auth {"token":"secret"}; greets with "welcome" "admin".
//   "/dyn-*"    created on demand under `dynamic_parent`; greets with "hi" <nsp>; "/dyn-1"
//               joins "vip".
//   "/secure"   middleware wants the query ?token=t0k; emits "hs" address, Host, EIO.
//   "/later"    asynchronous middleware answers from `worker` after 30 ms (auth token "ok"),
//               a second one adds to the data; emits "data" <data>.
//   "/coro"     coroutine middleware: token "ok" lets in, "boom" throws, else refuses.
//   "/throws"   middleware answers from `worker`; the connection handler throws.
//   "/held"     middleware answers only when a test calls what it stored in `held`.
#pragma once

#include "sio/engineio/handshake.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/server.hpp"
#include "sio/socketio/server.hpp"

#include "common/io_runner.hpp"
#include "common/loopback.hpp"
#include "common/ws_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sio::test::sio_tests {

using namespace std::chrono_literals;
using socketio::event;
using sio_socket = socketio::socket;

/// The server options of the tests: a heartbeat that stays out of the way, a 400 ms connect
/// timeout.
socketio::server_options options();

/// Polls `pred` every 5 ms until it holds (true) or `timeout` has passed (false).
bool eventually(std::function<bool()> const& pred, std::chrono::milliseconds timeout = 2s);

struct sio_fixture {
    io_runner io;
    http::server server{io.ioc(), loopback_config()};
    socketio::server sio{options()};
    tcp::endpoint ep;

    std::mutex mutex;
    std::vector<std::string> disconnects;
    std::vector<std::shared_ptr<sio_socket>> sockets;
    std::vector<socketio::next_fn> held;                  // answers withheld by /held's middleware
    socketio::parent_namespace* dynamic_parent = nullptr; // of the /dyn-* namespaces
    io_runner worker{1};                                  // where /later's middleware answers from

    sio_fixture();
    ~sio_fixture();

    std::size_t socket_count(std::string const& nsp = "/") { return sio.of(nsp).socket_count(); }
    /// The socket of the latest connection to "/".
    std::shared_ptr<sio_socket> last_socket();
};

/// Opens a WebSocket-only Engine.IO session and returns the client after the open packet.
awaitable<std::unique_ptr<ws_client>> open_session(tcp::endpoint at);

/// Text of the next frame, skipping pings; "<closed>" when the connection ended.
awaitable<std::string> next_text(ws_client& ws);

/// One step of a conversation: a frame to send, then how many frames to collect.
struct step {
    std::string send;
    int replies;
};

/// Opens a WebSocket session and goes through `steps`; returns every frame collected.
awaitable<std::vector<std::string>> converse(tcp::endpoint at, std::vector<step> steps);

} // namespace sio::test::sio_tests
