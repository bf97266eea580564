"""Synthetic products and specifications for the specification tests (clearly not real data)."""
from __future__ import annotations

from pathlib import Path

import yaml

STANDARD = {"number": "TEST 0001-2024", "year": 2024, "title_zh": "测试规范（合成）", "publisher": "test suite",
            "url": "https://example.invalid/test-spec"}


def write_spec(folder: Path, *, basic=(), indicators=(), complete=True, name="spec.yaml", **extra) -> Path:
    """A synthetic specification file; `extra` overrides top-level fields."""
    doc = {"id": "synthetic", "version": "1", "category": "test", "title_zh": "合成", "title_en": "synthetic",
           "standard": STANDARD, "scope": "tests only", "functional_unit": "one test product",
           "coverage": "synthetic thresholds for tests", "complete": complete,
           "basic_requirements": list(basic), "indicator_requirements": list(indicators), **extra}
    path = folder / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def requirement(id: str, indicator: str, op: str, threshold: float, unit: str, stage: str = "total",
                group: str = "resource", **extra) -> dict:
    return {"id": id, "indicator": indicator, "stage": stage, "operator": op, "threshold": threshold, "unit": unit,
            "group": group, "clause": "synthetic 1.1", "quote": "synthetic", **extra}


def write_product(folder: Path, bom: str, processes: str, **manifest) -> Path:
    """A product folder with a manifest, BOM and process table."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"id": folder.name, "name": f"synthetic {folder.name}", "category": "test",
           "functional_unit": "one test product", "reference_flow": {"amount": 1, "unit": "piece"},
           "lifetime": {"amount": 2, "unit": "year"}, "bom": "bom.csv", "processes": "processes.csv", **manifest}
    (folder / "product.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (folder / "bom.csv").write_text(bom, encoding="utf-8")
    (folder / "processes.csv").write_text(processes, encoding="utf-8")
    return folder / "product.yaml"


# 6 kg steel (half recycled), 4 kg polypropylene, 1 kg carton (packaging, distribution stage).
BOM = """component,link,amount,unit,stage,recycled_content
frame,steel_crude_worldsteel,6,kg,raw_materials,0.5
shell,polypropylene_primary_desnz,4,kg,raw_materials,0
carton,corrugated_board_fefco,1,kg,distribution,
"""
# 10 kWh + 50 MJ gas in production, 100 kWh/year over 2 years in use; steel 90 % recycled.
PROCESSES = """id,stage,link,amount,unit,share,applies_to
assembly_power,production,electricity_grid_cn,10,kWh,,
oven_gas,production,natural_gas_combustion,50,MJ,,
use_power,use,electricity_grid_cn,100,kWh/year,,
steel_recycling,end_of_life,recycling_metal_desnz,,,0.9,frame
steel_landfill,end_of_life,landfill_metal_desnz,,,0.1,frame
shell_landfill,end_of_life,landfill_plastics_desnz,,,1,shell
carton_recycling,end_of_life,recycling_paper_board_desnz,,,1,carton
"""
