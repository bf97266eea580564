"""openLCA JSON-LD (olca-schema 1.x and 2.x) → Brightway process records, in memory.

bw2io 0.9's ``JSONLDImporter`` reads olca-schema 2 only (it splits ``category`` as a path
string; schema 1 stores a reference object) and models products as separate nodes. This reader
handles both schema versions and writes plain Brightway processes:

- one activity per process (or per allocated product when the process names a default
  allocation method, or `allocation` is given), its reference product in the flow's reference unit;
- every amount converted to the flow's reference unit: ``amount × unit factor / flow-property
  factor`` (olca-schema's unit groups and flow-property factors);
- product inputs linked to their provider: the exchange's ``defaultProvider`` (schema 2), else
  the process whose reference product is that flow (same location first when several are);
  inputs nobody produces become zero-burden *cut-off* nodes (what openLCA does with them), so
  every source exchange is kept and counted;
- waste outputs are linked to the process treating that waste (waste as a service: the producer
  consumes its treatment); untreated waste is a cut-off like an unproduced input;
- elementary exchanges keep name, compartment path, unit and CAS for `lca.io.linking`.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lca.core.errors import InputError
from lca.io.thirdparty import bw2io

FOLDERS = ("processes", "flows", "flow_properties", "unit_groups", "categories", "locations")
ALLOCATION = {"physical": "PHYSICAL_ALLOCATION", "economic": "ECONOMIC_ALLOCATION", "causal": "CAUSAL_ALLOCATION"}
CUTOFF_PREFIX = "cutoff-"


@dataclass
class TechStats:
    """Technosphere linking figures for the report."""

    inputs: int = 0
    by_default_provider: int = 0
    by_unique_producer: int = 0
    by_chosen_producer: int = 0  # several producers: same location, else first by id
    cut_off: int = 0  # no producer: zero-burden cut-off node
    waste_linked: int = 0
    waste_cut_off: int = 0
    unallocated_coproducts: int = 0  # co-product outputs of processes without allocation
    formulas: int = 0  # exchanges with an amount formula (the exported value is used)
    ambiguous: list = field(default_factory=list)


def _read_members(path: Path) -> dict[str, dict[str, dict]]:
    """{folder: {id: object}} from a zip or a folder; a bad archive or JSON is an input error."""
    data: dict[str, dict[str, dict]] = {f: {} for f in FOLDERS}
    data["_meta"] = {}

    def take(name: str, raw: bytes) -> None:
        p = PurePosixPath(name)
        if p.suffix.lower() != ".json":
            return
        if p.name == "olca-schema.json":
            data["_meta"]["olca-schema"] = _load(raw, f"{path}:{name}")
            return
        if len(p.parts) < 2 or p.parts[-2] not in data:
            return
        obj = _load(raw, f"{path}:{name}")
        if not isinstance(obj, dict) or "@id" not in obj:
            raise InputError("not an openLCA JSON-LD object (no '@id')", file=f"{path}:{name}",
                             hint="export with openLCA's JSON-LD export")
        data[p.parts[-2]][obj["@id"]] = obj

    if path.is_dir():
        for f in sorted(path.rglob("*.json")):
            take(f.relative_to(path).as_posix(), f.read_bytes())
    else:
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise InputError(f"zip member '{bad}' is corrupt", file=path, hint="the archive is damaged")
                for info in zf.infolist():
                    if not info.is_dir():
                        take(info.filename, zf.read(info))
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise InputError(f"not a readable zip archive ({exc})", file=path,
                             hint="the file may be truncated; export or download it again") from None
    if not data["processes"]:
        raise InputError("no openLCA processes found (expected a 'processes/' folder of JSON files)", file=path,
                         hint="is this an openLCA JSON-LD export? check --format")
    return data


def _load(raw: bytes, name: str):
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"invalid JSON ({exc})", file=name) from None


def schema_version(data: dict) -> int:
    meta = data["_meta"].get("olca-schema")
    if isinstance(meta, dict) and str(meta.get("version", "2")).startswith("2"):
        return 2
    for proc in data["processes"].values():
        for exc in proc.get("exchanges", []):
            if "isInput" in exc:
                return 2
            if "input" in exc:
                return 1
    return 2


class _Schema:
    """Field access that hides the olca-schema 1.x / 2.x naming differences."""

    def __init__(self, data: dict, where: Path):
        self.d = data
        self.where = where
        self.version = schema_version(data)
        self._cat_cache: dict[str, list[str]] = {}

    @staticmethod
    def flag(obj: dict, v2: str, v1: str) -> bool:
        return bool(obj.get(v2, obj.get(v1, False)))

    def category(self, obj: dict) -> list[str]:
        cat = obj.get("category")
        if cat is None:
            return []
        if isinstance(cat, str):  # schema 2: a path string
            return [c for c in cat.split("/") if c]
        return self._category_path(cat.get("@id"), cat.get("name"))

    def _category_path(self, cid: str | None, name: str | None) -> list[str]:
        if cid in self._cat_cache:
            return self._cat_cache[cid]
        out: list[str] = []
        seen = set()
        node = self.d["categories"].get(cid)
        if node is None:
            return [name] if name else []
        while node is not None and node["@id"] not in seen:
            seen.add(node["@id"])
            out.append(node.get("name", ""))
            parent = node.get("category")
            node = self.d["categories"].get(parent.get("@id")) if isinstance(parent, dict) else None
        self._cat_cache[cid] = out[::-1]
        return self._cat_cache[cid]

    def unit_factors(self) -> tuple[dict[str, float], dict[str, str]]:
        """Unit id → factor to its group's reference unit; unit group id → reference unit name."""
        factors, ref = {}, {}
        for g in self.d["unit_groups"].values():
            for u in g.get("units", []):
                factors[u["@id"]] = float(u.get("conversionFactor", 1.0))
                if self.flag(u, "isRefUnit", "referenceUnit"):
                    ref[g["@id"]] = u["name"]
        return factors, ref


