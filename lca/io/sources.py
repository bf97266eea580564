"""EcoSpold sources as real tools export them, made readable for bw2io (in a temporary folder).

openLCA and SimaPro write EcoSpold 1 exports as one XML file with hundreds of <dataset>s, a
`categories.xml` beside it, and strings longer than the schema's maximum lengths; bw2io's
reader validates against that schema and fails on the first such string. Here a .zip is
unpacked, side files that are not EcoSpold documents are skipped, and over-long strings are cut
to the schema's length with a warning each (kept in the linking report). The user's files are
never changed.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lca.core.errors import InputError

SIDE_FILES = {"categories.xml", "elementaryflows.xml", "units.xml", "companycodes.xml", "regionalcodes.xml"}
_TOO_LONG = re.compile(r"(?:attribute '(?P<attr>[^']+)': )?\[facet 'maxLength'\].*maximum length of '(?P<max>\d+)'")


def unzip(path: Path, tmp: Path) -> Path:
    """The folder a .zip unpacks to (in `tmp`); any other path as it is."""
    if path.suffix.lower() != ".zip":
        return path
    folder = tmp / "unzipped"
    try:
        with zipfile.ZipFile(path) as zf:
            zf.extractall(folder)  # zipfile drops absolute paths and '..' from member names
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"not a readable zip archive ({exc})", file=path,
                         hint="the file may be truncated; export or download it again") from None
    return folder


def is_side_file(path: Path) -> bool:
    """A file an EcoSpold export ships beside its datasets (category lists, code lists)."""
    return path.name.lower() in SIDE_FILES


def fit_ecospold1(files: list[Path], out: Path, warnings: list[str]) -> Path:
    """Copies of EcoSpold 1 `files` in folder `out` with over-long strings cut to the schema's limit."""
    from lxml import etree
    from pyecospold.config import Defaults

    schema = etree.XMLSchema(file=Defaults.SCHEMA_V1_FILE)
    out.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(files):
        try:
            doc = etree.parse(str(f), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
        except (etree.XMLSyntaxError, OSError) as exc:
            raise InputError(f"not well-formed XML ({exc})", file=f) from None
        schema.validate(doc)
        for err in schema.error_log:
            m = _TOO_LONG.search(err.message)
            if err.type_name != "SCHEMAV_CVC_MAXLENGTH_VALID" or m is None:
                continue
            limit = int(m["max"])
            for el in doc.xpath(err.path):
                attr = m["attr"]
                value = el.get(attr) if attr else el.text
                if value is None or len(value) <= limit:
                    continue
                if attr:
                    el.set(attr, value[:limit])
                else:
                    el.text = value[:limit]
                where = f"{etree.QName(el).localname}/@{attr}" if attr else etree.QName(el).localname
                warnings.append(f"{f.name} line {err.line}: {where} has {len(value)} characters, the EcoSpold 1 "
                                f"schema allows {limit}: cut to {limit}")
        doc.write(str(out / f"{i:05d}-{f.stem}.xml"), xml_declaration=True, encoding="utf-8")
    return out
