"""Synthetic registry records (for load tests and benchmarks; marked synthetic, never evaluations of real
products): storing many without evaluating any."""
from __future__ import annotations

from lca.registry.store import Submission, sha256

CATEGORIES = ("room_air_conditioner", "office_furniture", "plastic_packaging", "automotive_interior_adhesive_bulk")
VERDICTS = ("pass", "fail", "incomplete")


def submission(i: int, shared_file: bytes = b"synthetic shared BOM\n") -> Submission:
    """The i-th synthetic submission: its own manifest, one file shared by all, one requirement, one result."""
    manifest = f"id: synthetic_{i}\nname: Synthetic product {i} (synthetic)\n".encode()
    fields = {"product_id": f"synthetic_{i}", "product_name": f"Synthetic product {i} (synthetic)",
              "manufacturer": "synthetic", "category": CATEGORIES[i % len(CATEGORIES)], "spec_id": "synthetic",
              "spec_version": "1", "spec_sha256": sha256(b"synthetic spec"), "standard": "synthetic",
              "verdict": VERDICTS[i % len(VERDICTS)], "manifest": "product.yaml", "input_hash": sha256(manifest),
              "background_data_version": "synthetic", "indicator_set": "synthetic",
              "indicator_set_version": "synthetic", "software_version": "synthetic", "evaluator": "synthetic"}
    return Submission(fields, {"product.yaml": manifest, "bom.csv": shared_file}, b"synthetic spec",
                      requirements=[{"kind": "indicator", "requirement": "gwp", "indicator": "gwp100",
                                     "stage": "total", "operator": "<=", "threshold": 100.0, "unit": "kg CO2-Eq",
                                     "value": float(i % 200), "margin_pct": 100.0 - i % 200,
                                     "status": "pass" if i % 200 <= 100 else "fail"}],
                      results=[{"indicator": "gwp100", "stage": "total", "unit": "kg CO2-Eq",
                                "value": float(i % 200)}])
