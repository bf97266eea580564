"""Which importer a file or folder needs, from its name and first bytes (`lca import` without --format)."""
from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from lca.core.errors import InputError

_ECOSPOLD = {"EcoSpold01": "ecospold1", "EcoSpold02": "ecospold2"}


def _head_format(head: bytes) -> str | None:
    """ecospold1/ecospold2 from the root element's namespace in the first few kB of a file."""
    text = head.decode("utf-8", errors="replace")
    return next((fmt for ns, fmt in _ECOSPOLD.items() if f"EcoInvent.org/{ns}" in text), None)


def _xml_format(path: Path) -> str | None:
    with path.open("rb") as f:
        return _head_format(f.read(4096))


def _is_jsonld_names(names: list[str]) -> bool:
    parts = [PurePosixPath(n).parts for n in names]
    return any(len(p) >= 2 and p[-2] == "processes" and p[-1].endswith(".json") for p in parts) or any(
        p and p[-1] == "olca-schema.json" for p in parts)


def detect_format(path: str | Path) -> str:
    """One of lca.io.importer.FORMATS for `path`, or an InputError saying what was seen."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or folder", file=path)
    if path.is_dir():
        if _is_jsonld_names([p.relative_to(path).as_posix() for p in path.rglob("*.json")]):
            return "jsonld"
        for f in sorted(path.rglob("*")):
            if f.suffix.lower() in (".spold", ".xml") and (fmt := _xml_format(f)):
                return fmt
        raise InputError("no openLCA JSON-LD or EcoSpold files found in this folder", file=path,
                         hint="give --format")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                if _is_jsonld_names(zf.namelist()):
                    return "jsonld"
                for member in sorted(zf.namelist()):
                    if PurePosixPath(member).suffix.lower() in (".spold", ".xml") and (
                            fmt := _head_format(zf.open(member).read(4096))):
                        return fmt
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(f"not a readable zip archive ({exc})", file=path,
                             hint="the file may be truncated; export or download it again") from None
        raise InputError("this zip holds no openLCA JSON-LD export and no EcoSpold files", file=path,
                         hint="give --format")
    if suffix in (".xlsx", ".xlsm"):
        return "excel"
    if suffix in (".spold", ".xml") and (fmt := _xml_format(path)):
        return fmt
    if suffix in (".csv", ".txt"):
        first = path.read_bytes()[:200].decode("utf-8", errors="replace").lstrip("\ufeff")
        if first.startswith("{SimaPro") or "{CSV separator" in first:
            return "simapro-csv"
    raise InputError("cannot tell the format of this file", file=path,
                     hint="give --format jsonld, ecospold1, ecospold2, simapro-csv or excel")