@dataclass
class _Flow:
    id: str
    name: str
    type: str
    categories: list[str]
    unit: str
    cas: str | None
    location: str | None
    fp_factor: dict[str, float]  # flow property id → amount of it per reference unit


def _flows(s: _Schema) -> dict[str, _Flow]:
    _, ref_unit = s.unit_factors()
    normalize_units = bw2io().units.normalize_units
    prop_group = {p["@id"]: (p.get("unitGroup") or {}).get("@id") for p in s.d["flow_properties"].values()}
    out = {}
    for fid, f in s.d["flows"].items():
        factors, ref_prop = {}, None
        for fp in f.get("flowProperties", []):
            pid = (fp.get("flowProperty") or {}).get("@id")
            factors[pid] = float(fp.get("conversionFactor", 1.0))
            if s.flag(fp, "isRefFlowProperty", "referenceFlowProperty"):
                ref_prop = pid
        if ref_prop is None and factors:
            ref_prop = next(iter(factors))
        unit = normalize_units(ref_unit.get(prop_group.get(ref_prop), ""))
        loc = f.get("location")
        out[fid] = _Flow(fid, f.get("name", fid), f.get("flowType", ""), s.category(f), unit, f.get("cas"),
                         loc.get("name") if isinstance(loc, dict) else loc, factors)
    return out


def _amount(exc: dict, flow: _Flow, unit_factor: dict[str, float], where: str) -> float:
    try:
        amount = float(exc.get("amount", 0.0))
    except (TypeError, ValueError):
        raise InputError(f"exchange amount {exc.get('amount')!r} is not a number", file=where) from None
    uid = (exc.get("unit") or {}).get("@id")
    if uid is not None:
        if uid not in unit_factor:
            raise InputError(f"exchange of '{flow.name}' uses unknown unit {exc['unit'].get('name')!r}", file=where)
        amount *= unit_factor[uid]
    pid = (exc.get("flowProperty") or {}).get("@id")
    if pid is not None and pid in flow.fp_factor and flow.fp_factor[pid]:
        amount /= flow.fp_factor[pid]
    return amount


