"""Read uploaded spreadsheets in a child process with a memory and a time limit.

Files are hostile until proven otherwise. ``guard.py`` refuses the hostile files it can recognise before
a reader builds them (DECISIONS 19); this module is the defence behind it, for whatever the guard does not
foresee: a file that makes a reader allocate without end, loop, or crash. The readers — ``parse_ledger``,
``parse_roster`` and the decryption of password-protected workbooks — run in a child process whose address
space is limited to ``RECTIFY_PARSE_MAX_MEMORY_MB`` and whose wall-clock time is limited to
``RECTIFY_PARSE_TIMEOUT_SECONDS``. A child that runs out of memory, is killed by a signal or runs out of
time becomes a :class:`LedgerFileError` that says so in the user's language; the web worker, the job worker
and the command line carry on.

How it works:

1. Children are forked from a fork server (multiprocessing's ``forkserver`` context) that has imported
   Django and the readers once (``sandbox_boot``), so a child starts in milliseconds, without the parent's
   threads, database connections or open files.
2. The child lowers its ``RLIMIT_AS`` to the memory limit (and its ``RLIMIT_CPU`` to the time limit, a
   backstop for a child whose parent is gone), then receives the request over a pipe: which reader, its
   arguments, the spreadsheet limits and the language in force in the parent (so test and per-request
   settings reach the child, and messages read in the page's language).
3. The child sends ``("progress", done, total)`` while it reads, then ``("ok", result)`` or
   ``("file_error", message)``, ``("memory",)`` or ``("crash", traceback)``.
4. The parent waits on the pipe and on the child's exit until the deadline, passes progress on (repeating
   the last report at least every ``HEARTBEAT_SECONDS`` or a third of a job's lease, so a background job's
   lease stays fresh during a long read) and kills the child at the deadline. Results are unpickled with a restricted unpickler that
   builds only the reader's own result types: a child that a file has subverted cannot make the parent run
   code.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from rectify.ledger.types import LedgerFileError

__all__ = ["SandboxCrash", "decrypt_if_encrypted", "parse_ledger", "parse_roster", "register_reader", "run_reader"]

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
MB = 1024 * 1024
#: The settings the readers consult (guard.limits()); the child gets the parent's values.
_FORWARDED_SETTINGS = ("RECTIFY_SHEET_MAX_FILE_BYTES", "RECTIFY_SHEET_MAX_UNCOMPRESSED_BYTES",
                       "RECTIFY_SHEET_MAX_CELLS", "RECTIFY_SHEET_MAX_COLUMNS")
_BOOT_MODULE = "rectify.ledger.sandbox_boot"
#: Readers of the apps above this one (name → "module:function"), registered from their AppConfig.ready(), so
#: that other hostile files (the case library's PDFs and Word files) are read behind the same limits.
_READERS: dict[str, str] = {}
_EXTRA_SETTINGS: list[str] = []


def register_reader(name: str, target: str, *, result_types: tuple[tuple[str, str], ...] = (),
                    settings_names: tuple[str, ...] = ()) -> None:
    """Make ``target`` ("module:function", called with the request's keyword arguments, raising
    LedgerFileError for a file it refuses) runnable as ``run_reader(name, ...)``; ``result_types`` are the
    (module, class) pairs its result may contain beyond plain values; ``settings_names`` reach the child."""
    _READERS[name] = target
    _SafeUnpickler.ALLOWED = _SafeUnpickler.ALLOWED | set(result_types)
    _EXTRA_SETTINGS.extend(n for n in settings_names if n not in _EXTRA_SETTINGS)


def run_reader(name: str, kwargs: dict[str, Any], *, filename: str) -> Any:
    """A registered reader in a child process with the memory and time limits."""
    if name not in _READERS:
        raise ValueError(f"unknown reader {name!r}")
    return run(name, kwargs, filename=filename)[0]


class SandboxCrash(RuntimeError):
    """The reader raised an unexpected exception in the child (a bug, not the file's fault). ``str()`` holds
    the child's traceback, for the log."""


@dataclass
class Stats:
    """What one child used: for the log and the benchmark."""

    seconds: float = 0.0
    peak_rss_mib: float = 0.0  # ru_maxrss of the child
    peak_vm_mib: float = 0.0  # VmPeak: the address space RLIMIT_AS limits


# =========================================================================== the parent's side


def parse_ledger(data: bytes, filename: str, *, year: int, password: str | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 choose_sheet: Callable[[list[str]], str | None] | None = None) -> Any:
    """:func:`rectify.ledger.parsing.parse_ledger` in a child process. ``choose_sheet`` must be picklable
    (a module-level class instance, not a closure)."""
    return run("parse_ledger", {"data": data, "filename": filename, "year": year, "password": password,
                                "choose_sheet": choose_sheet}, filename=filename, progress=progress)[0]


def parse_roster(data: bytes, filename: str, *, password: str | None = None) -> Any:
    """:func:`rectify.ledger.roster.parse_roster` in a child process."""
    return run("parse_roster", {"data": data, "filename": filename, "password": password}, filename=filename)[0]


def decrypt_if_encrypted(data: bytes, password: str | None, *, filename: str = "") -> bytes:
    """:func:`rectify.ledger.parsing.decrypt_if_encrypted` in a child process (a file that is not encrypted
    comes back unchanged without one)."""
    if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # only OLE files can be encrypted workbooks
        return data
    result = run("decrypt", {"data": data, "password": password, "filename": filename},
                 filename=filename or gettext("工作簿"))[0]
    if not isinstance(result, bytes):
        raise SandboxCrash(f"decrypt returned {type(result).__name__}")
    return result


def _heartbeat_seconds() -> float:
    """How often progress is reported at least: every 10 s, or a third of a job's lease when that is shorter."""
    return max(0.2, min(HEARTBEAT_SECONDS, settings.RECTIFY_JOB_LEASE_SECONDS / 3))


def max_memory_bytes() -> int:
    return int(settings.RECTIFY_PARSE_MAX_MEMORY_MB) * MB


def timeout_seconds() -> float:
    return float(settings.RECTIFY_PARSE_TIMEOUT_SECONDS)


_context_lock = threading.Lock()
_context: Any = None


def _forkserver() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload([_BOOT_MODULE])
            _context = ctx
        return _context


def run(reader: str, kwargs: dict[str, Any], *, filename: str,
        progress: Callable[[int, int], None] | None = None) -> tuple[Any, Stats]:
    """Run ``reader`` in a child; return its result and what the child used.

    Raises LedgerFileError for a file the reader refuses and for a child that ran out of memory or time or
    died; SandboxCrash when the reader itself failed unexpectedly."""
    memory = max_memory_bytes()
    timeout = timeout_seconds()
    request = {
        "reader": reader, "kwargs": kwargs, "language": translation.get_language() or settings.LANGUAGE_CODE,
        "settings": {name: getattr(settings, name) for name in (*_FORWARDED_SETTINGS, *_EXTRA_SETTINGS)
                     if hasattr(settings, name)},
    }
    ctx = _forkserver()
    parent_end, child_end = ctx.Pipe(duplex=True)
    process = ctx.Process(target=_child_main, args=(child_end, memory, timeout), daemon=True,
                          name=f"rectify-parse-{reader}")
    started = time.monotonic()
    process.start()
    child_end.close()
    name = PurePath(filename or "").name or filename
    try:
        try:
            parent_end.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the child died before reading its request: its exit status says why, below
        deadline = started + timeout
        heartbeat = _heartbeat_seconds()
        last = (0, 0)
        last_report = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline:
                _kill(process)
                logger.warning("reading %r stopped after %.0f s (RECTIFY_PARSE_TIMEOUT_SECONDS)", name, timeout)
                raise LedgerFileError(_timeout_message(name, timeout))
            if progress is not None and now - last_report >= heartbeat:
                progress(*last)  # the last report again: a job's lease stays fresh while the child reads
                last_report = now
            ready = wait([parent_end, process.sentinel], timeout=min(deadline - now, heartbeat))
            if parent_end not in ready:
                if process.sentinel in ready:
                    return _died(process, name, memory)
                continue
            try:
                message = _SafeUnpickler.loads(parent_end.recv_bytes(maxlength=memory))
            except (EOFError, OSError):
                return _died(process, name, memory)
            kind = message[0]
            if kind == "progress":
                last = (int(message[1]), int(message[2]))
                if progress is not None:
                    progress(*last)
                    last_report = time.monotonic()
                continue
            process.join(5)
            if kind == "ok":
                stats = Stats(**message[2])
                logger.debug("read %r in a child process: %.1f s, peak RSS %.0f MiB, address space %.0f MiB",
                            name, stats.seconds, stats.peak_rss_mib, stats.peak_vm_mib)
                return message[1], stats
            if kind == "file_error":
                raise LedgerFileError(str(message[1]))
            if kind == "memory":
                logger.warning("reading %r ran out of memory (RECTIFY_PARSE_MAX_MEMORY_MB)", name)
                raise LedgerFileError(_memory_message(name, memory))
            raise SandboxCrash(f"reading {name!r} failed in the child process:\n{message[1]}")
    finally:
        parent_end.close()
        if process.is_alive():
            _kill(process)


def _kill(process: Any) -> None:
    process.kill()
    process.join(5)


def _died(process: Any, name: str, memory: int) -> Any:
    """The child ended without an answer: a failed allocation (SIGABRT from a native reader, or the kernel's
    SIGKILL), a crash, or an exit."""
    process.join(10)
    code = process.exitcode
    logger.warning("the child process reading %r ended without a result (exit code %s)", name, code)
    if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
        raise LedgerFileError(_memory_message(name, memory))
    if code == -signal.SIGXCPU:
        raise LedgerFileError(_timeout_message(name, timeout_seconds()))
    raise LedgerFileError(
        gettext("读取文件“%(filename)s”的进程意外退出（退出码 %(code)s），未能读完。文件可能已损坏或结构异常："
                "请在 Excel 或 WPS 中打开并另存为新文件后再导入；仍然失败的，请联系管理员。")
        % {"filename": name, "code": code})


def _memory_message(name: str, memory: int) -> str:
    return (gettext("文件“%(filename)s”过大或结构异常，解析时超出内存限制（%(mb)s MB），已停止处理。"
                    "请删去多余的工作表、空白行列和格式，只保留台账所在的表格，另存为新文件后再导入。")
            % {"filename": name, "mb": f"{memory // MB:,}"})


def _timeout_message(name: str, seconds: float) -> str:
    return (gettext("文件“%(filename)s”解析超过 %(seconds)s 秒仍未完成，已停止处理。文件可能过大或结构异常："
                    "请删去多余的工作表、空白行列和格式，只保留台账所在的表格，另存为新文件后再导入。")
            % {"filename": name, "seconds": f"{seconds:g}"})


class _SafeUnpickler(pickle.Unpickler):
    """Builds only the types a reader returns; anything else in a child's message is refused."""

    ALLOWED = {
        ("builtins", "set"), ("builtins", "frozenset"), ("datetime", "date"),
        ("rectify.ledger.types", "ParsedLedger"), ("rectify.ledger.types", "ParsedProblem"),
        ("rectify.ledger.types", "ParsedTask"), ("rectify.ledger.types", "LedgerError"),
        ("rectify.ledger.roster", "ParsedRoster"), ("rectify.orgs.services", "RosterEntry"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"a child process may not send {module}.{name}")
        return super().find_class(module, name)

    @classmethod
    def loads(cls, data: bytes) -> Any:
        # A 100,000-task ledger is about a million objects: without the cycle collector running after every
        # few hundred of them, unpickling takes 0.5 s instead of 2-3 s (nothing here makes cycles).
        collecting = gc.isenabled()
        gc.disable()
        try:
            message = cls(io.BytesIO(data)).load()
        finally:
            if collecting:
                gc.enable()
        if not isinstance(message, tuple) or not message or not isinstance(message[0], str):
            raise pickle.UnpicklingError("a child process sent a malformed message")
        return message


# =========================================================================== the child's side


def _child_main(conn: Connection, memory: int, timeout: float) -> None:
    """Entry point of the child: limit, read the request, run the reader, answer. Never returns normally
    with an exception: whatever happens is one message (or the exit status when nothing can be sent)."""
    started = time.monotonic()
    _limit(memory, timeout)
    os.environ["RUST_BACKTRACE"] = "0"  # a failed allocation in calamine aborts at once, without a backtrace
    gc.freeze()  # what the fork server loaded (Django, the readers) is never garbage: collections skip it
    try:
        request = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError):
        os._exit(3)  # the parent is gone
    try:
        import django
        from django.apps import apps

        if not apps.ready:  # the boot module failed to preload (it logged why): set up here
            django.setup()
        for name, value in request["settings"].items():
            setattr(settings, name, value)
        with translation.override(request["language"]):
            result = _call(request["reader"], request["kwargs"], conn)
        answer: tuple[Any, ...] = ("ok", result, _stats(started))
    except LedgerFileError as error:
        answer = ("file_error", error.message)
    except MemoryError:
        answer = ("memory",)
    except BaseException:
        answer = ("crash", traceback.format_exc())
    try:
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        answer, payload = ("memory",), pickle.dumps(("memory",))
    _send(conn, payload)
    conn.close()


def _limit(memory: int, timeout: float) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard),
                                            hard))
    cpu = int(timeout) + 10
    _, hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    if hard_cpu == resource.RLIM_INFINITY or cpu < hard_cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard_cpu))


