"""Life-cycle assessment engine for eco-design (green design) product evaluation on Brightway."""
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lca-ecodesign")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

# Module paths of the flat layout that user scripts may use (the README once showed `from lca import
# synthetic`); each is loaded from its sub-package on first use.
_MOVED = {"synthetic": "lca.population.synthetic"}


def __getattr__(name: str):
    if name in _MOVED:
        return import_module(_MOVED[name])
    raise AttributeError(f"module 'lca' has no attribute '{name}'")
