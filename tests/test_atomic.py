"""The one atomic writer: a file is old or new, never half; several files all new or all old."""

import errno
import os
import signal
import threading

import pytest

from claimcheck import atomic


def tree(folder):
    """Every file under `folder` (hidden temporary and backup files included) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a.csv").write_text("old a\n")
    (tmp_path / "b.csv").write_text("old b\n")
    return tmp_path


NEW = {"a.csv": "new a\n", "b.csv": b"new b\n", "c.csv": "new c\n"}  # c.csv does not exist yet


def new_files(folder):
    return {folder / name: data for name, data in NEW.items()}


def test_write_atomic_writes_text_and_bytes(tmp_path):
    atomic.write_atomic(tmp_path / "t.txt", "é\n")
    atomic.write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert tree(tmp_path) == {"b.bin": b"\x00\x01", "t.txt": "é\n".encode()}


@pytest.mark.parametrize(
    "exc", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()]
)
def test_write_atomic_failure_leaves_the_old_file(folder, monkeypatch, exc):
    before = tree(folder)

    def fail(*args):
        raise exc

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(type(exc)):
        atomic.write_atomic(folder / "a.csv", "new a\n")
    monkeypatch.undo()
    assert tree(folder) == before


def test_replace_all_writes_every_file(folder):
    atomic.replace_all(new_files(folder))
    assert tree(folder) == {"a.csv": b"new a\n", "b.csv": b"new b\n", "c.csv": b"new c\n"}


def failing(k, exc, real):
    calls = []

    def replacement(*args, **kwargs):
        calls.append(args)
        if len(calls) == k:
            if real is os.fdopen:
                os.close(args[0])
            raise exc
        return real(*args, **kwargs)

    return replacement


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_write_error_on_the_kth_file_changes_nothing(folder, monkeypatch, k):
    before = tree(folder)
    monkeypatch.setattr(
        atomic.os,
        "fdopen",
        failing(k, OSError(errno.ENOSPC, "No space left on device"), os.fdopen),
    )
    with pytest.raises(OSError, match="No space left"):
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    assert tree(folder) == before


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize(
    "exc",
    [KeyboardInterrupt(), OSError(errno.EXDEV, "Invalid cross-device link")],
    ids=["interrupt", "rename refused"],
)
def test_a_failure_between_renames_restores_every_original(folder, monkeypatch, k, exc):
    """The k-th rename fails: the k-1 files already swapped are put back, the new c.csv removed."""
    before = tree(folder)
    monkeypatch.setattr(atomic.os, "replace", failing(k, exc, os.replace))
    with pytest.raises(type(exc)):
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    assert tree(folder) == before


def test_ctrl_c_during_the_swap_is_held_then_undoes_it(folder, monkeypatch):
    """A real SIGINT arriving mid-swap does not cut the swap short: it is held, and then every
    file swapped so far is put back before KeyboardInterrupt goes on."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    before, handler = tree(folder), signal.getsignal(signal.SIGINT)
    real = os.replace
    calls = []

    def replace(*args):
        calls.append(args)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return real(*args)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    assert tree(folder) == before
    assert signal.getsignal(signal.SIGINT) is handler


def test_backup_falls_back_to_a_copy_where_links_are_refused(folder, monkeypatch):
    def no_links(*args):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    monkeypatch.setattr(atomic.os, "replace", failing(3, KeyboardInterrupt(), os.replace))
    before = tree(folder)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    assert tree(folder) == before


def test_a_failed_undo_keeps_the_original_and_says_so(folder, monkeypatch):
    """The 2nd rename fails, and the 3rd (putting a.csv back) too: the undo goes on, a.csv's
    original is kept beside it (not deleted) and Incomplete names it."""
    before = tree(folder)
    real = os.replace
    calls = []

    def replace(*args):
        calls.append(args)
        if len(calls) in (2, 3):
            raise OSError(errno.EACCES, "Permission denied")
        return real(*args)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(atomic.Incomplete) as info:
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    exc = info.value
    assert (
        isinstance(exc.cause, OSError) and list(exc.kept) == [folder / "a.csv"] and exc.stray == []
    )
    backup = exc.kept[folder / "a.csv"]
    assert backup.read_bytes() == before["a.csv"] and (folder / "a.csv").read_bytes() == b"new a\n"
    assert set(tree(folder)) == {
        "a.csv",
        "b.csv",
        backup.name,
    }  # no temporary file, b.csv as it was
    os.replace(backup, folder / "a.csv")
    assert tree(folder) == before


def test_a_new_file_that_cannot_be_removed_is_named(folder, monkeypatch):
    """Ctrl-C after the last swap undoes it; c.csv (new) cannot be removed: kept[c.csv] is None."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    real_replace, real_unlink = os.replace, os.unlink
    calls = []

    def replace(*args):
        calls.append(args)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return real_replace(*args)

    def unlink(path, *args, **kwargs):
        if os.path.basename(path) == "c.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", replace)
    monkeypatch.setattr(atomic.os, "unlink", unlink)
    with pytest.raises(atomic.Incomplete) as info:
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    assert isinstance(info.value.cause, KeyboardInterrupt) and info.value.kept == {
        folder / "c.csv": None
    }
    assert tree(folder) == {"a.csv": b"old a\n", "b.csv": b"old b\n", "c.csv": b"new c\n"}


def test_a_clean_up_failure_after_a_complete_swap_is_not_hidden(folder, monkeypatch):
    real = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path).endswith(".orig"):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "unlink", unlink)
    with pytest.raises(atomic.Incomplete) as info:
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    exc = info.value
    assert (
        exc.cause is None
        and exc.kept == {}
        and len(exc.stray) == 2
        and exc.why == "Operation not permitted"
    )
    files = tree(folder)
    assert {k: v for k, v in files.items() if not k.startswith(".")} == {
        "a.csv": b"new a\n",
        "b.csv": b"new b\n",
        "c.csv": b"new c\n",
    }


def test_sigterm_during_the_swap_is_held_then_undoes_it(folder, monkeypatch):
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    before = tree(folder)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    real = os.replace
    calls = []

    def replace(*args):
        calls.append(args)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return real(*args)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(atomic.Terminated):
        atomic.replace_all(new_files(folder))
    monkeypatch.undo()
    assert tree(folder) == before
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


def test_write_output_leaves_equal_bytes_alone(tmp_path, monkeypatch):
    path = tmp_path / "x.csv"
    path.write_bytes(b"same\n")
    inode = path.stat().st_ino
    assert atomic.write_output(path, "same\n") is False and path.stat().st_ino == inode
    with pytest.raises(
        atomic.OutputChanged, match=r"x\.csv: this file would change \(6 bytes from this run, 5 in"
    ):
        atomic.write_output(path, "other\n")
    monkeypatch.setenv(atomic.REGENERATE, "1")
    assert atomic.write_output(path, "other\n") is True and path.read_bytes() == b"other\n"
