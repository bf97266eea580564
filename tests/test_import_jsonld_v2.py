"""openLCA JSON-LD, olca-schema 2.x, through `lca import`: a small export built here from dicts.

No binary fixture: `write_v2_zip` writes an olca-schema 2 zip (``olca-schema.json`` with
``{"version": 2}``, folders ``unit_groups/ flow_properties/ flows/ processes/ locations/
categories/``) with the 2.x field names — ``isInput``, ``isQuantitativeReference``,
``isAvoidedProduct``, ``defaultProvider``, ``internalId``, ``isRefUnit``, ``isRefFlowProperty``,
``processType`` and categories as path strings.

Content (3 unit processes, US):

- electricity: reference output 1 kWh (the energy group's reference unit is MJ, so 3.6 MJ),
  emitting 0.5 kg fossil CO2 (a biosphere3 UUID → ``uuid`` tier) and 1.2 g fossil methane
  (own UUID, linked by name + compartment + unit → ``name`` tier, g → kg);
- material: reference output 1 kg, taking 2 kWh of electricity from its ``defaultProvider``,
  emitting 0.1 kg fossil CO2 (same biosphere3 flow);
- product: reference output 2 kg, taking 500 g of material (no default provider: the unique
  producer), 0.06 kg of corrugated board whose default provider is not in the export (→ a
  zero-burden cut-off node), emitting 2 g dinitrogen monoxide (biosphere3 UUID) and 1 mg of a
  made-up substance to air that links to nothing (→ the import's own "v2 biosphere" database).

The GWP100 of 1 kg of the part (plain bw2calc) must equal the hand computation from these numbers
and the method's factors: 0.5·0.002·273 + 0.25·0.1·1 + 0.5·(0.5·1 + 0.0012·29.8) = 0.56588 kg CO2-eq.
Read-level tests add a two-product process (physical default and causal allocation factors, the
causal exchange named by ``internalId`` only, as olca-schema 2's ExchangeRef allows) and waste /
avoided-product / avoided-waste exchanges in schema-2 directions.
"""
from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import pytest
from conftest import brightway_of, copy_of
from typer.testing import CliRunner

from lca.engine.methods import get_set

NS = uuid.UUID("6f1c2a8e-3b7d-4c55-9a0e-2d4b8f61c0aa")


def uid(name: str) -> str:
    """A stable UUID for an object of the generated export."""
    return str(uuid.uuid5(NS, name))


# biosphere3 (ecoinvent 3.9) flows, emission to air, unspecified sub-compartment
CO2_FOSSIL = "349b29d1-3e58-4c66-98b9-9d1a076efd2e"
N2O = "20185046-64bb-4c09-a8e7-e8a9e144ca98"
CH4_FOSSIL_BIO3 = "0795345f-c7ae-410c-ad25-1845784c75f5"  # what the name-linked methane must reach

# Exchange amounts as written in the export (units as named).
ELEC_OUT_KWH = 1.0
ELEC_CO2_KG = 0.5
ELEC_CH4_G = 1.2
MAT_OUT_KG = 1.0
MAT_ELEC_KWH = 2.0
MAT_CO2_KG = 0.1
PROD_OUT_KG = 2.0
PROD_MAT_G = 500.0
PROD_BOARD_KG = 0.06
PROD_N2O_G = 2.0
PROD_X_MG = 1.0
UNLINKED_NAME = "Generated test substance, not in biosphere3"

AIR = "Elementary flows/Emission to air/unspecified"
LOCATION = {"@type": "Location", "@id": uid("loc-US"), "name": "United States", "code": "US",
            "category": "Countries", "latitude": 39.8, "longitude": -98.6}


def _ref(obj: dict, **extra) -> dict:
    """A schema-2 Ref to a root entity (type, id, name, category path + the given extras)."""
    out = {"@type": obj["@type"], "@id": obj["@id"], "name": obj["name"]}
    if obj.get("category"):
        out["category"] = obj["category"]
    out.update(extra)
    return out


