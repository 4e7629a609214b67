"""The generated events in Google Analytics 4's BigQuery export layout (models/staging/ga4/):
one file `events.parquet`, one row per event, with nested event_params, items, geo, device,
collected_traffic_source, as a shop whose site and apps send GA4 events would export them.

What the contract has and GA4 does not is written where such a shop would send it (the adapter's
cannot_know, docs/adapters/ga4.md): the event id as the `event_id` parameter, WhatsApp events as
Measurement Protocol events with the `platform` parameter, e-mail opens and loyalty credits with a
user_id and no user_pseudo_id, custom event names for the contract's types GA4 has no recommended
event for. The event names are those of the ga4_event_mapping seed, read back by the adapter.
Lossless for the generator's clean rows; of its bad rows, one whose properties are not JSON cannot
be typed parameters (the text goes into a string parameter `properties`, so it becomes a clean
row), and one without an event id gets the adapter's generated id."""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

AREA = "events"
PROJECT_DIR = Path(__file__).resolve().parents[2]
COUNTRIES_SEED = PROJECT_DIR / "seeds" / "countries.csv"
SOURCES_YAML = PROJECT_DIR / "models" / "staging" / "ga4" / "_ga4__sources.yml"
SITE = "https://www.joias.example"
# contract event_type -> GA4 event name (web, then app where it differs); a lookbook view is a
# select_content with content_type 'lookbook' (a condition of the mapping seed)
EVENT_NAMES = {
    "page_view": "page_view", "product_view": "view_item", "search": "search",
    "lookbook_view": "select_content", "add_to_wishlist": "add_to_wishlist", "add_to_cart": "add_to_cart",
    "remove_from_cart": "remove_from_cart", "checkout_started": "begin_checkout", "purchase": "purchase",
    "whatsapp_message": "whatsapp_message", "social_share": "share", "review_submitted": "submit_review",
    "referral_sent": "referral_sent", "loyalty_points_earned": "loyalty_points_earned",
    "loyalty_reward_redeemed": "spend_virtual_currency", "email_open": "email_open",
    "email_click": "email_click", "push_open": "notification_open",
}
APP_EVENT_NAMES = {"page_view": "screen_view"}
# e-commerce events carry their product in items; the others in the item_id parameter
ITEM_EVENTS = ("product_view", "add_to_wishlist", "add_to_cart", "remove_from_cart")
# contract property -> GA4 parameter (the ga4_param_mapping seed renames them back)
PARAM_NAMES = {"query": "search_term", "network": "method"}

PARAM_VALUE = "struct(string_value varchar, int_value bigint, float_value double, double_value double)"
PARAM = f"struct(key varchar, value {PARAM_VALUE})"
ITEM = ("struct(item_id varchar, item_name varchar, item_brand varchar, item_variant varchar, "
        "item_category varchar, item_category2 varchar, item_category3 varchar, item_category4 varchar, "
        "item_category5 varchar, price_in_usd double, price double, quantity bigint, "
        "item_revenue_in_usd double, item_revenue double, item_refund_in_usd double, item_refund double, "
        "coupon varchar, affiliation varchar, location_id varchar, item_list_id varchar, "
        "item_list_name varchar, item_list_index varchar, promotion_id varchar, promotion_name varchar, "
        "creative_name varchar, creative_slot varchar)")


def _case(column: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"when '{key}' then '{value}'" for key, value in mapping.items())
    return f"case {column} {whens} end"


def _string_param(key: str, expression: str) -> str:
    return (f"{{'key': '{key}', 'value': {{'string_value': {expression}, 'int_value': null::bigint, "
            f"'float_value': null::double, 'double_value': null::double}}}}::{PARAM}")


def _contract_events(contract_dir: Path) -> str:
    parquet, csv = contract_dir / "events.parquet", contract_dir / "events.csv"
    if parquet.exists():
        return f"read_parquet('{parquet}')"
    if csv.exists():
        return f"read_csv('{csv}', header = true, all_varchar = true)"
    raise FileNotFoundError(f"no events.parquet or events.csv in {contract_dir}")


def export_columns() -> dict[str, str]:
    """The export's columns and their DuckDB types, from the adapter's sources YAML."""
    source = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))["sources"][0]
    table = next(table for table in source["tables"] if table["name"] == "events")
    return {column["name"]: column["data_type"] for column in table["columns"]}


