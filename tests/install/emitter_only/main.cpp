// Links socketio_cpp::cluster only: an emitter without Redis prints what it would publish
// (one line per message: the channel, then the message's size).
#include <fmt/format.h>

#include <sio/cluster/emitter.hpp>
#include <sio/version.hpp>
#include <string_view>

int main() {
    sio::cluster::emitter io([](std::string_view channel, std::string_view message) {
        fmt::print("{} {}\n", channel, message.size());
    });
    io.to("room-A").emit("news", "hello");
    io.of("/admin").in("room-B").sockets_join("room-C");
    fmt::print("socketio_cpp {}\n", SIO_VERSION_STRING);
    return 0;
}
