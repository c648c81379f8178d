"""The one atomic writer: results, figures and the market refresh all write through it.

`write_atomic` writes one file to a temporary file in the same folder and renames it over the
target, so a reader (another notebook under pytest-xdist, a browser showing a PNG) sees the old
file or the new one, never half of one. On any failure, KeyboardInterrupt included, the temporary
file is removed and the target is untouched.

`write_output` is how a notebook writes what it generates (a figure, a results file): bytes equal
to the file's are not written at all, and different (or new) bytes are refused with one line
naming the file (`OutputChanged`) unless the environment says CLAIMCHECK_REGENERATE=1. So
`pytest` fails, naming it, when a figure or a results file would change, and no test ever reads a
file that another test is rewriting: under pytest nothing in figures/ or data/results/ is written.

`replace_all` does the same for several files at once, all or nothing (the market refresh):
every new file is written to a temporary file first; only then are they swapped in, each
original kept as a hard link until the end. If anything fails (a full disk, a rename refused,
Ctrl-C) every original is put back and every new file removed, so the folder is byte-identical
to what it was. Ctrl-C during the swap is held until the swap is done or undone, then undoes it.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .paths import rel

REGENERATE = "CLAIMCHECK_REGENERATE"  # =1: figures and results files may change on purpose


class OutputChanged(Exception):
    """A generated file (figure, results file) would change; the message is one line naming it."""


def regenerating() -> bool:
    """Whether CLAIMCHECK_REGENERATE=1 asks for figures and results files to be rewritten."""
    return os.environ.get(REGENERATE, "") == "1"


def _write_temp(path: Path, data) -> Path:
    """`data` written to a new temporary file beside `path`; returns its path (removed on failure)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path, data) -> None:
    """Write `data` (str, written as UTF-8 exactly as given, or bytes) to `path` atomically."""
    path = Path(path)
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_output(path, data, what: str = "file") -> bool:
    """Write a generated file only if its bytes change, and only on purpose; True if written.

    Equal bytes: nothing is written (a reader at the same moment reads the same file). Different
    or new bytes: written atomically when CLAIMCHECK_REGENERATE=1, else OutputChanged."""
    path = Path(path)
    new = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    if old == new:
        return False
    if not regenerating():
        change = ("does not exist yet" if old is None else
                  f"would change ({len(new):,} bytes from this run, {len(old):,} in the file)")
        raise OutputChanged(f"{rel(path)}: this {what} {change}; if that is intended, re-run with "
                            f"{REGENERATE}=1 to write it")
    write_atomic(path, new)
    return True


@contextmanager
def _held_interrupts():
    """Hold SIGINT (Ctrl-C) inside the block; yields a function telling whether one arrived."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    arrived = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: arrived.append(signum))
    try:
        yield lambda: bool(arrived)
    finally:
        signal.signal(signal.SIGINT, previous)


def _backup(target: Path) -> Path | None:
    """A second name for the current file (a hard link, or a copy where links are not allowed)."""
    if not target.exists():
        return None
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".orig")
    os.close(fd)
    backup = Path(name)
    backup.unlink()
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def replace_all(files: dict) -> None:
    """Write every {path: data} pair, all or nothing (see the module docstring)."""
    staged: list[tuple[Path, Path]] = []
    swapped: list[tuple[Path, Path | None]] = []
    backups: list[Path] = []
    try:
        for path, data in files.items():
            staged.append((Path(path), _write_temp(Path(path), data)))
        with _held_interrupts() as interrupted:
            try:
                for target, tmp in staged:
                    backup = _backup(target)
                    if backup is not None:
                        backups.append(backup)
                    os.replace(tmp, target)
                    swapped.append((target, backup))
                    if interrupted():
                        raise KeyboardInterrupt
                if interrupted():
                    raise KeyboardInterrupt
            except BaseException:
                for target, backup in reversed(swapped):
                    if backup is None:
                        target.unlink(missing_ok=True)
                    else:
                        os.replace(backup, target)
                raise
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        for backup in backups:
            backup.unlink(missing_ok=True)
