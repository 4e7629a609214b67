"""docs/raw_contract.md is the rendering of the sources YAML, not a second definition."""

from engagement_warehouse.contract import CONTRACT_DOC, render_contract


def test_contract_page_matches_the_sources_yaml():
    assert CONTRACT_DOC.read_text(encoding="utf-8") == render_contract(), (
        "docs/raw_contract.md is stale: run `.venv/bin/engagement-warehouse contract-doc`")


def test_contract_page_lists_every_table_and_the_allowed_values():
    page = render_contract()
    for table in ("customers", "orders", "order_items", "products", "events", "feedback", "marketing_spend",
                  "privacy_requests"):
        assert f"## {table}\n" in page
    assert "| platform | varchar | yes | web, ios, android, whatsapp |" in page


def test_static_table_list_matches_the_sources_yaml():
    import re

    import yaml

    from engagement_warehouse.contract import PROJECT_DIR, SOURCES_YAML

    tables = [t["name"] for t in yaml.safe_load(SOURCES_YAML.read_text())["sources"][0]["tables"]]
    macro = (PROJECT_DIR / "macros" / "staging" / "raw_contract.sql").read_text()
    listed = re.search(r"macro shop_raw_tables\(\).*?return\(\[(.*?)\]\)", macro, re.S).group(1)
    assert re.findall(r"'(\w+)'", listed) == tables


def test_every_adapter_page_matches_its_sources_yaml():
    from engagement_warehouse.contract import rendered_docs

    stale = sorted(str(page) for page, text in rendered_docs().items()
                   if not page.exists() or page.read_text(encoding="utf-8") != text)
    assert stale == [], f"stale or missing pages {stale}: run `.venv/bin/engagement-warehouse contract-doc`"
