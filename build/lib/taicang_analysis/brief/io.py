"""All disk access of the brief: the lock, the staging folder and its atomic
move into place, file writes, hashes, and finding earlier briefs.

A brief folder only ever appears complete: files are written into a hidden
staging folder beside the target (``.<name>.tmp-<random>``) which is renamed
into place at the end.  Replacing an existing brief renames the old folder
aside, the new one in, then deletes the old.  A lock file beside the target
(``<name>.lock``, ``fcntl.flock``) refuses a second run into the same folder.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

STAGING_MARK = ".tmp-"
OLD_MARK = ".old-"


class BriefLocked(RuntimeError):
    """Another run is writing into the same brief folder."""


@contextmanager
def locked(out_dir: Path):
    """Hold ``<out_dir>.lock`` for the duration; raise BriefLocked at once if another run holds it."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir.parent / f"{out_dir.name}.lock"
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_small(fd)
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise BriefLocked(f"another brief run is writing into {out_dir} (lock {lock_path} held"
                                  + (f" by process {holder}" if holder else "")
                                  + "); wait for it to finish or choose another --out") from None
            raise
        try:  # the file may have been unlinked by the previous holder between our open and flock
            if os.stat(lock_path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield lock_path
    finally:
        try:
            lock_path.unlink()
        except FileNotFoundError:
            pass
        os.close(fd)


def _read_small(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 64).decode(errors="replace").strip()
    except OSError:
        return ""


def stage(out_dir: Path) -> Path:
    """A fresh hidden staging folder beside ``out_dir`` (same filesystem, so the final rename is atomic)."""
    out_dir = Path(out_dir)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{STAGING_MARK}", dir=out_dir.parent))


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Staging and set-aside folders left by interrupted runs into ``out_dir`` (call only holding the lock)."""
    out_dir = Path(out_dir)
    gone = []
    for mark in (STAGING_MARK, OLD_MARK):
        for path in out_dir.parent.glob(f".{out_dir.name}{mark}*"):
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


def publish(staging: Path, out_dir: Path) -> None:
    """Move the finished staging folder into place; an existing brief is set aside first, then deleted."""
    out_dir = Path(out_dir)
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{OLD_MARK}", dir=out_dir.parent))
        os.rename(out_dir, old / out_dir.name)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(staging, 0o777 & ~mask)  # mkdtemp made it private; a brief is for reading
    os.rename(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def put_text(path: Path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_json(path: Path, obj) -> Path:
    return put_text(path, json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False) + "\n")


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_text(path: Path) -> str:
    return Path(path).read_text(encoding="utf-8")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, keyed by its path relative to root (posix, sorted)."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): sha256_file(p)
            for p in sorted(root.rglob("*")) if p.is_file()}


def earlier_briefs(reports_root: Path, exclude: Path | None = None) -> list[tuple[str, Path]]:
    """(as_of, folder) of every complete brief under ``reports_root`` (one with manifest.json and
    headline.json), oldest first; staging folders never count."""
    root = Path(reports_root)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        if exclude is not None and folder.resolve() == Path(exclude).resolve():
            continue
        manifest, headline = folder / "manifest.json", folder / "headline.json"
        if manifest.is_file() and headline.is_file():
            try:
                as_of = read_json(manifest)["parameters"]["as_of"]
            except (ValueError, KeyError, TypeError):
                continue
            found.append((str(as_of), folder))
    return sorted(found)


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium() -> str | None:
    """The headless browser on PATH (Debian's ``chromium``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(args: list[str], *, timeout: float = 120) -> "subprocess.CompletedProcess":
    """Run headless Chromium with the flags that work offline and as root, in a throwaway profile."""
    import subprocess
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not on PATH (Debian: apt-get install chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="brief-chromium-") as profile:
        return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def print_pdf(html_path: Path, pdf_path: Path) -> dict:
    """brief.pdf from index.html; {'written': bool, 'note': ...} (skipped with a note without chromium)."""
    if chromium() is None:
        return {"written": False, "note": "chromium not on PATH: brief.pdf skipped "
                                          "(Debian: apt-get install chromium fonts-noto-cjk)"}
    try:
        done = run_chromium(["--no-pdf-header-footer", f"--print-to-pdf={Path(pdf_path).resolve()}",
                             Path(html_path).resolve().as_uri()])
    except (OSError, Exception) as exc:  # noqa: BLE001 -- a PDF problem must not sink the brief
        return {"written": False, "note": f"chromium failed: {type(exc).__name__}: {exc}"}
    if not Path(pdf_path).is_file():
        return {"written": False, "note": f"chromium wrote no PDF (exit {done.returncode}): {done.stderr[-300:]}"}
    return {"written": True, "note": "printed from index.html by headless chromium"}
