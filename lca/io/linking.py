"""Link foreign elementary flows to biosphere3 (ecoinvent 3.9 flows shipped in bw2io).

Tiers, first hit wins (the tier is recorded for the report):

0. ``user``      the user's own mapping (``lca import --flow-map``, see ``lca.io.flowmap``);
   ``map``       the shipped default flow map (``lca/io/data/default_flow_map.yaml``): resource flows
                 given in a unit of another kind (natural gas in kg, coal in MJ), converted by
                 energy content with the heating values and sources the file states;
1. ``uuid``      the source flow's UUID is a biosphere3 code;
2. ``name``      normalised name + compartment + unit: names lower-cased with spaces collapsed
                 and ecoinvent 2 names renamed to ecoinvent 3 (bw2io's 2→3 table); compartments
                 through bw2io's ecoinvent 2→3 category table plus openLCA / ILCD context names
                 ("Emission to air" → air, "Resource" → natural resource); "unspecified"
                 sub-compartments dropped; units through bw2io's unit normalisation;
3. ``name-top``  the same name in the top compartment's unspecified flow when the exact
                 sub-compartment has no such flow (e.g. ``water/ground-, long-term``); resources
                 with no sub-compartment try ``in ground`` (ecoinvent 3 has no unspecified
                 resources), then the one resource sub-compartment that has the name (``Peat`` is
                 only ``biotic``); a flow with no compartment at all takes the name's top
                 compartment when every biosphere3 flow of that name shares it;
4. ``cas``       CAS number + compartment (exact, then top compartment) when the name fails.

Renames tried after the name itself: ecoinvent 2→3 (bw2io), ecoinvent 3.x→3.9 (randonneur_data)
and a few synonyms for unqualified US/NETL names (``Carbon dioxide``, ``Methane`` and
``Carbon monoxide`` are taken as fossil — an assumption, listed in ``lca.io.flownames``). Resource names
are also tried without a unit suffix (``/kg``, ``/m3``) and without a heating value
(``Coal, bituminous, 24.8 MJ per kg`` → ``Coal, bituminous``), then through ``RESOURCE_SYNONYMS``
(coal ranks → ecoinvent's ``Coal, hard, unspecified`` / ``Coal, brown``; bare ``Water`` →
``Water, unspecified natural origin``). The heating value in a source's name is not carried
over: the LCIA method's own factor for the linked flow applies (e.g. CED counts hard coal at
19.1 MJ/kg whatever the source's name says).

A match needs the same unit, or a unit of the same kind with a known factor (g → kg, kWh → MJ,
l → m³ …); the factor is applied to the exchange amount. Two conversions across kinds are made
for named flows only: water, kg → m³ at 1,000 kg per m³; natural gas, m³ → standard m³ at 1
(source volumes of gas extracted are taken to be at standard conditions — an assumption).
Everything else stays unlinked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lca.engine.names import BIOSPHERE_DB
from lca.io.flownames import (
    FACTORS,
    HEATING_VALUE,
    RESOURCE_SYNONYMS,
    SUBSTANCE_FACTORS,
    UNIT_SUFFIX,
    ecoinvent3_replacements,
    is_resource,
    name_renames,
    norm_cas,
    norm_categories,
    norm_name,
    norm_unit,
    user_key,
)

TIERS = ("user", "map", "uuid", "name", "name-top", "cas")
DEFAULT_MAP = Path(__file__).parent / "data" / "default_flow_map.yaml"

@dataclass(frozen=True)
class Link:
    code: str | None  # biosphere3 code, None when unlinked
    tier: str | None
    factor: float = 1.0  # multiply the source amount by this to get biosphere3's unit


class BiosphereLinker:
    """Index of biosphere3 by code, (name, categories), CAS; links foreign flows to it."""

    def __init__(self, flows: list[dict], user: dict[tuple, "Link"] | None = None,
                 default: dict[tuple, "Link"] | None = None):
        self.user = user or {}  # user_key → Link (tier "user")
        self.default = default or {}  # user_key → Link (tier "map")
        self.by_code = {f["code"]: f for f in flows}
        self.by_name: dict[tuple, list[dict]] = {}
        self.by_cas: dict[tuple, list[dict]] = {}
        self.tops: dict[str, set[str]] = {}  # name → top compartments holding it
        self.resource_cats: dict[str, set[tuple]] = {}  # name → resource categories holding it
        for f in flows:
            cats = tuple(f["categories"])
            n = norm_name(f["name"])
            self.by_name.setdefault((n, cats), []).append(f)
            self.tops.setdefault(n, set()).add(cats[0])
            if is_resource(cats):
                self.resource_cats.setdefault(n, set()).add(cats)
            cas = norm_cas(f.get("CAS number"))
            if cas:
                self.by_cas.setdefault((cas, cats), []).append(f)

    @classmethod
    def from_project(cls) -> "BiosphereLinker":
        import bw2data as bd

        return cls([{"code": f["code"], "name": f["name"], "categories": tuple(f["categories"]),
                     "unit": f["unit"], "CAS number": f.get("CAS number")}
                    for f in bd.Database(BIOSPHERE_DB)], default=default_map())

    @staticmethod
    def _factor(unit: str, target: dict) -> float | None:
        if unit == target["unit"] or not unit:
            return 1.0
        factor = FACTORS.get((unit, target["unit"]))
        if factor is None:
            name = norm_name(target["name"])
            factor = next((v for (prefix, a, b), v in SUBSTANCE_FACTORS.items()
                           if (a, b) == (unit, target["unit"]) and name.startswith(prefix)), None)
        return factor

    def _pick(self, candidates: list[dict], unit: str) -> tuple[dict, float] | None:
        for f in candidates:
            factor = self._factor(unit, f)
            if factor is not None:
                return f, factor
        return None

    @staticmethod
    def _names(n: str, resource: bool) -> tuple[list[str], str | None]:
        """Name variants to try, in order, and the medium an ``…, in ground`` suffix names."""
        names, medium = [n], None
        if resource:
            base = HEATING_VALUE.sub("", UNIT_SUFFIX.sub("", n)).strip(" ,")
            names.append(base)
            m = re.match(r"^(.*?),? in (ground|air|water)$", base)
            if m:
                names.append(m.group(1))
                medium = f"in {m.group(2)}"
        renamed = name_renames()
        out: list[str] = []
        for nm in names:
            for x in (nm, renamed.get(nm)):
                for y in (x, RESOURCE_SYNONYMS.get(x) if resource else None):
                    if y and y not in out:
                        out.append(y)
        return out, medium

    def _fallback(self, cats: tuple[str, ...], names: list[str]) -> list[tuple[str, ...]]:
        """Categories to try when the exact compartment has none of the names (tier name-top)."""
        if is_resource(cats):
            out = [("natural resource", "in ground")] if len(cats) == 1 else []
            for nm in names:  # a name held by one resource sub-compartment only (Peat: biotic)
                held = self.resource_cats.get(nm, set())
                if len(held) == 1:
                    out.extend(held)
            return out
        if not cats:  # no compartment: the name's top compartment when it has only one
            return [(next(iter(self.tops[nm])),) for nm in names if len(self.tops.get(nm, ())) == 1]
        return [cats[:1]] if len(cats) > 1 else []

    def link(self, code: str | None, name: str, categories, unit: str | None, cas: str | None = None) -> Link:
        key = user_key(name, categories, unit)
        hit = self.user.get(key) or self.default.get(key)
        if hit:
            return hit
        unit = norm_unit(unit)
        code = ecoinvent3_replacements()[1].get(code, code)
        if code and code in self.by_code:
            hit = self._pick([self.by_code[code]], unit)
            if hit:
                return Link(hit[0]["code"], "uuid", hit[1])
        cats = norm_categories(categories)
        names, medium = self._names(norm_name(name), is_resource(cats))
        exact = [cats] + ([("natural resource", medium)] if medium and len(cats) == 1 else [])
        for tier, cat_list in (("name", exact), ("name-top", self._fallback(cats, names))):
            for c in cat_list:
                for nm in names:
                    hit = self._pick(self.by_name.get((nm, c), []), unit)
                    if hit:
                        return Link(hit[0]["code"], tier, hit[1])
        c = norm_cas(cas)
        if c:
            for key in ((c, cats), (c, cats[:1])):
                cands = self.by_cas.get(key, [])
                hit = self._pick(cands, unit) if len(cands) == 1 else None
                if hit:
                    return Link(hit[0]["code"], "cas", hit[1])
        return Link(None, None)


def default_map(path: Path = DEFAULT_MAP) -> dict[tuple, Link]:
    """The shipped flow map: factor = energy per source unit / the CED method's energy per biosphere3 unit."""
    import yaml

    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["flows"]
    return {user_key(r["name"], r["compartment"].split("/"), r["unit"]):
            Link(r["biosphere3_code"], "map", r["source_MJ_per_unit"] / r["target_MJ_per_unit"]) for r in rows}


