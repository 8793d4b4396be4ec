"""A real HTTP server on 127.0.0.1 that speaks DaData's suggestions protocol, for the
provider's tests: it records what it received and answers the way a test asks (a
DaData-shaped answer, an error status, silence, a trickle, garbage)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/suggestions/api/4_1/rs/suggest/address"

# A DaData-shaped suggestion (field names and value shapes as DaData's documentation shows;
# the ids are made up for the test).
KHIMKI_HOUSE = {
    "value": "Московская обл, г Химки, Ленинский пр-кт, д 32",
    "unrestricted_value": "141402, Московская обл, г Химки, Ленинский пр-кт, д 32",
    "data": {
        "postal_code": "141402",
        "country": "Россия",
        "country_iso_code": "RU",
        "region_fias_id": "29251dcf-00a1-4e34-98d4-5c47484a36d4",
        "region_kladr_id": "5000000000000",
        "region_with_type": "Московская обл",
        "region_type": "обл",
        "region": "Московская",
        "area_with_type": None,
        "city_fias_id": "d76255c8-3173-4db5-a39b-badd3ebdf851",
        "city_kladr_id": "5000003000000",
        "city_with_type": "г Химки",
        "city_type": "г",
        "city": "Химки",
        "settlement_with_type": None,
        "street_fias_id": "0f1e2d3c-4b5a-4697-8877-665544332211",
        "street_kladr_id": "50000030000012300",
        "street_with_type": "Ленинский пр-кт",
        "street_type": "пр-кт",
        "street": "Ленинский",
        "house_fias_id": "11111111-2222-4333-8444-555555555555",
        "house_type": "д",
        "house": "32",
        "block_type": "к",
        "block": "2",
        "flat_type": None,
        "flat": None,
        "fias_id": "11111111-2222-4333-8444-555555555555",
        "fias_level": "8",
        "kladr_id": "5000003000001230045",
        "geo_lat": "55.89",
        "geo_lon": "37.43",
        "qc_geo": "0",
    },
}
MOSCOW = {
    "value": "г Москва",
    "unrestricted_value": "101000, г Москва",
    "data": {
        "postal_code": "101000",
        "region_with_type": "г Москва",
        "region_type": "г",
        "region": "Москва",
        "city_with_type": "г Москва",
        "city_type": "г",
        "city": "Москва",
        "fias_id": "0c5b2444-70a0-4932-980c-b4dc0d3f02b5",
        "fias_level": "1",
        "kladr_id": "7700000000000",
    },
}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class FakeDadata:
    """`mode`: "ok" (answer `suggestions`), "500", "slow" (2 s, then answer), "trickle"
    (headers, then one byte every 0.3 s), "garbage" (200 with a non-JSON body)."""

    mode: str = "ok"
    suggestions: list = field(default_factory=lambda: [KHIMKI_HOUSE])
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/suggestions/api/4_1/rs"


def _handler(fake: FakeDadata):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.received.append(Received(self.path, dict(self.headers), body))
            if fake.mode == "500":
                self.send_error(500)
                return
            if fake.mode == "slow":
                time.sleep(2)
            payload = (
                b"<html>not json</html>"
                if fake.mode == "garbage"
                else json.dumps({"suggestions": fake.suggestions}, ensure_ascii=False).encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if fake.mode == "trickle":
                for i in range(len(payload[:10])):
                    self.wfile.write(payload[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.3)
                return
            self.wfile.write(payload)

    return Handler


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up mid-answer (the point of the slow modes) is expected."""


class Server:
    def __init__(self, fake: FakeDadata):
        self.httpd = _Quiet(("127.0.0.1", 0), _handler(fake))
        fake.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
