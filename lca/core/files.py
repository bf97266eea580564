"""Writing files so that a failure never leaves a partial one behind."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def atomic_write(path: Path, writer) -> None:
    """Write through a temporary file in the same folder so a failure never leaves a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        writer(Path(tmp))
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # a new file's usual permissions, not mkstemp's 0600
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_folder(path: Path, writer) -> None:
    """Fill a folder so that it is either as before or complete: `writer(tmp)` fills a copy of it
    beside it, which then takes its place (a killed run leaves only a hidden `.NAME.*.tmp` that the
    next run removes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in sorted(path.parent.glob(f".{path.name}.*.tmp"), key=lambda p: not p.name.endswith(".old.tmp")):
        pid, _, kind = stale.name[len(path.name) + 2:-len(".tmp")].partition(".")
        if _alive(pid):
            continue
        if kind == "old" and not path.exists():  # killed between the two renames: the previous folder
            os.replace(stale, path)
        else:
            shutil.rmtree(stale, ignore_errors=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    old = path.parent / f".{path.name}.{os.getpid()}.old.tmp"
    try:
        if path.exists():
            shutil.copytree(path, tmp)  # the folder's other files stay
        else:
            tmp.mkdir()
        writer(tmp)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
    finally:
        for t in (tmp, old):
            if t.exists():
                shutil.rmtree(t)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
