"""Partitioned catalogues (issue 21): a folder of Parquet files, one task per file, parts written by the
tasks, the summary merged from part metadata. Every run here is compared with the single-file run of
the same products (itself checked against bw2calc in test_screen.py), value for value."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from lca.core.errors import InputError
from lca.population import parts, synthetic
from lca.population.screen import screen

N, FILES = 300, 3


def write_partitions(df: pd.DataFrame, folder, files: int) -> list:
    """Split a catalogue by product into `files` Parquet files (products in order, each in one file)."""
    folder.mkdir(parents=True, exist_ok=True)
    df = df.assign(product=df["product"].astype(str))
    ids = np.array(sorted(df["product"].unique()))
    paths = []
    for k, chunk in enumerate(np.array_split(ids, files)):
        paths.append(folder / f"part-{k}.parquet")
        df[df["product"].isin(chunk)].to_parquet(paths[-1], index=False)
    return paths


@pytest.fixture(scope="module")
def catalogue(engine):
    return synthetic.catalogue(engine.m.catalogue, N, seed=11)


@pytest.fixture(scope="module")
def single(catalogue, home, tmp_path_factory):
    """The reference: the same products as one file, one chunk."""
    tmp = tmp_path_factory.mktemp("single")
    catalogue.to_parquet(tmp / "c.parquet")
    summary = screen(tmp / "c.parquet", tmp / "r.parquet", home=home)
    return summary, pd.read_parquet(tmp / "r.parquet")


@pytest.fixture(scope="module")
def folder(catalogue, tmp_path_factory):
    path = tmp_path_factory.mktemp("dataset") / "catalogue"
    write_partitions(catalogue, path, FILES)
    (path / "_notes.parquet").write_text("not a partition: names starting with '_' are skipped")
    return path


def test_dataset_in_dataset_out_equals_the_single_file_run(folder, single, home, tmp_path):
    summary = screen(folder, tmp_path / "out", home=home)
    files = sorted(p.name for p in (tmp_path / "out").glob("*.parquet"))
    assert files == [f"chunk-{i:06d}.parquet" for i in range(FILES)] and summary.chunks == FILES
    got = pd.read_parquet(tmp_path / "out")  # pyarrow reads the folder as one dataset
    pd.testing.assert_frame_equal(got, single[1], check_exact=True)
    assert not (tmp_path / "out.parts").exists()
    ref = single[0]
    assert summary.products == N and summary.lowest == ref.lowest
    for ind, st in summary.indicators.items():  # percentiles exact (parts of 100 products are sampled whole)
        assert {k: st[k] for k in ("p5", "median", "p95")} == {k: ref.indicators[ind][k] for k in ("p5", "median", "p95")}
        assert st["mean"] == pytest.approx(single[1][f"{ind}.total"].mean(), rel=1e-12)
    assert summary.quantile_rank_error == 0.0


def test_dataset_to_one_file_keeps_no_part_metadata(folder, single, home, tmp_path):
    screen(folder, tmp_path / "r.parquet", home=home)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r.parquet"), single[1], check_exact=True)
    assert parts.META_KEY not in (pq.read_schema(tmp_path / "r.parquet").metadata or {})


def test_each_part_footer_carries_its_metadata(folder, home, tmp_path):
    screen(folder, tmp_path / "out", home=home)
    metas = [parts.read_meta(pq.read_schema(p)) for p in sorted((tmp_path / "out").glob("chunk-*.parquet"))]
    assert [m["rows"] for m in metas] == [100, 100, 100]
    table = pq.read_table(tmp_path / "out" / "chunk-000001.parquet")
    gwp = table["gwp100.total"].to_numpy()
    assert metas[1]["indicators"]["gwp100"]["sum"] == pytest.approx(gwp.sum(), rel=1e-12)
    assert metas[1]["indicators"]["gwp100"]["sample"] == sorted(gwp.tolist())


def test_sampled_percentiles_stay_within_the_stated_rank_error(catalogue, single, home, tmp_path, monkeypatch):
    """Parts larger than the sample: percentiles are order statistics within 1/(SAMPLE-1) in rank.
    Parts of unequal size (20, 60, 220 products), so each sample point must weigh its part's share."""
    df = catalogue.assign(product=catalogue["product"].astype(str))
    ids = np.array(sorted(df["product"].unique()))
    (tmp_path / "cat").mkdir()
    for k, chunk in enumerate(np.split(ids, [20, 80])):
        df[df["product"].isin(chunk)].to_parquet(tmp_path / "cat" / f"p{k}.parquet", index=False)
    monkeypatch.setattr(parts, "SAMPLE", 11)
    summary = screen(tmp_path / "cat", tmp_path / "out", home=home)
    assert summary.quantile_rank_error == pytest.approx(0.1)
    totals = np.sort(single[1]["gwp100.total"].to_numpy())
    for q, key in ((0.05, "p5"), (0.5, "median"), (0.95, "p95")):
        rank = np.searchsorted(totals, summary.indicators["gwp100"][key]) / N
        assert abs(rank - q) <= summary.quantile_rank_error + 1 / N, (key, rank)
    assert summary.lowest == single[0].lowest  # exact whatever the sample size


