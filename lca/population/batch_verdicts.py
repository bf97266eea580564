"""Indicator requirements of a specification checked for a whole catalogue at once.

Every requirement on an LCIA or energy indicator becomes one vector over background processes
(λ column × unit factor, or kgce per unit of an energy carrier), so a chunk's values for all
requirements are one more sparse product. Product mass comes from the catalogue's mass lines.
Basic requirements, declared values and the other BOM rules need per-product evidence a
catalogue does not carry: they are listed as not assessed, never counted as passed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca.assess.evaluate import spec_lcia_engine
from lca.assess.specs import Spec
from lca.assess.specs import indicators as spec_indicators
from lca.assess.specs import status as spec_status
from lca.core import units
from lca.core.stages import STAGES
from lca.engine.indicators import background_roles
from lca.engine.solver import Engine
from lca.population.batch import stage_scores
from lca.population.catalogue import Lines

UFUNC = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater, "==": np.equal}


@dataclass
class BatchSpec:
    """The assessable requirements of a spec as arrays (picklable, so dask workers can hold it)."""

    spec_id: str
    ids: list[str]
    operators: list[str]
    thresholds: np.ndarray
    scope: np.ndarray  # stage index, or -1 for the whole life cycle
    vectors: np.ndarray  # (processes, then direct flows) × requirements (NaN: not convertible for that one)
    per_mass: np.ndarray  # bool: divide by product mass
    is_mass: np.ndarray  # bool: value is the product mass itself
    mass_factor: np.ndarray  # kg -> threshold unit, for mass requirements
    not_assessed: list[str]
    complete: bool = False  # the spec transcribes every requirement of its standard
    status: str = ""  # complete, or partial and what is missing

    @property
    def certifiable(self) -> bool:
        """A product can pass only if the spec is complete and every requirement is assessed per product."""
        return self.complete and not self.not_assessed

    def values(self, lines: Lines) -> np.ndarray:
        """Requirement values per product (products × requirements); NaN where not computable."""
        n, r = lines.n_products, len(self.ids)
        out = np.full((n, r), np.nan)
        if r == 0:
            return out
        per_stage = stage_scores(lines, self.vectors)  # n × r × stages
        total = per_stage.sum(axis=2)
        cols = np.arange(r)
        staged = np.where(self.scope >= 0, per_stage[:, cols, np.maximum(self.scope, 0)], total)
        mass = lines.product_mass_kg[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            staged = np.where(self.per_mass, np.where(mass > 0, staged / mass, np.nan), staged)
        out[:] = np.where(self.is_mass, mass * self.mass_factor, staged)
        return out

    def passes(self, values: np.ndarray) -> np.ndarray:
        """1.0 pass, 0.0 fail, NaN not computable (products × requirements)."""
        out = np.full(values.shape, np.nan)
        for j, op in enumerate(self.operators):
            ok = np.isfinite(values[:, j])
            out[ok, j] = UFUNC[op](values[ok, j], self.thresholds[j])
        return out


def compile_spec(spec: Spec, base: Engine) -> BatchSpec:
    """Turn a spec's indicator requirements into per-process vectors over the base background."""
    known = spec_indicators(spec)
    lcia = spec_lcia_engine(spec, base)
    lcia_row = {i.id: k for k, i in enumerate(lcia.indicators.indicators)} if lcia else {}
    roles = background_roles()
    codes = [p["code"] for p in base.m.meta["processes"]]
    units_of = base.m.catalogue.process_unit
    ids, ops, thr, scope, vecs, per_mass, is_mass, mass_factor, skipped = [], [], [], [], [], [], [], [], []
    flow_vecs = []  # per unit of each direct (foreground) flow: only LCIA indicators characterise them
    n_flows = base.C.shape[1]
    for req in spec.indicator_requirements:
        ind = known[req.indicator]
        factor = units.factor(ind.check_unit, req.unit) if ind.check_unit else 1.0
        flow_vec = np.zeros(n_flows)
        if ind.kind == "lcia":
            vec = lcia.lam[:, lcia_row[ind.id]] * factor
            flow_vec = lcia.C[lcia_row[ind.id]] * factor
        elif ind.kind == "energy":
            vec = np.array([
                (units.factor(u, "kgce") * factor if units.same_dimension(u, "kgce") else np.nan)
                if roles.get(c, (None, None))[0] == "energy" else 0.0 for c, u in zip(codes, units_of)])
        elif ind.kind == "bom" and ind.rule == "product_mass":
            vec = np.zeros(len(codes))
        else:
            skipped.append(req.id)
            continue
        ids.append(req.id)
        ops.append(req.operator)
        thr.append(req.threshold)
        scope.append(-1 if req.stage == "total" else STAGES.index(req.stage))
        vecs.append(vec)
        flow_vecs.append(flow_vec)
        per_mass.append(ind.kind == "energy" and ind.per_product_mass)
        is_mass.append(ind.kind == "bom")
        mass_factor.append(units.factor("kg", req.unit) if ind.kind == "bom" else 1.0)
    skipped += [b.id for b in spec.basic_requirements]
    n = len(codes)
    return BatchSpec(spec.id, ids, ops, np.array(thr, dtype=float), np.array(scope, dtype=int),
                     np.vstack([np.column_stack(vecs), np.column_stack(flow_vecs)]) if vecs
                     else np.zeros((n + n_flows, 0)), np.array(per_mass, dtype=bool),
                     np.array(is_mass, dtype=bool), np.array(mass_factor, dtype=float), skipped, spec.complete,
                     spec_status(spec))
