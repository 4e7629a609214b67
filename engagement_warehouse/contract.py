"""The raw data contract as a Markdown page, rendered from the sources YAML (its one definition),
and a page per source adapter (docs/adapters/<system>.md) rendered from the adapter's own sources
YAML (models/staging/<system>/_<system>__sources.yml) the same way."""

from __future__ import annotations

from pathlib import Path

import yaml

from .layouts import AREA_TABLES

PROJECT_DIR = Path(__file__).resolve().parents[1]
SOURCES_YAML = PROJECT_DIR / "models" / "staging" / "shop" / "_shop__sources.yml"
CONTRACT_DOC = PROJECT_DIR / "docs" / "raw_contract.md"
STAGING_DIR = PROJECT_DIR / "models" / "staging"
ADAPTER_DOCS_DIR = PROJECT_DIR / "docs" / "adapters"


def render_contract(sources_yaml: Path = SOURCES_YAML) -> str:
    source = yaml.safe_load(sources_yaml.read_text(encoding="utf-8"))["sources"][0]
    lines = [
        "# Raw data contract",
        "",
        "<!-- Generated from models/staging/shop/_shop__sources.yml by `engagement-warehouse contract-doc`;",
        "     edit the YAML, not this page (a test checks that they agree). -->",
        "",
        " ".join(source["description"].split()),
        "",
        "Files: `RAW_DATA_DIR/<table>.parquet` or `RAW_DATA_DIR/<table>.csv` (header row, comma",
        "separated, `\"` quotes); the format is found per table, so a folder may mix them",
        "(`RAW_DATA_FORMAT=parquet` or `csv` forces one). The folder is only read. An *optional* table",
        "may be absent or an empty file: it is then an empty table. A column that is not required may",
        "be missing from the file: it is then null and staging applies the default its description",
        "gives. Types are the logical types staging parses to: a CSV export may carry every value as",
        "text. A *required* column may not be null or blank.",
        "A row that breaks a rule goes to `audit.audit_rejected_rows` with the rule's name; see the",
        "`rejection_rule` documentation for the list of rules.",
        "",
    ]
    for table in source["tables"]:
        key = ", ".join(table.get("meta", {}).get("primary_key", []))
        optional = " Optional table: may be absent or empty." if table.get("meta", {}).get("optional") else ""
        lines += [f"## {table['name']}", "", " ".join(table["description"].split()), "",
                  f"Primary key: `{key}`.{optional}", "",
                  "| column | type | required | allowed values | description |",
                  "|---|---|---|---|---|"]
        for column in table["columns"]:
            meta = column.get("meta", {})
            allowed = ", ".join(meta.get("allowed_values", [])) or ""
            description = " ".join(column.get("description", "").split())
            if meta.get("pii"):
                description += " **Personal data.**" if "Personal data" not in description else ""
            required = "yes" if meta.get("required") else "no (may be absent)"
            lines.append(f"| {column['name']} | {column['data_type']} | {required} "
                         f"| {allowed} | {description} |")
        lines.append("")
    return "\n".join(lines)


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def adapter_sources_yaml() -> dict[str, Path]:
    """The sources YAML of each adapter folder, by system name."""
    return {path.parent.name: path for path in sorted(STAGING_DIR.glob("*/_*__sources.yml"))
            if path.parent.name not in ("shop", "reference")}


