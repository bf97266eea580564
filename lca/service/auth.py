"""Bearer tokens by role: created once (shown once, stored as sha256), checked on every write request."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lca.core.errors import InputError
from lca.registry.db import retrying, transaction
from lca.registry.models import ApiToken
from lca.registry.store import sha256, utc_now

ROLES = ("manufacturer", "evaluator", "authority")


@dataclass(frozen=True)
class Caller:
    """Who makes a request: role and name (a manufacturer's name is the manufacturer it submits for)."""

    role: str
    name: str


def add_token(sessions: sessionmaker[Session], role: str, name: str) -> str:
    """A new random token for `role` and `name`; only its sha256 is stored, so this is the one time it is seen."""
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'", column="--role", hint=f"one of {', '.join(ROLES)}")
    if not name.strip():
        raise InputError("a token needs a name", column="--name")
    token = secrets.token_urlsafe(32)

    def write() -> None:
        with transaction(sessions) as s:
            s.add(ApiToken(token_sha256=sha256(token.encode()), role=role, name=name.strip(), created_at=utc_now()))
    retrying(write)
    return token


def caller_of(sessions: sessionmaker[Session], token: str) -> Caller | None:
    """The caller a token belongs to, or None for an unknown token."""
    with sessions() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_sha256 == sha256(token.encode())))
    return None if row is None else Caller(row.role, row.name)


def optional_caller(request: Request) -> Caller | None:
    """The caller of a request with a valid bearer token; None without one; 401 for a token that is unknown."""
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    caller = caller_of(request.app.state.sessions, token.strip()) if scheme.lower() == "bearer" else None
    if caller is None:
        raise HTTPException(401, "unknown or malformed bearer token", headers={"WWW-Authenticate": "Bearer"})
    return caller


def require(*roles: str):
    """A dependency admitting only callers with one of `roles` (401 without a token, 403 with another role)."""
    def dependency(request: Request) -> Caller:
        caller = optional_caller(request)
        if caller is None:
            raise HTTPException(401, "this endpoint needs a bearer token (lca serve token add)",
                                headers={"WWW-Authenticate": "Bearer"})
        if caller.role not in roles:
            raise HTTPException(403, f"a {caller.role} may not do this; it needs the role {' or '.join(roles)}")
        return caller
    return dependency
