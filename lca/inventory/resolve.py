"""Turn a validated product into stage-resolved inventory lines against the background catalogue.

Every amount is converted to the unit of the process or flow it links to. A process row's unit
says how it scales: per product, per year of life (× lifetime), or per distance (× shipping
mass, for t·km transport). End-of-life rows take a share of the mass of what they apply to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pint

from lca.core import units
from lca.core.errors import InputError
from lca.inventory import suppliers
from lca.inventory.background import Uncertainty
from lca.inventory.product import BomLine, ProcessLine, Product
from lca.inventory.supplied import SupplierLines, suggest


@dataclass(frozen=True)
class Catalogue:
    """What a product may link to: background processes (matrix columns) and biosphere3 flows."""

    process_index: dict[str, int]
    process_unit: list[str]
    process_name: list[str]
    recycled_variant: list[str | None]
    flow_index: dict[str, int]
    flow_unit: list[str]
    flow_name: list[str]
    flow_categories: list[tuple[str, ...]]
    methods: dict[tuple[str, ...], str] = field(default_factory=dict)  # LCIA methods scored, with their units

    def flow_by_name(self, name: str, compartment: str | None) -> list[int]:
        want = tuple(c.strip() for c in compartment.replace(",", "/").split("/")) if compartment else None
        hits = [i for i, n in enumerate(self.flow_name) if n.lower() == name.strip().lower()]
        if want is not None:
            hits = [i for i in hits if self.flow_categories[i] == want]
        return hits


@dataclass(frozen=True)
class Line:
    stage: str
    kind: Literal["process", "flow", "result"]
    index: int  # process or flow index; for a result line, the entry of Inventory.results
    amount: float
    label: str
    origin: str
    uncertain: int | None = None  # index into Inventory.uncertain: the row whose spread this line follows
    # How the amount depends on the product's parameters, for template variations (lca.population.variations):
    # amount = Σ_t amount · share_t · Π_{p ∈ params_t} (value_p / template value_p).
    terms: tuple[tuple[float, tuple[str, ...]], ...] = ()
    source: tuple[str, int, str] | None = None  # (file, row, column) of the amount, for error messages
    supplier: str | None = None  # the BOM-linked supplier declaration (`<supplier>/<part>`) it comes from
    primary: bool = False  # from supplier-specific or measured data (a declaration, a direct emission row)


@dataclass(frozen=True)
class UncertainRow:
    """A product row with a distribution: every line made from it scales by draw / center."""

    origin: str  # "bom.csv row 3 'compressor'"
    distribution: Uncertainty
    center: float  # the row's amount (or share), in the row's own unit

    def parameters(self) -> dict:
        """stats_arrays fields (Brightway names) of the row's amount."""
        return self.distribution.brightway(self.center, 1.0)


@dataclass(frozen=True)
class Component:
    """A BOM leaf with a known mass (kg per reference flow), for BOM-derived indicators."""

    name: str
    link: str
    stage: str
    mass_kg: float
    recycled_content: float
    params: tuple[str, ...] = ()  # parameters its mass scales with (its amount and its assemblies')


@dataclass(frozen=True)
class EolShare:
    """The share of one component's mass an end-of-life row sends to a treatment process."""

    component: str
    link: str
    share: float


@dataclass
class Inventory:
    """A product's foreground, ready for the engine (plus the BOM facts BOM indicators need)."""

    product_id: str
    name: str
    lines: list[Line]
    mass_kg: float
    input_hash: str
    warnings: list[str] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    eol_shares: list[EolShare] = field(default_factory=list)
    uncertain: list[UncertainRow] = field(default_factory=list)
    declarations: list[suppliers.Use] = field(default_factory=list)
    results: list[dict[tuple[str, ...], float]] = field(default_factory=list)  # declared score per unit, by method

    def result_scores(self, methods: list[tuple[str, ...] | None]) -> np.ndarray:
        """(indicators × lines): what each declared-results line adds to each indicator (0 on other lines, and
        where its declaration gives no result for the method: such an indicator is not covered by the line)."""
        out = np.zeros((len(methods), len(self.lines)))
        for j, ln in enumerate(self.lines if self.results else ()):
            if ln.kind == "result":
                out[:, j] = [self.results[ln.index].get(m, 0.0) * ln.amount for m in methods]
        return out

    def result_stage_scores(self, methods: list[tuple[str, ...] | None], stages: tuple[str, ...]) -> np.ndarray:
        """(indicators × stages): the declared results' share of each stage score."""
        onehot = np.zeros((len(self.lines), len(stages)))
        onehot[np.arange(len(self.lines)), [stages.index(ln.stage) for ln in self.lines]] = 1.0
        return self.result_scores(methods) @ onehot

    def result_covers(self, methods: list[tuple[str, ...] | None]) -> np.ndarray:
        """(indicators × lines): True where a declared-results line gives a result for the method."""
        return np.array([[ln.kind == "result" and m in self.results[ln.index] for ln in self.lines]
                         for m in methods], dtype=bool).reshape(len(methods), len(self.lines))

    def stage_matrix(self, kind: Literal["process", "flow"], size: int,
                     stages: tuple[str, ...]) -> np.ndarray:
        """Dense (size × stages) amounts: demand on background processes or direct flows."""
        out = np.zeros((size, len(stages)))
        for ln in self.lines:
            if ln.kind == kind:
                out[ln.index, stages.index(ln.stage)] += ln.amount
        return out


