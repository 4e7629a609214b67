"""The raw data contract as a Markdown page, rendered from the sources YAML (its one definition)."""

from __future__ import annotations

from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
SOURCES_YAML = PROJECT_DIR / "models" / "staging" / "shop" / "_shop__sources.yml"
CONTRACT_DOC = PROJECT_DIR / "docs" / "raw_contract.md"


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


def write_contract_doc(path: Path = CONTRACT_DOC) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_contract(), encoding="utf-8")
    return path
