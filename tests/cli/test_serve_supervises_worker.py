"""`rectify serve` end to end: hostile files and a killed worker leave the imports working.

A fresh installation in its own RECTIFY_HOME and database, set up through the command line, served by
`rectify serve` (gunicorn and the background worker it supervises) and driven over HTTP like an integration
would. The spreadsheet guard's cell limits are lifted, so a dimension bomb reaches calamine inside the
worker's reading child; jobs have a 5 s lease and one attempt, so a killed worker's job fails quickly.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import openpyxl
import pytest

from tests.ledger.test_hostile_files import _HEAD, _TAIL, far_cell_xlsx, streamed_sheet

MB = 1024 * 1024
ROUND, UNIT = "YN-10-14-HKK", "YN-JYT"  # the demo's look-back round and 省教育厅


def _database(tmp_path: Path) -> Iterator[str | None]:
    """SQLite in the installation's home, or — when the suite runs on PostgreSQL — a database of its own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    name = f"{os.environ.get('RECTIFY_TEST_DB_NAME', 'test_rectify')}_serve"
    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    """pid → command line of the processes whose parent is ``pid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(condition, what: str, seconds: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")


class Installation:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.serve: subprocess.Popen[bytes] | None = None
        self.token = ""

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "rectify.cli", *args], env=self.env, capture_output=True,
                              timeout=180)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.serve = subprocess.Popen([sys.executable, "-m", "rectify.cli", "serve", "--port", str(self.port),
                                           "--workers", "1"], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        _wait(lambda: self._up(), "the server to answer")

    def _up(self) -> bool:
        assert self.serve is not None and self.serve.poll() is None, self.log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def worker(self) -> int:
        """The pid of the background worker serve runs (its child running `rectify.cli worker`)."""
        assert self.serve is not None
        workers = [pid for pid, cmd in _children(self.serve.pid).items() if "rectify.cli worker" in cmd and _alive(pid)]
        return workers[0] if len(workers) == 1 else 0

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def upload(self, data: bytes, name: str = "台账.xlsx") -> str:
        boundary = uuid.uuid4().hex
        parts = [(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n').encode()
                 for k, v in (("round", ROUND), ("unit", UNIT), ("dry_run", "true"))]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        status, body = self.request("POST", "/api/v1/ledger/import", b"".join(parts) + f"--{boundary}--\r\n".encode(),
                                    f"multipart/form-data; boundary={boundary}")
        assert status == 202, body
        return body["url"]

    def state(self, url: str) -> dict:
        status, body = self.request("GET", url)
        assert status == 200, body
        return body

    def finished(self, url: str, seconds: float = 90) -> dict:
        return _wait(lambda: (lambda s: s if s["state"] in ("done", "failed") else None)(self.state(url)),
                     f"the import {url} to finish", seconds)


@pytest.fixture
def installation(tmp_path):  # type: ignore[no-untyped-def]
    for database in _database(tmp_path):
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(RECTIFY_HOME=str(tmp_path / "home"), RECTIFY_JOB_LEASE_SECONDS="5", RECTIFY_JOB_MAX_ATTEMPTS="1",
                   RECTIFY_SHEET_MAX_COLUMNS="16384", RECTIFY_SHEET_MAX_CELLS=str(10**14),
                   RECTIFY_SHEET_MAX_UNCOMPRESSED_MB="20", PYTHONPATH=os.pathsep.join(sys.path))
        if database:
            env["DATABASE_URL"] = database
        site = Installation(env, _free_port(), tmp_path / "serve.log")
        summary = json.loads(site.cli("demo-data", "--json"))
        assert summary["round"] == ROUND and UNIT in {u["code"] for u in summary["units"]}
        site.token = site.cli("token", "xunshiban").strip()
        workers: set[int] = set()
        try:
            yield site, workers
        finally:
            for pid in workers:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            if site.serve is not None and site.serve.poll() is None:
                os.killpg(site.serve.pid, signal.SIGKILL)
                site.serve.wait(10)


def big_ledger(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"])
    for i in range(1, rows + 1):
        ws.append([i, f"第{i}个问题：落实中央八项规定精神不严格", f"开展专项清理（措施{i}）", "王刚", "财务处", "2026年12月31日"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_serve_keeps_imports_working_through_hostile_files_and_a_killed_worker(installation):
    site, seen_workers = installation
    site.start()
    worker = _wait(site.worker, "serve to start its worker")
    seen_workers.add(worker)

    # 1. a dimension bomb gets past the (lifted) guard: only the reading child dies, the worker stays up
    bomb = site.finished(site.upload(far_cell_xlsx()))
    assert bomb["state"] == "failed" and bomb["error"]["code"] == "ledger_file"
    assert "过大或结构异常，解析时超出内存限制" in bomb["error"]["message"]
    # 2. a zip bomb (30 MB of whitespace under a 20 MB limit) is refused
    zipped = site.finished(site.upload(streamed_sheet([_HEAD, *[b" " * MB] * 30, _TAIL])))
    assert zipped["state"] == "failed" and "解压后超过 20 MB" in zipped["error"]["message"]
    assert site.worker() == worker and _alive(worker)
    small = big_ledger(3)
    assert site.finished(site.upload(small))["state"] == "done"

    # 3. the worker is killed in the middle of a job (SIGKILL: no chance to clean up)
    big = big_ledger(20_000)
    for _attempt in range(5):
        url = site.upload(big)
        _wait(lambda: site.state(url)["state"] != "queued", "the worker to claim the job")  # noqa: B023
        os.kill(worker, signal.SIGKILL)
        if site.state(url)["state"] == "running":  # killed in the middle, as wanted (else: too late, again)
            break
        worker = _wait(site.worker, "serve to restart its worker")
        seen_workers.add(worker)
    else:
        pytest.fail("the worker finished every job before it could be killed")

    # 4. serve restarts the worker; after the lease the job is failed with a message, and the queue works
    restarted = _wait(lambda: (lambda pid: pid if pid and pid != worker else 0)(site.worker()),
                      "serve to restart the killed worker")
    seen_workers.add(restarted)
    lost = site.finished(url, seconds=60)
    assert lost["state"] == "failed" and lost["error"]["code"] == "worker_lost"
    assert "后台处理进程在处理该导入时意外退出" in lost["error"]["message"]
    assert site.finished(site.upload(small))["state"] == "done"
    assert "background worker" in site.log.read_text(errors="replace")  # the restart is logged

    # 5. stopping serve stops its worker
    assert site.serve is not None
    os.kill(site.serve.pid, signal.SIGTERM)
    site.serve.wait(60)
    _wait(lambda: not _alive(restarted), "the worker to stop with serve", 30)
