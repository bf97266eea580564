"""What every command module shares: the consoles, exit codes and the error → exit-code mapping,
the set-up progress bar, specification loading and number formatting."""
from __future__ import annotations

import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lca.core.errors import DataError, InputError

_probe = Console()
# Piped or redirected output is not width-limited: keep result tables on one line per indicator.
out = _probe if _probe.is_terminal else Console(width=max(_probe.width, 150))
err = Console(stderr=True, soft_wrap=True)  # messages stay on one line (paths intact)

EXIT_NOT_PASSED, EXIT_BAD_INPUT, EXIT_INTERNAL = 1, 2, 3
Home = Annotated[Optional[Path], typer.Option("--home", help="Data folder (default: $LCA_HOME or the user data dir).")]


@contextmanager
def exit_codes():
    """Map exceptions to one clear message and the documented exit codes."""
    try:
        yield
    except InputError as exc:
        err.print(f"[bold red]error:[/] {exc.render()}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except DataError as exc:
        err.print(f"[bold red]shipped data error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_INTERNAL) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence, reported as internal
        err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}", highlight=False)
        err.print(traceback.format_exc(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INTERNAL) from None


@contextmanager
def setup_progress(quiet: bool = False):
    """A progress bar that appears only when set-up actually has work to do."""
    if quiet:
        yield None
        return
    bar = Progress(TextColumn("[bold]setting up[/] {task.description}"), BarColumn(),
                   TimeElapsedColumn(), console=err, transient=True)
    task = None

    def report(msg: str, frac: float) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(msg, total=1.0)
        bar.update(task, description=msg, completed=frac)

    try:
        yield report
    finally:
        bar.stop()

def load_spec(spec: str | None):
    """The specification to check against (validated before any work), or None."""
    from lca.assess.specs import find

    return None if spec is None else find(spec)[1]


def fmt(v: float) -> str:
    return "0" if v == 0 else f"{v:.4g}"
