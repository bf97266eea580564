"""A template product and a table of its variations, screened like a catalogue.

`lca screen TEMPLATE.yaml --variations VARIANTS.csv`. The table has a `product` column (variant
id), optionally `category` and `notes`, and one column per varied parameter of the template:

- `<component>.amount`   a BOM row's amount, in that row's unit (an assembly scales all below it);
- `<id>.amount`, `<id>.share`  a process row's amount or end-of-life share (the row needs an `id`);
- `<id>.link`            another background process for a BOM component or a process row;
- `<component>.supplier`  another supplier for a BOM component: `<supplier id>` (same part id as the
                         template's declaration, else the component id) or `<supplier id>/<part id>`;
- `lifetime`, `shipping_mass`  in the manifest's units.

A blank cell keeps the template's value. The template is resolved once per distinct combination
of links; every line's amount is then its template amount times the ratio (variant / template)
of each parameter it scales with — the resolver records them (lca.inventory.resolve.Line.terms)
— for all variants at once. Results equal evaluating each variant as a product of its own.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lca.core.errors import InputError
from lca.core.stages import STAGES
from lca.inventory.product import Product, load_product
from lca.inventory.resolve import Catalogue, resolve
from lca.inventory.suppliers import PREFIX
from lca.population.catalogue import Lines, first_bad, read_dataframe, row_label

DIST = STAGES.index("distribution")


def _read(path: Path) -> pd.DataFrame:
    """The table as strings, column names as written (component ids are case-sensitive)."""
    df = read_dataframe(path, "variations", str, dtype=str, keep_default_na=False)
    if path.suffix.lower() == ".parquet":  # missing cells are blanks (pandas 3 keeps NaN through astype(str))
        df = df.astype(object).where(df.notna(), "").astype(str)
    df.columns = [str(c).strip() for c in df.columns]
    if "product" not in df.columns:
        raise InputError("missing column 'product' (the variant id)", file=path, row=1)
    if df.empty:
        raise InputError("the variations table has no rows", file=path)
    return df.apply(lambda col: col.str.strip())


def parameters(product: Product) -> tuple[dict[str, float], dict[str, str]]:
    """The template's variable numbers (parameter -> template value) and links (column -> link)."""
    numbers: dict[str, float] = {}
    links: dict[str, str] = {}
    parents = {b.parent for b in product.bom if b.parent}
    for b in product.bom:
        numbers[f"{b.component}.amount"] = b.amount
        if b.component not in parents and b.link:
            links[f"{b.component}.link"] = b.link
        if b.component not in parents:
            links[f"{b.component}.supplier"] = b.link or ""
    for r in product.processes:
        if not r.id:
            continue
        if r.share is not None:
            numbers[f"{r.id}.share"] = r.share
        elif r.amount is not None:
            numbers[f"{r.id}.amount"] = r.amount
        if r.link:
            links[f"{r.id}.link"] = r.link
    m = product.manifest
    numbers["lifetime"] = m.lifetime.amount
    if m.shipping_mass is not None:
        numbers["shipping_mass"] = m.shipping_mass.amount
    return numbers, links


def _ratios(df: pd.DataFrame, path: Path, numbers: dict[str, float]) -> dict[str, np.ndarray]:
    """Per varied number: variant value / template value (1 where the cell is blank)."""
    out = {}
    for col in (c for c in df.columns if c in numbers):
        text = df[col]
        blank = (text == "").to_numpy()
        value = pd.to_numeric(text.str.rstrip("%").where(~blank, "nan"), errors="coerce").to_numpy(dtype=float)
        value = np.where(text.str.endswith("%").to_numpy(), value / 100, value)
        first_bad(path, ~blank & ~np.isfinite(value), col, f"'{col}' is not a finite number")
        template = numbers[col]
        if col.endswith(".share"):
            first_bad(path, ~blank & ((value < 0) | (value > 1)), col, "a share must lie between 0 and 1")
        elif template >= 0:
            first_bad(path, ~blank & (value < 0), col, f"negative {col} is not allowed")
        if template == 0:
            first_bad(path, ~blank & (value != 0), col, f"the template's {col} is 0, so it cannot be scaled",
                       "give the template row a non-zero value")
            continue
        out[col] = np.where(blank, 1.0, value / template)
    return out