def _unit(name: str, factor: float, ref: bool = False) -> dict:
    u = {"@type": "Unit", "@id": uid(f"unit-{name}"), "name": name, "conversionFactor": factor}
    if ref:
        u["isRefUnit"] = True
    return u


MASS_UNITS = [_unit("kg", 1.0, ref=True), _unit("g", 0.001), _unit("mg", 1e-6), _unit("t", 1000.0)]
ENERGY_UNITS = [_unit("MJ", 1.0, ref=True), _unit("kWh", 3.6)]


def unit_factor(units: list[dict], name: str) -> float:
    """Factor to the group's reference unit, read from the generated unit group."""
    return next(u["conversionFactor"] for u in units if u["name"] == name)


def _objects() -> dict[str, list[dict]]:
    """Every object of the export, by folder."""
    mass_g = {"@type": "UnitGroup", "@id": uid("ug-mass"), "name": "Units of mass",
              "category": "Technical unit groups", "version": "00.00.001", "units": MASS_UNITS}
    energy_g = {"@type": "UnitGroup", "@id": uid("ug-energy"), "name": "Units of energy",
                "category": "Technical unit groups", "version": "00.00.001", "units": ENERGY_UNITS}
    mass = {"@type": "FlowProperty", "@id": uid("fp-mass"), "name": "Mass", "category": "Technical flow properties",
            "flowPropertyType": "PHYSICAL_QUANTITY", "unitGroup": _ref(mass_g)}
    energy = {"@type": "FlowProperty", "@id": uid("fp-energy"), "name": "Energy",
              "category": "Technical flow properties", "flowPropertyType": "PHYSICAL_QUANTITY",
              "unitGroup": _ref(energy_g)}
    mass_g["defaultFlowProperty"] = _ref(mass)
    energy_g["defaultFlowProperty"] = _ref(energy)

    def flow(key, name, ftype, category, prop, cas=None):
        f = {"@type": "Flow", "@id": key, "name": name, "category": category, "flowType": ftype,
             "version": "00.00.001",
             "flowProperties": [{"@type": "FlowPropertyFactor", "flowProperty": _ref(prop),
                                 "conversionFactor": 1.0, "isRefFlowProperty": True}]}
        if cas:
            f["cas"] = cas
        if ftype == "PRODUCT_FLOW":
            f["location"] = _ref(LOCATION)
        return f

    flows = {
        "elec": flow(uid("flow-electricity"), "Electricity, at grid", "PRODUCT_FLOW", "Products/Energy", energy),
        "mat": flow(uid("flow-material"), "Polymer granulate", "PRODUCT_FLOW", "Products/Materials", mass),
        "prod": flow(uid("flow-product"), "Moulded part", "PRODUCT_FLOW", "Products/Parts", mass),
        "board": flow(uid("flow-board"), "Corrugated board box", "PRODUCT_FLOW", "Products/Packaging", mass),
        "co2": flow(CO2_FOSSIL, "Carbon dioxide, fossil", "ELEMENTARY_FLOW", AIR, mass, "000124-38-9"),
        "ch4": flow(uid("flow-methane"), "Methane, fossil", "ELEMENTARY_FLOW", AIR, mass, "000074-82-8"),
        "n2o": flow(N2O, "Dinitrogen monoxide", "ELEMENTARY_FLOW", AIR, mass, "010024-97-2"),
        "x": flow(uid("flow-x"), UNLINKED_NAME, "ELEMENTARY_FLOW", AIR, mass),
    }
    unit_of = {u["name"]: u for u in MASS_UNITS + ENERGY_UNITS}
    prop_of = {"elec": energy}

    def exchange(n, key, amount, unit, *, is_input=False, qref=False, provider=None):
        f = flows[key]
        e = {"@type": "Exchange", "internalId": n, "amount": amount, "isInput": is_input,
             "isAvoidedProduct": False,
             "flow": _ref(f, flowType=f["flowType"], refUnit="MJ" if key == "elec" else "kg"),
             "flowProperty": _ref(prop_of.get(key, mass)), "unit": _ref(unit_of[unit])}
        if qref:
            e["isQuantitativeReference"] = True
        if provider is not None:
            e["defaultProvider"] = provider
        return e

    def process(key, name, category, excs):
        return {"@type": "Process", "@id": uid(f"process-{key}"), "name": name, "category": category,
                "version": "00.00.001", "processType": "UNIT_PROCESS", "location": _ref(LOCATION),
                "description": f"generated olca-schema 2 test process ({key})",
                "lastInternalId": len(excs), "exchanges": excs}

    elec = process("elec", "Electricity production, generic", "Energy/Electricity", [
        exchange(1, "elec", ELEC_OUT_KWH, "kWh", qref=True),
        exchange(2, "co2", ELEC_CO2_KG, "kg"),
        exchange(3, "ch4", ELEC_CH4_G, "g"),
    ])
    elec_ref = _ref(elec, processType="UNIT_PROCESS", location="US")
    mat = process("mat", "Polymer granulate production", "Materials/Plastics", [
        exchange(1, "mat", MAT_OUT_KG, "kg", qref=True),
        exchange(2, "elec", MAT_ELEC_KWH, "kWh", is_input=True, provider=elec_ref),
        exchange(3, "co2", MAT_CO2_KG, "kg"),
    ])
    missing = {"@type": "Process", "@id": uid("process-not-exported"), "name": "Corrugated board box production",
               "category": "Packaging", "processType": "UNIT_PROCESS", "location": "US"}
    prod = process("prod", "Moulded part production", "Parts", [
        exchange(1, "prod", PROD_OUT_KG, "kg", qref=True),
        exchange(2, "mat", PROD_MAT_G, "g", is_input=True),
        exchange(3, "board", PROD_BOARD_KG, "kg", is_input=True, provider=missing),
        exchange(4, "n2o", PROD_N2O_G, "g"),
        exchange(5, "x", PROD_X_MG, "mg"),
    ])
    categories = []
    for path, model in ((AIR, "FLOW"), ("Products/Energy", "FLOW"), ("Energy/Electricity", "PROCESS")):
        parts = path.split("/")
        for i in range(len(parts)):
            c = {"@type": "Category", "@id": uid(f"cat-{model}-{'/'.join(parts[:i + 1])}"), "name": parts[i],
                 "modelType": model}
            if i:
                c["category"] = "/".join(parts[:i])
            categories.append(c)
    return {"unit_groups": [mass_g, energy_g], "flow_properties": [mass, energy], "flows": list(flows.values()),
            "processes": [elec, mat, prod], "locations": [LOCATION],
            "categories": list({c["@id"]: c for c in categories}.values())}


