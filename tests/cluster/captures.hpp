// Every message the Node servers (redis-adapter 8.3.0) and the emitter (5.1.0) published in the
// captures of the shared notes, copied from shared/redis/classic.txt (default options) and
// specific.txt (publishOnSpecificResponseChannel: true): the step that published it, the
// channel, the bytes as hex (empty where the capture abbreviates them; then `text` is the
// bytes), and the capture's rendering of them (binary shown as "<bin N B: hex>").
// Connections: 3 = server A's publisher, 4 = server B's, 5 = the emitter.
#pragma once

#include <string_view>

namespace sio::cluster::test {

struct capture {
    std::string_view step;
    int conn;
    std::string_view channel;
    bool msgpack;
    std::string_view hex;
    std::string_view text;
};

inline constexpr capture captures[] = {
    // classic: A: io.emit("ev", "hello")
    {"classic: A: io.emit(\"ev\", \"hello\")", 3, "socket.io#/#", true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a5 68 65 6c "
     "6c 6f a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 90 a5 66 6c 61 "
     "67 73 80",
     R"j(["e6vXHF",{"type":2,"data":["ev","hello"],"nsp":"/"},{"rooms":[],"except":[],"flags")j"
     R"j(:{}}])j"},
    // classic: A: io.to("room1").emit("ev", 1, 2.5, -3, true, null)
    {"classic: A: io.to(\"room1\").emit(\"ev\", 1, 2.5, -3, true, null)", 3, "socket.io#/#room1#",
     true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 96 a2 65 76 01 cb 40 04 "
     "00 00 00 00 00 00 fd c3 c0 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 72 6f 6f 6d "
     "31 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80",
     R"j(["e6vXHF",{"type":2,"data":["ev",1,2.5,-3,true,null],"nsp":"/"},{"rooms":["room1"],")j"
     R"j(except":[],"flags":{}}])j"},
    // classic: A: io.to(["room1","room2"]).except("room3").emit("ev", {a: 1})
    {"classic: A: io.to([\"room1\",\"room2\"]).except(\"room3\").emit(\"ev\", {a: 1})", 3,
     "socket.io#/#", true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 81 a1 61 01 "
     "a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 92 a5 72 6f 6f 6d 31 a5 72 6f 6f 6d 32 a6 65 "
     "78 63 65 70 74 91 a5 72 6f 6f 6d 33 a5 66 6c 61 67 73 80",
     R"j(["e6vXHF",{"type":2,"data":["ev",{"a":1}],"nsp":"/"},{"rooms":["room1","room2"],"exc)j"
     R"j(ept":["room3"],"flags":{}}])j"},
    // classic: A: socket.broadcast.emit("others", ...) for client a1 (except = [a1 sid])
    {"classic: A: socket.broadcast.emit(\"others\", ...) for client a1 (except = [a1 sid])", 3,
     "socket.io#/#", true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a6 6f 74 68 65 72 73 "
     "b9 66 72 6f 6d 20 53 6e 6a 42 68 6b 6f 30 41 73 42 69 58 42 62 4e 41 41 41 41 a3 6e "
     "73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 91 b4 53 6e 6a 42 68 6b 6f "
     "30 41 73 42 69 58 42 62 4e 41 41 41 41 a5 66 6c 61 67 73 80",
     R"j(["e6vXHF",{"type":2,"data":["others","from SnjBhko0AsBiXBbNAAAA"],"nsp":"/"},{"rooms)j"
     R"j(":[],"except":["SnjBhko0AsBiXBbNAAAA"],"flags":{}}])j"},
    // classic: A: io.volatile.compress(false).emit("ev", "v")
    {"classic: A: io.volatile.compress(false).emit(\"ev\", \"v\")", 3, "socket.io#/#", true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a1 76 a3 6e "
     "73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 82 a8 "
     "76 6f 6c 61 74 69 6c 65 c3 a8 63 6f 6d 70 72 65 73 73 c2",
     R"j(["e6vXHF",{"type":2,"data":["ev","v"],"nsp":"/"},{"rooms":[],"except":[],"flags":{"v)j"
     R"j(olatile":true,"compress":false}}])j"},
    // classic: A: io.to(b1 socket id).emit("ev", "direct")
    {"classic: A: io.to(b1 socket id).emit(\"ev\", \"direct\")", 3,
     "socket.io#/#_QG7i0qI324vozDxAAAB#", true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a6 64 69 72 "
     "65 63 74 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 b4 5f 51 47 37 69 30 71 49 33 32 "
     "34 76 6f 7a 44 78 41 41 41 42 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80",
     R"j(["e6vXHF",{"type":2,"data":["ev","direct"],"nsp":"/"},{"rooms":["_QG7i0qI324vozDxAAA)j"
     R"j(B"],"except":[],"flags":{}}])j"},
    // classic: A: io.to("room1").emit("bin", Buffer [1,2,3], {nested: Buffer [0xff]})
    {"classic: A: io.to(\"room1\").emit(\"bin\", Buffer [1,2,3], {nested: Buffer [0xff]})", 3,
     "socket.io#/#room1#", true,
     "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 93 a3 62 69 6e c4 03 01 "
     "02 03 81 a6 6e 65 73 74 65 64 c4 01 ff a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 "
     "72 6f 6f 6d 31 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80",
     R"j(["e6vXHF",{"type":2,"data":["bin","<bin 3 B: 010203>",{"nested":"<bin 1 B: ff>"}],"n)j"
     R"j(sp":"/"},{"rooms":["room1"],"except":[],"flags":{}}])j"},
    // classic: A: io.of("/chat").emit("ev", "to chat")
    {"classic: A: io.of(\"/chat\").emit(\"ev\", \"to chat\")", 3, "socket.io#/chat#", true,
     "93 a6 55 45 4b 38 4c 42 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a7 74 6f 20 "
     "63 68 61 74 a3 6e 73 70 a5 2f 63 68 61 74 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 "
     "74 90 a5 66 6c 61 67 73 80",
     R"j(["UEK8LB",{"type":2,"data":["ev","to chat"],"nsp":"/chat"},{"rooms":[],"except":[],")j"
     R"j(flags":{}}])j"},
    // classic: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"classic: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     3, "socket.io-request#/#", true,
     "85 a3 75 69 64 a6 65 36 76 58 48 46 a9 72 65 71 75 65 73 74 49 64 a6 5f 50 6f 42 51 "
     "69 a4 74 79 70 65 07 a6 70 61 63 6b 65 74 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a6 "
     "61 63 6b 2d 6d 65 07 a3 6e 73 70 a1 2f a4 6f 70 74 73 83 a5 72 6f 6f 6d 73 90 a6 65 "
     "78 63 65 70 74 90 a5 66 6c 61 67 73 81 a7 74 69 6d 65 6f 75 74 cd 03 e8",
     R"j({"uid":"e6vXHF","requestId":"_PoBQi","type":7,"packet":{"type":2,"data":["ack-me",7])j"
     R"j(,"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":1000}}})j"},
    // classic: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"classic: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     4, "socket.io-response#/#", false,
     "7b 22 74 79 70 65 22 3a 38 2c 22 72 65 71 75 65 73 74 49 64 22 3a 22 5f 50 6f 42 51 "
     "69 22 2c 22 63 6c 69 65 6e 74 43 6f 75 6e 74 22 3a 32 7d",
     R"j({"type":8,"requestId":"_PoBQi","clientCount":2})j"},
    // classic: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"classic: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     4, "socket.io-response#/#", true,
     "83 a4 74 79 70 65 09 a9 72 65 71 75 65 73 74 49 64 a6 5f 50 6f 42 51 69 a6 70 61 63 "
     "6b 65 74 82 a7 61 63 6b 46 72 6f 6d b4 5f 51 47 37 69 30 71 49 33 32 34 76 6f 7a 44 "
     "78 41 41 41 42 a1 78 07",
     R"j({"type":9,"requestId":"_PoBQi","packet":{"ackFrom":"_QG7i0qI324vozDxAAAB","x":7}})j"},
    // classic: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"classic: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     4, "socket.io-response#/#", true,
     "83 a4 74 79 70 65 09 a9 72 65 71 75 65 73 74 49 64 a6 5f 50 6f 42 51 69 a6 70 61 63 "
     "6b 65 74 82 a7 61 63 6b 46 72 6f 6d b4 32 55 32 71 55 4b 6c 64 4a 4c 54 74 49 45 6e "
     "5f 41 41 41 43 a1 78 07",
     R"j({"type":9,"requestId":"_PoBQi","packet":{"ackFrom":"2U2qUKldJLTtIEn_AAAC","x":7}})j"},
    // classic: A: io.in("room1").fetchSockets()
    {"classic: A: io.in(\"room1\").fetchSockets()", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 72 65 71 75 65 73 74 49 64 22 3a "
     "22 63 33 48 51 4b 79 22 2c 22 74 79 70 65 22 3a 35 2c 22 6f 70 74 73 22 3a 7b 22 72 "
     "6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 31 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d "
     "7d",
     R"j({"uid":"e6vXHF","requestId":"c3HQKy","type":5,"opts":{"rooms":["room1"],"except":[]})j"
     R"j(})j"},
    // classic: A: io.in("room1").fetchSockets()
    {"classic: A: io.in(\"room1\").fetchSockets()", 4, "socket.io-response#/#", false, "",
     R"j({"requestId":"c3HQKy","sockets":[{"id":"_QG7i0qI324vozDxAAAB","handshake":{"headers")j"
     R"j(:{"sec-websocket-version":"13","sec-websocket-key":"ifB7t5sLiVPMO2//KyhJ+A==","conne)j"
     R"j(ction":"Upgrade","upgrade":"websocket","sec-websocket-extensions":"permessage-deflat)j"
     R"j(e; client_max_window_bits","host":"127.0.0.1:8322"},"time":"Sat Nov 28 2026 05:54:21)j"
     R"j( GMT+0000 (Coordinated Universal Time)","address":"127.0.0.1","xdomain":false,"secur)j"
     R"j(e":false,"issued":1795845261068,"url":"/socket.io/?EIO=4&transport=websocket","query)j"
     R"j(":{"EIO":"4","transport":"websocket"},"auth":{}},"rooms":["_QG7i0qI324vozDxAAAB","ro)j"
     R"j(om1","room2"],"data":{}}]})j"},
    // classic: A: io.of("/").adapter.allRooms()
    {"classic: A: io.of(\"/\").adapter.allRooms()", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 72 65 71 75 65 73 74 49 64 22 3a "
     "22 76 35 63 41 73 47 22 2c 22 74 79 70 65 22 3a 31 7d",
     R"j({"uid":"e6vXHF","requestId":"v5cAsG","type":1})j"},
    // classic: A: io.of("/").adapter.allRooms()
    {"classic: A: io.of(\"/\").adapter.allRooms()", 4, "socket.io-response#/#", false,
     "7b 22 72 65 71 75 65 73 74 49 64 22 3a 22 76 35 63 41 73 47 22 2c 22 72 6f 6f 6d 73 "
     "22 3a 5b 22 5f 51 47 37 69 30 71 49 33 32 34 76 6f 7a 44 78 41 41 41 42 22 2c 22 32 "
     "55 32 71 55 4b 6c 64 4a 4c 54 74 49 45 6e 5f 41 41 41 43 22 2c 22 72 6f 6f 6d 31 22 "
     "2c 22 72 6f 6f 6d 32 22 5d 7d",
     R"j({"requestId":"v5cAsG","rooms":["_QG7i0qI324vozDxAAAB","2U2qUKldJLTtIEn_AAAC","room1")j"
     R"j(,"room2"]})j"},
    // classic: A: io.in("room1").socketsJoin("room9")
    {"classic: A: io.in(\"room1\").socketsJoin(\"room9\")", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 74 79 70 65 22 3a 32 2c 22 6f 70 "
     "74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 31 22 5d 2c 22 65 78 63 65 "
     "70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 39 22 5d 7d",
     R"j({"uid":"e6vXHF","type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room9"]})j"},
    // classic: A: io.in("room9").socketsLeave("room9")
    {"classic: A: io.in(\"room9\").socketsLeave(\"room9\")", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 74 79 70 65 22 3a 33 2c 22 6f 70 "
     "74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 39 22 5d 2c 22 65 78 63 65 "
     "70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 39 22 5d 7d",
     R"j({"uid":"e6vXHF","type":3,"opts":{"rooms":["room9"],"except":[]},"rooms":["room9"]})j"},
    // classic: A: io.serverSideEmit("sse", "no-ack")
    {"classic: A: io.serverSideEmit(\"sse\", \"no-ack\")", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 74 79 70 65 22 3a 36 2c 22 64 61 "
     "74 61 22 3a 5b 22 73 73 65 22 2c 22 6e 6f 2d 61 63 6b 22 5d 7d",
     R"j({"uid":"e6vXHF","type":6,"data":["sse","no-ack"]})j"},
    // classic: A: io.serverSideEmit("sse", "with-ack", cb)
    {"classic: A: io.serverSideEmit(\"sse\", \"with-ack\", cb)", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 72 65 71 75 65 73 74 49 64 22 3a "
     "22 45 77 32 6a 57 71 22 2c 22 74 79 70 65 22 3a 36 2c 22 64 61 74 61 22 3a 5b 22 73 "
     "73 65 22 2c 22 77 69 74 68 2d 61 63 6b 22 5d 7d",
     R"j({"uid":"e6vXHF","requestId":"Ew2jWq","type":6,"data":["sse","with-ack"]})j"},
    // classic: A: io.serverSideEmit("sse", "with-ack", cb)
    {"classic: A: io.serverSideEmit(\"sse\", \"with-ack\", cb)", 4, "socket.io-response#/#", false,
     "7b 22 74 79 70 65 22 3a 36 2c 22 72 65 71 75 65 73 74 49 64 22 3a 22 45 77 32 6a 57 "
     "71 22 2c 22 64 61 74 61 22 3a 7b 22 66 72 6f 6d 22 3a 38 33 32 32 2c 22 67 6f 74 22 "
     "3a 5b 22 77 69 74 68 2d 61 63 6b 22 5d 7d 7d",
     R"j({"type":6,"requestId":"Ew2jWq","data":{"from":8322,"got":["with-ack"]}})j"},
    // classic: A: io.in(b2 socket id).disconnectSockets(true)
    {"classic: A: io.in(b2 socket id).disconnectSockets(true)", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 65 36 76 58 48 46 22 2c 22 74 79 70 65 22 3a 34 2c 22 6f 70 "
     "74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 32 55 32 71 55 4b 6c 64 4a 4c 54 74 49 "
     "45 6e 5f 41 41 41 43 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 63 6c 6f 73 "
     "65 22 3a 74 72 75 65 7d",
     R"j({"uid":"e6vXHF","type":4,"opts":{"rooms":["2U2qUKldJLTtIEn_AAAC"],"except":[]},"clos)j"
     R"j(e":true})j"},
    // classic: emitter: emit("ev", "from emitter")
    {"classic: emitter: emit(\"ev\", \"from emitter\")", 5, "socket.io#/#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 ac 66 72 "
     "6f 6d 20 65 6d 69 74 74 65 72 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a5 66 6c 61 "
     "67 73 80 a6 65 78 63 65 70 74 90",
     R"j(["emitter",{"type":2,"data":["ev","from emitter"],"nsp":"/"},{"rooms":[],"flags":{},)j"
     R"j("except":[]}])j"},
    // classic: emitter: to("room1").emit("ev", Buffer [9,8])
    {"classic: emitter: to(\"room1\").emit(\"ev\", Buffer [9,8])", 5, "socket.io#/#room1#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 c4 02 09 "
     "08 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 72 6f 6f 6d 31 a5 66 6c 61 67 73 80 "
     "a6 65 78 63 65 70 74 90",
     R"j(["emitter",{"type":2,"data":["ev","<bin 2 B: 0908>"],"nsp":"/"},{"rooms":["room1"],")j"
     R"j(flags":{},"except":[]}])j"},
    // classic: emitter: to(["room1","room2"]).except("room3").volatile.emit("ev", 1)
    {"classic: emitter: to([\"room1\",\"room2\"]).except(\"room3\").volatile.emit(\"ev\", 1)", 5,
     "socket.io#/#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 01 a3 6e "
     "73 70 a1 2f 83 a5 72 6f 6f 6d 73 92 a5 72 6f 6f 6d 31 a5 72 6f 6f 6d 32 a5 66 6c 61 "
     "67 73 81 a8 76 6f 6c 61 74 69 6c 65 c3 a6 65 78 63 65 70 74 91 a5 72 6f 6f 6d 33",
     R"j(["emitter",{"type":2,"data":["ev",1],"nsp":"/"},{"rooms":["room1","room2"],"flags":{)j"
     R"j("volatile":true},"except":["room3"]}])j"},
    // classic: emitter: of("/chat").emit("ev", "chat")
    {"classic: emitter: of(\"/chat\").emit(\"ev\", \"chat\")", 5, "socket.io#/chat#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a4 63 68 "
     "61 74 a3 6e 73 70 a5 2f 63 68 61 74 83 a5 72 6f 6f 6d 73 90 a5 66 6c 61 67 73 80 a6 "
     "65 78 63 65 70 74 90",
     R"j(["emitter",{"type":2,"data":["ev","chat"],"nsp":"/chat"},{"rooms":[],"flags":{},"exc)j"
     R"j(ept":[]}])j"},
    // classic: emitter: in("room1").socketsJoin("room7")
    {"classic: emitter: in(\"room1\").socketsJoin(\"room7\")", 5, "socket.io-request#/#", false,
     "7b 22 74 79 70 65 22 3a 32 2c 22 6f 70 74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 "
     "72 6f 6f 6d 31 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 "
     "3a 5b 22 72 6f 6f 6d 37 22 5d 7d",
     R"j({"type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room7"]})j"},
    // classic: emitter: in("room7").socketsLeave("room7")
    {"classic: emitter: in(\"room7\").socketsLeave(\"room7\")", 5, "socket.io-request#/#", false,
     "7b 22 74 79 70 65 22 3a 33 2c 22 6f 70 74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 "
     "72 6f 6f 6d 37 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 "
     "3a 5b 22 72 6f 6f 6d 37 22 5d 7d",
     R"j({"type":3,"opts":{"rooms":["room7"],"except":[]},"rooms":["room7"]})j"},
    // classic: emitter: serverSideEmit("sse", "from emitter")
    {"classic: emitter: serverSideEmit(\"sse\", \"from emitter\")", 5, "socket.io-request#/#",
     false,
     "7b 22 75 69 64 22 3a 22 65 6d 69 74 74 65 72 22 2c 22 74 79 70 65 22 3a 36 2c 22 64 "
     "61 74 61 22 3a 5b 22 73 73 65 22 2c 22 66 72 6f 6d 20 65 6d 69 74 74 65 72 22 5d 7d",
     R"j({"uid":"emitter","type":6,"data":["sse","from emitter"]})j"},
    // classic: emitter: in("nobody").disconnectSockets()
    {"classic: emitter: in(\"nobody\").disconnectSockets()", 5, "socket.io-request#/#", false,
     "7b 22 74 79 70 65 22 3a 34 2c 22 6f 70 74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 "
     "6e 6f 62 6f 64 79 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 63 6c 6f 73 65 "
     "22 3a 66 61 6c 73 65 7d",
     R"j({"type":4,"opts":{"rooms":["nobody"],"except":[]},"close":false})j"},
    // specific: A: io.emit("ev", "hello")
    {"specific: A: io.emit(\"ev\", \"hello\")", 3, "socket.io#/#", true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a5 68 65 6c "
     "6c 6f a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 90 a5 66 6c 61 "
     "67 73 80",
     R"j(["JyopJ5",{"type":2,"data":["ev","hello"],"nsp":"/"},{"rooms":[],"except":[],"flags")j"
     R"j(:{}}])j"},
    // specific: A: io.to("room1").emit("ev", 1, 2.5, -3, true, null)
    {"specific: A: io.to(\"room1\").emit(\"ev\", 1, 2.5, -3, true, null)", 3, "socket.io#/#room1#",
     true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 96 a2 65 76 01 cb 40 04 "
     "00 00 00 00 00 00 fd c3 c0 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 72 6f 6f 6d "
     "31 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80",
     R"j(["JyopJ5",{"type":2,"data":["ev",1,2.5,-3,true,null],"nsp":"/"},{"rooms":["room1"],")j"
     R"j(except":[],"flags":{}}])j"},
    // specific: A: io.to(["room1","room2"]).except("room3").emit("ev", {a: 1})
    {"specific: A: io.to([\"room1\",\"room2\"]).except(\"room3\").emit(\"ev\", {a: 1})", 3,
     "socket.io#/#", true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 81 a1 61 01 "
     "a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 92 a5 72 6f 6f 6d 31 a5 72 6f 6f 6d 32 a6 65 "
     "78 63 65 70 74 91 a5 72 6f 6f 6d 33 a5 66 6c 61 67 73 80",
     R"j(["JyopJ5",{"type":2,"data":["ev",{"a":1}],"nsp":"/"},{"rooms":["room1","room2"],"exc)j"
     R"j(ept":["room3"],"flags":{}}])j"},
    // specific: A: socket.broadcast.emit("others", ...) for client a1 (except = [a1 sid])
    {"specific: A: socket.broadcast.emit(\"others\", ...) for client a1 (except = [a1 sid])", 3,
     "socket.io#/#", true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a6 6f 74 68 65 72 73 "
     "b9 66 72 6f 6d 20 5f 66 69 38 39 37 57 7a 53 34 53 34 43 66 46 4e 41 41 41 41 a3 6e "
     "73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 91 b4 5f 66 69 38 39 37 57 "
     "7a 53 34 53 34 43 66 46 4e 41 41 41 41 a5 66 6c 61 67 73 80",
     R"j(["JyopJ5",{"type":2,"data":["others","from _fi897WzS4S4CfFNAAAA"],"nsp":"/"},{"rooms)j"
     R"j(":[],"except":["_fi897WzS4S4CfFNAAAA"],"flags":{}}])j"},
    // specific: A: io.volatile.compress(false).emit("ev", "v")
    {"specific: A: io.volatile.compress(false).emit(\"ev\", \"v\")", 3, "socket.io#/#", true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a1 76 a3 6e "
     "73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 82 a8 "
     "76 6f 6c 61 74 69 6c 65 c3 a8 63 6f 6d 70 72 65 73 73 c2",
     R"j(["JyopJ5",{"type":2,"data":["ev","v"],"nsp":"/"},{"rooms":[],"except":[],"flags":{"v)j"
     R"j(olatile":true,"compress":false}}])j"},
    // specific: A: io.to(b1 socket id).emit("ev", "direct")
    {"specific: A: io.to(b1 socket id).emit(\"ev\", \"direct\")", 3,
     "socket.io#/#qSmILAOdBQaUy7M-AAAB#", true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a6 64 69 72 "
     "65 63 74 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 b4 71 53 6d 49 4c 41 4f 64 42 51 "
     "61 55 79 37 4d 2d 41 41 41 42 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80",
     R"j(["JyopJ5",{"type":2,"data":["ev","direct"],"nsp":"/"},{"rooms":["qSmILAOdBQaUy7M-AAA)j"
     R"j(B"],"except":[],"flags":{}}])j"},
    // specific: A: io.to("room1").emit("bin", Buffer [1,2,3], {nested: Buffer [0xff]})
    {"specific: A: io.to(\"room1\").emit(\"bin\", Buffer [1,2,3], {nested: Buffer [0xff]})", 3,
     "socket.io#/#room1#", true,
     "93 a6 4a 79 6f 70 4a 35 83 a4 74 79 70 65 02 a4 64 61 74 61 93 a3 62 69 6e c4 03 01 "
     "02 03 81 a6 6e 65 73 74 65 64 c4 01 ff a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 "
     "72 6f 6f 6d 31 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80",
     R"j(["JyopJ5",{"type":2,"data":["bin","<bin 3 B: 010203>",{"nested":"<bin 1 B: ff>"}],"n)j"
     R"j(sp":"/"},{"rooms":["room1"],"except":[],"flags":{}}])j"},
    // specific: A: io.of("/chat").emit("ev", "to chat")
    {"specific: A: io.of(\"/chat\").emit(\"ev\", \"to chat\")", 3, "socket.io#/chat#", true,
     "93 a6 54 59 41 73 74 38 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a7 74 6f 20 "
     "63 68 61 74 a3 6e 73 70 a5 2f 63 68 61 74 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 "
     "74 90 a5 66 6c 61 67 73 80",
     R"j(["TYAst8",{"type":2,"data":["ev","to chat"],"nsp":"/chat"},{"rooms":[],"except":[],")j"
     R"j(flags":{}}])j"},
    // specific: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"specific: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     3, "socket.io-request#/#", true,
     "85 a3 75 69 64 a6 4a 79 6f 70 4a 35 a9 72 65 71 75 65 73 74 49 64 a6 74 43 75 56 41 "
     "76 a4 74 79 70 65 07 a6 70 61 63 6b 65 74 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a6 "
     "61 63 6b 2d 6d 65 07 a3 6e 73 70 a1 2f a4 6f 70 74 73 83 a5 72 6f 6f 6d 73 90 a6 65 "
     "78 63 65 70 74 90 a5 66 6c 61 67 73 81 a7 74 69 6d 65 6f 75 74 cd 03 e8",
     R"j({"uid":"JyopJ5","requestId":"tCuVAv","type":7,"packet":{"type":2,"data":["ack-me",7])j"
     R"j(,"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":1000}}})j"},
    // specific: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"specific: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     4, "socket.io-response#/#JyopJ5#", false,
     "7b 22 74 79 70 65 22 3a 38 2c 22 72 65 71 75 65 73 74 49 64 22 3a 22 74 43 75 56 41 "
     "76 22 2c 22 63 6c 69 65 6e 74 43 6f 75 6e 74 22 3a 32 7d",
     R"j({"type":8,"requestId":"tCuVAv","clientCount":2})j"},
    // specific: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"specific: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     4, "socket.io-response#/#JyopJ5#", true,
     "83 a4 74 79 70 65 09 a9 72 65 71 75 65 73 74 49 64 a6 74 43 75 56 41 76 a6 70 61 63 "
     "6b 65 74 82 a7 61 63 6b 46 72 6f 6d b4 71 53 6d 49 4c 41 4f 64 42 51 61 55 79 37 4d "
     "2d 41 41 41 42 a1 78 07",
     R"j({"type":9,"requestId":"tCuVAv","packet":{"ackFrom":"qSmILAOdBQaUy7M-AAAB","x":7}})j"},
    // specific: A: io.timeout(1000).emit("ack-me", 7, cb) (broadcast with acks; 1 local + 2 remote
    // clients ack)
    {"specific: A: io.timeout(1000).emit(\"ack-me\", 7, cb) (broadcast with acks; 1 local + 2 "
     "remote clients ack)",
     4, "socket.io-response#/#JyopJ5#", true,
     "83 a4 74 79 70 65 09 a9 72 65 71 75 65 73 74 49 64 a6 74 43 75 56 41 76 a6 70 61 63 "
     "6b 65 74 82 a7 61 63 6b 46 72 6f 6d b4 6f 47 56 6d 35 6d 65 55 52 41 4a 6d 37 35 53 "
     "77 41 41 41 43 a1 78 07",
     R"j({"type":9,"requestId":"tCuVAv","packet":{"ackFrom":"oGVm5meURAJm75SwAAAC","x":7}})j"},
    // specific: A: io.in("room1").fetchSockets()
    {"specific: A: io.in(\"room1\").fetchSockets()", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 72 65 71 75 65 73 74 49 64 22 3a "
     "22 72 6a 37 74 49 6d 22 2c 22 74 79 70 65 22 3a 35 2c 22 6f 70 74 73 22 3a 7b 22 72 "
     "6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 31 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d "
     "7d",
     R"j({"uid":"JyopJ5","requestId":"rj7tIm","type":5,"opts":{"rooms":["room1"],"except":[]})j"
     R"j(})j"},
    // specific: A: io.in("room1").fetchSockets()
    {"specific: A: io.in(\"room1\").fetchSockets()", 4, "socket.io-response#/#JyopJ5#", false, "",
     R"j({"requestId":"rj7tIm","sockets":[{"id":"qSmILAOdBQaUy7M-AAAB","handshake":{"headers")j"
     R"j(:{"sec-websocket-version":"13","sec-websocket-key":"KhbnnR7Sr3kzSdoqv6BYLg==","conne)j"
     R"j(ction":"Upgrade","upgrade":"websocket","sec-websocket-extensions":"permessage-deflat)j"
     R"j(e; client_max_window_bits","host":"127.0.0.1:8322"},"time":"Sat Nov 28 2026 05:54:28)j"
     R"j( GMT+0000 (Coordinated Universal Time)","address":"127.0.0.1","xdomain":false,"secur)j"
     R"j(e":false,"issued":1795845268296,"url":"/socket.io/?EIO=4&transport=websocket","query)j"
     R"j(":{"EIO":"4","transport":"websocket"},"auth":{}},"rooms":["qSmILAOdBQaUy7M-AAAB","ro)j"
     R"j(om1","room2"],"data":{}}]})j"},
    // specific: A: io.of("/").adapter.allRooms()
    {"specific: A: io.of(\"/\").adapter.allRooms()", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 72 65 71 75 65 73 74 49 64 22 3a "
     "22 47 49 44 6d 63 34 22 2c 22 74 79 70 65 22 3a 31 7d",
     R"j({"uid":"JyopJ5","requestId":"GIDmc4","type":1})j"},
    // specific: A: io.of("/").adapter.allRooms()
    {"specific: A: io.of(\"/\").adapter.allRooms()", 4, "socket.io-response#/#JyopJ5#", false,
     "7b 22 72 65 71 75 65 73 74 49 64 22 3a 22 47 49 44 6d 63 34 22 2c 22 72 6f 6f 6d 73 "
     "22 3a 5b 22 71 53 6d 49 4c 41 4f 64 42 51 61 55 79 37 4d 2d 41 41 41 42 22 2c 22 6f "
     "47 56 6d 35 6d 65 55 52 41 4a 6d 37 35 53 77 41 41 41 43 22 2c 22 72 6f 6f 6d 31 22 "
     "2c 22 72 6f 6f 6d 32 22 5d 7d",
     R"j({"requestId":"GIDmc4","rooms":["qSmILAOdBQaUy7M-AAAB","oGVm5meURAJm75SwAAAC","room1")j"
     R"j(,"room2"]})j"},
    // specific: A: io.in("room1").socketsJoin("room9")
    {"specific: A: io.in(\"room1\").socketsJoin(\"room9\")", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 74 79 70 65 22 3a 32 2c 22 6f 70 "
     "74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 31 22 5d 2c 22 65 78 63 65 "
     "70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 39 22 5d 7d",
     R"j({"uid":"JyopJ5","type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room9"]})j"},
    // specific: A: io.in("room9").socketsLeave("room9")
    {"specific: A: io.in(\"room9\").socketsLeave(\"room9\")", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 74 79 70 65 22 3a 33 2c 22 6f 70 "
     "74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 39 22 5d 2c 22 65 78 63 65 "
     "70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 3a 5b 22 72 6f 6f 6d 39 22 5d 7d",
     R"j({"uid":"JyopJ5","type":3,"opts":{"rooms":["room9"],"except":[]},"rooms":["room9"]})j"},
    // specific: A: io.serverSideEmit("sse", "no-ack")
    {"specific: A: io.serverSideEmit(\"sse\", \"no-ack\")", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 74 79 70 65 22 3a 36 2c 22 64 61 "
     "74 61 22 3a 5b 22 73 73 65 22 2c 22 6e 6f 2d 61 63 6b 22 5d 7d",
     R"j({"uid":"JyopJ5","type":6,"data":["sse","no-ack"]})j"},
    // specific: A: io.serverSideEmit("sse", "with-ack", cb)
    {"specific: A: io.serverSideEmit(\"sse\", \"with-ack\", cb)", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 72 65 71 75 65 73 74 49 64 22 3a "
     "22 36 6f 38 55 7a 50 22 2c 22 74 79 70 65 22 3a 36 2c 22 64 61 74 61 22 3a 5b 22 73 "
     "73 65 22 2c 22 77 69 74 68 2d 61 63 6b 22 5d 7d",
     R"j({"uid":"JyopJ5","requestId":"6o8UzP","type":6,"data":["sse","with-ack"]})j"},
    // specific: A: io.serverSideEmit("sse", "with-ack", cb)
    {"specific: A: io.serverSideEmit(\"sse\", \"with-ack\", cb)", 4, "socket.io-response#/#", false,
     "7b 22 74 79 70 65 22 3a 36 2c 22 72 65 71 75 65 73 74 49 64 22 3a 22 36 6f 38 55 7a "
     "50 22 2c 22 64 61 74 61 22 3a 7b 22 66 72 6f 6d 22 3a 38 33 32 32 2c 22 67 6f 74 22 "
     "3a 5b 22 77 69 74 68 2d 61 63 6b 22 5d 7d 7d",
     R"j({"type":6,"requestId":"6o8UzP","data":{"from":8322,"got":["with-ack"]}})j"},
    // specific: A: io.in(b2 socket id).disconnectSockets(true)
    {"specific: A: io.in(b2 socket id).disconnectSockets(true)", 3, "socket.io-request#/#", false,
     "7b 22 75 69 64 22 3a 22 4a 79 6f 70 4a 35 22 2c 22 74 79 70 65 22 3a 34 2c 22 6f 70 "
     "74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 6f 47 56 6d 35 6d 65 55 52 41 4a 6d 37 "
     "35 53 77 41 41 41 43 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 63 6c 6f 73 "
     "65 22 3a 74 72 75 65 7d",
     R"j({"uid":"JyopJ5","type":4,"opts":{"rooms":["oGVm5meURAJm75SwAAAC"],"except":[]},"clos)j"
     R"j(e":true})j"},
    // specific: emitter: emit("ev", "from emitter")
    {"specific: emitter: emit(\"ev\", \"from emitter\")", 5, "socket.io#/#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 ac 66 72 "
     "6f 6d 20 65 6d 69 74 74 65 72 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a5 66 6c 61 "
     "67 73 80 a6 65 78 63 65 70 74 90",
     R"j(["emitter",{"type":2,"data":["ev","from emitter"],"nsp":"/"},{"rooms":[],"flags":{},)j"
     R"j("except":[]}])j"},
    // specific: emitter: to("room1").emit("ev", Buffer [9,8])
    {"specific: emitter: to(\"room1\").emit(\"ev\", Buffer [9,8])", 5, "socket.io#/#room1#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 c4 02 09 "
     "08 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 72 6f 6f 6d 31 a5 66 6c 61 67 73 80 "
     "a6 65 78 63 65 70 74 90",
     R"j(["emitter",{"type":2,"data":["ev","<bin 2 B: 0908>"],"nsp":"/"},{"rooms":["room1"],")j"
     R"j(flags":{},"except":[]}])j"},
    // specific: emitter: to(["room1","room2"]).except("room3").volatile.emit("ev", 1)
    {"specific: emitter: to([\"room1\",\"room2\"]).except(\"room3\").volatile.emit(\"ev\", 1)", 5,
     "socket.io#/#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 01 a3 6e "
     "73 70 a1 2f 83 a5 72 6f 6f 6d 73 92 a5 72 6f 6f 6d 31 a5 72 6f 6f 6d 32 a5 66 6c 61 "
     "67 73 81 a8 76 6f 6c 61 74 69 6c 65 c3 a6 65 78 63 65 70 74 91 a5 72 6f 6f 6d 33",
     R"j(["emitter",{"type":2,"data":["ev",1],"nsp":"/"},{"rooms":["room1","room2"],"flags":{)j"
     R"j("volatile":true},"except":["room3"]}])j"},
    // specific: emitter: of("/chat").emit("ev", "chat")
    {"specific: emitter: of(\"/chat\").emit(\"ev\", \"chat\")", 5, "socket.io#/chat#", true,
     "93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a4 63 68 "
     "61 74 a3 6e 73 70 a5 2f 63 68 61 74 83 a5 72 6f 6f 6d 73 90 a5 66 6c 61 67 73 80 a6 "
     "65 78 63 65 70 74 90",
     R"j(["emitter",{"type":2,"data":["ev","chat"],"nsp":"/chat"},{"rooms":[],"flags":{},"exc)j"
     R"j(ept":[]}])j"},
    // specific: emitter: in("room1").socketsJoin("room7")
    {"specific: emitter: in(\"room1\").socketsJoin(\"room7\")", 5, "socket.io-request#/#", false,
     "7b 22 74 79 70 65 22 3a 32 2c 22 6f 70 74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 "
     "72 6f 6f 6d 31 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 "
     "3a 5b 22 72 6f 6f 6d 37 22 5d 7d",
     R"j({"type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room7"]})j"},
    // specific: emitter: in("room7").socketsLeave("room7")
    {"specific: emitter: in(\"room7\").socketsLeave(\"room7\")", 5, "socket.io-request#/#", false,
     "7b 22 74 79 70 65 22 3a 33 2c 22 6f 70 74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 "
     "72 6f 6f 6d 37 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 72 6f 6f 6d 73 22 "
     "3a 5b 22 72 6f 6f 6d 37 22 5d 7d",
     R"j({"type":3,"opts":{"rooms":["room7"],"except":[]},"rooms":["room7"]})j"},
    // specific: emitter: serverSideEmit("sse", "from emitter")
    {"specific: emitter: serverSideEmit(\"sse\", \"from emitter\")", 5, "socket.io-request#/#",
     false,
     "7b 22 75 69 64 22 3a 22 65 6d 69 74 74 65 72 22 2c 22 74 79 70 65 22 3a 36 2c 22 64 "
     "61 74 61 22 3a 5b 22 73 73 65 22 2c 22 66 72 6f 6d 20 65 6d 69 74 74 65 72 22 5d 7d",
     R"j({"uid":"emitter","type":6,"data":["sse","from emitter"]})j"},
    // specific: emitter: in("nobody").disconnectSockets()
    {"specific: emitter: in(\"nobody\").disconnectSockets()", 5, "socket.io-request#/#", false,
     "7b 22 74 79 70 65 22 3a 34 2c 22 6f 70 74 73 22 3a 7b 22 72 6f 6f 6d 73 22 3a 5b 22 "
     "6e 6f 62 6f 64 79 22 5d 2c 22 65 78 63 65 70 74 22 3a 5b 5d 7d 2c 22 63 6c 6f 73 65 "
     "22 3a 66 61 6c 73 65 7d",
     R"j({"type":4,"opts":{"rooms":["nobody"],"except":[]},"close":false})j"},
};

} // namespace sio::cluster::test
