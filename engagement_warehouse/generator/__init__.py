"""Deterministic demo data for the warehouse: the raw data contract of a jewellery and
accessories retailer selling across Latin America. See `generate`."""

from .run import GenerationReport, GeneratorSettingsError, append_days, generate

__all__ = ["GenerationReport", "GeneratorSettingsError", "append_days", "generate"]