def write_v2_zip(path: Path, objects: dict[str, list[dict]] | None = None) -> Path:
    """Write an olca-schema 2 JSON-LD zip (the layout openLCA 2 exports)."""
    objects = objects or _objects()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("olca-schema.json", json.dumps({"version": 2}))
        for folder, objs in objects.items():
            for o in objs:
                zf.writestr(f"{folder}/{o['@id']}.json", json.dumps(o, indent=2))
    return path


PROCESS_IDS = {k: uid(f"process-{k}") for k in ("elec", "mat", "prod")}
BOARD = uid("flow-board")


@pytest.fixture(scope="module")
def v2_zip(tmp_path_factory) -> Path:
    return write_v2_zip(tmp_path_factory.mktemp("olca2") / "generated_olca2.zip")


@pytest.fixture(scope="module")
def v2_home(home, v2_zip, tmp_path_factory) -> Path:
    """A copy of the session's built project with the generated export imported through the CLI."""
    from lca.cli import app

    h = copy_of(home, tmp_path_factory, "v2-home")
    result = CliRunner().invoke(app, ["import", str(v2_zip), "--format", "jsonld", "--name", "v2",
                                      "--home", str(h)])
    assert result.exit_code == 0, result.output
    assert "olca-schema 2.x" in result.output
    return h


