"""The generated demo data in the layouts of the vendors' exports the source adapters read
(models/staging/<system>/): `engagement-warehouse generate --layout shopify,ga4,typeform`.

Each module here (named after the system) has `AREA` (orders, events or feedback) and
`write(contract_dir, out_dir) -> {vendor table: rows}`, which reads the contract files the
generator wrote in contract_dir and writes the same underlying data in the vendor's layout into
out_dir. write_layouts then removes the contract files of those areas, so that the folder holds
what a shop using those systems would land: the vendors' exports in `<folder>/<system>/` and the
contract's files only for the other areas (marketing spend, privacy requests, FX rates...)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from pathlib import Path

AREA_TABLES = {
    "orders": ("customers", "orders", "order_items", "products", "order_payments"),
    "events": ("events",),
    "feedback": ("feedback",),
}


class LayoutError(ValueError):
    """A layout that does not exist, or two layouts for one area."""


def available_layouts() -> list[str]:
    return sorted(module.name for module in pkgutil.iter_modules(__path__))


def write_layouts(folder: str | Path, systems: Sequence[str]) -> dict[str, dict[str, int]]:
    """Rewrites the contract files of a generated folder into the layouts of `systems` (one per
    area at most); returns the rows written per system and vendor table."""
    folder = Path(folder)
    unknown = [system for system in systems if system not in available_layouts()]
    if unknown:
        raise LayoutError(f"no generator layout for {', '.join(unknown)}: "
                          f"the layouts are {', '.join(available_layouts())}")
    modules = {system: importlib.import_module(f"{__name__}.{system}") for system in systems}
    by_area: dict[str, list[str]] = {}
    for system, module in modules.items():
        by_area.setdefault(module.AREA, []).append(system)
    clashes = {area: names for area, names in by_area.items() if len(names) > 1}
    if clashes:
        raise LayoutError("one layout per area: " + "; ".join(
            f"{area}: {', '.join(names)}" for area, names in clashes.items()))
    # every layout reads the contract files before any is removed (a feedback layout may read customers)
    written = {system: module.write(folder, folder / system) for system, module in modules.items()}
    for module in modules.values():
        for table in AREA_TABLES[module.AREA]:
            for extension in ("parquet", "csv"):
                (folder / f"{table}.{extension}").unlink(missing_ok=True)
    return written


def layout_vars(systems: Sequence[str]) -> str:
    """The dbt vars that read the folder written with these layouts, e.g.
    {orders_source: shopify, events_source: ga4}."""
    pairs = [f"{importlib.import_module(f'{__name__}.{system}').AREA}_source: {system}" for system in systems]
    return "{" + ", ".join(pairs) + "}"
