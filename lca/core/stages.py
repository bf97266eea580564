"""The five life-cycle stages (GB/T 32161 / GB/T 24040 system boundary): ids, the spellings readers accept
(English and Chinese), and their display names per language."""
from __future__ import annotations

from typing import Literal

STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")
Stage = Literal["raw_materials", "production", "distribution", "use", "end_of_life"]
STAGE_ALIASES = {
    "raw_materials": "raw_materials", "raw_material": "raw_materials", "materials": "raw_materials",
    "原材料获取": "raw_materials", "原材料": "raw_materials", "production": "production",
    "manufacturing": "production", "生产": "production", "产品生产": "production",
    "distribution": "distribution", "transport": "distribution", "运输": "distribution",
    "销售": "distribution", "use": "use", "使用": "use", "end_of_life": "end_of_life",
    "eol": "end_of_life", "disposal": "end_of_life", "recycling": "end_of_life",
    "回收处理": "end_of_life", "废弃": "end_of_life", "回收": "end_of_life",
}

STAGE_NAMES = {
    "en": {"raw_materials": "Raw materials", "production": "Production", "distribution": "Distribution",
           "use": "Use", "end_of_life": "End of life", "total": "Whole life cycle"},
    "zh": {"raw_materials": "原材料获取", "production": "产品生产", "distribution": "产品分销",
           "use": "产品使用", "end_of_life": "废弃处置", "total": "全生命周期"},
}