class _Resolver(SupplierLines):
    def __init__(self, product: Product, cat: Catalogue):
        self.p, self.cat = product, cat
        self.lines: list[Line] = []
        self.warnings: list[str] = []
        self.bom_file = product.bom_path.name
        self.leaf_mass: dict[str, float] = {}  # component -> kg per reference flow
        self.components: list[Component] = []
        self.eol_shares: list[EolShare] = []
        self.leaf_link: dict[str, str] = {}
        self.uncertain: list[UncertainRow] = []
        self._key: int | None = None  # the uncertain row the lines being added come from
        self.leaf_params: dict[str, tuple[str, ...]] = {}  # component -> parameters its mass scales with
        self._terms: tuple = ()  # the dependency terms of the lines being added
        self._source: tuple[str, int, str] | None = None  # where the amount of the lines being added is
        self._supplier: str | None = None  # the declaration the lines being added come from
        self._primary = False  # whether they are supplier-specific or measured
        self.uses: dict[str, suppliers.Use] = {}
        self.results: list[dict[tuple[str, ...], float]] = []

    def _row(self, r: BomLine | ProcessLine, origin: str, label: str) -> None:
        """Start the lines of row `r`: they follow its distribution, if it has one."""
        self._key = None
        path = self.p.bom_path if isinstance(r, BomLine) else self.p.processes_path
        self._source = (str(path), r.row, "amount" if r.amount is not None else "share")
        if r.uncertainty is not None:
            center = r.amount if r.amount is not None else r.share
            self.uncertain.append(UncertainRow(f"{origin} '{label}'", r.uncertainty, center))
            self._key = len(self.uncertain) - 1

    def err(self, msg: str, row: int, column: str | None, hint: str | None = None, bom=True) -> InputError:
        path = self.p.bom_path if bom else self.p.processes_path
        return InputError(msg, file=path, row=row, column=column, hint=hint)

    # ---- BOM -------------------------------------------------------------------------------
    def bom(self) -> None:
        rows = self.p.bom
        by_id: dict[str, BomLine] = {}
        for r in rows:
            if r.component in by_id:
                raise self.err(f"duplicate component id '{r.component}' (first used in row "
                               f"{by_id[r.component].row})", r.row, "component")
            by_id[r.component] = r
        children: dict[str, list[BomLine]] = {}
        for r in rows:
            if r.parent is None:
                continue
            if r.parent == r.component:
                raise self.err(f"component '{r.component}' references itself as its parent", r.row, "parent")
            if r.parent not in by_id:
                raise self.err(f"unknown parent '{r.parent}'", r.row, "parent",
                               suggest(r.parent, by_id) or "parent must be a component id of this BOM")
            children.setdefault(r.parent, []).append(r)
        for r in rows:  # cycles through parents
            seen, cur = [r.component], r
            while cur.parent is not None:
                if cur.parent in seen:
                    cycle = " -> ".join(seen[seen.index(cur.parent):] + [cur.parent])
                    raise self.err(f"the BOM references itself: parent cycle {cycle}", r.row, "parent")
                seen.append(cur.parent)
                cur = by_id[cur.parent]
        for r in rows:
            mult, cur, params = 1.0, r, [f"{r.component}.amount"]
            while cur.parent is not None:
                cur = by_id[cur.parent]
                mult *= cur.amount
                params.append(f"{cur.component}.amount")
            self._terms = ((1.0, tuple(params)),)
            if r.component in children:
                self._assembly(r, by_id)
            else:
                self._leaf(r, mult, by_id)

    def _assembly(self, r: BomLine, by_id) -> None:
        if r.uncertainty is not None:
            raise self.err(f"assembly '{r.component}' has an uncertainty; give it on its components",
                           r.row, "uncertainty")
        if r.link:
            raise self.err(f"component '{r.component}' has sub-components and a link; give the "
                           "link on its sub-components only", r.row, "link")
        if not units.same_dimension(r.unit, "piece") and not units.same_dimension(r.unit, "dimensionless"):
            raise self.err(f"assembly '{r.component}' must be counted (unit piece), not '{r.unit}'",
                           r.row, "unit")

    def _leaf(self, r: BomLine, mult: float, by_id) -> None:
        if r.link and r.link.startswith(suppliers.PREFIX):
            return self._supplied(r, mult)
        if not r.link:
            raise self.err(f"component '{r.component}' needs a link to a background process", r.row,
                           "link", "name a process code from `lca processes`, or give sub-components")
        if r.link not in self.cat.process_index:
            if r.link == r.component:
                raise self.err(f"component '{r.component}' references itself", r.row, "link")
            if r.link in by_id:
                raise self.err(f"link '{r.link}' names a component of this BOM", r.row, "link",
                               "use the parent column for sub-assemblies")
            raise self.err(f"unknown process '{r.link}'", r.row, "link",
                           suggest(r.link, self.cat.process_index) or "run `lca processes` for the list")
        idx = self.cat.process_index[r.link]
        target = self.cat.process_unit[idx]
        try:
            amount = units.convert(r.amount * mult, r.unit, target)
        except InputError as exc:
            raise exc.located(file=self.p.bom_path, row=r.row, column="unit") from None
        self._mass(r, mult)
        origin = f"{self.bom_file} row {r.row}"
        self._row(r, origin, r.component)
        variant = self.cat.recycled_variant[idx]
        if r.recycled_content > 0 and variant:
            vidx = self.cat.process_index[variant]
            self._add(r.stage, "process", idx, amount * (1 - r.recycled_content), r.component, origin)
            self._add(r.stage, "process", vidx, units.convert(amount * r.recycled_content, target,
                                                             self.cat.process_unit[vidx]),
                      f"{r.component} (recycled)", origin)
            return
        if r.recycled_content > 0:
            self.warnings.append(f"{origin}: recycled content of '{r.component}' declared but the "
                                 f"background has no recycled route for '{r.link}'; modelled as primary")
        self._add(r.stage, "process", idx, amount, r.component, origin)

    def _mass(self, r: BomLine, mult: float) -> None:
        """Record a leaf's mass (when it is given in a mass unit) and its link."""
        if units.same_dimension(r.unit, "kg"):
            self.leaf_mass[r.component] = units.convert(r.amount * mult, r.unit, "kg")
            self.leaf_params[r.component] = self._terms[0][1]
            self.components.append(Component(r.component, r.link, r.stage, self.leaf_mass[r.component],
                                             r.recycled_content, self._terms[0][1]))
        else:
            self.warnings.append(f"{self.bom_file} row {r.row}: mass of '{r.component}' unknown "
                                 f"(unit {r.unit}); it is left out of mass-based end-of-life shares")
        self.leaf_link[r.component] = r.link

    def _add(self, stage, kind, index, amount, label, origin) -> None:
        self.lines.append(Line(stage, kind, index, float(amount), label, origin, self._key, self._terms,
                               self._source, self._supplier, self._primary or kind == "flow"))

    # ---- processes --------------------------------------------------------------------------
    @property
    def mass_kg(self) -> float:
        return float(sum(self.leaf_mass.values()))

    def shipping_mass_kg(self) -> float:
        sm = self.p.manifest.shipping_mass
        return units.convert(sm.amount, sm.unit, "kg") if sm else self.mass_kg

    def _mass_terms(self, own: tuple[str, ...]) -> tuple:
        """Dependency terms of an amount proportional to the summed component masses."""
        total = self.mass_kg
        return tuple((m / total, own + self.leaf_params[c]) for c, m in self.leaf_mass.items() if m) if total else ()

    def _scaled(self, r: ProcessLine, target: str) -> float:
        """Amount in `target`, scaling by lifetime or shipping mass when the unit asks for it."""
        q = units.ureg.Quantity(r.amount, units.parse_unit(r.unit))
        life = self.p.manifest.lifetime
        extras = [units.ureg.Quantity(1.0, "dimensionless"),
                  units.ureg.Quantity(life.amount, units.parse_unit(life.unit)),
                  units.ureg.Quantity(self.shipping_mass_kg(), "kg")]
        own = (f"{r.id}.amount",) if r.id else ()
        shipping = ((1.0, own + ("shipping_mass",)),) if self.p.manifest.shipping_mass else self._mass_terms(own)
        for extra, terms in zip(extras, (((1.0, own),), ((1.0, own + ("lifetime",)),), shipping)):
            try:
                value = float((q * extra).to(units.parse_unit(target)).magnitude)
                self._terms = terms
                return value
            except pint.errors.DimensionalityError:
                continue
        raise self.err(f"unit '{r.unit}' does not fit the linked unit '{target}' (not per product, "
                       "per year of life, or per distance × mass)", r.row, "unit", bom=False)

    def processes(self) -> None:
        for r in self.p.processes:
            origin = f"{self.p.processes_path.name} row {r.row}"
            label = r.id or r.link or r.flow or ""
            self._row(r, origin, label)
            if (r.link is None) == (r.flow is None):
                raise self.err("give exactly one of 'link' (background process) or 'flow' "
                               "(elementary flow)", r.row, "link", bom=False)
            if r.share is not None:
                self._eol_share(r, origin, label)
                continue
            if r.amount is None or r.unit is None:
                raise self.err("value is missing", r.row, "amount" if r.amount is None else "unit",
                               "give amount and unit, or share and applies_to", bom=False)
            if r.amount < 0 and r.stage != "end_of_life":
                raise self.err(f"negative amount {r.amount} is only allowed for end-of-life credits",
                               r.row, "amount", bom=False)
            if r.link is not None:
                idx = self._process(r)
                self._add(r.stage, "process", idx, self._scaled(r, self.cat.process_unit[idx]), label, origin)
            else:
                fidx = self._flow(r)
                self._add(r.stage, "flow", fidx, self._scaled(r, self.cat.flow_unit[fidx]), label, origin)

    def _process(self, r: ProcessLine) -> int:
        if r.link not in self.cat.process_index:
            raise self.err(f"unknown process '{r.link}'", r.row, "link",
                           suggest(r.link, self.cat.process_index) or "run `lca processes` for the list",
                           bom=False)
        return self.cat.process_index[r.link]

    def _flow(self, r: ProcessLine) -> int:
        return self._find_flow(r.flow, r.compartment,
                               lambda msg, column, hint=None: self.err(msg, r.row, column, hint, bom=False))

    def _eol_share(self, r: ProcessLine, origin: str, label: str) -> None:
        if r.link is None:
            raise self.err("end-of-life shares need a treatment process in 'link'", r.row, "link", bom=False)
        idx = self._process(r)
        target = self.cat.process_unit[idx]
        if not units.same_dimension(target, "kg"):
            raise self.err(f"share rows need a mass-based treatment process; '{r.link}' is per {target}",
                           r.row, "link", bom=False)
        scope = r.applies_to or "all"
        if scope == "all":
            comps = list(self.leaf_mass)
        elif scope in self.leaf_link and scope in self.leaf_mass:
            comps = [scope]
        elif scope in self.cat.process_index:
            comps = [c for c, link in self.leaf_link.items() if link == scope and c in self.leaf_mass]
        else:
            comps = [c for c in self.leaf_mass if self._under(c, scope)]
        if not comps:
            raise self.err(f"applies_to '{scope}' matches no component with a mass", r.row, "applies_to",
                           "use all, a component id or a material link used in the BOM", bom=False)
        for c in comps:
            self.eol_shares.append(EolShare(c, r.link, r.share))
            self._shares[c] = self._shares.get(c, 0.0) + r.share
            if self._shares[c] > 1 + 1e-9:
                raise self.err(f"end-of-life shares of component '{c}' add up to "
                               f"{self._shares[c]:.3g} (more than 1)", r.row, "share", bom=False)
        mass = sum(self.leaf_mass[c] for c in comps) * r.share
        own = (f"{r.id}.share",) if r.id else ()
        self._terms = tuple((self.leaf_mass[c] / mass * r.share, own + self.leaf_params[c])
                            for c in comps if self.leaf_mass[c]) if mass else ()
        self._add(r.stage, "process", idx, units.convert(mass, "kg", target), label, origin)

    def _under(self, component: str, ancestor: str) -> bool:
        parents = {b.component: b.parent for b in self.p.bom}
        cur = parents.get(component)
        while cur is not None:
            if cur == ancestor:
                return True
            cur = parents.get(cur)
        return False

    _shares: dict


def resolve(product: Product, catalogue: Catalogue) -> Inventory:
    """Check every link, unit and share of `product` and return its stage-resolved lines."""
    r = _Resolver(product, catalogue)
    r._shares = {}
    r.bom()
    r.processes()
    m = product.manifest
    return Inventory(product_id=product.id, name=m.name, lines=r.lines, mass_kg=r.mass_kg,
                     input_hash=product.input_hash, warnings=r.warnings, components=r.components,
                     eol_shares=r.eol_shares, uncertain=r.uncertain, declarations=list(r.uses.values()),
                     results=r.results)
