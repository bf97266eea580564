"""`lca registry ...` (submit, list, show, export, verify, list-product, delist) and `lca inspect ...` (draw,
run): evaluations as database records, their status and sampling inspection (lca.registry)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from lca.cli.common import EXIT_NOT_PASSED, Home, exit_codes, fmt, out

registry_app = typer.Typer(no_args_is_help=True, help="The evaluation registry: submit, list, verify, list, delist.")
inspect_app = typer.Typer(no_args_is_help=True, help="Sampling inspection of listed products: draw, run.")

Db = Annotated[Optional[str], typer.Option("--db", help="Database URL or SQLite file (default: $LCA_DATABASE_URL, "
                                           "else registry.sqlite in the data folder).")]
By = Annotated[Optional[str], typer.Option("--by", help="Who acts (default: $LCA_USER or the login name).")]
Id = Annotated[int, typer.Argument(help="Evaluation id (see `lca registry list`).")]
STYLE = {"pass": "green", "fail": "bold red", "incomplete": "yellow", "listed": "green", "delisted": "red",
         "conforming": "green", "non-conforming": "bold red", "not assessed": "yellow", "ok": "green"}


def _s(text: str | None) -> str:
    if text is None:
        return "–"
    return f"[{STYLE[text]}]{text}[/]" if text in STYLE else text


def _n(v: float | None) -> str:
    return "–" if v is None else fmt(v)


def _open(db: str | None, home):
    from lca.registry.db import open_registry

    return open_registry(db, home)


@registry_app.command("submit")
def submit(product: Annotated[Path, typer.Argument(help="Product manifest (YAML).")],
           spec: Annotated[str, typer.Option("--spec", help="Specification (YAML file or id from `lca specs`).")],
           manufacturer: Annotated[str, typer.Option("--manufacturer", help="The manufacturer's name.")] = "",
           db: Db = None, home: Home = None, by: By = None):
    """Evaluate a product against its specification and store it (the same inputs and versions: the stored record)."""
    with exit_codes():
        from lca.registry import store, submission

        sessions = _open(db, home)
        ev_id, new = submission.submit(sessions, product, spec, manufacturer, by, home)
        ev = store.load(sessions, ev_id)
        what = "stored as" if new else "already stored as"
        out.print(f"{ev.product_name} against {ev.spec_id} v{ev.spec_version}: {_s(ev.verdict)}; {what} "
                  f"evaluation [bold]{ev_id}[/] ({ev.status})")


@registry_app.command("list")
def list_command(category: Annotated[Optional[str], typer.Option(help="Only this product category.")] = None,
                 status: Annotated[Optional[str], typer.Option(help="submitted, verified, listed or delisted.")] = None,
                 verdict: Annotated[Optional[str], typer.Option(help="pass, fail or incomplete.")] = None,
                 limit: Annotated[int, typer.Option(help="Show at most this many, newest first.")] = 50,
                 db: Db = None, home: Home = None):
    """Stored evaluations, newest first, with how many match the filters."""
    with exit_codes():
        from lca.registry import store

        rows, total = store.listing(_open(db, home), category=category, status=status, verdict=verdict, limit=limit)
        t = Table(title=f"{total} evaluation(s) match; {len(rows)} shown", title_justify="left")
        for col in ("id", "product", "manufacturer", "category", "spec", "verdict", "status", "submitted", "exempt until"):
            t.add_column(col)
        for e in rows:
            t.add_row(str(e.id), e.product_id, e.manufacturer or "–", e.category, f"{e.spec_id} v{e.spec_version}",
                      _s(e.verdict), _s(e.status), f"{e.created_at:%Y-%m-%d %H:%M}",
                      e.exempt_until.isoformat() if e.exempt_until else "–")
        out.print(t)


@registry_app.command("show")
def show(evaluation: Id, as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
         db: Db = None, home: Home = None):
    """One evaluation: versions, requirement outcomes, stage results, declared values, files and audit log."""
    with exit_codes():
        from lca.registry import store

        sessions = _open(db, home)
        ev, log = store.load(sessions, evaluation), store.audit_log(sessions, evaluation)
        if as_json:
            typer.echo(json.dumps(_as_dict(ev, log), ensure_ascii=False, indent=2, default=str))
            return
        out.print(f"[bold]evaluation {ev.id}[/]: {ev.product_name} ({ev.product_id}), manufacturer "
                  f"{ev.manufacturer or '–'}, category {ev.category}\nspecification {ev.spec_id} v{ev.spec_version} "
                  f"({ev.standard}): {_s(ev.verdict)}; status {_s(ev.status)}"
                  + (f", exempt from sampling {ev.exempt_from} – {ev.exempt_until}" if ev.exempt_until else ""))
        out.print(f"input hash {ev.input_hash}\nbackground data {ev.background_data_version}\nindicator set "
                  f"{ev.indicator_set} {ev.indicator_set_version}\n{ev.software_version}; evaluator {ev.evaluator}")
        t = Table(title="requirements", title_justify="left")
        for col in ("requirement", "stage", "value", "threshold", "margin", "status"):
            t.add_column(col)
        for r in ev.requirements:
            t.add_row(r.requirement, r.stage or "", _n(r.value), f"{r.operator} {fmt(r.threshold)} {r.unit}"
                      if r.kind == "indicator" else (r.document or ""),
                      "–" if r.margin_pct is None else f"{r.margin_pct:+.1f} %", _s(r.status))
        out.print(t)
        t = Table(title="indicator results (total)", title_justify="left")
        for col in ("indicator", "unit", "total"):
            t.add_column(col)
        for r in ev.results:
            if r.stage == "total":
                t.add_row(r.indicator, r.unit, _n(r.value))
        out.print(t)
        out.print("files: " + ", ".join(f"{f.path} ({f.sha256[:12]})" for f in ev.files))
        for a in log:
            move = f" ({a.from_status or 'new'} → {a.to_status})" if a.to_status else ""
            out.print(f"  {a.at:%Y-%m-%d %H:%M:%S} {a.actor}: {a.action}{move}" + (f": {a.reason}" if a.reason else ""),
                      highlight=False)


def _as_dict(ev, log) -> dict:
    cols = lambda obj: {c.key: getattr(obj, c.key) for c in obj.__table__.columns}  # noqa: E731
    return {**cols(ev), "files": [cols(f) for f in ev.files], "requirements": [cols(r) for r in ev.requirements],
            "results": [cols(r) for r in ev.results], "declared": [cols(d) for d in ev.declared],
            "audit": [cols(a) for a in log]}


@registry_app.command("export")
def export_command(out_file: Annotated[Path, typer.Option("--out", help="Write to .parquet or .xlsx.")],
                   db: Db = None, home: Home = None):
    """Every evaluation with its requirement outcomes as one table (a row per evaluation and requirement)."""
    with exit_codes():
        from lca.registry import export

        df = export.write(_open(db, home), out_file)
        out.print(f"{df['id'].nunique()} evaluation(s), {len(df)} row(s) written to [bold]{out_file}[/]")


@registry_app.command("verify")
def verify_command(evaluation: Id, db: Db = None, home: Home = None, by: By = None):
    """Re-run an evaluation from its stored inputs: reproduced exactly (→ verified), or what changed (exit 1)."""
    with exit_codes():
        from lca.registry import store, submission, verify

        sessions = _open(db, home)
        check = verify.verify(sessions, evaluation, submission.actor(by), home)
        for c in check.versions:
            out.print(f"version changed: {c.what} {c.stored} → {c.now}")
        for c in check.numbers:
            out.print(f"changed: {c.what}: {c.stored!r} → {c.now!r}")
        ev = store.load(sessions, evaluation)
        if check.reproduced:
            out.print(f"evaluation {evaluation} reproduced exactly from its stored inputs "
                      f"({len(ev.requirements)} requirements, {len(ev.results)} results); status {_s(ev.status)}")
            return
        out.print(f"evaluation {evaluation} [bold red]not reproduced[/]: {len(check.versions)} version(s) and "
                  f"{len(check.numbers)} number(s) changed" + ("" if check.versions else
                                                               " although every version matches"))
        raise typer.Exit(EXIT_NOT_PASSED)


def _move(evaluation: int, to_status: str, reason: str | None, db, home, by) -> None:
    from lca.registry import store, submission

    ev = store.transition(_open(db, home), evaluation, to_status, submission.actor(by), reason)
    out.print(f"evaluation {evaluation} ({ev.product_id}) is now {_s(ev.status)}")


@registry_app.command("list-product")
def list_product(evaluation: Id, reason: Annotated[Optional[str], typer.Option(help="Why (for the log).")] = None,
                 db: Db = None, home: Home = None, by: By = None):
    """List a verified evaluation's product publicly (verified → listed)."""
    with exit_codes():
        _move(evaluation, "listed", reason, db, home, by)


