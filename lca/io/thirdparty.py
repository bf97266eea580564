"""bw2io imported without its install advice on the user's screen.

bw2io prints (through bw2data's stdout logger) "Can't import `SimaProBlockCSVImporter` - please
install ... multifunctional" on every first import: advice about an optional importer we do not
use, not about the user's data. It is logged at debug level instead; what concerns the data
(dropped exchanges, unlinked flows) is counted in the linking report.
"""
from __future__ import annotations

import logging
import sys
from types import ModuleType

log = logging.getLogger("lca.io.bw2io")


class _DebugLogger:
    """Stands in for bw2data's stdout feedback logger while bw2io is imported."""

    def __getattr__(self, level: str):
        return lambda message, *args, **kwargs: log.debug("bw2io %s: %s", level, message)


def bw2io() -> ModuleType:
    """The bw2io package, imported once with its import-time advice sent to the debug log."""
    if "bw2io" in sys.modules:
        return sys.modules["bw2io"]
    import bw2data.logs as logs

    real = logs.stdout_feedback_logger
    logs.stdout_feedback_logger = _DebugLogger()
    try:
        import bw2io
    finally:
        logs.stdout_feedback_logger = real
    return bw2io