def render_adapter(sources_yaml: Path) -> str:
    """The docs page of one source adapter: what it reads, the column mapping onto the contract,
    what the system cannot say, how to land the files, and the vendor tables it reads."""
    system = sources_yaml.parent.name
    source = yaml.safe_load(sources_yaml.read_text(encoding="utf-8"))["sources"][0]
    adapter = source.get("meta", {}).get("adapter", {})
    area = adapter.get("area", "")
    relative = sources_yaml.relative_to(PROJECT_DIR)
    lines = [
        f"# {adapter.get('vendor', system)} adapter (`{system}`)",
        "",
        f"<!-- Generated from {relative} by `engagement-warehouse contract-doc`;",
        "     edit the YAML, not this page (a test checks that they agree). -->",
        "",
        _text(source.get("description")),
        "",
        f"- Feeds the contract's **{area}** area ({', '.join(AREA_TABLES.get(area, ()))}): set the var "
        f"`{area}_source: {system}` (in dbt_project.yml, or `--vars '{{{area}_source: {system}}}'`, "
        f"or `make build DBT_VARS='{{{area}_source: {system}}}'`).",
        f"- Reads the files in `RAW_DATA_DIR/{system}/` (or the folder var `source_data_dirs: {{{system}: <folder>}}` names).",
    ]
    if adapter.get("layout"):
        lines.append(f"- Layout: {_text(adapter['layout'])}")
    if adapter.get("reference"):
        lines.append(f"- Reference: {_text(adapter['reference'])}")
    lines.append("")
    if adapter.get("landing"):
        lines += ["## Landing the files", "", _text(adapter["landing"]), ""]
    mapping = adapter.get("mapping") or {}
    if mapping:
        lines += ["## Column mapping onto the raw contract", ""]
        for table, columns in mapping.items():
            lines += [f"### {table}", "", "| contract column | from |", "|---|---|"]
            for column, how in (columns or {}).items():
                lines.append(f"| {column} | {_text(how)} |")
            lines.append("")
    cannot = adapter.get("cannot_know") or []
    if cannot:
        lines += ["## What the system cannot say, and what the adapter does instead", ""]
        lines += [f"- {_text(item)}" for item in cannot]
        lines.append("")
    lines += ["## Tables read", ""]
    for table in source.get("tables", []):
        meta = table.get("meta", {}) or {}
        formats = ", ".join(meta.get("formats", ["parquet", "csv"]))
        key = ", ".join(meta.get("primary_key", []))
        optional = " Optional: may be absent or empty." if meta.get("optional") else ""
        lines += [f"### {table['name']}", "", _text(table.get("description")), "",
                  f"Files: `{table['name']}.<ext>` or `{table['name']}_*.<ext>` ({formats})."
                  + (f" Primary key: `{key}`." if key else "") + optional, "",
                  "| column | type | required | description |", "|---|---|---|---|"]
        for column in table.get("columns", []):
            column_meta = column.get("meta", {}) or {}
            description = _text(column.get("description"))
            if column_meta.get("pii") and "Personal data" not in description:
                description += " **Personal data.**"
            required = "yes" if column_meta.get("required") else "no"
            data_type = str(column.get("data_type", "varchar")).replace("|", "\\|")
            lines.append(f"| {column['name']} | {data_type} | {required} | {description} |")
        lines.append("")
    return "\n".join(lines)


def render_adapter_index(adapters: dict[str, Path]) -> str:
    lines = ["# Source adapters", "",
             "<!-- Generated by `engagement-warehouse contract-doc` from the adapters' sources YAML. -->", "",
             "Each page says what the adapter reads, how its columns map onto the raw contract "
             "(docs/raw_contract.md), what the system cannot say and how to land its files.", "",
             "| system | vendor | area |", "|---|---|---|"]
    for system, path in adapters.items():
        adapter = (yaml.safe_load(path.read_text(encoding="utf-8"))["sources"][0].get("meta", {}) or {}).get("adapter", {})
        lines.append(f"| [{system}]({system}.md) | {adapter.get('vendor', system)} | {adapter.get('area', '')} |")
    lines.append("")
    return "\n".join(lines)


def rendered_docs() -> dict[Path, str]:
    """Every generated page, by path: the raw contract, each adapter's and the adapters' index."""
    pages = {CONTRACT_DOC: render_contract()}
    adapters = adapter_sources_yaml()
    for system, path in adapters.items():
        pages[ADAPTER_DOCS_DIR / f"{system}.md"] = render_adapter(path)
    if adapters:
        pages[ADAPTER_DOCS_DIR / "README.md"] = render_adapter_index(adapters)
    return pages


def write_contract_doc(path: Path = CONTRACT_DOC) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_contract(), encoding="utf-8")
    for page, text in rendered_docs().items():
        if page != CONTRACT_DOC:
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(text, encoding="utf-8")
    return path