def read(path: str | Path, db_name: str, allocation: str | None = None) -> tuple[list[dict], TechStats, dict]:
    """Records for `db_name` (Brightway dict form) plus linking figures and source info."""
    path = Path(path)
    data = _read_members(path)
    s = _Schema(data, path)
    flows = _flows(s)
    unit_factor, _ = s.unit_factors()
    stats = TechStats()
    locations = {loc.get("code", loc.get("name")): loc.get("name") for loc in data["locations"].values()}
    wanted_alloc = ALLOCATION.get(allocation) if allocation else None

    # Pass 1: exchanges in reference units, reference products, allocation → activity list.
    units_of: dict[str, str] = {}
    acts: list[dict] = []
    provider_of: dict[str, list[dict]] = {}  # flow id → activities producing (or treating) it
    for pid, proc in sorted(data["processes"].items()):
        where = f"{path}:processes/{pid}.json"
        loc = proc.get("location")
        location = (loc.get("name") if isinstance(loc, dict) else locations.get(loc, loc)) or "GLO"
        excs = []
        for exc in proc.get("exchanges", []):
            fref = exc.get("flow") or {}
            flow = flows.get(fref.get("@id"))
            if flow is None:
                flow = _Flow(fref.get("@id", "?"), fref.get("name", "?"), fref.get("flowType", ""), [],
                             fref.get("refUnit", ""), None, None, {})
                if not flow.type:
                    raise InputError(f"exchange flow '{flow.name}' is not in the export's flows/", file=where)
            if exc.get("amountFormula"):
                stats.formulas += 1
            excs.append({
                "flow": flow, "amount": _amount(exc, flow, unit_factor, where),
                "input": s.flag(exc, "isInput", "input"),
                "avoided": s.flag(exc, "isAvoidedProduct", "avoidedProduct"),
                "qref": s.flag(exc, "isQuantitativeReference", "quantitativeReference"),
                "provider": (exc.get("defaultProvider") or {}).get("@id"),
                "internal": exc.get("internalId"), "description": exc.get("description"),
            })
        refs = [e for e in excs if e["qref"]]
        if len(refs) != 1:
            raise InputError(f"process '{proc.get('name')}' has {len(refs)} quantitative references (needs 1)",
                             file=where)
        ref = refs[0]
        products = [e for e in excs if e["flow"].type == "PRODUCT_FLOW" and not e["input"] and not e["avoided"]]
        method = wanted_alloc or proc.get("defaultAllocationMethod")
        factors = _allocation(proc, method) if method and len(products) > 1 else None
        if factors is None:
            stats.unallocated_coproducts += sum(1 for e in products if e is not ref)
            splits = [(ref, None)]
        else:
            splits = [(e, factors) for e in products]
        base = {"name": proc.get("name", pid), "location": location,
                "categories": tuple(s.category(proc)), "comment": proc.get("description") or "",
                "source_process": pid, "source_format": f"openLCA JSON-LD (olca-schema {s.version}.x)"}
        for product, fac in splits:
            code = pid if fac is None else f"{pid}:{product['flow'].id}"
            act = dict(base, code=code, unit=product["flow"].unit,
                       **{"reference product": product["flow"].name}, _ref=product, _excs=excs,
                       _fac=fac, _method=method)
            if fac is not None:
                act["allocation"] = method
            acts.append(act)
            units_of[code] = product["flow"].unit
            provider_of.setdefault(product["flow"].id, []).append(act)

    by_source = {}
    ref_flow = {}  # activity code → its reference flow id (kept: `_ref` is popped while writing records)
    for a in acts:
        by_source.setdefault(a["source_process"], []).append(a)
        ref_flow[a["code"]] = a["_ref"]["flow"].id

    cutoffs: dict[str, dict] = {}

    def provider(e: dict, consumer: dict) -> tuple[str, str] | None:
        fid = e["flow"].id
        if e["provider"] and e["provider"] in by_source:
            cands = [a for a in by_source[e["provider"]] if ref_flow[a["code"]] == fid]
            if cands:
                return cands[0]["code"], "default"
        cands = provider_of.get(fid, [])
        if len(cands) == 1:
            return cands[0]["code"], "unique"
        if cands:
            same = [a for a in cands if a["location"] == consumer["location"]] or cands
            chosen = sorted(same, key=lambda a: a["code"])[0]
            stats.ambiguous.append((consumer["name"], e["flow"].name, chosen["name"]))
            return chosen["code"], "chosen"
        return None

    def cutoff(flow: _Flow) -> str:
        code = CUTOFF_PREFIX + flow.id
        if code not in cutoffs:
            cutoffs[code] = {"code": code, "name": f"{flow.name} (cut-off: no provider in the source)",
                             "reference product": flow.name, "unit": flow.unit, "location": flow.location or "GLO",
                             "type": "process", "cutoff": True, "categories": tuple(flow.categories),
                             "exchanges": [{"input": (db_name, code), "amount": 1.0, "type": "production"}]}
        return code

    records = []
    for act in acts:
        ref, fac, method = act.pop("_ref"), act.pop("_fac"), act.pop("_method")
        excs = act.pop("_excs")
        out = [{"input": (db_name, act["code"]), "amount": ref["amount"], "type": "production",
                "unit": ref["flow"].unit}]
        for e in excs:
            flow = e["flow"]
            if e is ref or (flow.type == "PRODUCT_FLOW" and not e["input"] and not e["avoided"]):
                continue  # the reference (or another, allocated or unallocated) co-product
            share = _share(fac, method, act["_ref_id"] if "_ref_id" in act else ref["flow"].id, e) if fac else 1.0
            amount = e["amount"] * share
            if flow.type == "ELEMENTARY_FLOW":
                out.append({"type": "biosphere", "amount": amount, "name": flow.name, "unit": flow.unit,
                            "categories": tuple(flow.categories), "flow": flow.id, "CAS number": flow.cas,
                            "source_input": e["input"], "comment": e["description"] or ""})
                continue
            waste = flow.type == "WASTE_FLOW"
            if waste and (e["input"] or e["avoided"]):
                # taking waste in (not as reference) = producing its treatment service; an avoided
                # waste (an output in the data model) avoids its treatment
                amount = -amount
            elif not waste and e["avoided"]:
                amount = -amount
            elif not waste and not e["input"]:
                continue
            stats.inputs += 1
            hit = provider(e, act)
            if hit is None:
                target = cutoff(flow)
                if waste:
                    stats.waste_cut_off += 1
                else:
                    stats.cut_off += 1
            else:
                target, how = hit
                if waste:
                    stats.waste_linked += 1
                else:
                    stats.by_default_provider += how == "default"
                    stats.by_unique_producer += how == "unique"
                    stats.by_chosen_producer += how == "chosen"
            out.append({"input": (db_name, target), "amount": amount, "type": "technosphere",
                        "name": flow.name, "unit": flow.unit})
        if ref["flow"].type == "WASTE_FLOW" and ref["input"]:
            out[0]["amount"] = ref["amount"]  # a treatment process: produces 1 unit of treatment service
        records.append(dict(act, type="process", exchanges=out))
    records.extend(cutoffs.values())
    info = {"format": f"openLCA JSON-LD (olca-schema {s.version}.x)", "schema": s.version,
            "source_processes": len(data["processes"]), "flows": len(flows)}
    return records, stats, info


