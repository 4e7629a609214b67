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