def test_interrupted_dataset_run_resumes_and_a_changed_partition_starts_afresh(catalogue, home, tmp_path):
    folder = tmp_path / "cat"
    paths = write_partitions(catalogue, folder, FILES)
    out = tmp_path / "out"

    def stop(done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        screen(folder, out, home=home, progress=stop)
    assert not out.exists() and len(list((tmp_path / "out.parts").glob("chunk-*.parquet"))) == 1
    assert screen(folder, out, home=home).resumed_chunks == 1
    with pytest.raises(KeyboardInterrupt):
        screen(folder, tmp_path / "out2", home=home, progress=stop)
    changed = pd.read_parquet(paths[0]).assign(amount=lambda d: d["amount"] * 2)
    changed.to_parquet(paths[0], index=False)
    summary = screen(folder, tmp_path / "out2", home=home)
    assert summary.resumed_chunks == 0
    first = pd.read_parquet(tmp_path / "out2" / "chunk-000000.parquet")
    before = pd.read_parquet(out / "chunk-000000.parquet")
    np.testing.assert_allclose(first["gwp100.total"], 2 * before["gwp100.total"], rtol=1e-12)


def test_bad_partition_names_its_file_row_and_column_and_keeps_nothing(catalogue, home, tmp_path):
    folder = tmp_path / "cat"
    paths = write_partitions(catalogue, folder, FILES)
    bad = pd.read_parquet(paths[2])
    bad["link"] = bad["link"].astype(str)
    bad.loc[bad.index[4], "link"] = "no_such_process"
    bad.to_parquet(paths[2], index=False)
    with pytest.raises(InputError) as err:
        screen(folder, tmp_path / "out", home=home)
    assert err.value.file == str(paths[2]) and err.value.row == 5 and err.value.column == "link"
    assert "no_such_process" in str(err.value)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.parts").exists()


def test_any_fsspec_filesystem(catalogue, single, home):
    """The catalogue and the results on fsspec's in-memory filesystem: paths are URLs end to end."""
    import fsspec

    fs = fsspec.filesystem("memory")
    df = catalogue.assign(product=catalogue["product"].astype(str))
    ids = sorted(df["product"].unique())
    for k, chunk in enumerate(np.array_split(np.array(ids), 2)):
        with fs.open(f"/lca-test/cat/p{k}.parquet", "wb") as f:
            df[df["product"].isin(chunk)].to_parquet(f, index=False)
    try:
        summary = screen("memory://lca-test/cat", "memory://lca-test/out", home=home)
        assert summary.chunks == 2 and summary.products == N
        got = pq.read_table("/lca-test/out", filesystem=fs).to_pandas()
        pd.testing.assert_frame_equal(got, single[1], check_exact=True)
    finally:
        fs.rm("/lca-test", recursive=True)


def test_shuffled_lines_and_padded_ids_score_as_the_sorted_catalogue(catalogue, single, home, tmp_path):
    """Products listed in runs of ascending ids are coded from the runs; any other order (a product's
    lines apart, ids descending, ids equal only once stripped) must give the same table."""
    df = catalogue.assign(product=catalogue["product"].astype(str))
    shuffled = df.sample(frac=1.0, random_state=3).reset_index(drop=True)
    shuffled.loc[::7, "product"] = " " + shuffled.loc[::7, "product"] + " "
    shuffled.to_parquet(tmp_path / "c.parquet", index=False)
    screen(tmp_path / "c.parquet", tmp_path / "r.parquet", home=home)
    got = pd.read_parquet(tmp_path / "r.parquet")
    pd.testing.assert_frame_equal(got[["product", "category"]], single[1][["product", "category"]])
    pd.testing.assert_frame_equal(got, single[1], check_exact=False, rtol=1e-12)  # lines summed in another order