@pytest.fixture(scope="module")
def bd(v2_home):
    return brightway_of(v2_home)


@pytest.fixture(scope="module")
def report(v2_home) -> dict:
    return json.loads((v2_home / "imports" / "v2.json").read_text(encoding="utf-8"))


def test_report(report):
    assert report["format"] == "openLCA JSON-LD (olca-schema 2.x)"
    assert report["processes"] == 3 and report["cutoff_nodes"] == 1
    assert report["exchanges"] == 3 + 3 + 5 + 1  # source exchanges + the cut-off node's production
    t = report["technosphere"]
    assert (t["inputs"], t["resolved"], t["by_default_provider"], t["by_unique_producer"],
            t["by_chosen_producer"], t["cut_off"]) == (3, 2, 1, 1, 0, 1)
    assert (t["waste_linked"], t["waste_cut_off"], t["unallocated_coproducts"], t["formulas"]) == (0, 0, 0, 0)
    assert report["elementary_flows"] == {"user": 0, "map": 0, "uuid": 2, "name": 1, "name-top": 0, "cas": 0, "unlinked": 1}
    assert report["elementary_exchanges"] == {"user": 0, "map": 0, "uuid": 3, "name": 1, "name-top": 0, "cas": 0, "unlinked": 1}
    assert report["biosphere_database"] == "v2 biosphere"
    assert [f["name"] for f in report["unlinked_flows"]] == [UNLINKED_NAME]
    gwp = next(r for r in report["indicators"] if r["indicator"] == "gwp100")
    # CO2, CH4 and N2O linked and characterised; the unlinked substance has no GWP factor anywhere
    assert (gwp["linked_characterised"], gwp["lost"], gwp["share"]) == (3, 0, 1.0)


def test_database_holds_reference_units_and_links(bd):
    db = {a["code"]: a for a in bd.Database("v2")}
    assert set(db) == {*PROCESS_IDS.values(), f"cutoff-{BOARD}"}
    elec, mat, prod = (db[PROCESS_IDS[k]] for k in ("elec", "mat", "prod"))
    assert (elec["unit"], mat["unit"], prod["unit"]) == ("megajoule", "kilogram", "kilogram")
    assert elec["location"] == "United States"
    assert tuple(elec["categories"]) == ("Energy", "Electricity")  # the schema-2 category path string
    assert db[f"cutoff-{BOARD}"]["cutoff"] is True

    def amounts(act):
        return {(e["type"], e.input["code"]): e["amount"] for e in act.exchanges()}

    kwh = unit_factor(ENERGY_UNITS, "kWh")
    g = unit_factor(MASS_UNITS, "g")
    assert amounts(elec) == pytest.approx({
        ("production", elec["code"]): ELEC_OUT_KWH * kwh,
        ("biosphere", CO2_FOSSIL): ELEC_CO2_KG,
        ("biosphere", CH4_FOSSIL_BIO3): ELEC_CH4_G * g,  # the name tier reached biosphere3's own flow
    }, rel=1e-7)
    assert amounts(mat)[("technosphere", elec["code"])] == pytest.approx(MAT_ELEC_KWH * kwh, rel=1e-7)
    p = amounts(prod)
    assert p[("technosphere", mat["code"])] == pytest.approx(PROD_MAT_G * g, rel=1e-7)
    assert p[("technosphere", f"cutoff-{BOARD}")] == pytest.approx(PROD_BOARD_KG, rel=1e-7)
    assert p[("biosphere", N2O)] == pytest.approx(PROD_N2O_G * g, rel=1e-7)
    x = next(e for e in prod.biosphere() if e.input["database"] == "v2 biosphere")
    assert x.input["name"] == UNLINKED_NAME and x.input["code"] == uid("flow-x")
    assert x["amount"] == pytest.approx(PROD_X_MG * unit_factor(MASS_UNITS, "mg"), rel=1e-7)