def read_variations(path: str | Path, product: Product,
                    bg: Catalogue) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], pd.DataFrame]:
    """Variant ids, categories, ratio per varied number, and the link columns (template link where blank)."""
    path = Path(path)
    df = _read(path)
    numbers, links = parameters(product)
    known = set(numbers) | set(links) | {"product", "category", "notes"}
    unknown = [c for c in df.columns if c not in known]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}': not a parameter of the template", file=path, row=1,
                         column=unknown[0], hint=f"the template's parameters: {', '.join(sorted(numbers) + sorted(links))}")
    ids = df["product"].to_numpy(dtype=object)
    first_bad(path, ids == "", "product", "variant id is missing")
    dup = pd.Series(ids).duplicated().to_numpy()
    first_bad(path, dup, "product", "variant id used twice", "give each variant its own id")
    for col in (c for c in df.columns if c.endswith(".supplier") and c in links):
        df[col] = _supplier_links(df[col], links[col], col.removesuffix(".supplier"))
    for col in (c for c in df.columns if c in links):
        vals = df[col].where(df[col] != "", links[col])
        if col.endswith(".supplier"):
            df[col] = vals
            continue  # checked when the variant is resolved (the declaration, its units)
        df[col] = vals
        bad = ~(vals.isin(list(bg.process_index)) | vals.str.startswith(PREFIX)).to_numpy()
        first_bad(path, bad, col, f"unknown process '{vals[bad].iloc[0]}'" if bad.any() else "",
                   "run `lca processes` for the list")
    cats = df["category"].to_numpy(dtype=object) if "category" in df.columns else np.full(len(df), "", dtype=object)
    link_cols = [c for c in df.columns if c in links]
    return ids, cats, _ratios(df, path, numbers), df[link_cols]


def _supplier_links(col: pd.Series, template: str, component: str) -> pd.Series:
    """`<supplier>` or `<supplier>/<part>` cells as `supplier:<supplier>/<part>` links (blank stays blank)."""
    part = template.removeprefix(PREFIX).split("/", 1)[1] if template.startswith(PREFIX) else component
    full = col.where(col.str.contains("/", regex=False), col + "/" + part)
    return (PREFIX + full).where(col != "", "")


def _with_links(product: Product, links: dict[str, str]) -> Product:
    """The template with some rows linked to other processes (or suppliers)."""
    def swap(row, key):
        supplier = links.get(key.removesuffix(".link") + ".supplier", row.link)  # wins over .link when it varies
        return row.model_copy(update={"link": supplier if supplier != row.link else links.get(key, row.link)})

    return product.model_copy(update={
        "bom": [swap(b, f"{b.component}.link") for b in product.bom],
        "processes": [swap(r, f"{r.id}.link") if r.id else r for r in product.processes]})


def variant_lines(template: str | Path, variations: str | Path, bg: Catalogue) -> Lines:
    """Catalogue lines of every variant (process columns, then flows at n_processes + flow index)."""
    product = load_product(template)
    ids, cats, ratios, link_df = read_variations(variations, product, bg)
    n_proc = len(bg.process_unit)
    groups = (link_df.groupby(list(link_df.columns), sort=False).indices if len(link_df.columns)
              else {(): np.arange(len(ids))})
    parts: list[tuple[np.ndarray, ...]] = []
    mass = np.zeros(len(ids))
    product_mass = np.zeros(len(ids))
    for key, rows in groups.items():
        key = key if isinstance(key, tuple) else (key,)
        swapped = dict(zip(link_df.columns, key))
        try:
            inv = resolve(_with_links(product, swapped), bg)
        except InputError as exc:
            raise InputError(f"with {', '.join(f'{c} = {v}' for c, v in swapped.items())}: {exc.message}",
                             file=variations, row=row_label(Path(variations), int(rows[0])),
                             column=next(iter(swapped), None), hint=exc.hint) from None
        rows = np.asarray(rows)

        def scale(params: tuple[str, ...]) -> np.ndarray:
            out = np.ones(len(rows))
            for p in params:
                if p in ratios:
                    out = out * ratios[p][rows]
            return out

        for ln in inv.lines:
            if ln.kind == "result":
                raise InputError(f"{ln.origin}: design variations of a part bought with declared indicator results "
                                 "are not supported (no matrix column carries them); use a declaration with an "
                                 "inventory", file=variations)
            column = ln.index if ln.kind == "process" else n_proc + ln.index
            amount = sum(ln.amount * share * scale(params) for share, params in ln.terms) if ln.terms \
                else np.full(len(rows), ln.amount)
            parts.append((rows, np.full(len(rows), column), np.full(len(rows), STAGES.index(ln.stage)),
                          np.broadcast_to(amount, len(rows))))
        for c in inv.components:
            m = c.mass_kg * scale(c.params)
            mass[rows] += m
            if STAGES.index(c.stage) != DIST:
                product_mass[rows] += m
    prod, process, stage, amount = (np.concatenate(x) for x in zip(*parts))
    order = np.argsort(prod, kind="stable")
    return Lines(ids, cats, prod[order].astype(np.int64), process[order].astype(np.int64),
                 stage[order].astype(np.int8), amount[order].astype(float), mass, product_mass)
