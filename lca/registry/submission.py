"""A product evaluated into a registry record: its input files, versions, requirement outcomes (lca.assess)
and stage results (lca.api); submitting it stores it once for the same inputs and versions."""
from __future__ import annotations

import getpass
import hashlib
import math
import os
from pathlib import Path

from lca import __version__, api
from lca.assess.evaluate import evaluate as check
from lca.assess.specs import find as find_spec
from lca.core.errors import InputError
from lca.core.stages import STAGES
from lca.engine import project
from lca.engine.methods import DEFAULT_SET, get_set
from lca.inventory.product import Product, load_product
from lca.registry import store
from lca.registry.store import Clock, Submission, utc_now


def actor(name: str | None = None) -> str:
    """Who acts: `name`, else $LCA_USER, else the login name."""
    return name or os.environ.get("LCA_USER") or getpass.getuser()


def input_files(product: Product) -> dict[str, bytes]:
    """The product's files by path relative to the manifest's folder (they must lie inside it)."""
    root = product.manifest_path.parent
    out = {}
    for path, column in ((product.manifest_path, None), (product.bom_path, "bom"),
                         (product.processes_path, "processes")):
        if path is None:
            continue
        if not path.resolve().is_relative_to(root):
            raise InputError(f"'{path}' lies outside the manifest's folder; the registry stores a product's "
                             f"files relative to it", file=product.manifest_path, column=column,
                             hint="copy the file next to the manifest")
        out[path.resolve().relative_to(root).as_posix()] = path.read_bytes()
    return out


def _fields(product: Product, spec_path: Path, spec, manufacturer: str, indicator_set: str, evaluator: str) -> dict:
    """The record's identifying fields, known before anything is evaluated."""
    m = product.manifest
    return {"product_id": product.id, "product_name": m.name, "manufacturer": manufacturer, "category": m.category,
            "spec_id": spec.id, "spec_version": spec.version, "spec_sha256": store.sha256(spec_path.read_bytes()),
            "manifest": product.manifest_path.name, "input_hash": product.input_hash,
            "background_data_version": project.data_version(), "indicator_set": indicator_set,
            "indicator_set_version": hashlib.sha256(get_set(indicator_set).model_dump_json().encode()).hexdigest(),
            "software_version": f"lca-ecodesign {__version__}", "evaluator": evaluator}


def _number(v) -> float | None:
    return None if v is None or math.isnan(v) else float(v)


def evaluate(product_path: str | Path, spec_text: str | Path, manufacturer: str = "", evaluator: str = "",
             home: str | Path | None = None, indicator_set: str = DEFAULT_SET) -> Submission:
    """Evaluate a product against a specification into a submission (nothing stored)."""
    product = load_product(product_path)
    spec_path, spec = find_spec(spec_text)
    sub = Submission(_fields(product, spec_path, spec, manufacturer, indicator_set, evaluator),
                     input_files(product), spec_path.read_bytes())
    verdict = check([product.manifest_path], spec, home)[0]
    ds, _ = api.evaluate([product.manifest_path], indicator_set, home)
    sub.fields.update(verdict=verdict.verdict, standard=verdict.standard,
                      background_data_version=verdict.background_data_version, product_name=verdict.product_name)
    sub.requirements = [{"kind": "basic", "requirement": b.id, "status": b.status, "document": b.document}
                        for b in verdict.basic]
    sub.requirements += [{"kind": "indicator", "requirement": v.id, "indicator": v.indicator, "stage": v.stage,
                          "operator": v.operator, "threshold": v.threshold, "unit": v.unit,
                          "value": _number(v.value), "margin_pct": _number(v.margin_pct), "status": v.status,
                          "reason": v.reason} for v in verdict.indicators]
    scores, totals = ds["score"].sel(product=product.id), ds["total"].sel(product=product.id)
    for ind, unit in zip(ds["indicator"].values, ds["unit"].values):
        sub.results += [{"indicator": str(ind), "stage": st, "unit": str(unit),
                         "value": _number(float(scores.sel(indicator=ind, stage=st)))} for st in STAGES]
        sub.results.append({"indicator": str(ind), "stage": "total", "unit": str(unit),
                            "value": _number(float(totals.sel(indicator=ind)))})
    sub.declared = [{"indicator": k, "value": d.value, "unit": d.unit, "document": d.document}
                    for k, d in sorted(product.manifest.declared.items())]
    return sub


def submit(sessions, product_path: str | Path, spec_text: str | Path, manufacturer: str = "",
           evaluator: str | None = None, home: str | Path | None = None, indicator_set: str = DEFAULT_SET,
           clock: Clock = utc_now) -> tuple[int, bool]:
    """Evaluate and store a product: (id, True) when new; (existing id, False) for the same inputs and versions,
    found before evaluating anything."""
    product = load_product(product_path)
    spec_path, spec = find_spec(spec_text)
    input_files(product)
    who = actor(evaluator)
    existing = store.find(sessions, store.identity(_fields(product, spec_path, spec, manufacturer, indicator_set, who)))
    if existing is not None:
        return existing, False
    return store.record(sessions, evaluate(product_path, spec_text, manufacturer, who, home, indicator_set), clock)
