"""The linking report of an import: what came in, what linked, what each indicator can still see.

Characterisation reachable, per indicator of the default set: of the imported elementary flows
that the indicator's LCIA method characterises — linked flows with a factor, plus unlinked flows
whose name (or one of the name variants the linker tries) the method characterises in the same
top compartment (any compartment when the flow has none) — the share that is linked. 100 %
means no characterised substance was lost to an unlinked flow.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lca.io.flownames import is_resource, norm_categories, norm_name
from lca.io.linking import TIERS, BiosphereLinker, FlowStats


@dataclass
class IndicatorReach:
    indicator: str
    method: list
    linked_characterised: int  # distinct linked flows with a factor
    lost: int  # distinct unlinked flows whose name the method characterises
    share: float  # linked / (linked + lost); 1.0 when nothing is characterised
    lost_flows: list = field(default_factory=list)


@dataclass
class ImportReport:
    database: str
    biosphere_database: str | None
    source: str
    format: str
    processes: int  # activities written that stand for source processes
    cutoff_nodes: int  # zero-burden nodes for inputs nobody in the source produces
    exchanges: int
    technosphere: dict
    elementary_flows: dict  # tier → distinct flows
    elementary_exchanges: dict  # tier → exchanges
    unlinked_flows: list
    indicators: list
    seconds: float = 0.0
    warnings: list = field(default_factory=list)  # what was read other than written (cut strings, skipped files)

    @property
    def flows_linked(self) -> int:
        return sum(self.elementary_flows[t] for t in TIERS)

    @property
    def flow_link_rate(self) -> float:
        total = self.flows_linked + self.elementary_flows["unlinked"]
        return self.flows_linked / total if total else 1.0

    @property
    def exchange_link_rate(self) -> float:
        linked = sum(self.elementary_exchanges[t] for t in TIERS)
        total = linked + self.elementary_exchanges["unlinked"]
        return linked / total if total else 1.0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["flow_link_rate"] = self.flow_link_rate
        d["exchange_link_rate"] = self.exchange_link_rate
        return d

    def write(self, path: Path) -> None:
        from lca.core.files import atomic_write

        text = json.dumps(self.as_dict(), indent=1, ensure_ascii=False, default=list) + "\n"
        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))

    def lines(self) -> list[str]:
        t = self.technosphere
        e, x = self.elementary_flows, self.elementary_exchanges
        out = [
            f"database '{self.database}' from {self.source} ({self.format}) in {self.seconds:.1f} s",
            f"  processes {self.processes}, cut-off nodes {self.cutoff_nodes}, exchanges {self.exchanges}",
            f"  technosphere inputs {t['inputs']}: resolved {t['resolved']} "
            f"(default provider {t['by_default_provider']}, unique producer {t['by_unique_producer']}, "
            f"chosen among several {t['by_chosen_producer']}), cut off {t['cut_off']}; "
            f"waste linked {t['waste_linked']}, waste cut off {t['waste_cut_off']}; "
            f"unallocated co-products {t['unallocated_coproducts']}",
            f"  elementary flows {self.flows_linked + e['unlinked']}: linked {self.flows_linked} "
            f"({self.flow_link_rate:.1%}; " + (f"your map {e['user']}, " if e["user"] else "")
            + f"default map {e['map']}, uuid {e['uuid']}, name {e['name']}, name-top {e['name-top']}, "
            f"cas {e['cas']}), unlinked {e['unlinked']} → '{self.biosphere_database}'",
            f"  elementary exchanges {sum(x.values())}: linked {self.exchange_link_rate:.1%}",
        ]
        out += [f"  warning: {w}" for w in self.warnings[:10]]
        if len(self.warnings) > 10:
            out.append(f"  ... and {len(self.warnings) - 10} more warnings (in the report file)")
        return out

    def reach_table(self):
        """Per indicator: the share of its characterisation still reachable, and what was lost."""
        from rich.table import Table

        t = Table(title="characterisation reachable per indicator", title_justify="left")
        for col, kw in (("indicator", {}), ("reachable", {"justify": "right"}),
                        ("linked", {"justify": "right"}), ("lost", {"justify": "right"}),
                        ("lost flows (first 3)", {"overflow": "fold"})):
            t.add_column(col, **kw)
        for r in self.indicators:
            lost = "; ".join(r["lost_flows"][:3]) + (" …" if len(r["lost_flows"]) > 3 else "")
            t.add_row(r["indicator"], f"{r['share']:.1%}", str(r["linked_characterised"]), str(r["lost"]), lost)
        return t


def indicator_reach(stats: FlowStats, indicators) -> list[dict]:
    """Per indicator: linked characterised flows vs unlinked flows the method would characterise."""
    import bw2data as bd

    nodes = list(bd.Database("biosphere3"))
    flows = {f["code"]: (norm_name(f["name"]), f["categories"][0]) for f in nodes}
    code_of = {f.id: f["code"] for f in nodes}
    unlinked = []
    for f in stats.unlinked:
        cats = norm_categories(f["categories"])
        names, _ = BiosphereLinker._names(norm_name(f["name"]), is_resource(cats))
        unlinked.append((f, names, cats[0] if cats else None))
    out = []
    for ind in indicators:
        if not getattr(ind, "method", None) or ind.method not in bd.methods:
            continue  # inventory / BOM indicators have no LCIA method to reach
        cfs = {key[1] if isinstance(key, (tuple, list)) else code_of.get(key): cf
               for key, cf in bd.Method(ind.method).load() if cf}
        characterised = {flows[c] for c in cfs if c in flows}
        any_top = {n for n, _ in characterised}
        linked = len(stats.linked_codes & set(cfs))
        lost = [f for f, names, top in unlinked
                if any((n, top) in characterised if top else n in any_top for n in names)]
        share = linked / (linked + len(lost)) if linked + len(lost) else 1.0
        out.append(asdict(IndicatorReach(ind.id, list(ind.method), linked, len(lost), share,
                                         [f"{f['name'].strip()} ({'/'.join(f['categories'])})" for f in lost])))
    return out
