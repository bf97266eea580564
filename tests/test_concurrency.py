"""Set-up and imports under concurrency (issue 15, item 1): real `lca` processes started at the same moment.

Processes started at once on an empty home build it once and agree; a later arrival waits for the
home's lock with a message; a lock whose holder was killed (kill -9) never blocks; two imports into
one home keep both databases; an evaluation keeps working while an import writes.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from conftest import REPO, brightway_of, copy_of

from lca import api

CHAIR = REPO / "inventories" / "examples" / "office_chair" / "product.yaml"
WAITING = "waiting for it to finish"


def lca(*args: str, home: Path, **kw) -> subprocess.Popen:
    """`python -m lca ARGS` on `home`, output to pipes."""
    env = {**os.environ, "LCA_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "lca", *args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {seconds} s waiting for {what}"
        time.sleep(0.1)


def totals(doc: dict) -> dict[str, float]:
    return {ind: v["total"] for ind, v in doc["products"][0]["indicators"].items()}


def test_first_runs_at_once_wait_for_one_build_and_a_killed_holder_never_blocks(tmp_path, home):
    fresh = tmp_path / "home"
    # A process takes the home's lock and is then killed with SIGKILL: it never releases it itself.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom lca.engine import project\n"
         "held = project.locked(Path(sys.argv[1]))\nheld.__enter__()\nprint('locked', flush=True)\ntime.sleep(300)\n",
         str(fresh)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        errs = [tmp_path / f"err{i}.txt" for i in range(3)]
        runs = []
        for e in errs:
            with e.open("w") as fh:
                runs.append(subprocess.Popen([sys.executable, "-m", "lca", "evaluate", "--json", str(CHAIR)],
                                             env={**os.environ, "LCA_HOME": str(fresh)}, cwd=REPO, text=True,
                                             stdout=subprocess.PIPE, stderr=fh))
        wait_until(lambda: all(WAITING in e.read_text() for e in errs), 90, "three evaluations to wait")
        assert all(r.poll() is None for r in runs)  # all three blocked on the lock, none failed
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    outs = [r.communicate(timeout=240)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0], [e.read_text() for e in errs]
    for e in errs:
        assert "Traceback" not in e.read_text()
    docs = [json.loads(o) for o in outs]
    assert totals(docs[0]) == totals(docs[1]) == totals(docs[2])
    # one build, not three: one project folder beside bw2data's default, one cache
    projects = sorted(p.name for p in (fresh / "brightway").iterdir() if p.name.startswith("lca-"))
    assert len(projects) == 1 and len(list((fresh / "cache").glob("*.npz"))) == 1
    # and the numbers are those of the session's own build, computed in this process
    ds, _ = api.evaluate([str(CHAIR)], home=home)
    expected = ds["total"].sel(product=docs[0]["products"][0]["id"])
    for ind, value in totals(docs[0]).items():
        np.testing.assert_allclose(value, float(expected.sel(indicator=ind)), rtol=1e-12)


def test_two_imports_at_once_keep_both_databases_while_evaluations_run(home, tmp_path_factory):
    h = copy_of(home, tmp_path_factory, "conc-import")
    data = REPO / "tests" / "data"
    imports = [lca("import", str(data / "ecospold2"), "--name", "es2", "--format", "ecospold2", home=h),
               lca("import", str(data / "simapro" / "small.csv"), "--name", "sp", "--format", "simapro-csv",
                   home=h)]
    evaluations = []
    while any(p.poll() is None for p in imports) and len(evaluations) < 5:  # bounded: at most five
        evaluations.append(lca("evaluate", "--json", str(CHAIR), home=h))
        evaluations[-1].wait(timeout=120)
    done = [p.communicate(timeout=240) for p in imports]
    assert [p.returncode for p in imports] == [0, 0], [e for _, e in done]
    assert evaluations, "the imports finished before an evaluation could start"
    results = [(e.returncode, e.communicate()[0]) for e in evaluations]
    assert all(rc == 0 for rc, _ in results), results
    assert len({json.dumps(totals(json.loads(o)), sort_keys=True) for _, o in results}) == 1
    bd = brightway_of(h)
    assert {"es2", "sp"} <= set(bd.databases)  # neither import's registration overwrote the other's
    assert len(bd.Database("es2")) > 0 and len(bd.Database("sp")) > 0
