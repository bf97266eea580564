"""Screening tasks on dask.distributed: a LocalCluster (`--workers N`) or a running scheduler.

The client scatters λ and the background's link table once to every worker (broadcast) and
submits one task per partition or chunk; tasks read their own input and write their own part,
and only the parts' metadata comes back. A worker lost mid-run has its tasks rerun elsewhere by
the scheduler; parts are written atomically, so a rerun cannot leave a mixed part behind.
"""
from __future__ import annotations

import uuid
from typing import Callable

import numpy as np

from lca.engine.methods import IndicatorSet
from lca.inventory.resolve import Catalogue as Background
from lca.population.batch_verdicts import BatchSpec
from lca.population.catalogue import Lines
from lca.population.partitions import part_name, run_task


def run_on_dask(tasks: list[tuple[int, Lines | str]], parts: str, lam: np.ndarray, bg: Background,
                indicators: IndicatorSet, spec: BatchSpec | None, workers: int, scheduler: str | None,
                done: Callable[[int, dict], None]) -> None:
    """Run the tasks; `done(i, metadata)` as each part is written."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=":0")
        client = Client(cluster)
    try:
        lam_f, bg_f = client.scatter([lam, bg], broadcast=True)
        run = uuid.uuid4().hex[:8]
        futures = {client.submit(run_task, source, part_name(parts, i), lam_f, bg_f, indicators, spec,
                                 key=f"lca-part-{run}-{i}"): i for i, source in tasks}
        for fut in as_completed(futures):
            done(futures[fut], fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