@registry_app.command("delist")
def delist(evaluation: Id, reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")],
           db: Db = None, home: Home = None, by: By = None):
    """Remove a listed product from the listing (listed → delisted)."""
    with exit_codes():
        _move(evaluation, "delisted", reason, db, home, by)


@inspect_app.command("draw")
def draw(share: Annotated[float, typer.Option(help="Share of the listed, non-exempt products to draw (0–1].")],
         seed: Annotated[int, typer.Option(help="Seed of the draw (recorded; the same seed draws the same).")],
         category: Annotated[Optional[str], typer.Option(help="Only this product category.")] = None,
         db: Db = None, home: Home = None, by: By = None):
    """Draw listed, non-exempt products for sampling inspection (seeded, recorded as a batch)."""
    with exit_codes():
        from lca.registry import inspection, submission

        b = inspection.draw(_open(db, home), share, seed, submission.actor(by), category)
        ids = ", ".join(str(i.evaluation_id) for i in b.items)
        out.print(f"batch [bold]{b.id}[/]: {len(b.items)} of {b.population} listed, non-exempt products drawn "
                  f"(share {share:g}, seed {seed}): evaluations {ids}")


@inspect_app.command("run")
def run(batch: Annotated[int, typer.Argument(help="Batch id from `lca inspect draw`.")],
        measured: Annotated[Optional[Path], typer.Option(help="Measured values: CSV/XLSX with evaluation, "
                                                         "indicator, value, unit[, document].")] = None,
        tolerance: Annotated[Optional[float], typer.Option(help="Allowed deviation of a measured value "
                                                           "from the declared one, % (when the spec states none).")] = None,
        db: Db = None, home: Home = None, by: By = None):
    """Re-evaluate a batch's products from stored inputs and measured values; delist the non-conforming."""
    with exit_codes():
        from lca.registry import inspection, submission

        items = inspection.run(_open(db, home), batch, submission.actor(by), measured, tolerance, home)
        for item in items:
            n = sum(r["status"] in ("ok", "fail") for r in item.reasons or [])
            out.print(f"evaluation {item.evaluation_id}: {_s(item.outcome)} ({item.inspected_at:%Y-%m-%d}; {n} of "
                      f"{len(item.reasons or [])} requirements checked)")
            for r in item.reasons or []:
                out.print(f"  {r['requirement']}: {_s(r['status'])} — {r['reason']}")
