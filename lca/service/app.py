"""The service as one FastAPI application: registry, project home and upload limits in its state, the JSON
API and the pages, input errors as 4xx with their message."""
from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lca import __version__
from lca.assess.specs import shipped
from lca.core.errors import Conflict, InputError, NotFound
from lca.registry.db import open_registry
from lca.service import api, jobs, pages
from lca.service.uploads import Limits, UploadError


def status_of(exc: InputError) -> int:
    """The HTTP status of an input error, by its type: a missing record 404, a clash with a record's state 409,
    anything else 400."""
    return 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400


def create_app(db: str | None = None, home: str | Path | None = None, limits: Limits = Limits()) -> FastAPI:
    """The application on the registry `db` (default: SQLite under the home) with the project home `home`."""
    app = FastAPI(title="lca-ecodesign evaluation registry", version=__version__,
                  description="Green-design product evaluations: public listing, submission, verification, "
                              "listing, delisting and sampling inspection.")
    app.state.sessions = open_registry(db, home)
    app.state.home, app.state.limits = home, limits
    app.state.spec_ids = {spec.id for _, spec in shipped()}
    app.state.engine_lock = threading.Lock()  # one evaluation at a time: the engine's project state is global
    app.state.jobs = jobs.Jobs()

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": exc.render()}, status_code=status_of(exc))

    @app.exception_handler(UploadError)
    async def upload_error(_request: Request, exc: UploadError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    app.include_router(api.router)
    app.include_router(jobs.router)
    app.include_router(pages.router)
    return app
