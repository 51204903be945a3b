"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it checks each delivery's signature."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.answers: list[int] = []  # status codes to answer, in order; then 200
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Compassion-Timestamp"]
                expected = hmac.new(receiver.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
                signed = hmac.compare_digest(self.headers["X-Compassion-Signature"], "sha256=" + expected.hexdigest())
                receiver.received.append(
                    {"body": json.loads(body), "signed": signed, "event": self.headers["X-Compassion-Event"]}
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status if signed else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
