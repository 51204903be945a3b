"""A stand-in for the SMS gateway (Twilio's Messages API) on 127.0.0.1, for the tests and ``make smoke``.

The official ``twilio`` client is pointed at it (``SMS_URL=twilio+http://...@127.0.0.1:<port>/``).
It keeps every message it accepted, answers as Twilio does (201 with the message's JSON), and
can be told to refuse the next messages (``refuse_next``) with an HTTP status and Twilio error code.
"""

import base64
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "stand-in-auth-token"
FROM = "+12125550100"


@dataclass
class Gateway:
    messages: list[dict] = field(default_factory=list)
    refusals: list[tuple[int, int]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def sms_url(self) -> str:
        return f"twilio+http://{ACCOUNT_SID}:{AUTH_TOKEN}@127.0.0.1:{self.port}/?from=%2B{FROM[1:]}"

    def refuse_next(self, status: int, code: int, times: int = 1) -> None:
        self.refusals.extend([(status, code)] * times)

    def start(self) -> "Gateway":
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                length = int(self.headers.get("Content-Length") or 0)
                form = {key: values[-1] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if not self.path.endswith(f"/Accounts/{ACCOUNT_SID}/Messages.json"):
                    return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                if gateway.refusals:
                    status, code = gateway.refusals.pop(0)
                    return self._answer(status, {"code": code, "message": "Refused by the stand-in", "status": status})
                sid = f"SM{next(gateway._ids):032d}"
                gateway.messages.append({"sid": sid, **form})
                self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To"), "body": form.get("Body")})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
