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

`replace_all` does the same as `write_atomic` for several files at once, all or nothing (the
market refresh): every new file is written to a temporary file first; only then are they swapped
in, each original kept as a second name (a backup) until the end. If anything fails (a full disk,
a rename refused, Ctrl-C, SIGTERM) every original is put back. Ctrl-C and SIGTERM during the swap
are held until the swap is done or undone, then undo it. If putting an original back fails too,
the undo goes on with the other files, the backup of each file it could not restore is kept, and
`Incomplete` says which files are left changed and where their originals are.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .paths import rel

REGENERATE = "CLAIMCHECK_REGENERATE"  # =1: figures and results files may change on purpose
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class OutputChanged(Exception):
    """A generated file (figure, results file) would change; the message is one line naming it."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (see `terminate_as_interrupt`)."""


class Incomplete(Exception):
    """`replace_all` could not leave the files all as they were, or all new.

    `cause`: what stopped it (None when every file was swapped in and only the clean-up failed);
    `kept`: {target: backup} for every target it could not put back, `backup` being the kept
    original (None: the target did not exist before, and removing it restores the folder);
    `stray`: temporary or backup files it could not remove, `why` the first reason."""

    def __init__(self, cause: BaseException | None, kept: dict, stray: list, why: str = ""):
        self.cause, self.kept, self.stray, self.why = cause, dict(kept), list(stray), why
        what = f"{len(self.kept)} file(s) not restored" if self.kept else "clean-up failed"
        super().__init__(f"{what}: {', '.join(rel(p) for p in [*self.kept, *self.stray])}")


def regenerating() -> bool:
    """Whether CLAIMCHECK_REGENERATE=1 asks for figures and results files to be rewritten."""
    return os.environ.get(REGENERATE, "") == "1"


def _write_temp(path: Path, data) -> Path:
    """`data` in a new temporary file beside `path`; returns its path (removed on failure)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    except BaseException:
        _remove(Path(tmp))
        raise
    return Path(tmp)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_atomic(path, data) -> None:
    """Write `data` (str, written as UTF-8 exactly as given, or bytes) to `path` atomically."""
    path = Path(path)
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
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
        change = (
            "does not exist yet"
            if old is None
            else f"would change ({len(new):,} bytes from this run, {len(old):,} in the file)"
        )
        raise OutputChanged(
            f"{rel(path)}: this {what} {change}; if that is intended, re-run with "
            f"{REGENERATE}=1 to write it"
        )
    write_atomic(path, new)
    return True


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def terminate_as_interrupt():
    """In the block SIGTERM raises Terminated (a KeyboardInterrupt): it is undone like Ctrl-C."""
    if not _in_main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _held_interrupts():
    """Hold SIGINT and SIGTERM inside the block; yields a function that raises the first one held
    (KeyboardInterrupt, or Terminated for SIGTERM)."""
    arrived: list[int] = []

    def check():
        if arrived:
            raise Terminated("SIGTERM") if arrived[0] == signal.SIGTERM else KeyboardInterrupt()

    if not _in_main_thread():
        yield check
        return
    previous = {s: signal.signal(s, lambda signum, frame: arrived.append(signum)) for s in SIGNALS}
    try:
        yield check
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _backup(target: Path) -> Path | None:
    """A second name for the current file (a hard link, or a copy where links are not allowed)."""
    if not target.exists():
        return None
    while True:
        backup = target.parent / f".{target.name}.{secrets.token_hex(4)}.orig"
        try:
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:  # no hard links here: a copy, under a name no other file has
            break
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".orig")
    try:
        with os.fdopen(fd, "wb") as out, open(target, "rb") as original:
            shutil.copyfileobj(original, out)
        shutil.copystat(target, name)
    except BaseException:
        _remove(Path(name))
        raise
    return Path(name)


def replace_all(files: dict) -> None:
    """Write every {path: data} pair, all or nothing (see the module docstring).

    Raises what stopped it with every original put back, or Incomplete if some could not be.
    Ctrl-C and SIGTERM are held for the whole call: one that arrives while the temporary files
    are written or swapped in undoes the swap; one that arrives during the final clean-up, when
    every file is already new, is raised after it."""
    staged: list[tuple[Path, Path]] = []
    backups: list[Path] = []
    swapped: list[tuple[Path, Path | None]] = []
    kept: dict[Path, Path | None] = {}
    cause: BaseException | None = None
    with _held_interrupts() as check:
        try:
            for path, data in files.items():
                staged.append((Path(path), _write_temp(Path(path), data)))
            check()
            try:
                for target, tmp in staged:
                    backup = _backup(target)
                    if backup is not None:
                        backups.append(backup)
                    os.replace(tmp, target)
                    swapped.append((target, backup))
                    check()
            except BaseException:
                for target, backup in reversed(swapped):  # every file, even if one cannot be
                    try:
                        if backup is None:
                            _remove(target)
                        else:
                            os.replace(backup, target)
                    except BaseException:
                        kept[target] = backup
                raise
        except BaseException as exc:
            cause = exc
        stray, why = [], []
        keep = set(kept.values())
        for leftover in [tmp for _, tmp in staged] + [b for b in backups if b not in keep]:
            try:
                _remove(leftover)
            except OSError as exc:
                stray.append(leftover)
                why.append(exc.strerror or type(exc).__name__)
        if kept or stray:
            raise Incomplete(cause, kept, stray, why[0] if why else "") from cause
        if cause is not None:
            raise cause
        check()
