"""The engine of a project home, built on first use and factorised once per process, and products read
against it. Every layer above the engine starts here (the public face, lca.api, re-exports these)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lca.core.errors import DataError, InputError
from lca.engine import linked, project
from lca.engine.methods import DEFAULT_SET, Indicator, IndicatorSet, get_set
from lca.engine.solver import Engine, Matrices
from lca.inventory.finite import check_inventory
from lca.inventory.product import load_product
from lca.inventory.resolve import Inventory, resolve


@lru_cache(maxsize=2)
def _matrices(cache_path: str, version: str) -> Matrices:
    return Matrices.load(Path(cache_path), version)


@lru_cache(maxsize=4)
def _engine(cache_path: str, version: str, set_id: str, databases: tuple[str, ...] = (), home: str = "") -> Engine:
    m = _matrices(cache_path, version)
    if databases:
        m = linked.with_databases(m, Path(home), databases)
    return Engine(m, get_set(set_id).lcia_only())


def engine(home: str | Path | None = None, indicator_set: str = DEFAULT_SET,
           progress: project.Progress | None = None, databases: tuple[str, ...] = ()) -> Engine:
    """The engine for the current background (built on first use), factorised once per process;
    with `databases`, also over those imported databases (products link to them as `DB:code`)."""
    home_dir = project.home(home)
    state = project.ensure(home, progress)
    try:
        _matrices(str(home_dir / state.cache), state.data_version)
    except DataError:  # an unreadable (corrupt, truncated) cache: rebuild it, once, under the set-up lock
        state = _rebuilt_cache(home_dir, state, progress)
    cache = home_dir / state.cache
    return _engine(str(cache), state.data_version, indicator_set, tuple(databases), str(home_dir))


def _rebuilt_cache(home_dir: Path, seen: project.State, progress: project.Progress | None) -> project.State:
    """Replace an unreadable matrix cache, unless another process already did while we waited for the lock."""
    with project.locked(home_dir):
        state = project.read_state(home_dir) or seen
        try:
            _matrices(str(home_dir / state.cache), state.data_version)
            return state
        except DataError:
            (home_dir / state.cache).unlink(missing_ok=True)
        return project.ensure(home_dir, progress)


def lcia_engine(indicators: list[Indicator], home: str | Path | None = None) -> Engine:
    """An engine over exactly these (LCIA) indicators on the current background."""
    unique = list({i.id: i for i in indicators}.values())
    return engine(home).for_indicators(IndicatorSet(id="selection", title_en="selected indicators",
                                                    title_zh="所选指标", provenance={}, indicators=unique))


def read_inventories(paths: list[str | Path], eng: Engine) -> list[Inventory]:
    """Load and resolve every product before any scoring, so bad input fails before work is done."""
    invs, seen = [], {}
    for p in paths:
        product = load_product(p)
        if product.id in seen:
            raise InputError(f"product id '{product.id}' is also used by {seen[product.id]}",
                             file=product.manifest_path, column="id", hint="give each product a unique id")
        seen[product.id] = product.manifest_path
        invs.append(resolve(product, eng.m.catalogue))
        check_inventory(invs[-1], eng.lam, eng.C.T)
    return invs
