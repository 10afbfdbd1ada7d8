"""Local stand-ins for the outside world, on 127.0.0.1 only: an SMTP server (aiosmtpd) and the
GOV.UK Notify HTTP API (stdlib http.server in a thread). Nothing here touches the network."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# A key in Notify's format: name, service id (36), secret (36).
NOTIFY_KEY = "test-" + "11111111-2222-3333-4444-555555555555" + "-" + "66666666-7777-8888-9999-000000000000"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpInbox:
    """An in-process SMTP server on a random loopback port; `messages` holds what it received."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                mail = message_from_bytes(envelope.content)
                inbox.messages.append({"to": envelope.rcpt_tos, "subject": mail["Subject"],
                                       "message_id": mail["Message-ID"],
                                       "body": mail.get_payload(decode=True).decode()})
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@dataclass
class FakeNotify:
    """Answers like GOV.UK Notify's v2 API. `fail_next` holds HTTP statuses for the next sends; with
    `hold_first` the first send is recorded as accepted, then its answer waits until `release` is set
    (a worker can be killed between Notify accepting a message and its answer arriving)."""

    fail_next: list[int] = field(default_factory=list)
    hold_first: bool = False
    sent: list[dict] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                if not self.headers.get("Authorization", "").startswith("Bearer "):
                    return self._answer(403, {"errors": [{"error": "AuthError"}]})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.fail_next:
                    status = fake.fail_next.pop(0)
                    return self._answer(status, {"status_code": status, "errors": [{"error": "Fake", "message": "no"}]})
                record = dict(body, id=str(uuid.uuid4()), kind=self.path.rsplit("/", 1)[-1])
                fake.sent.append(record)
                if fake.hold_first and len(fake.sent) == 1:
                    fake.holding.set()
                    fake.release.wait(30)
                return self._answer(201, {"id": record["id"], "reference": body.get("reference"),
                                          "content": {}, "uri": "", "template": {}})

            def do_GET(self):
                query = parse_qs(urlparse(self.path).query)
                reference = query.get("reference", [None])[0]
                fake.lookups.append(reference)
                found = [{"id": s["id"], "reference": s.get("reference"), "status": "delivered"}
                         for s in fake.sent if s.get("reference") == reference]
                return self._answer(200, {"notifications": found, "links": {"current": self.path}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def references(self) -> list[str]:
        return [s.get("reference") for s in self.sent]
