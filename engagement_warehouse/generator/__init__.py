"""Deterministic demo data for the warehouse: the raw data contract of a jewellery and
accessories retailer selling across Latin America. See `generate`."""

from .run import GENERATE_STEPS, GenerationReport, GeneratorSettingsError, append_days, generate

__all__ = ["GENERATE_STEPS", "GenerationReport", "GeneratorSettingsError", "append_days", "generate"]
