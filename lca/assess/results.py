"""Products scored into numpy arrays (product × indicator × stage), the xarray.Dataset built from them on demand,
and its export to CSV / Excel / netCDF.

xarray and pandas are imported only where a Dataset is built or written: together they take ~0.6 s to import and
build, more than a whole `lca evaluate` that prints a table or JSON from the arrays."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lca import __version__
from lca.assess import supply_chain
from lca.core.files import atomic_write
from lca.core.stages import STAGES
from lca.engine import linked, project, session
from lca.engine.coverage import Coverage, coverage
from lca.engine.methods import DEFAULT_SET, IndicatorSet, get_set
from lca.engine.solver import StageResult
from lca.inventory.resolve import Inventory

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

PIS, PI, PIR = ("product", "indicator", "stage"), ("product", "indicator"), ("product", "indicator", "rank")
COVERAGE_DESCRIPTIONS = {
    "coverage_score": "share of the product's process rows, weighted by |climate score|, drawn from background "
                      "processes whose own or upstream flows are characterised by the indicator (lambda != 0); "
                      "NaN: no process row",
    "coverage_mass": "share of the BOM mass linked to such processes; NaN: no BOM mass"}


def dataset_attrs(indicators: IndicatorSet, data_version: str) -> dict[str, str]:
    """Attributes of a results Dataset (also the head of `lca evaluate --json`)."""
    return {"indicator_set": indicators.id, "background_data_version": data_version,
            "software": f"lca-ecodesign {__version__}",
            "method": "score = c·B·A⁻¹f per stage; stage scores sum to total"}


@dataclass(frozen=True)
class Results:
    """Scored products as arrays, by Dataset variable name with their dimensions (product first)."""

    inventories: list[Inventory]
    indicators: IndicatorSet
    data_version: str
    variables: dict[str, tuple[tuple[str, ...], np.ndarray]]

    @property
    def attrs(self) -> dict[str, str]:
        """The Dataset's attributes (indicator set, data version, software, method)."""
        return dataset_attrs(self.indicators, self.data_version)

    def product(self, i: int) -> dict[str, np.ndarray]:
        """The i-th product's arrays, by variable name (indicator first)."""
        return {k: a[i] for k, (_, a) in self.variables.items()}

    def dataset(self) -> xr.Dataset:
        """The results Dataset: scores with totals, top processes, coverage and supply-chain shares."""
        invs, v = self.inventories, self.variables
        ds = scores_dataset(
            [i.product_id for i in invs], v["score"][1], self.indicators, self.data_version,
            {"product_name": [i.name for i in invs], "input_hash": [i.input_hash for i in invs],
             "mass_kg": [i.mass_kg for i in invs]})
        for name, var in list(v.items())[2:]:  # after score and total, which scores_dataset made
            ds[name] = var
            if name == "top_value":
                ds = ds.assign_coords(rank=np.arange(1, var[1].shape[2] + 1))
        for name, text in {**COVERAGE_DESCRIPTIONS, **supply_chain.DESCRIPTIONS}.items():
            ds[name].attrs["description"] = text
        ds.attrs["coverage"] = ("coverage_score / coverage_mass per product and indicator; a process covers an "
                                "indicator when one unit of it, with its upstream, scores non-zero")
        return ds


def scores_dataset(product_ids, scores: np.ndarray, indicators: IndicatorSet, data_version: str,
                   product_coords: dict[str, object] | None = None) -> xr.Dataset:
    """Scores (product × indicator × stage) with their total; units and names as indicator coordinates."""
    import xarray as xr

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
        attrs=dataset_attrs(indicators, data_version),
    )
    ds["score"].attrs["description"] = "indicator score per life-cycle stage; unit in coordinate 'unit'"
    return ds


def long_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per product, indicator and stage (plus a 'total' stage)."""
    import pandas as pd

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
            import pandas as pd

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


def compute(paths: list[str | Path], indicator_set: str = DEFAULT_SET, home: str | Path | None = None,
            progress: project.Progress | None = None) -> Results:
    """Stage-resolved scores of products (YAML manifests) for an indicator set, as arrays."""
    get_set(indicator_set)  # unknown set is an input error before any set-up work
    eng = session.engine(home, indicator_set, progress, linked.databases_in(paths))
    invs = session.read_inventories(paths, eng)
    variables = stage_variables([eng.evaluate(inv) for inv in invs])
    variables.update(coverage_variables([coverage(eng, inv) for inv in invs], len(eng.indicators.indicators)))
    shares = supply_chain.share_arrays(eng, invs, variables["score"][1])
    variables.update({k: (PIS[:a.ndim], a) for k, a in shares.items()})  # product [× indicator [× stage]]
    return Results(invs, eng.indicators, eng.m.version, variables)


def score(paths: list[str | Path], indicator_set: str = DEFAULT_SET, home: str | Path | None = None,
          progress: project.Progress | None = None) -> tuple[xr.Dataset, list[Inventory]]:
    """Stage-resolved scores of products (YAML manifests) for an indicator set, as a Dataset."""
    res = compute(paths, indicator_set, home, progress)
    return res.dataset(), res.inventories


def stage_variables(results: list[StageResult]) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """Per-product evaluations stacked: scores, their totals and the top contributing processes."""
    scores = np.stack([r.scores for r in results])
    top_n = results[0].top_values.shape[1] if results else 0
    return {"score": (PIS, scores), "total": (PI, scores.sum(axis=2)),
            "top_process": (PIR, np.array([r.top_labels for r in results], dtype=str).reshape(len(results), -1, top_n)),
            "top_value": (PIR, np.stack([r.top_values for r in results]))}


def coverage_variables(covs: list[Coverage], n_indicators: int) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """Each indicator's coverage (share by climate score and by BOM mass) and its largest uncovered processes."""
    n = max((len(u) for c in covs for u in c.uncovered), default=0)
    return {"coverage_score": (PI, np.stack([c.by_score for c in covs])),
            "coverage_mass": (PI, np.stack([c.by_mass for c in covs])),
            "uncovered_process": (("product", "indicator", "uncovered_rank"),
                                  np.array([[u + [""] * (n - len(u)) for u in c.uncovered] for c in covs],
                                           dtype=str).reshape(len(covs), n_indicators, n))}
