"""The package's layout holds: no import circles, no import against the layering, no private name
imported from another module, no module past ~400 lines. Read from the source with `ast`, so the
check covers imports inside functions too."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

LCA = Path(__file__).resolve().parents[1] / "lca"

# Rank of each part in the data flow (README "Architecture"): a module may import its own part and any
# part of lower rank, never one of higher or equal rank elsewhere. `lca` itself holds only __version__.
RANK = {"lca": -1, "core": 0, "inventory": 1, "engine": 2, "assess": 3, "uncertainty": 4, "population": 5,
        "io": 6, "report": 6, "api": 7, "registry": 8, "service": 9, "cli": 10, "__main__": 11}
MAX_LINES = 400


def modules(root: Path = LCA) -> dict[str, Path]:
    out = {}
    for f in root.rglob("*.py"):
        name = ".".join(f.relative_to(root.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = f
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every lca import in the module."""
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == "lca"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base.split(".")[0] != "lca":
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.append((sub, "", node.lineno) if sub in known else (base, a.name, node.lineno))
    return out


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "lca"


def graph(known: dict[str, Path]) -> dict[str, set[str]]:
    return {m: {t for t, _, _ in imports(m, f, known) if t in known and t != m} for m, f in known.items()}


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in g:
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_circles():
    found = circles(graph(modules()))
    assert not found, "import circles: " + "; ".join(" <-> ".join(c) for c in found)


def test_imports_follow_the_layers():
    known = modules()
    bad = []
    for m, f in known.items():
        for target, _, line in imports(m, f, known):
            a, b = part(m), part(target)
            if a != b and not RANK[a] > RANK[b]:
                bad.append(f"{f.relative_to(LCA.parent)}:{line} ({a}) imports {target} ({b})")
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_every_part_has_a_rank():
    assert {part(m) for m in modules()} <= set(RANK)


def test_no_private_names_across_modules():
    known = modules()
    bad = [f"{f.relative_to(LCA.parent)}:{line} imports {name} from {target}"
           for m, f in known.items() for target, name, line in imports(m, f, known)
           if name.startswith("_") and not name.startswith("__") and target != m]
    assert not bad, "\n".join(bad)


def test_modules_stay_small():
    long = {str(f.relative_to(LCA.parent)): n for f in modules().values()
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by job: {long}"


# The checks themselves must catch what they claim: run them on small packages written here.
def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    root = tmp_path / "lca"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return modules(root)


def test_checker_finds_a_circle_through_a_function_level_import(tmp_path):
    known = _package(tmp_path, {"__init__.py": "", "core/__init__.py": "", "core/a.py": "from lca.core import b\n",
                                "core/b.py": "def f():\n    from lca.core.a import x\n"})
    assert circles(graph(known)) == [["lca.core.a", "lca.core.b"]]


def test_checker_resolves_relative_and_package_imports(tmp_path):
    known = _package(tmp_path, {"__init__.py": "", "core/__init__.py": "", "core/a.py": "from . import b\n",
                                "core/b.py": "", "engine/__init__.py": "", "engine/c.py": "from lca.core.a import y\n"})
    assert graph(known)["lca.core.a"] == {"lca.core.b"}
    assert graph(known)["lca.engine.c"] == {"lca.core.a"}


@pytest.mark.parametrize("low, high, allowed", [("core", "engine", False), ("engine", "core", True),
                                                 ("io", "report", False), ("cli", "api", True)])
def test_rank_rule(low, high, allowed):
    assert (RANK[low] > RANK[high]) is allowed
