"""Terminal view of a product's supply chain: primary-data and green-supplier shares, declarations used."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def print_supply_chain(out: Console, s: dict, inv) -> None:
    """Shares per indicator (total) and the declarations (`supply_chain.product_summary` of the product `inv`);
    nothing for a product with no declaration."""
    if not inv.declarations:
        return
    t = Table(title=f"supply chain: primary-data and green-supplier shares (green share of purchased mass "
                    f"{_pct(s['green_mass_share'])})", title_justify="left")
    for col in ("indicator", "primary data", "green suppliers"):
        t.add_column(col, justify="left" if col == "indicator" else "right")
    for ind, v in s["indicators"].items():
        if v["primary_share"] is not None:
            t.add_row(ind, _pct(v["primary_share"]), _pct(v["green_share"]))
    out.print(t)
    for d in s["declarations"]:
        green = " · green" if d["green"] else ""
        out.print(f"[dim]declaration[/] {d['key']} ({d['file']}): {d['declaration']}, {d['status'].replace('_', ' ')}, "
                  f"valid {d['valid_from']} – {d['valid_until']}{green}", highlight=False)
