"""Unpacking an uploaded product safely: bounded size, file count and compression ratio, no path outside the
upload (`..`, absolute paths, symlinks, a manifest naming ../../etc/passwd), UTF-8 text tables. Every refusal
is an UploadError (a 4xx with a clear message) raised before anything is stored."""
from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

TEXT_TYPES = (".csv", ".yaml", ".yml", ".txt")
TABLE_TYPES = (*TEXT_TYPES, ".xlsx")
MANIFEST_KEYS = ("bom", "processes", "suppliers")


@dataclass(frozen=True)
class Limits:
    """What an upload may be: total bytes received and unpacked, number of files, compression ratio."""

    max_bytes: int = 5 * 2**20
    max_files: int = 200
    max_ratio: float = 100.0


class UploadError(Exception):
    """An upload refused: HTTP status and a message that names the file."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


def safe_name(name: str) -> PurePosixPath:
    """A relative path inside the upload, or UploadError for `..`, an absolute path or a drive letter."""
    p = PurePosixPath(name.replace("\\", "/"))
    if not name or p.is_absolute() or ".." in p.parts or ":" in name or not p.parts:
        raise UploadError(400, f"file name '{name}' points outside the upload (no '..', absolute paths or drives)")
    return p


def _zip_members(data: bytes, limits: Limits) -> dict[PurePosixPath, bytes]:
    """The files of a zip archive, every entry checked before any is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError(400, "the upload ends in .zip but is not a readable zip archive") from None
    entries = [e for e in archive.infolist() if not e.is_dir()]
    if len(entries) > limits.max_files:
        raise UploadError(400, f"the zip holds {len(entries)} files; at most {limits.max_files} are accepted")
    total = 0
    for e in entries:
        safe_name(e.filename)
        if stat.S_ISLNK(e.external_attr >> 16):
            raise UploadError(400, f"zip entry '{e.filename}' is a symbolic link; links are not accepted")
        if e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise UploadError(400, f"zip entry '{e.filename}' expands {e.file_size / max(e.compress_size, 1):.0f}-fold "
                                   f"(more than {limits.max_ratio:g}): refused as a possible zip bomb")
        total += e.file_size
    if total > limits.max_bytes:
        raise UploadError(413, f"the zip unpacks to {total} bytes; at most {limits.max_bytes} are accepted")
    return {safe_name(e.filename): archive.read(e) for e in entries}


def _strip_common_folder(files: dict[PurePosixPath, bytes]) -> dict[PurePosixPath, bytes]:
    """A zip of a folder holds folder/product.yaml ...: drop the one folder every entry shares."""
    tops = {p.parts[0] for p in files}
    if len(tops) == 1 and all(len(p.parts) > 1 for p in files):
        return {PurePosixPath(*p.parts[1:]): c for p, c in files.items()}
    return files


def _check_text(files: dict[PurePosixPath, bytes]) -> None:
    for p, content in files.items():
        if p.suffix.lower() not in TABLE_TYPES:
            raise UploadError(400, f"'{p}' is not a product file (accepted: {', '.join(TABLE_TYPES)})")
        if p.suffix.lower() in TEXT_TYPES:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UploadError(400, f"'{p}' is not UTF-8 text (byte {exc.start}: {content[exc.start]:#04x}); "
                                       f"save the table as UTF-8") from None


def _manifest(files: dict[PurePosixPath, bytes]) -> PurePosixPath:
    """The product manifest: the one YAML file at the top of the upload."""
    found = [p for p in files if len(p.parts) == 1 and p.suffix.lower() in (".yaml", ".yml")]
    if len(found) != 1:
        raise UploadError(400, f"the upload needs exactly one product manifest (.yaml) at its top; found {len(found)}")
    return found[0]


def _check_references(manifest: PurePosixPath, content: bytes) -> None:
    """Every file the manifest names (bom, processes, suppliers) must lie inside the upload."""
    try:
        doc = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise UploadError(400, f"'{manifest}' is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise UploadError(400, f"'{manifest}' is not a product manifest (a YAML mapping)")
    for key in MANIFEST_KEYS:
        if isinstance(doc.get(key), str):
            try:
                safe_name(doc[key])
            except UploadError:
                raise UploadError(400, f"'{manifest}', key '{key}': '{doc[key]}' points outside the upload; "
                                       f"name a file inside it") from None


def unpack(uploads: list[tuple[str, bytes]], folder: Path, limits: Limits) -> Path:
    """Write an upload (one .zip, or the manifest and its tables) into `folder`; the manifest's path."""
    received = sum(len(c) for _, c in uploads)
    if received > limits.max_bytes:
        raise UploadError(413, f"the upload is {received} bytes; at most {limits.max_bytes} are accepted")
    if not uploads:
        raise UploadError(400, "nothing uploaded: send the manifest and its tables, or one .zip")
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        files = _strip_common_folder(_zip_members(uploads[0][1], limits))
    else:
        if len(uploads) > limits.max_files:
            raise UploadError(400, f"{len(uploads)} files uploaded; at most {limits.max_files} are accepted")
        files = {safe_name(name): content for name, content in uploads}
    _check_text(files)
    manifest = _manifest(files)
    _check_references(manifest, files[manifest])
    for rel, content in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)
    return folder / manifest