def _send(conn: Connection, payload: bytes) -> None:
    try:
        conn.send_bytes(payload)
    except (BrokenPipeError, ConnectionResetError, OSError):
        os._exit(3)  # the parent is gone (killed, or it gave up on us): nobody wants the result


def _call(reader: str, kwargs: dict[str, Any], conn: Connection) -> Any:
    if reader == "parse_ledger":
        from rectify.ledger.parsing import parse_ledger as parse

        def progress(done: int, total: int) -> None:
            _send(conn, pickle.dumps(("progress", done, total)))

        return parse(kwargs["data"], kwargs["filename"], year=kwargs["year"], password=kwargs["password"],
                     progress=progress, choose_sheet=kwargs["choose_sheet"])
    if reader == "parse_roster":
        from rectify.ledger.roster import parse_roster as parse_rows

        return parse_rows(kwargs["data"], kwargs["filename"], password=kwargs["password"])
    if reader == "decrypt":
        from rectify.ledger.parsing import decrypt_if_encrypted as decrypt

        return decrypt(kwargs["data"], kwargs["password"], filename=kwargs["filename"])
    if reader in _READERS:
        from importlib import import_module

        module, function = _READERS[reader].split(":")
        return getattr(import_module(module), function)(**kwargs)
    raise ValueError(f"unknown reader {reader!r}")


def _stats(started: float) -> dict[str, float]:
    peak_vm = 0.0
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    peak_vm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return {"seconds": round(time.monotonic() - started, 2), "peak_vm_mib": round(peak_vm),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}

