"""Named points where a test may pause a real process to kill it there (issue 15, interrupted work).

Inert unless the environment variable LCA_TEST_PAUSE_AT names the point: the process then writes its
pid to the file LCA_TEST_PAUSE_MARKER and sleeps (LCA_TEST_PAUSE_SECONDS, default 60) so the test can
`kill -9` it at exactly that moment.
"""
from __future__ import annotations

import os
import time
from pathlib import Path


def pause(name: str) -> None:
    """Stop here for a test that kills the process at point `name`; does nothing otherwise."""
    if os.environ.get("LCA_TEST_PAUSE_AT") != name:
        return
    marker = os.environ.get("LCA_TEST_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("LCA_TEST_PAUSE_SECONDS", "60")))
