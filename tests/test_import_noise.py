"""Issue 15 item 4: third-party advice is not printed to the user; what concerns the data stays in the report.

bw2io prints an install hint for its optional SimaProBlockCSVImporter on first import. These run
`lca` in a fresh process (the hint comes once per process, at import time).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, copy_of

LCA = [sys.executable, "-m", "lca"]
NOISE = ("SimaProBlockCSVImporter", "multifunctional", "bw_simapro_csv")


def test_import_prints_no_bw2io_advice(home, tmp_path_factory):
    h = copy_of(home, tmp_path_factory, "noise-home")
    src = REPO / "tests" / "data" / "simapro" / "small.csv"
    r = subprocess.run([*LCA, "import", str(src), "--name", "sp", "--home", str(h)], capture_output=True,
                       text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    for word in NOISE:
        assert word not in r.stderr and word not in r.stdout, r.stdout + r.stderr
    # what concerns the data is still said: the fixture has one elementary flow that cannot be linked
    # (8 flows, 7 linked by name) and one technosphere input with no provider (cut off)
    text = " ".join(r.stdout.split())
    assert "elementary flows 8: linked 7" in text and "unlinked 1" in text
    assert "cut off 1" in text


def test_advice_goes_to_the_debug_log(tmp_path: Path):
    code = ("import logging; logging.basicConfig(level=logging.DEBUG, format='%(name)s %(message)s');"
            "from lca.io.thirdparty import bw2io; bw2io()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
                       env={"BRIGHTWAY2_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    logged = [ln for ln in r.stderr.splitlines() if ln.startswith("lca.io.bw2io ")]
    assert any("SimaProBlockCSVImporter" in ln for ln in logged), r.stderr
    assert "SimaProBlockCSVImporter" not in r.stdout
