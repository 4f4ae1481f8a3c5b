#!/usr/bin/env python3
"""Record what real Sentry clients put on the wire, and decode it for humans.

    capture.py serve --client NAME [--out DIR] [--port 0] [--port-file FILE] [--replace]
        Listen on 127.0.0.1, answer every POST with 200 {"id": "<event_id>"}, and
        store request N as DIR/NAME/NNN/{request.json,body.bin}. body.bin holds the
        body exactly as sent (still compressed); request.json holds method, path,
        query and headers in arrival order. Stops on SIGINT/SIGTERM.

    capture.py decode DIR...
        For every NNN folder under DIR, write decoded.txt: the request line,
        headers, and the envelope's headers and items pretty-printed.

Standard library only. Brotli bodies need the `brotli` module (installed in the
suite's venv); without it the server still records them but answers `{}` and
decode marks them undecodable.
"""

import argparse
import gzip
import json
import os
import shutil
import signal
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

try:
    import brotli
except ImportError:  # optional: only needed to read br bodies
    brotli = None

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "sdk")


# --- body decoding -----------------------------------------------------------


def decompress(body, encoding):
    """Undo Content-Encoding. Returns (bytes, note) or raises ValueError."""
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity", "utf-8"):
        return body, "identity"
    if encoding == "gzip":
        return gzip.decompress(body), "gzip"
    if encoding == "deflate":
        return zlib.decompress(body), "deflate"
    if encoding == "br":
        if brotli is None:
            raise ValueError("br body but the brotli module is not installed")
        return brotli.decompress(body), "br"
    raise ValueError(f"unknown content-encoding {encoding!r}")


def parse_envelope(data):
    """Split an envelope into (header, [(item_header, payload_bytes)])."""
    first, sep, rest = data.partition(b"\n")
    header = json.loads(first) if first.strip() else {}
    items = []
    pos = 0
    while pos < len(rest):
        end = rest.find(b"\n", pos)
        line = rest[pos:] if end < 0 else rest[pos:end]
        pos = len(rest) if end < 0 else end + 1
        if not line.strip():
            continue
        item_header = json.loads(line)
        length = item_header.get("length")
        if length is not None:
            payload = rest[pos:pos + length]
            if len(payload) != length:
                raise ValueError(f"item wants {length} bytes, only {len(payload)} left")
            pos += length
            if rest[pos:pos + 1] == b"\n":
                pos += 1
        else:
            end = rest.find(b"\n", pos)
            payload = rest[pos:] if end < 0 else rest[pos:end]
            pos = len(rest) if end < 0 else end + 1
        items.append((item_header, payload))
    return header, items


def header_value(headers, name):
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


# --- recording server --------------------------------------------------------


class Recorder:
    def __init__(self, root):
        self.root = root
        self.count = 0
        self.lock = threading.Lock()

    def next_dir(self):
        with self.lock:
            self.count += 1
            path = os.path.join(self.root, f"{self.count:03d}")
        os.makedirs(path)
        return path


class CaptureHandler(BaseHTTPRequestHandler):
    server_version = "sift-capture/1"
    protocol_version = "HTTP/1.1"

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self):
        body = self.read_body()
        url = urlsplit(self.path)
        headers = list(self.headers.items())
        folder = self.server.recorder.next_dir()
        request = {"method": self.command, "path": url.path, "query": url.query, "headers": headers}
        with open(os.path.join(folder, "request.json"), "w") as f:
            json.dump(request, f, indent=2)
            f.write("\n")
        with open(os.path.join(folder, "body.bin"), "wb") as f:
            f.write(body)

        answer = {}
        try:
            data, _ = decompress(body, header_value(headers, "Content-Encoding"))
            event_id = parse_envelope(data)[0].get("event_id")
            if event_id:
                answer = {"id": event_id}
        except (ValueError, OSError, zlib.error, json.JSONDecodeError) as exc:
            print(f"capture: {folder}: cannot read body ({exc})", file=sys.stderr)
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        print(f"capture: {self.command} {self.path} -> {folder}", file=sys.stderr)

    def log_message(self, fmt, *args):
        pass


def serve(args):
    root = os.path.abspath(os.path.join(args.out, args.client))
    if os.path.isdir(root) and os.listdir(root):
        if not args.replace:
            sys.exit(f"capture: {root} is not empty (pass --replace to re-record)")
        shutil.rmtree(root)
    os.makedirs(root, exist_ok=True)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), CaptureHandler)
    server.daemon_threads = True
    server.recorder = Recorder(root)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"capture: listening on 127.0.0.1:{port}, writing to {root}", file=sys.stderr)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    print(f"capture: recorded {server.recorder.count} request(s)", file=sys.stderr)


# --- decoding for humans -----------------------------------------------------


def render_payload(payload):
    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        return f"<{len(payload)} bytes, not JSON> {payload[:200]!r}"


def describe(folder):
    with open(os.path.join(folder, "request.json")) as f:
        request = json.load(f)
    with open(os.path.join(folder, "body.bin"), "rb") as f:
        body = f.read()
    target = request["path"] + (f"?{request['query']}" if request["query"] else "")
    out = [f"{request['method']} {target}"]
    out += [f"{k}: {v}" for k, v in request["headers"]]
    try:
        data, encoding = decompress(body, header_value(request["headers"], "Content-Encoding"))
    except (ValueError, OSError, zlib.error) as exc:
        out.append(f"\n### body: {len(body)} bytes, not decodable here: {exc}")
        return "\n".join(out) + "\n"
    out.append(f"\n### body: {len(body)} bytes on the wire ({encoding}), {len(data)} bytes decoded")
    try:
        header, items = parse_envelope(data)
    except (ValueError, json.JSONDecodeError) as exc:
        out.append(f"### not an envelope ({exc}):\n{render_payload(data)}")
        return "\n".join(out) + "\n"
    out.append("\n### envelope header")
    out.append(json.dumps(header, indent=2, ensure_ascii=False))
    for n, (item_header, payload) in enumerate(items, 1):
        out.append(f"\n### item {n} header (raw line: {json.dumps(item_header, separators=(',', ':'))})")
        out.append(f"### item {n} payload ({len(payload)} bytes)")
        out.append(render_payload(payload))
    return "\n".join(out) + "\n"


def decode(args):
    for root in args.dirs:
        for name in sorted(os.listdir(root)):
            folder = os.path.join(root, name)
            if not os.path.isfile(os.path.join(folder, "request.json")):
                continue
            with open(os.path.join(folder, "decoded.txt"), "w") as f:
                f.write(describe(folder))
            print(f"decoded {folder}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--client", required=True)
    s.add_argument("--out", default=DEFAULT_OUT)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    s.add_argument("--replace", action="store_true")
    d = sub.add_parser("decode")
    d.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    serve(args) if args.command == "serve" else decode(args)


if __name__ == "__main__":
    main()
