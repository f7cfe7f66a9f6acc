#!/usr/bin/env bash
# Makes a throwaway CA and a server certificate it signs, for the TLS tests:
#   make-test-cert.sh DIR  ->  DIR/ca.pem (what clients trust), DIR/cert.pem, DIR/key.pem
# The server certificate names localhost and 127.0.0.1 and is valid for two days (Chromium
# wants a subjectAltName and a short life; a CA-signed leaf, not a self-signed one, is what
# it accepts once the CA is trusted).
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=socketio-cpp test CA" -keyout ca-key.pem -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=localhost" -keyout key.pem -out server.csr 2>/dev/null
cat >server.ext <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
    -extfile server.ext -out cert.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