def test_gwp100_equals_hand_computation(bd):
    import bw2calc as bc

    method = next(i for i in get_set().indicators if i.id == "gwp100").method
    code_of = {f.id: f["code"] for f in bd.Database("biosphere3")}
    cf = {(code_of.get(k) if isinstance(k, int) else k[1]): v for k, v in bd.Method(method).load()}
    co2, ch4, n2o = cf[CO2_FOSSIL], cf[CH4_FOSSIL_BIO3], cf[N2O]
    assert (co2, ch4, n2o) == (1, 29.8, 273)  # IPCC 2021 GWP100

    kwh = unit_factor(ENERGY_UNITS, "kWh")  # MJ per kWh
    g = unit_factor(MASS_UNITS, "g")  # kg per g
    # Per 1 kg of the moulded part (the activity's unit): scale each process by its reference output.
    s_prod = 1.0 / PROD_OUT_KG  # 0.5 of the 2 kg process
    s_mat = s_prod * PROD_MAT_G * g / MAT_OUT_KG  # 0.25 kg granulate
    s_elec = s_mat * MAT_ELEC_KWH * kwh / (ELEC_OUT_KWH * kwh)  # 0.5 kWh = 1.8 MJ
    expected = (s_prod * PROD_N2O_G * g * n2o  # the unlinked substance has no factor
                + s_mat * MAT_CO2_KG * co2
                + s_elec * (ELEC_CO2_KG * co2 + ELEC_CH4_G * g * ch4))
    assert expected == pytest.approx(0.273 + 0.025 + 0.25 + 0.01788)  # 0.56588 kg CO2-eq

    act = next(a for a in bd.Database("v2") if a["code"] == PROCESS_IDS["prod"])
    lca = bc.LCA({act.id: 1}, method=method)
    lca.lci()
    lca.lcia()
    assert lca.score == pytest.approx(expected, rel=1e-6)


def test_bw2io_reads_the_same_export(v2_zip, tmp_path):
    """Cross-check: bw2io's own olca-schema 2 importer sees the same processes and exchanges.

    bw2io's JSONLDExtractor reads a folder only (zips raise NotImplementedError), so the zip is
    unpacked first. bw2io models every product flow as its own node, so only process nodes and
    their exchanges are compared; it does not create cut-off nodes.
    """
    from bw2io.importers.json_ld import JSONLDImporter

    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(v2_zip) as zf:
        zf.extractall(folder)
    # bw2io is a required dependency (pyproject.toml): its failing to read our export is a failure, not a skip
    imp = JSONLDImporter(folder, "v2-bw2io")
    imp.apply_strategies(no_warning=True)
    procs = [d for d in imp.data if d.get("type") == "process"]
    assert sorted(d["code"] for d in procs) == sorted(PROCESS_IDS.values())
    assert sum(len(d["exchanges"]) for d in procs) == 3 + 3 + 5
    kinds = sorted(e["type"] for d in procs for e in d["exchanges"])
    assert kinds.count("production") == 3 and kinds.count("technosphere") == 3 and kinds.count("biosphere") == 5


