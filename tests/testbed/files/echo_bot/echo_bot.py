#!/usr/bin/python3
"""Stand-in MAX bot for the testbed: accepts webhook updates behind nginx and records them."""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

host, _, port = os.environ["BOT_LISTEN"].rpartition(":")
path = os.environ.get("MAX_WEBHOOK_PATH", "/max/webhook")
store = os.path.join(os.environ.get("BOT_DATA_DIR", "."), "updates.jsonl")
if not os.environ.get("MAX_BOT_TOKEN"):
    sys.exit("MAX_BOT_TOKEN is not set")


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = 200 if self.path == path else 404
        if status == 200:
            with open(store, "a") as f:
                f.write(json.dumps({"update": json.loads(body or b"{}"),
                                    "secret_header": bool(self.headers.get("X-Max-Bot-Api-Secret"))}) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}' if status == 200 else b'{"ok": false}')


HTTPServer((host, int(port)), Handler).serve_forever()
