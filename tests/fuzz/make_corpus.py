#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into corpus/<target>/ (run it after changing
an input format; the files are committed). Each file is small and meaningful: valid inputs of
every kind, and a few that each parser must refuse."""
import os
import shutil
import struct
import zlib

here = os.path.dirname(os.path.abspath(__file__))
corpus = {}


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    assert len(data) < 4096, (target, name)
    corpus.setdefault(target, {})[name] = data


# --- socketio_packet: Engine.IO messages separated by \x1e; \xff starts a binary one -------
sio = "socketio_packet"
seed(sio, "connect", "0")
seed(sio, "connect_auth", '0{"token":"123"}')
seed(sio, "connect_nsp_auth", '0/admin,{"token":"abc"}')
seed(sio, "connect_nsp", "0/admin,")
seed(sio, "disconnect", "1")
seed(sio, "disconnect_nsp", "1/admin,")
seed(sio, "event", '2["hello",1,{"a":[true,null]}]')
seed(sio, "event_nsp_ack", '2/chat,12["msg","x"]')
seed(sio, "event_numeric_name", '2[42,"x"]')
seed(sio, "event_nested", '2["deep",[[{"k":[1.5e3,-2,"\\u00e9\\n",false]}]],{}]')
seed(sio, "event_reserved", '2["connect"]')
seed(sio, "ack", '3/chat,12["ok"]')
seed(sio, "ack_empty", "312[]")
seed(sio, "connect_error_object", '4{"message":"not authorized","data":{"code":7}}')
seed(sio, "connect_error_string", '4/admin,"not authorized"')
seed(sio, "binary_event", b'51-["m",{"_placeholder":true,"num":0}]\x1e\xff\x01\x02\x03')
seed(sio, "binary_ack",
     b'62-/x,4[{"_placeholder":true,"num":0},{"num":1,"_placeholder":true}]\x1e\xffab\x1e\xff\x00')
seed(sio, "binary_missing_attachment", b'51-["m",{"_placeholder":true,"num":0}]\x1e2["x"]')
seed(sio, "several", b'2["a"]\x1e2["b",1]\x1e3[1]\x1e0/x,')
seed(sio, "unexpected_binary", b"\xffzz")
seed(sio, "unicode", '2["h\u00e9llo","\u4f60\u597d",{"\u00e9":1}]')
# Fuzzing found it: 1e400 reads as infinity, which the encoder once wrote `Infinity` (not JSON;
# now `null`, as JSON.stringify writes it).
seed(sio, "infinity", '2["chat",1e400]')
# An event named by such a number is valid (as in Node); written back it is 2[null], which
# is not (Node's decoder refuses it too).
seed(sio, "infinity_name", "2[1e400]")

# --- engineio_payload: a polling body (and the same bytes as one text packet) --------------
eio = "engineio_payload"
seed(eio, "two_messages", b"4hello\x1e4world")
seed(eio, "ping_pong", b"2\x1e3")
seed(eio, "probe", "2probe")
seed(eio, "binary_then_text", b"bAQIDBA==\x1e4x")
seed(eio, "binary_unpadded", b"bAQIDBA\x1e6")
seed(eio, "close", "1")
seed(eio, "noop", "6")
seed(eio, "upgrade", "5")
seed(eio, "open", '0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000}')
seed(eio, "socketio_inside", b'40/admin,\x1e42["a"]\x1e42/chat,["b"]')
seed(eio, "empty_message", "4")
seed(eio, "utf8", "4h\u00e9llo \u4f60\u597d")
seed(eio, "empty_binary", b"b\x1e4")
seed(eio, "bad_type", b"4a\x1e9x")

# --- websocket_frames: options byte, split byte, client frames ------------------------------
ws = "websocket_frames"
KEY = b"\x37\xfa\x21\x3d"


def frame(op, payload=b"", fin=True, rsv1=False, key=KEY, masked=True, length_form=None):
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | op
    n = len(payload)
    form = length_form or ("short" if n < 126 else "16" if n <= 0xFFFF else "64")
    mask_bit = 0x80 if masked else 0
    if form == "short":
        head = bytes([b0, mask_bit | n])
    elif form == "16":
        head = bytes([b0, mask_bit | 126]) + struct.pack(">H", n)
    else:
        head = bytes([b0, mask_bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return head + payload
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def options(max_index, deflate=False):
    return bytes([(max_index << 1) | (1 if deflate else 0)])


def raw_deflate(data, wbits=15, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -wbits)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


TEXT, BINARY, CLOSE, PING, PONG, CONT = 1, 2, 8, 9, 10, 0
M4096 = options(5)
seed(ws, "text", M4096 + b"\x00" + frame(TEXT, b"4hello"))
seed(ws, "text_split", M4096 + b"\x03" + frame(TEXT, b'42["hello","world"]'))
seed(ws, "binary", M4096 + b"\x00" + frame(BINARY, bytes(range(0, 256, 7))))
seed(ws, "fragmented_with_ping", M4096 + b"\x05" + frame(TEXT, b"4he", fin=False)
     + frame(PING, b"p") + frame(CONT, b"ll", fin=False) + frame(CONT, b"o"))
seed(ws, "ping_pong", M4096 + b"\x02" + frame(PING, b"probe") + frame(PONG, b""))
seed(ws, "close_code_reason", M4096 + b"\x00" + frame(CLOSE, struct.pack(">H", 1000) + b"bye"))
seed(ws, "close_empty", M4096 + b"\x01" + frame(CLOSE))
seed(ws, "close_one_byte", M4096 + b"\x00" + frame(CLOSE, b"\x03"))
seed(ws, "length16", M4096 + b"\x07" + frame(TEXT, b"4" + b"x" * 299))
seed(ws, "length64_small", M4096 + b"\x00" + frame(TEXT, b"4abcd", length_form="64"))
seed(ws, "several", M4096 + b"\x0b" + frame(TEXT, b"2") + frame(TEXT, b"4a")
     + frame(BINARY, b"\x00\x01") + frame(TEXT, b"3probe"))
seed(ws, "utf8", M4096 + b"\x00" + frame(TEXT, "4h\u00e9llo \u4f60\u597d \U0001f600".encode()))
seed(ws, "bad_utf8", M4096 + b"\x00" + frame(TEXT, b"4\xc3\x28"))
seed(ws, "unmasked", M4096 + b"\x00" + frame(TEXT, b"4x", masked=False))
seed(ws, "rsv1_not_agreed", M4096 + b"\x00" + frame(TEXT, raw_deflate(b"4hi"), rsv1=True))
seed(ws, "compressed", options(5, True) + b"\x00"
     + frame(TEXT, raw_deflate(b'42["message","' + b"hello " * 300 + b'"]'), rsv1=True))
z = raw_deflate(b"4" + b"fragmented and compressed " * 20)
seed(ws, "compressed_fragmented", options(5, True) + b"\x04"
     + frame(TEXT, z[:10], fin=False, rsv1=True) + frame(PING) + frame(CONT, z[10:]))
seed(ws, "compressed_binary_window9", options(6, True) + b"\x00"
     + frame(BINARY, raw_deflate(bytes(range(256)) * 4, wbits=9), rsv1=True))
seed(ws, "too_big", options(3) + b"\x00" + frame(TEXT, b"4" + b"y" * 125))
seed(ws, "max_one", options(1) + b"\x01" + frame(BINARY, b"z", fin=False) + frame(CONT, b""))
seed(ws, "partial_header", M4096 + b"\x00" + frame(TEXT, b"4abc") + b"\x81\xfe\x01")
# Fuzzing found these: a continuation frame announcing 2^64 - n bytes after a fragment of n
# bytes wrapped the reader's size check, which then kept every byte that followed (a 64-bit
# length with its top bit set is now a protocol error, 1002). The first by hand: maximum
# message 1 byte, a 1-byte fragment, the continuation header, 200 more bytes.
ZERO_KEY = b"\x00" * 4
seed(ws, "length_overflow", options(1) + b"\x00" + frame(BINARY, b"x", fin=False, key=ZERO_KEY)
     + bytes([CONT, 0x80 | 127]) + b"\xff" * 8 + ZERO_KEY + b"A" * 200)
# The input libFuzzer found, as it found it (maximum message 126, a 4-byte fragment).
seed(ws, "length_overflow_found", bytes.fromhex(
    "d9070280009901020084000026010001210000ffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffff808a8a8a8a8a8a8a8a8a8a8a8a8a8afbffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffff808a8a8a8a8a8a8a8a8a8a8a8a8a8afb8a8a"
    "8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a00002601000121008a8a008a80"
    "8a8ad08a00010000018a8a8a09008883ffffffe0d288888888888888ff8a8a22888888"))

# --- http_target and static_files: request targets -----------------------------------------
for t in ("http_target", "static_files"):
    seed(t, "root", "/")
    seed(t, "bundle_query", "/static/js/bundle.js?v=1")
    seed(t, "encoded_dots", "/static/%2e%2e/secret.txt")
    seed(t, "dot_segments", "/static/js/../../secret.txt")
    seed(t, "double_encoded", "/static/%252e%252e/secret.txt")
    seed(t, "hidden", "/static/.env")
    seed(t, "nul", "/static/x%00y")
    seed(t, "encoded_slash", "/static/js%2fbundle.js")
    seed(t, "backslash", "/static/..\\secret.txt")
    seed(t, "double_slash_trailing", "/static//css//")
    seed(t, "bad_escape", "/static/%zz")
    seed(t, "fragment", "/static/css/style.css#top")
seed("http_target", "utf8_escape", "/static/caf%C3%A9%20menu.txt")
seed("http_target", "absolute_form", "http://localhost:8000/static/x")
seed("http_target", "asterisk", "*")
for name, target in {
    "index_html": "/index.html",
    "style": "/static/css/style.css",
    "inside_symlink": "/static/inside.css",
    "escape_symlink": "/static/escape.txt",
    "up_symlink_secret": "/static/up/secret.txt",
    "up_symlink_inside": "/static/up/www/public/css/style.css",
    "logo": "/static/logo.png",
    "directory": "/static/js/",
    "prefix_only": "/static",
    "at_root": "/js/bundle.js",
    "at_root_up": "/up/secret.txt",
}.items():
    seed("static_files", name, target)

# --- redis_wire: a selector byte (0 broadcast, 1 request, 2 response), then the message --
rw = "redis_wire"
seed(rw, "broadcast", b"\x00" + bytes.fromhex(
    "93a665367658484683a47479706502a46461746192a26576a568656c6c6fa36e7370a12f83a5726f6f6d7390"
    "a6657863657074 90a5666c61677380".replace(" ", "")))
seed(rw, "broadcast_binary", b"\x00" + bytes.fromhex(
    "93a665367658484683a47479706502a46461746193a362696ec403010203 81a66e6573746564c401ff"
    "a36e7370a12f83a5726f6f6d7391a5726f6f6d31a6657863657074 90a5666c61677380".replace(" ", "")))
seed(rw, "fetch", b'\x01{"uid":"e6vXHF","requestId":"abc","type":5,"opts":{"rooms":["room1"],"except":[]}}')
seed(rw, "all_rooms", b'\x01{"uid":"e6vXHF","requestId":"abc","type":1}')
seed(rw, "join", b'\x01{"uid":"e6vXHF","type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room9"]}')
seed(rw, "emitter_join", b'\x01{"type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room7"]}')
seed(rw, "disconnect", b'\x01{"uid":"e6vXHF","type":4,"opts":{"rooms":["x"],"except":[]},"close":true}')
seed(rw, "sse", b'\x01{"uid":"e6vXHF","requestId":"q","type":6,"data":["sse","with-ack"]}')
seed(rw, "rooms_answer", b'\x02{"requestId":"abc","rooms":["room1","x"]}')
seed(rw, "sse_answer", b'\x02{"type":6,"requestId":"q","data":{"a":1}}')
seed(rw, "count_answer", b'\x02{"type":8,"requestId":"q","clientCount":2}')
seed(rw, "fetch_answer", b'\x02{"requestId":"abc","sockets":[{"id":"s1","handshake":{"auth":{}},'
     b'"rooms":["s1","room1"],"data":null}]}')

# --- handshake_query: the target, then header lines ----------------------------------------
hq = "handshake_query"
seed(hq, "polling", "/socket.io/?EIO=4&transport=polling&t=N8hyd6w")
seed(hq, "websocket_sid", "/socket.io/?EIO=4&transport=websocket&sid=Lbo5JLzTotvW3g2LAAAA")
seed(hq, "headers", "/engine.io/?EIO=3&transport=polling\nHost: localhost:3000\n"
     "Origin: http://localhost:3000\nCookie: io=abc; other=1")
seed(hq, "escaped_repeated", "/?transport=web%73ocket&EIO=4&EIO=3")
seed(hq, "plus_and_bad_escape", "/?sid=a+b%20c&transport=%zz")
seed(hq, "empty_values", "/?EIO&transport=&sid=&=x&&")
seed(hq, "fragment", "/socket.io/?EIO=4&transport=polling#frag")
seed(hq, "auth_headers", "/?token=x%2By\nAuthorization: Bearer abc\n"
     "X-Forwarded-For: 10.0.0.1, 10.0.0.2\nx-forwarded-for: 1.2.3.4\nUser-Agent: node")
seed(hq, "app_params", "/socket.io/?EIO=4&transport=polling&j=0&b64=1&room=caf%C3%A9")
seed(hq, "no_query", "/socket.io/\nhost:x")

# --- websocket_handshake: an HTTP upgrade request ------------------------------------------
wh = "websocket_handshake"
UPGRADE = ("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost:3000\r\n"
           "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
seed(wh, "upgrade", UPGRADE + "\r\n")
seed(wh, "upgrade_deflate", UPGRADE + "Sec-WebSocket-Extensions: permessage-deflate; "
     "client_max_window_bits\r\n\r\n")
seed(wh, "upgrade_deflate_bits", UPGRADE + "Sec-WebSocket-Extensions: permessage-deflate; "
     "server_max_window_bits=10, permessage-deflate\r\n\r\n")
seed(wh, "connection_list", UPGRADE.replace("Connection: Upgrade", "Connection: keep-alive, Upgrade")
     + "\r\n")
seed(wh, "post", UPGRADE.replace("GET", "POST", 1) + "Content-Length: 2\r\n\r\nhi")
seed(wh, "http10", UPGRADE.replace("HTTP/1.1", "HTTP/1.0", 1) + "\r\n")
seed(wh, "version_8", UPGRADE.replace("Version: 13", "Version: 8") + "\r\n")
seed(wh, "short_key", UPGRADE.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=") + "\r\n")
seed(wh, "no_upgrade", "GET / HTTP/1.1\r\nHost: x\r\n\r\n")

# --- deflate: options byte, a raw deflate message; the whole input as an extensions header -
df = "deflate"
seed(df, "hello", bytes([5 | (6 << 3)]) + raw_deflate(b"4hello"))
seed(df, "json_2k", bytes([7]) + raw_deflate(b'42["chat",{"text":"' + b"lorem ipsum " * 170
                                               + b'"}]'))
seed(df, "empty", bytes([2]) + raw_deflate(b""))
seed(df, "stored", bytes([3]) + raw_deflate(b"abc", level=0))
seed(df, "window9", bytes([7 | (0 << 3)]) + raw_deflate(bytes(range(256)) * 8, wbits=9))
seed(df, "too_big", bytes([3]) + raw_deflate(b"x" * 5000))
c = zlib.compressobj(6, zlib.DEFLATED, -15)
seed(df, "final_block", bytes([5]) + c.compress(b"4done") + c.flush())
seed(df, "offer_plain", "permessage-deflate")
seed(df, "offer_client_bits", "permessage-deflate; client_max_window_bits")
seed(df, "offer_server_bits", "permessage-deflate; server_max_window_bits=10; "
     "client_no_context_takeover, permessage-deflate")
seed(df, "offer_quoted", 'x-webkit-deflate-frame, permessage-deflate; server_max_window_bits="12"')
seed(df, "offer_bits_8", "permessage-deflate; server_max_window_bits=8")
seed(df, "offer_unknown_param", "permessage-deflate; unknown=1, permessage-deflate; "
     "server_no_context_takeover")

for target, files in corpus.items():
    folder = os.path.join(here, "corpus", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(f"{target}: {len(files)} seeds")