def _with_coproduction(causal_by_internal_id_only: bool) -> dict[str, list[dict]]:
    """The export plus a two-product process (physical default allocation, causal factors too).

    olca-schema 2's AllocationFactor names the exchange of a causal factor by an ExchangeRef, whose
    only field is the exchange's ``internalId`` (openLCA 2 also writes the flow; other writers
    need not). The CO2 factors here carry the internalId only when asked to.
    """
    objs = _objects()
    flows = {f["name"]: f for f in objs["flows"]}
    units = {u["name"]: u for u in MASS_UNITS + ENERGY_UNITS}
    mass, energy = objs["flow_properties"]
    elec = next(p for p in objs["processes"] if p["@id"] == PROCESS_IDS["elec"])
    a = {"@type": "Flow", "@id": uid("flow-a"), "name": "Co-product A", "flowType": "PRODUCT_FLOW",
         "category": "Products/Chemicals",
         "flowProperties": [{"@type": "FlowPropertyFactor", "flowProperty": _ref(mass), "conversionFactor": 1.0,
                             "isRefFlowProperty": True}]}
    b = dict(a, **{"@id": uid("flow-b"), "name": "Co-product B"})
    objs["flows"] += [a, b]

    def exc(n, flow, amount, unit, prop, **kw):
        e = {"@type": "Exchange", "internalId": n, "amount": amount, "isInput": kw.get("is_input", False),
             "flow": _ref(flow, flowType=flow["flowType"]), "flowProperty": _ref(prop), "unit": _ref(units[unit])}
        if kw.get("qref"):
            e["isQuantitativeReference"] = True
        if kw.get("provider"):
            e["defaultProvider"] = _ref(kw["provider"])
        return e

    excs = [exc(1, a, 1.0, "kg", mass, qref=True), exc(2, b, 3.0, "kg", mass),
            exc(3, flows["Electricity, at grid"], 10.0, "kWh", energy, is_input=True, provider=elec),
            exc(4, flows["Carbon dioxide, fossil"], 2.0, "kg", mass)]

    def factor(kind, product, value, exchange=None):
        f = {"@type": "AllocationFactor", "allocationType": kind, "product": _ref(product), "value": value}
        if exchange is not None:
            ref = {"@type": "Exchange", "internalId": exchange["internalId"]}
            if not (causal_by_internal_id_only and exchange["internalId"] == 4):
                ref["flow"] = exchange["flow"]
            f["exchange"] = ref
        return f

    objs["processes"].append({
        "@type": "Process", "@id": uid("process-coprod"), "name": "Co-production", "processType": "UNIT_PROCESS",
        "location": _ref(LOCATION), "defaultAllocationMethod": "PHYSICAL_ALLOCATION", "lastInternalId": 4,
        "exchanges": excs,
        "allocationFactors": [factor("PHYSICAL_ALLOCATION", a, 0.4), factor("PHYSICAL_ALLOCATION", b, 0.6),
                              factor("CAUSAL_ALLOCATION", a, 0.5, excs[2]), factor("CAUSAL_ALLOCATION", b, 0.5, excs[2]),
                              factor("CAUSAL_ALLOCATION", a, 0.9, excs[3]), factor("CAUSAL_ALLOCATION", b, 0.1, excs[3])],
    })
    return objs


@pytest.mark.parametrize("internal_id_only", [False, True], ids=["exchange-ref-with-flow", "internal-id-only"])
def test_allocation_of_a_schema2_coproduction(tmp_path, internal_id_only):
    """Physical (the process default) and causal allocation read from olca-schema 2 allocation factors."""
    from lca.io import jsonld

    path = write_v2_zip(tmp_path / "coprod.zip", _with_coproduction(internal_id_only))
    pid, a, b = uid("process-coprod"), uid("flow-a"), uid("flow-b")
    kwh = unit_factor(ENERGY_UNITS, "kWh")
    expected = {
        None: {a: (10 * kwh * 0.4, 2.0 * 0.4), b: (10 * kwh * 0.6, 2.0 * 0.6)},  # physical: the default
        "causal": {a: (10 * kwh * 0.5, 2.0 * 0.9), b: (10 * kwh * 0.5, 2.0 * 0.1)},
    }
    for allocation, want in expected.items():
        records, stats, info = jsonld.read(path, "alloc", allocation)
        assert info["schema"] == 2
        acts = {r["code"]: r for r in records}
        for product, (elec_mj, co2_kg) in want.items():
            act = acts[f"{pid}:{product}"]
            prod = [e for e in act["exchanges"] if e["type"] == "production"]
            assert [(e["input"], e["amount"]) for e in prod] == [(("alloc", act["code"]), 1.0 if product == a else 3.0)]
            tech = {e["input"][1]: e["amount"] for e in act["exchanges"] if e["type"] == "technosphere"}
            assert tech == pytest.approx({PROCESS_IDS["elec"]: elec_mj}), allocation
            bio = {e["flow"]: e["amount"] for e in act["exchanges"] if e["type"] == "biosphere"}
            assert bio == pytest.approx({CO2_FOSSIL: co2_kg}), (allocation, product)
        assert stats.unallocated_coproducts == 0


