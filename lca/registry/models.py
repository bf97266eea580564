"""The registry's schema (SQLAlchemy 2 declarative models); migrations/ creates and upgrades it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Date, DateTime, Double, ForeignKey, Index, Integer, LargeBinary, String,
                        Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("submitted", "verified", "listed", "delisted")
Hash = String(64)


class Base(DeclarativeBase):
    pass


class Blob(Base):
    """An input file's bytes, stored once under their sha256."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(Hash, primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Evaluation(Base):
    """One product evaluated against one specification, with every version needed to re-run it."""

    __tablename__ = "evaluations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity: Mapped[str] = mapped_column(Hash, unique=True)  # inputs + versions: the same ones → one record
    product_id: Mapped[str] = mapped_column(String(200), index=True)
    product_name: Mapped[str] = mapped_column(Text)
    manufacturer: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(200))
    spec_id: Mapped[str] = mapped_column(String(200))
    spec_version: Mapped[str] = mapped_column(String(100))
    spec_sha256: Mapped[str] = mapped_column(Hash)
    standard: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    manifest: Mapped[str] = mapped_column(String(500))  # the manifest's path among the stored files
    input_hash: Mapped[str] = mapped_column(Hash)
    background_data_version: Mapped[str] = mapped_column(Hash)
    indicator_set: Mapped[str] = mapped_column(String(100))
    indicator_set_version: Mapped[str] = mapped_column(Hash)
    software_version: Mapped[str] = mapped_column(String(100))
    evaluator: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # revision 2: sampling inspection
    conforming_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    exempt_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    exempt_until: Mapped[date | None] = mapped_column(Date, nullable=True)

    files: Mapped[list[InputFile]] = relationship(cascade="all, delete-orphan", order_by="InputFile.path")
    requirements: Mapped[list[Requirement]] = relationship(cascade="all, delete-orphan",
                                                           order_by="Requirement.position")
    results: Mapped[list[StageResult]] = relationship(cascade="all, delete-orphan",
                                                      order_by="StageResult.position")
    declared: Mapped[list[Declared]] = relationship(cascade="all, delete-orphan", order_by="Declared.indicator")

    __table_args__ = (Index("ix_evaluations_filter", "category", "status", "verdict"),
                      Index("ix_evaluations_status", "status"), Index("ix_evaluations_verdict", "verdict"))


class InputFile(Base):
    """One of an evaluation's input files: its path relative to the manifest's folder and its blob."""

    __tablename__ = "input_files"
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))


class Requirement(Base):
    """A requirement's outcome: basic (status, document) or indicator (value, threshold, margin, status)."""

    __tablename__ = "requirements"
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # basic | indicator
    requirement: Mapped[str] = mapped_column(String(200))
    indicator: Mapped[str | None] = mapped_column(String(200), nullable=True)
    stage: Mapped[str | None] = mapped_column(String(40), nullable=True)
    operator: Mapped[str | None] = mapped_column(String(4), nullable=True)
    threshold: Mapped[float | None] = mapped_column(Double, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(100), nullable=True)
    value: Mapped[float | None] = mapped_column(Double, nullable=True)
    margin_pct: Mapped[float | None] = mapped_column(Double, nullable=True)
    status: Mapped[str] = mapped_column(String(40))
    document: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class StageResult(Base):
    """An indicator's score in one life-cycle stage (or 'total'); NULL where it has no characterised flow."""

    __tablename__ = "stage_results"
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Double, nullable=True)


class Declared(Base):
    """A value the manufacturer declared in the manifest, with its document."""

    __tablename__ = "declared_values"
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(100))
    document: Mapped[str] = mapped_column(Text)


class Audit(Base):
    """Append-only log: who did what to which evaluation, when and why (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class InspectionBatch(Base):
    """A sampling draw: share, category, seed and the population it was drawn from (revision 2)."""

    __tablename__ = "inspection_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    drawn_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    share: Mapped[float] = mapped_column(Double)
    category: Mapped[str | None] = mapped_column(String(200), nullable=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    population: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[InspectionItem]] = relationship(order_by="InspectionItem.evaluation_id")


class InspectionItem(Base):
    """One drawn listing and, once inspected, its outcome with reasons per requirement (revision 2)."""

    __tablename__ = "inspection_items"
    batch_id: Mapped[int] = mapped_column(ForeignKey("inspection_batches.id"), primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), primary_key=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)  # conforming | non-conforming | not assessed
    inspected_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reasons: Mapped[list | None] = mapped_column(JSON, nullable=True)


class ApiToken(Base):
    """A bearer token of the public service: its sha256 (never the token), role and name (revision 3)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(Hash, unique=True)
    role: Mapped[str] = mapped_column(String(20))  # manufacturer | evaluator | authority
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
