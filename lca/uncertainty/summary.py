"""What a Monte Carlo run says about one product: distributions, P(meets spec), sensitivity."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Distribution:
    """Summary of one indicator over a stage scope across the iterations."""

    indicator: str
    stage: str
    unit: str
    deterministic: float
    mean: float
    sd: float
    p2_5: float
    median: float
    p97_5: float


@dataclass
class ProductUncertainty:
    """Monte Carlo result of one product: distributions, probabilities of meeting the spec, sensitivity."""

    product_id: str
    iterations: int
    seed: int
    uncertain_inputs: int
    distributions: list[Distribution]
    probability: dict[str, float | None] = field(default_factory=dict)  # requirement id -> P(meets)
    spec_probability: float | None = None
    sensitivity: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # plots written
