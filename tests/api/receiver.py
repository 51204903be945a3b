"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it checks each delivery's signature.

With ``tls`` (a certificate and its key, see ``self_signed_certificate``) it answers on https, as
a receiver must for the app in production.
"""

import hashlib
import hmac
import json
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Receiver:
    def __init__(self, secret: str = "", *, tls: tuple[Path, Path] | None = None) -> None:
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
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with openssl; trust it with REQUESTS_CA_BUNDLE."""
    certificate, key = directory / "receiver.crt", directory / "receiver.key"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("openssl") or "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key