@dataclass
class FlowStats:
    """Elementary-flow linking figures: distinct source flows and exchanges, per tier."""

    flows: dict  # tier (or "unlinked") → distinct source flows
    exchanges: dict  # tier (or "unlinked") → exchanges
    unlinked: list  # [{name, categories, unit, exchanges}] of the flows left unlinked
    linked_codes: set  # biosphere3 codes used


def _rescale(exc: dict, factor: float) -> None:
    """Scale an exchange's amount and its uncertainty together (bw2io's rescale_exchange; bounds
    re-ordered when the sign flips), so Monte Carlo samples stay around the static amount."""
    from bw2io.utils import rescale_exchange

    if factor == 1.0:
        return
    if "loc" not in exc and exc.get("uncertainty type", 0) in (0, 1):
        exc["amount"] *= factor
        return
    rescale_exchange(exc, factor)
    if factor < 0 and exc.get("minimum", 0) > exc.get("maximum", 0):
        exc["minimum"], exc["maximum"] = exc["maximum"], exc["minimum"]


def biosphere_name(db_name: str) -> str:
    """The database holding an import's unlinked elementary flows."""
    return f"{db_name} biosphere"


def link_records(records: list[dict], db_name: str, linker: BiosphereLinker) -> tuple[list[dict], FlowStats]:
    """Point every biosphere exchange at biosphere3 or at the import's own biosphere database.

    Exchanges with ``source_input`` (openLCA direction) get Brightway's sign convention:
    positive for resources taken in and emissions given off, negative otherwise.
    Returns the unlinked-flow records (for `biosphere_name(db_name)`) and the figures.
    """
    import hashlib

    bio_db = biosphere_name(db_name)
    cache: dict[tuple, Link] = {}
    flows: dict[str, int] = {t: 0 for t in (*TIERS, "unlinked")}
    exchanges: dict[str, int] = {t: 0 for t in (*TIERS, "unlinked")}
    own: dict[str, dict] = {}
    used: set[str] = set()
    for act in records:
        for exc in act.get("exchanges", []):
            if exc.get("type") != "biosphere" or exc.get("input"):
                continue
            cats = tuple(exc.get("categories") or ())
            key = (exc.get("flow"), exc.get("name"), cats, exc.get("unit"))
            link = cache.get(key)
            if link is None:
                link = linker.link(exc.get("flow"), exc.get("name", ""), cats, exc.get("unit"), exc.get("CAS number"))
                cache[key] = link
                flows[link.tier or "unlinked"] += 1
            exchanges[link.tier or "unlinked"] += 1
            if link.code is not None:
                target = linker.by_code[link.code]
                exc["input"] = (BIOSPHERE_DB, link.code)
                _rescale(exc, link.factor)
                exc["unit"] = target["unit"]
                resource = is_resource(tuple(target["categories"]))
                used.add(link.code)
            else:
                code = exc.get("flow") or hashlib.sha1(repr(key).encode()).hexdigest()
                norm = norm_categories(cats)
                resource = is_resource(norm)
                if code not in own:
                    own[code] = {"code": code, "name": exc.get("name", code), "categories": cats or ("unspecified",),
                                 "unit": norm_unit(exc.get("unit")), "CAS number": exc.get("CAS number"),
                                 "type": "natural resource" if resource else "emission", "exchanges": [],
                                 "_n": 0}
                own[code]["_n"] += 1
                exc["input"] = (bio_db, code)
            if "source_input" in exc:
                if bool(exc.pop("source_input")) != resource:
                    _rescale(exc, -1.0)
    unlinked = sorted(({"name": f["name"], "categories": list(f["categories"]), "unit": f["unit"],
                        "exchanges": f.pop("_n")} for f in own.values()), key=lambda f: -f["exchanges"])
    return list(own.values()), FlowStats(flows, exchanges, unlinked, used)
