"""Build lca/io/data/ecoinvent_2_3_names.json: ecoinvent 2 -> 3 elementary-flow renames.

Source: bw2io's `ecoinvent elementary flows 2-3.xlsx` (read through
`bw2io.data.get_biosphere_2_3_name_migration_data`, BSD-3-Clause). Reading the workbook takes
~7 s, so the 288 renames are stored once as JSON for `lca.io.flownames`. Re-run after a bw2io
upgrade: `python scripts/build_biosphere_name_map.py`.
"""
from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from bw2io.data import get_biosphere_2_3_name_migration_data

OUT = Path(__file__).resolve().parents[1] / "lca" / "io" / "data" / "ecoinvent_2_3_names.json"


def main() -> None:
    renames: dict[str, str] = {}
    for (old, _categories, _unit, _type), new in get_biosphere_2_3_name_migration_data()["data"]:
        if old and new.get("name") and old != new["name"]:
            renames.setdefault(old, new["name"])
    OUT.write_text(json.dumps({
        "source": f"bw2io {version('bw2io')} data/lci/ecoinvent elementary flows 2-3.xlsx (BSD-3-Clause)",
        "renames": dict(sorted(renames.items())),
    }, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(renames)} renames -> {OUT}")


if __name__ == "__main__":
    main()
