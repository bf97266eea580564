"""Names, compartments and units of foreign elementary flows, normalised toward biosphere3.

The tables and renames `lca.io.linking` matches with: ecoinvent 2→3 names (bw2io) and 3.x→3.9
renames (randonneur_data), openLCA / ILCD context names, US/NETL synonyms and the unit factors
(same-kind, and the two substance-specific ones). See `lca.io.linking` for how they are used.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"

# openLCA reference-data / ILCD context names → ecoinvent top compartments.
_CONTEXT_TOP = {
    "emission to air": "air", "emissions to air": "air", "emission output to atmosphere": "air",
    "emission to water": "water", "emissions to water": "water",
    "emission output to freshwater": "water", "emission to soil": "soil", "emissions to soil": "soil",
    "resource": "natural resource", "resources": "natural resource", "[resource]": "natural resource",
    "natural resources": "natural resource",
    "air": "air", "water": "water", "soil": "soil", "natural resource": "natural resource",
    "economic": "economic", "inventory indicator": "inventory indicator",
}
_ROOTS = {"elementary flows", "elementary flow"}
_UNSPECIFIED = {"unspecified", "(unspecified)", ""}
# Sub-compartment synonyms beyond bw2io's ecoinvent 2→3 table (openLCA / ILCD / FEDEFL style).
_SUB = {
    ("air", "low. pop."): ("air", "non-urban air or from high stacks"),
    ("air", "low population density"): ("air", "non-urban air or from high stacks"),
    ("air", "high population density"): ("air", "urban air close to ground"),
    ("air", "stratosphere"): ("air", "lower stratosphere + upper troposphere"),
    ("air", "lower stratosphere + upper troposphere"): ("air", "lower stratosphere + upper troposphere"),
    ("water", "fresh water"): ("water", "surface water"),
    ("water", "river"): ("water", "surface water"),
    ("water", "lake"): ("water", "surface water"),
    ("water", "ground water"): ("water", "ground-"),
    ("water", "sea water"): ("water", "ocean"),
    ("natural resource", "fossil-"): ("natural resource", "in ground"),
    ("natural resource", "ground-"): ("natural resource", "in water"),
    ("natural resource", "renewable"): ("natural resource",),
}

# Same-kind unit factors (source unit → biosphere3 unit), after bw2io unit normalisation.
FACTORS = {
    ("gram", "kilogram"): 1e-3, ("ton", "kilogram"): 1e3, ("milligram", "kilogram"): 1e-6,
    ("kilowatt hour", "megajoule"): 3.6, ("kilojoule", "megajoule"): 1e-3,
    ("gigajoule", "megajoule"): 1e3, ("litre", "cubic meter"): 1e-3,
    ("Becquerel", "kilo Becquerel"): 1e-3, ("hectare", "square meter"): 1e4,
    ("square meter-year", "square meter-year"): 1.0,
}


def norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", str(name or "")).strip().lower()


def user_key(name: str, categories, unit: str | None) -> tuple[str, str, str]:
    """How a user mapping names a source flow: normalised name, the source's own compartment path
    (``unspecified`` when it has none, as the unlinked-flow list shows it), normalised unit."""
    path = "/".join(str(c).strip().lower() for c in (categories or ()) if str(c).strip())
    return norm_name(name), path or "unspecified", norm_unit(unit)


def norm_cas(cas: str | None) -> str | None:
    if not cas:
        return None
    digits = re.sub(r"[^0-9]", "", str(cas))
    if len(digits) < 5:
        return None
    return f"{int(digits[:-3])}-{digits[-3:-1]}-{digits[-1]}"


def norm_unit(unit: str | None) -> str:
    from bw2io.units import normalize_units

    return normalize_units(str(unit or "").strip())


# Unqualified names in US/NETL data that ecoinvent 3 only has in qualified form. Assumption,
# stated in the report's module doc: unqualified CO2, CH4 and CO from combustion data are fossil.
_SYNONYMS = {
    "carbon dioxide": "carbon dioxide, fossil",
    "methane": "methane, fossil",
    "carbon monoxide": "carbon monoxide, fossil",
    "nitrogen oxide": "nitrogen oxides",
    "sulfur oxides": "sulfur oxides",
}

# Resource names in US/NETL data → ecoinvent 3.9 names (after heating value and suffix removal).
RESOURCE_SYNONYMS = {
    "coal, bituminous": "coal, hard, unspecified",
    "coal, unprocessed bituminous": "coal, hard, unspecified",
    "coal, metallurgical": "coal, hard, unspecified",
    "coal, hard": "coal, hard, unspecified",
    "coal": "coal, hard, unspecified",
    "coal, lignite": "coal, brown",
    "water": "water, unspecified natural origin",
    "water, fresh": "water, unspecified natural origin",
    "carbon dioxide": "carbon dioxide, in air",  # as a resource: uptake from air
}
HEATING_VALUE = re.compile(r",?\s*\d+(?:\.\d+)?\s*[mg]j\s*(?:per|/)\s*kg\b")
UNIT_SUFFIX = re.compile(r"\s*/\s*(?:kg|m3)$")
# Cross-kind conversions tied to a substance: (name prefix, source unit, biosphere3 unit) → factor.
SUBSTANCE_FACTORS = {
    ("water", "kilogram", "cubic meter"): 1e-3,  # 1,000 kg per m³
    ("gas, natural", "cubic meter", "standard cubic meter"): 1.0,  # source m³ taken as standard m³
    ("gas, mine", "cubic meter", "standard cubic meter"): 1.0,
}

_EI3_STEPS = ("3.01-biosphere-ecoinvent-3.1", "3.3-biosphere-ecoinvent-3.4", "3.4-biosphere-ecoinvent-3.5",
              "3.5-biosphere-ecoinvent-3.6", "3.6-biosphere-ecoinvent-3.7", "3.7-biosphere-ecoinvent-3.8",
              "3.8-biosphere-ecoinvent-3.9")


@lru_cache(maxsize=1)
def ecoinvent3_replacements() -> tuple[dict[str, str], dict[str, str]]:
    """(name → name, uuid → uuid) renames between ecoinvent 3.x biosphere versions up to 3.9.

    From randonneur_data (a bw2io dependency; ecoinvent_migrate files, CC-BY-4.0), chained in
    version order so a 3.3 name reaches its 3.9 name.
    """
    import randonneur_data

    names: dict[str, str] = {}
    uuids: dict[str, str] = {}
    registry = randonneur_data.Registry()
    for step in _EI3_STEPS:
        data = registry.get_file(f"ecoinvent-{step}-biosphere")
        for row in data.get("replace", []):
            src, dst = row.get("source", {}), row.get("target", {})
            if src.get("uuid") and dst.get("uuid") and src["uuid"] != dst["uuid"]:
                uuids[src["uuid"]] = dst["uuid"]
            a, b = norm_name(src.get("name")), norm_name(dst.get("name"))
            if a and b and a != b:
                names[a] = b
    for table in (names, uuids):
        for k in list(table):
            seen = {k}
            while table[k] in table and table[table[k]] not in seen:
                seen.add(table[k])
                table[k] = table[table[k]]
    return names, uuids


@lru_cache(maxsize=1)
def name_renames() -> dict[str, str]:
    """Old elementary-flow names → ecoinvent 3.9 names (ecoinvent 2→3 from bw2io, then 3.x→3.9)."""
    raw = json.loads((_DATA / "ecoinvent_2_3_names.json").read_text(encoding="utf-8"))["renames"]
    ei3, _ = ecoinvent3_replacements()
    out = {norm_name(k): norm_name(v) for k, v in raw.items()}
    out = {k: ei3.get(v, v) for k, v in out.items()}
    for k, v in ei3.items():
        out.setdefault(k, v)
    for k, v in _SYNONYMS.items():
        out.setdefault(k, v)
    return out


@lru_cache(maxsize=1)
def _category_table() -> dict[tuple, tuple]:
    from bw2io.compatibility import ECOSPOLD_2_3_BIOSPHERE

    out = {tuple(k): tuple(v) for k, v in ECOSPOLD_2_3_BIOSPHERE.items()}
    out.update(_SUB)
    return out


def norm_categories(categories) -> tuple[str, ...]:
    """A foreign compartment path as a biosphere3 categories tuple (best effort)."""
    parts = [str(c).strip() for c in (categories or ()) if c is not None]
    while parts and parts[0].lower() in _ROOTS:
        parts = parts[1:]
    # NETL/FEDEFL style paths carry a context name somewhere below vendor folders.
    for i, p in enumerate(parts):
        if p.lower() in _CONTEXT_TOP or p.lower().startswith("resource"):
            parts = parts[i:]
            break
    if not parts:
        return ()
    top = _CONTEXT_TOP.get(parts[0].lower(), "natural resource" if parts[0].lower().startswith("resource")
                           else parts[0].lower())
    subs = [p for p in parts[1:] if p.lower() not in _UNSPECIFIED]
    cats = (top, *subs[:1])
    return _category_table().get(cats, cats)


def is_resource(categories: tuple[str, ...]) -> bool:
    return bool(categories) and categories[0] == "natural resource"
