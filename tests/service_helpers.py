"""The service's test client and uploads, shared by the service tests: a fresh registry with a token per role,
the example products as uploaded files, zip archives built in memory."""
from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lca.registry import db
from lca.service.app import create_app
from lca.service.auth import add_token
from lca.service.uploads import Limits

REPO = Path(__file__).resolve().parents[1]
HOT_MELT = REPO / "inventories" / "examples" / "hot_melt_adhesive"
SPEC = "tcpcif_0086_2021_bulk"  # the example fails it: never listable
RAC = REPO / "inventories" / "examples" / "room_air_conditioner"  # 'incomplete' against tcagp_0001_2016: listable
ROLES = ("public", "manufacturer", "evaluator", "authority")


def product_files(folder: Path = HOT_MELT, **replace: str) -> list[tuple[str, bytes]]:
    """The example's files as uploads, with text replaced in the manifest (e.g. another product id)."""
    manifest = (folder / "product.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        manifest = manifest.replace(old, new)
    return [("product.yaml", manifest.encode()), *((p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv")))]


def as_zip(entries: list[tuple[str, bytes]], links: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, content)
    return buf.getvalue()


class Service:
    """A client on a fresh registry, a token per role (and a second manufacturer), and a submitted draft."""

    def __init__(self, url: str, home: Path, limits: Limits | None = None) -> None:
        self.client = TestClient(create_app(url, home, limits or Limits()))
        self.sessions = db.open_registry(url)
        self.tokens = {r: add_token(self.sessions, r, f"{r} one") for r in ROLES[1:]}
        self.tokens["other"] = add_token(self.sessions, "manufacturer", "manufacturer two")

    def auth(self, role: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}

    def submit(self, files: list[tuple[str, bytes]], role: str = "manufacturer", spec: str = SPEC):
        return self.client.post("/api/evaluations", headers=self.auth(role), data={"spec": spec},
                                files=[("files", (n, c)) for n, c in files])

    def count(self, model) -> int:
        with self.sessions() as s:
            return s.scalar(sa.select(sa.func.count()).select_from(model))