def test_waste_and_avoided_flows_in_schema2(tmp_path):
    """Waste output → its treatment; avoided product and avoided waste (olca-schema 2 directions:
    an avoided product has ``isInput`` true, an avoided waste ``isInput`` false) → negative links."""
    from lca.io import jsonld

    objs = _objects()
    mass = objs["flow_properties"][0]
    flows = {f["name"]: f for f in objs["flows"]}
    kg = next(u for u in MASS_UNITS if u["name"] == "kg")

    def flow(key, name, ftype):
        return {"@type": "Flow", "@id": uid(key), "name": name, "flowType": ftype, "category": "Products/Waste",
                "flowProperties": [{"@type": "FlowPropertyFactor", "flowProperty": _ref(mass),
                                    "conversionFactor": 1.0, "isRefFlowProperty": True}]}

    scrap, part = flow("flow-scrap", "Scrap polymer", "WASTE_FLOW"), flow("flow-part2", "Recycled part", "PRODUCT_FLOW")
    objs["flows"] += [scrap, part]

    def exc(n, f, amount, *, is_input=False, avoided=False, qref=False):
        e = {"@type": "Exchange", "internalId": n, "amount": amount, "isInput": is_input, "isAvoidedProduct": avoided,
             "flow": _ref(f, flowType=f["flowType"]), "flowProperty": _ref(mass), "unit": _ref(kg)}
        if qref:
            e["isQuantitativeReference"] = True
        return e

    landfill = {"@type": "Process", "@id": uid("process-landfill"), "name": "Landfill of scrap polymer",
                "processType": "UNIT_PROCESS", "location": _ref(LOCATION),
                "exchanges": [exc(1, scrap, 1.0, is_input=True, qref=True),
                              exc(2, flows["Carbon dioxide, fossil"], 0.05)]}
    recycling = {"@type": "Process", "@id": uid("process-recycling"), "name": "Part with recycling credits",
                 "processType": "UNIT_PROCESS", "location": _ref(LOCATION),
                 "exchanges": [exc(1, part, 1.0, qref=True),
                               exc(2, scrap, 0.2),  # waste to treatment
                               exc(3, flows["Polymer granulate"], 0.3, is_input=True, avoided=True),
                               exc(4, scrap, 0.1, avoided=True)]}
    objs["processes"] += [landfill, recycling]
    records, stats, _ = jsonld.read(write_v2_zip(tmp_path / "waste.zip", objs), "w")
    acts = {r["code"]: r for r in records}
    treat = acts[landfill["@id"]]
    assert [(e["type"], e["amount"]) for e in treat["exchanges"]] == [("production", 1.0), ("biosphere", 0.05)]
    tech = sorted((e["input"][1], e["amount"]) for e in acts[recycling["@id"]]["exchanges"] if e["type"] == "technosphere")
    assert tech == sorted([(landfill["@id"], 0.2), (landfill["@id"], -0.1), (PROCESS_IDS["mat"], -0.3)])
    assert (stats.waste_linked, stats.waste_cut_off) == (2, 0)