def write(contract_dir: Path, out_dir: Path) -> dict[str, int]:
    contract_dir, out_dir = Path(contract_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "events.parquet"
    is_app = "platform in ('ios', 'android')"
    # the contract's properties, one parameter per key, typed as GA4 types them; a text that is not
    # a JSON object (a bad row of the generator) is sent as it is, in one string parameter
    is_object = "coalesce(try(json_type(properties)) = 'OBJECT', properties is null)"
    properties = f"map_entries(from_json(case when {is_object} then coalesce(properties, '{{}}') else '{{}}' end, " \
                 "'\"MAP(VARCHAR, JSON)\"'))"
    property_params = f"""case when {is_object} then list_transform({properties}, lambda entry: {{
            'key': coalesce({_case('entry.key', PARAM_NAMES)}, entry.key),
            'value': {{
                'string_value': case when json_type(entry.value) = 'VARCHAR' then entry.value ->> '$' end,
                'int_value': case when json_type(entry.value) in ('BIGINT', 'UBIGINT')
                    then cast(entry.value as bigint) end,
                'float_value': null::double,
                'double_value': case when json_type(entry.value) = 'DOUBLE' then cast(entry.value as double) end
            }}
        }}::{PARAM}) else [{_string_param('properties', 'properties')}] end"""
    column_params = ", ".join([
        _string_param("event_id", "event_id"),
        _string_param("page_location", f"case when not {is_app} then '{SITE}' || page_path end"),
        _string_param("firebase_screen", f"case when {is_app} then page_path end"),
        _string_param("platform", "case when platform = 'whatsapp' then 'whatsapp' end"),
        _string_param("content_type", "case when event_type = 'lookbook_view' then 'lookbook' end"),
        _string_param("item_id", f"case when event_type not in {ITEM_EVENTS} then product_id end"),
    ])
    with duckdb.connect() as con:
        con.execute(f"""
            create temp view ga4_export as
                with

                events as (
                    select * replace (cast(event_ts as timestamp) as event_ts, lower(platform) as platform)
                    from {_contract_events(contract_dir)}
                ),

                countries as (
                    select country_code, country_name
                    from read_csv('{COUNTRIES_SEED}', header = true, all_varchar = true)
                ),

                shaped as (
                    select
                        strftime(events.event_ts, '%Y%m%d') as event_date,
                        epoch_us(events.event_ts) as event_timestamp,
                        coalesce(
                            case when events.platform in ('ios', 'android')
                                then {_case('events.event_type', APP_EVENT_NAMES)} end,
                            {_case('events.event_type', EVENT_NAMES)},
                            events.event_type
                        ) as event_name,
                        list_filter(
                            list_concat([{column_params}], {property_params}),
                            lambda param: param.value.string_value is not null
                                or param.value.int_value is not null
                                or param.value.double_value is not null
                        ) as event_params,
                        events.customer_id as user_id,
                        events.anonymous_id as user_pseudo_id,
                        case when events.platform = 'whatsapp' then 'WEB' else upper(events.platform) end as platform,
                        case events.platform
                            when 'ios' then '2000000002' when 'android' then '2000000003' else '2000000001'
                        end as stream_id,
                        {{
                            'category': case when events.platform in ('ios', 'android')
                                then 'mobile' else 'desktop' end,
                            'operating_system': case events.platform
                                when 'ios' then 'iOS' when 'android' then 'Android' end
                        }} as device,
                        case when events.country_code is not null then {{
                            'country': coalesce(countries.country_name, events.country_code)
                        }} end as geo,
                        case when events.event_type in {ITEM_EVENTS} and events.product_id is not null
                            then [{{'item_id': events.product_id}}::{ITEM}]
                            else []::{ITEM}[]
                        end as items,
                        case when coalesce(events.utm_source, events.utm_medium, events.utm_campaign) is not null
                            then {{
                                'manual_source': events.utm_source,
                                'manual_medium': events.utm_medium,
                                'manual_campaign_name': events.utm_campaign
                            }}
                        end as collected_traffic_source
                    from events
                    left join countries on upper(events.country_code) = countries.country_code
                )

                select * from shaped
        """)
        produced = {column[0] for column in con.execute("select * from ga4_export limit 0").description}
        # every column of the export schema, in its order and type (a column not produced is null)
        final_columns = ", ".join(f"cast({name if name in produced else 'null'} as {data_type}) as {name}"
                                  for name, data_type in export_columns().items())
        con.execute(f"copy (select {final_columns} from ga4_export order by event_timestamp) "
                    f"to '{target}' (format parquet)")
        rows = con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
    return {"events": rows}
