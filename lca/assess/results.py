"""Products scored into an xarray.Dataset (product × indicator × stage) and its export to CSV / Excel / netCDF."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from lca import __version__
from lca.assess import supply_chain
from lca.core.files import atomic_write
from lca.core.stages import STAGES
from lca.engine import linked, project, session
from lca.engine.coverage import Coverage, coverage
from lca.engine.methods import DEFAULT_SET, IndicatorSet, get_set
from lca.engine.solver import StageResult
from lca.inventory.resolve import Inventory


def scores_dataset(product_ids, scores: np.ndarray, indicators: IndicatorSet, data_version: str,
                   product_coords: dict[str, object] | None = None) -> xr.Dataset:
    """Scores (product × indicator × stage) with their total; units and names as indicator coordinates."""
    inds = indicators.indicators
    coords = {
        "product": list(product_ids),
        **{k: ("product", list(v)) for k, v in (product_coords or {}).items()},
        "indicator": [i.id for i in inds],
        "unit": ("indicator", [i.unit for i in inds]),
        "name_en": ("indicator", [i.name_en for i in inds]),
        "name_zh": ("indicator", [i.name_zh for i in inds]),
        "group": ("indicator", [i.group for i in inds]),
        "stage": list(STAGES),
    }
    ds = xr.Dataset(
        {"score": (("product", "indicator", "stage"), scores),
         "total": (("product", "indicator"), scores.sum(axis=2))},
        coords=coords,
        attrs={
            "indicator_set": indicators.id,
            "background_data_version": data_version,
            "software": f"lca-ecodesign {__version__}",
            "method": "score = c·B·A⁻¹f per stage; stage scores sum to total",
        },
    )
    ds["score"].attrs["description"] = "indicator score per life-cycle stage; unit in coordinate 'unit'"
    return ds


def to_dataset(inventories: list[Inventory], results: list[StageResult], indicators: IndicatorSet,
               data_version: str) -> xr.Dataset:
    """Per-product evaluations stacked, with the top contributing processes."""
    ds = scores_dataset(
        [i.product_id for i in inventories], np.stack([r.scores for r in results]), indicators, data_version,
        {"product_name": [i.name for i in inventories], "input_hash": [i.input_hash for i in inventories],
         "mass_kg": [i.mass_kg for i in inventories]})
    top_n = results[0].top_values.shape[1] if results else 0
    ds["top_process"] = (("product", "indicator", "rank"),
                         np.array([r.top_labels for r in results], dtype=str).reshape(len(results), -1, top_n))
    ds["top_value"] = (("product", "indicator", "rank"), np.stack([r.top_values for r in results]))
    return ds.assign_coords(rank=np.arange(1, top_n + 1))


def long_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per product, indicator and stage (plus a 'total' stage)."""
    df = ds["score"].to_dataframe().reset_index()
    tot = ds["total"].to_dataframe().reset_index().assign(stage="total")
    df = pd.concat([df, tot], ignore_index=True)
    extra = [c for c in ("product_name", "category") if c in ds.coords]
    df = df[["product", *extra, "indicator", "name_en", "group", "unit", "stage", "score", "total"]]
    df["value"] = df["score"].where(df["stage"] != "total", df["total"])
    return df.drop(columns=["score", "total"]).sort_values(["product", "indicator", "stage"], kind="stable")


EXPORT_TYPES = (".csv", ".xlsx", ".nc")


def check_export_path(path: str | Path, extra: tuple[str, ...] = ()) -> Path:
    """Reject an unsupported output type before any work is done."""
    path = Path(path)
    allowed = EXPORT_TYPES + extra
    if path.suffix.lower() not in allowed:
        from lca.core.errors import InputError
        raise InputError(f"unsupported output type '{path.suffix}'", file=path,
                         hint=f"use one of {', '.join(allowed)}")
    return path


def export(ds: xr.Dataset, path: str | Path) -> Path:
    """Write results by extension: .csv (long table), .xlsx (sheets), .nc (netCDF)."""
    path = check_export_path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        atomic_write(path, lambda p: long_table(ds).to_csv(p, index=False, encoding="utf-8"))
    elif suffix == ".xlsx":
        def write_xlsx(p: Path) -> None:
            with pd.ExcelWriter(p, engine="openpyxl") as xl:
                wide = long_table(ds).pivot_table(index=["product", "indicator", "unit"], columns="stage",
                                                   values="value", sort=False)
                wide[list(STAGES) + ["total"]].reset_index().to_excel(xl, sheet_name="scores", index=False)
                if "top_process" in ds:
                    top = ds[["top_process", "top_value"]].to_dataframe().reset_index()
                    top.to_excel(xl, sheet_name="contributions", index=False)
                pd.DataFrame(sorted(ds.attrs.items()), columns=["key", "value"]).to_excel(
                    xl, sheet_name="metadata", index=False)
        atomic_write(path, write_xlsx)
    else:
        atomic_write(path, lambda p: ds.to_netcdf(p))
    return path


def score(paths: list[str | Path], indicator_set: str = DEFAULT_SET, home: str | Path | None = None,
          progress: project.Progress | None = None) -> tuple[xr.Dataset, list[Inventory]]:
    """Stage-resolved scores of products (YAML manifests) for an indicator set."""
    get_set(indicator_set)  # unknown set is an input error before any set-up work
    eng = session.engine(home, indicator_set, progress, linked.databases_in(paths))
    invs = session.read_inventories(paths, eng)
    ds = to_dataset(invs, [eng.evaluate(inv) for inv in invs], eng.indicators, eng.m.version)
    return supply_chain.with_shares(with_coverage(ds, [coverage(eng, inv) for inv in invs]), eng, invs), invs


def with_coverage(ds: xr.Dataset, covs: list[Coverage]) -> xr.Dataset:
    """Add each indicator's coverage (share by climate score and by BOM mass) and its largest uncovered processes."""
    n = max((len(u) for c in covs for u in c.uncovered), default=0)
    ds["coverage_score"] = (("product", "indicator"), np.stack([c.by_score for c in covs]))
    ds["coverage_mass"] = (("product", "indicator"), np.stack([c.by_mass for c in covs]))
    ds["uncovered_process"] = (("product", "indicator", "uncovered_rank"),
                               np.array([[u + [""] * (n - len(u)) for u in c.uncovered] for c in covs],
                                        dtype=str).reshape(len(covs), ds.sizes["indicator"], n))
    ds["coverage_score"].attrs["description"] = (
        "share of the product's process rows, weighted by |climate score|, drawn from background processes "
        "whose own or upstream flows are characterised by the indicator (lambda != 0); NaN: no process row")
    ds["coverage_mass"].attrs["description"] = (
        "share of the BOM mass linked to such processes; NaN: no BOM mass")
    ds.attrs["coverage"] = ("coverage_score / coverage_mass per product and indicator; a process covers an "
                            "indicator when one unit of it, with its upstream, scores non-zero")
    return ds
