"""Issue 15 item 3: EcoSpold 1 as real tools export it — one file with many datasets, a categories.xml
beside it, strings longer than the schema allows, and the same as a .zip.

The export is written here: 60 processes, process i takes 0.1·(1 + i mod 3) kg of process i−1 and
0.05 kg of process i−7 (when those exist), and emits (i+1)/10 kg fossil CO2 and, every fifth
process, 0.001 kg fossil methane; one input ("ghost product") has no provider in the file. The
expected scores are solved with numpy from these figures and the LCIA method's own factors.
"""
from __future__ import annotations

import json
import zipfile
from xml.sax.saxutils import quoteattr

import bw2calc as bc
import numpy as np
import pytest
from conftest import brightway_of, copy_of

from lca.cli import app
from lca.engine.methods import get_set

N = 60
LONG_AUTHOR = "A" * 41  # the EcoSpold 1 schema allows 40
OVER_LONG = [i for i in range(N) if i % 20 == 3]  # 3 datasets with a 41-character firstAuthor


def _inputs(i: int) -> list[tuple[int, float]]:
    return [(j, a) for j, a in ((i - 1, 0.1 * (1 + i % 3)), (i - 7, 0.05)) if j >= 0]


def _co2(i: int) -> float:
    return (i + 1) / 10


def _ch4(i: int) -> float:
    return 0.001 if i % 5 == 0 else 0.0


def _exchange(n: int, name: str, amount: float, group: str, extra: str = "") -> str:
    tag = "outputGroup" if group in ("0", "4") else "inputGroup"
    return (f'<exchange number="{n}" unit="kg" name={quoteattr(name)} meanValue="{amount!r}" '
            f'infrastructureProcess="false" location="GLO" {extra}><{tag}>{group}</{tag}></exchange>')


def _dataset(i: int) -> str:
    author = LONG_AUTHOR if i in OVER_LONG else f"Author {i}"
    excs = [_exchange(1, f"product {i}", 1.0, "0")]
    excs += [_exchange(len(excs) + 1 + k, f"product {j}", a, "5", 'category="test" subCategory="chain"')
             for k, (j, a) in enumerate(_inputs(i))]
    excs.append(_exchange(len(excs) + 1, "Carbon dioxide, fossil", _co2(i), "4", 'category="air" subCategory=""'))
    if _ch4(i):
        excs.append(_exchange(len(excs) + 1, "Methane, fossil", _ch4(i), "4", 'category="air" subCategory=""'))
    if i == N - 1:
        excs.append(_exchange(len(excs) + 1, "ghost product", 2.0, "5"))
    return f"""<dataset number="{i + 1}" timestamp="2024-01-01T00:00:00" generator="test">
 <metaInformation><processInformation>
  <referenceFunction datasetRelatesToProduct="true" name="product {i}" localName="product {i}"
   infrastructureProcess="false" amount="1" unit="kg" category="test" subCategory="chain" localCategory="test"
   localSubCategory="chain" generalComment="process {i}"/>
  <geography location="GLO"/><technology/>
  <timePeriod dataValidForEntirePeriod="true"><startDate>2020-01-01</startDate><endDate>2020-12-31</endDate></timePeriod>
  <dataSetInformation type="1" impactAssessmentResult="false" timestamp="2024-01-01T00:00:00" version="1.0"
   internalVersion="1.0" energyValues="0" languageCode="en" localLanguageCode="de"/>
 </processInformation>
 <modellingAndValidation><representativeness/>
  <source number="1" sourceType="0" firstAuthor="{author}" year="2020" title="t" placeOfPublications="p"/>
 </modellingAndValidation>
 <administrativeInformation><dataEntryBy person="1"/>
  <dataGeneratorAndPublication person="1" dataPublishedIn="0" referenceToPublishedSource="1" copyright="true"
   accessRestrictedTo="0"/>
  <person number="1" name="p" address="a" telephone="1" companyCode="c" countryCode="CH"/>
 </administrativeInformation></metaInformation>
 <flowData>{''.join(excs)}</flowData>
</dataset>"""


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    d = tmp_path_factory.mktemp("es1") / "export"
    d.mkdir()
    (d / "database.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<ecoSpold '
                                    'xmlns="http://www.EcoInvent.org/EcoSpold01">'
                                    + "".join(_dataset(i) for i in range(N)) + "</ecoSpold>", encoding="utf-8")
    (d / "categories.xml").write_text('<?xml version="1.0"?>\n<categories><category name="test">'
                                      '<subCategory name="chain"/></category></categories>', encoding="utf-8")
    z = d.parent / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in d.iterdir():
            zf.write(f, f"export/{f.name}")
    return d, z


def _expected(bd) -> np.ndarray:
    """gwp100 of one kg of every product, solved with numpy from the figures written above."""
    method = next(i for i in get_set().indicators if i.id == "gwp100").method
    cf = {}
    for key, value in bd.Method(method).load():
        node = bd.get_node(id=key) if isinstance(key, int) else bd.get_node(database=key[0], code=key[1])
        if tuple(node["categories"]) == ("air",):
            cf[node["name"]] = value
    a = np.eye(N)
    for i in range(N):
        for j, amt in _inputs(i):
            a[j, i] -= amt
    direct = np.array([_co2(i) * cf["Carbon dioxide, fossil"] + _ch4(i) * cf["Methane, fossil"] for i in range(N)])
    return np.linalg.solve(a.T, direct)  # λ = A⁻ᵀ (c B)ᵀ: score of one unit of each product


@pytest.mark.parametrize("source", ["folder", "zip"])
def test_real_ecospold1_export_imports(export, home, tmp_path_factory, runner, source):
    folder, z = export
    h = copy_of(home, tmp_path_factory, f"es1-{source}")
    report = tmp_path_factory.mktemp("rep") / "report.json"
    r = runner.invoke(app, ["import", str(folder if source == "folder" else z), "--name", "es1", "--home", str(h),
                            "--report", str(report)])
    assert r.exit_code == 0, r.output
    rep = json.loads(report.read_text())
    # by hand: 60 processes; inputs 59 (i−1) + 53 (i−7) + 1 ghost = 113, of which 112 resolved and 1 cut off;
    # 2 elementary flows (CO2, CH4 fossil, air), 60 + 12 elementary exchanges, all linked
    assert rep["processes"] == N and rep["cutoff_nodes"] == 1
    assert rep["technosphere"]["inputs"] == 113 and rep["technosphere"]["resolved"] == 112
    assert rep["technosphere"]["cut_off"] == 1
    assert rep["elementary_flows"]["unlinked"] == 0 and sum(rep["elementary_flows"].values()) == 2
    assert sum(rep["elementary_exchanges"].values()) == N + 12
    cut = [w for w in rep["warnings"] if "firstAuthor has 41 characters" in w]
    assert len(cut) == len(OVER_LONG)
    assert any(w.startswith("skipped categories.xml") for w in rep["warnings"])
    assert "firstAuthor has 41 characters" in " ".join(r.output.split())

    bd = brightway_of(h)
    expected = _expected(bd)
    method = next(i for i in get_set().indicators if i.id == "gwp100").method
    acts = {a["name"]: a for a in bd.Database("es1") if not a.get("cutoff")}
    assert len(acts) == N
    for i in (0, 7, 31, N - 1):
        lca = bc.LCA({acts[f"product {i}"]: 1}, method=method)
        lca.lci()
        lca.lcia()
        np.testing.assert_allclose(lca.score, expected[i], rtol=1e-6)  # float32 exchange amounts in bw2
