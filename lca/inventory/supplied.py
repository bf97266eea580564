"""BOM leaves bought from suppliers: a declaration's inputs and flows become the product's own lines.

A supplier process enters the system as foreground lines (its background inputs and its direct
flows, times the purchased amount), not as new matrix columns: the engine, line scores, Monte Carlo
and design variations work on it unchanged, and nothing is refactorised. This holds because a
declaration is linear in the purchased amount and declarations may not loop (a cycle is an input
error); a supply loop would need matrix columns.
"""
from __future__ import annotations

import difflib

from lca.core import units
from lca.core.errors import InputError
from lca.inventory import finite, suppliers
from lca.inventory.product import BomLine


def suggest(word: str, options) -> str | None:
    """'did you mean ...?' for a misspelt code, or None."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f"did you mean {', '.join(close)}?" if close else None


class SupplierLines:
    """The resolver's part that expands supplier declarations (mixed into lca.inventory.resolve)."""

    def _supplied(self, r: BomLine, mult: float) -> None:
        """A BOM leaf bought from a supplier: the lines of its declaration, times the row's amount."""
        key = r.link.removeprefix(suppliers.PREFIX)
        found = suppliers.folder(self.p.suppliers_path)
        d, path = found.get(key, file=self.p.bom_path, row=r.row, column="link")
        if r.recycled_content > 0:
            raise self.err(f"recycled content of '{r.component}' belongs in the supplier's declaration "
                           f"({path.name}), which models the part", r.row, "recycled_content")
        try:
            amount = units.convert(r.amount * mult, r.unit, d.part.unit)
        except InputError:
            raise self.err(f"unit '{r.unit}' does not fit the unit '{d.part.unit}' of supplier declaration "
                           f"'{key}' ({path.name}, field part.unit)", r.row, "unit") from None
        self._mass(r, mult)
        origin = f"{self.bom_file} row {r.row}"
        self._row(r, origin, r.component)
        self._supplier, self._primary = key, True
        self._expand(found, key, amount, r.stage, r.component, origin, [key])
        self._supplier, self._primary = None, False

    def _expand(self, found: suppliers.Folder, key: str, amount: float, stage: str, label: str, origin: str,
                chain: list[str]) -> None:
        """Lines of `amount` units of the declared part: its inputs and flows, declarations recursively."""
        d, path = found.declarations[key]
        if key not in self.uses:
            self.uses[key] = suppliers.Use(key, path, d, len(chain) == 1, found.green(d.supplier.id))
            self.warnings.extend(suppliers.expiry_warnings(d, path))
        elif len(chain) == 1 and not self.uses[key].tier1:
            self.uses[key] = suppliers.Use(key, path, d, True, found.green(d.supplier.id))
        if d.results:
            return self._declared_results(d, path, amount, stage, label, origin)
        for i, row in enumerate(d.inventory):
            field = f"inventory[{i}]"
            where = f"{origin} via {path.name} {field}"

            def fail(msg: str, column: str, hint: str | None = None) -> InputError:
                return InputError(msg, file=path, column=f"{field}.{column}", hint=hint)

            if row.flow is not None:
                fidx = self._find_flow(row.flow, row.compartment, fail)
                target = self.cat.flow_unit[fidx]
            elif row.link.startswith(suppliers.PREFIX):
                sub = row.link.removeprefix(suppliers.PREFIX)
                if sub in chain:
                    raise fail(f"supplier declarations form a cycle: {' -> '.join(chain + [sub])}", "link",
                               "a declaration cannot draw on itself, directly or through others")
                sd, _ = found.get(sub, file=path, row=None, column=f"{field}.link")
                sub_amount = self._convert(amount * row.amount, row.unit, sd.part.unit, fail)
                self._expand(found, sub, sub_amount, stage, label, where, chain + [sub])
                continue
            elif row.link in self.cat.process_index:
                target = self.cat.process_unit[self.cat.process_index[row.link]]
            else:
                raise fail(f"unknown process '{row.link}'", "link",
                           suggest(row.link, self.cat.process_index) or "run `lca processes` for the list")
            value = self._convert(amount * row.amount, row.unit, target, fail)
            if row.flow is not None:
                self._add(stage, "flow", fidx, value, label, where)
            else:
                self._add(stage, "process", self.cat.process_index[row.link], value, label, where)

    def _declared_results(self, d: suppliers.Declaration, path, amount: float, stage: str, label: str,
                          origin: str) -> None:
        """One line carrying the declaration's per-unit results, each method checked against the engine's."""
        for i, row in enumerate(d.results):
            if row.method not in self.cat.methods:
                raise InputError(f"method {' | '.join(row.method)} is unknown to the engine", file=path,
                                 column=f"results[{i}].method",
                                 hint="use the method of an LCIA indicator of `lca methods`: "
                                      + "; ".join(" | ".join(m) for m in self.cat.methods))
            if row.unit != self.cat.methods[row.method]:
                raise InputError(f"unit '{row.unit}' is not the unit '{self.cat.methods[row.method]}' of method "
                                 f"{' | '.join(row.method)}", file=path, column=f"results[{i}].unit")
        finite.check_declared(amount, d.part.unit, [row.value for row in d.results], path, self._source, label, origin)
        self.results.append({row.method: row.value for row in d.results})
        self._add(stage, "result", len(self.results) - 1, amount, label, f"{origin} via {path.name} results")
        if not any(m.startswith(f"supplier declaration {path.name} ('{d.key}') gives results") for m in self.warnings):
            missing = len(set(self.cat.methods) - {r.method for r in d.results})
            if missing:
                self.warnings.append(f"supplier declaration {path.name} ('{d.key}') gives results for "
                                     f"{len(d.results)} LCIA method(s) only: {missing} other indicator method(s) "
                                     "are not covered for it (left out of those scores, not counted as 0)")

    @staticmethod
    def _convert(amount: float, unit: str, target: str, fail) -> float:
        try:
            return units.convert(amount, unit, target)
        except InputError:
            raise fail(f"unit '{unit}' does not fit the linked unit '{target}'", "unit") from None

    def _find_flow(self, flow: str, compartment: str | None, fail) -> int:
        """Index of an elementary flow by biosphere3 code, or by name (and compartment when ambiguous)."""
        if flow in self.cat.flow_index:
            return self.cat.flow_index[flow]
        hits = self.cat.flow_by_name(flow, compartment)
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise fail(f"unknown elementary flow '{flow}'" + (f" in compartment '{compartment}'" if compartment
                                                               else ""), "flow",
                       suggest(flow, set(self.cat.flow_name)) or "use a biosphere3 name or UUID")
        options = sorted({"/".join(self.cat.flow_categories[i]) for i in hits})
        raise fail(f"flow '{flow}' is ambiguous: give a compartment", "compartment", f"one of {', '.join(options)}")

