"""Life-cycle assessment engine for eco-design (green design) product evaluation on Brightway."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lca-ecodesign")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
