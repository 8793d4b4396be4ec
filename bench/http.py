"""A real gunicorn on loopback and a tiny keep-alive-capable HTTP client."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.config import RESULTS_DIR, Config

HOST = "127.0.0.1"  # loopback only


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`gunicorn dozvon.wsgi` with `workers` sync worker processes on 127.0.0.1."""

    def __init__(self, cfg: Config, workers: int, name: str):
        self.cfg, self.workers, self.name = cfg, workers, name
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = RESULTS_DIR / f"gunicorn-{name}.log"

    def __enter__(self) -> Server:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.cfg.database_url,
            DJANGO_SETTINGS_MODULE=env.get("DJANGO_SETTINGS_MODULE") or "dozvon.settings",
            DOZVON_DEV=env.get("DOZVON_DEV") or "true",
            LOG_LEVEL="WARNING",
        )
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        self._log = log
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dozvon.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=str(Path(__file__).resolve().parent.parent),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                status, _ = Client(self.port, "").call("GET", "/api/v1/health")
                if status == 200:
                    # every worker imports Django lazily: warm them all up
                    for _ in range(self.workers * 3):
                        Client(self.port, "").call("GET", "/api/v1/health")
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


class Client:
    def __init__(self, port: int, token: str, timeout: float = 60.0):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body=None) -> tuple[int, object]:
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()  # the server closed a kept-alive connection: retry once
            self.conn.request(method, path, body=payload, headers=self.headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        if resp.will_close:
            self.conn.close()
        data = json.loads(raw) if raw else None
        return resp.status, data

    def close(self) -> None:
        self.conn.close()