def _allocation(proc: dict, method: str) -> dict | None:
    """{product id: factor} (physical, economic) or {(product id, flow id): factor} (causal).

    olca-schema 2 names a causal factor's exchange by an ExchangeRef, whose only required field is
    the exchange's ``internalId`` (openLCA also writes the flow): without a flow the factor is
    keyed ``(product id, ("internalId", n))``.
    """
    out = {}
    for f in proc.get("allocationFactors", []):
        if f.get("allocationType") != method:
            continue
        prod = (f.get("product") or {}).get("@id")
        if method == "CAUSAL_ALLOCATION":
            exc = f.get("exchange") or {}
            flow = (exc.get("flow") or {}).get("@id")
            if flow is None and exc.get("internalId") is not None:
                flow = ("internalId", exc["internalId"])
            out[(prod, flow)] = float(f.get("value", 0.0))
        elif prod:
            out[prod] = float(f.get("value", 0.0))
    return out or None


def _share(factors: dict, method: str, product_id: str, e: dict) -> float:
    if method == "CAUSAL_ALLOCATION":
        fid = e["flow"].id
        for key in ((product_id, fid), (product_id, ("internalId", e["internal"])), (None, fid)):
            if key in factors:
                return factors[key]
        return 0.0
    return factors.get(product_id, 0.0)
