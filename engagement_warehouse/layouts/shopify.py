"""The orders area in the layout of Fivetran's Shopify connector (models/staging/shopify/).

Every contract value the marts use goes where a Shopify store keeps it, so that the adapter reads
back the same staging tables (python_tests/test_adapter_shopify.py checks it):
- status: financial_status / fulfillment_status / cancelled_at, a fulfillment with the carrier's
  shipment_status for shipped and delivered orders, a refund with its lines for refunded and
  returned ones (restock_type return for returned);
- payment method: the gateway of the order's one sale transaction (successful once paid; for cash
  on delivery processed when the courier confirmed, which gives cod_confirmed_ts);
- instalments and loyalty points: order note attributes; coupon: order_discount_code;
- acquisition channel, loyalty membership and referrer: customer tags; country, region and city:
  the customer's default address; material, collection and USD list price: product tags.
The contract's ids are kept as they are (text ids where Shopify has numbers), so the two routes
can be compared row for row. Written with DuckDB SQL, no row loops.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

AREA = "orders"

# contract value -> what Shopify writes (the value_mappings seed maps these back)
GATEWAYS = {"credit_card": "shopify_payments", "wallet": "mercado_pago", "cash_on_delivery": "Cash on Delivery (COD)"}
SOURCE_NAMES = {"store": "pos", "app": "iphone"}
PAID_STATUSES = ("paid", "shipped", "delivered", "returned", "refunded")


def _case(column: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"when '{key}' then '{value}'" for key, value in mapping.items())
    return f"case {column} {whens} else {column} end"


def _statements() -> dict[str, str]:
    paid = ", ".join(f"'{status}'" for status in PAID_STATUSES)
    return {
        "customer": """
            select
                customer_id as id,
                email,
                phone,
                nullif(split_part(full_name, ' ', 1), '') as first_name,
                nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '') as last_name,
                signup_ts as created_at,
                updated_at,
                marketing_opt_in as accepts_marketing,
                case when marketing_opt_in then 'subscribed' else 'not_subscribed' end
                    as email_marketing_consent_state,
                'A' || customer_id as default_address_id,
                'enabled' as state
            from contract.customers""",
        "customer_address": """
            select
                'A' || customer_id as id,
                customer_id,
                cast(null as varchar) as phone,
                city,
                state_region as province,
                country_code,
                true as is_default
            from contract.customers""",
        "customer_tag": """
            select customer_id, row_number() over (partition by customer_id order by kind) as index, value
            from (
                select customer_id, 1 as kind, 'acquisition:' || acquisition_channel as value
                from contract.customers where acquisition_channel is not null
                union all
                select customer_id, 2, 'loyalty_joined:' || cast(loyalty_joined_ts as varchar)
                from contract.customers where loyalty_joined_ts is not null
                union all
                select customer_id, 3, 'referred_by:' || referred_by_customer_id
                from contract.customers where referred_by_customer_id is not null
            )""",
        "product": """
            select
                product_id as id,
                product_name as title,
                category as product_type,
                cast(null as varchar) as vendor,
                launched_at as created_at,
                launched_at as published_at,
                launched_at as updated_at
            from contract.products""",
        "product_variant": """
            select 'V' || product_id as id, product_id, sku, 1 as position, list_price_usd as price
            from contract.products""",
        "product_tag": """
            select product_id, row_number() over (partition by product_id order by kind) as index, value
            from (
                select product_id, 1 as kind, 'material:' || material as value
                from contract.products where material is not null
                union all
                select product_id, 2, 'collection:' || collection
                from contract.products where collection is not null
                union all
                select product_id, 3, 'list_price_usd:' || cast(list_price_usd as varchar)
                from contract.products where list_price_usd is not null
            )""",
        "order": f"""
            select
                order_id as id,
                customer_id,
                order_ts as created_at,
                order_ts as processed_at,
                updated_at,
                case when status = 'cancelled' then updated_at end as cancelled_at,
                case
                    when status = 'cancelled' then 'voided'
                    when status in ('returned', 'refunded') then 'refunded'
                    when status in ({paid}) then 'paid'
                    else 'pending'
                end as financial_status,
                case
                    -- a point-of-sale order fulfilled in full is handed over at the counter
                    -- (delivered): a store order only shipped is partially fulfilled
                    when status = 'shipped' and channel = 'store' then 'partial'
                    when status in ('shipped', 'delivered', 'returned') then 'fulfilled'
                end as fulfillment_status,
                currency,
                currency as presentment_currency,
                subtotal as total_line_items_price,
                subtotal - coalesce(discount_amount, 0) as subtotal_price,
                discount_amount as total_discounts,
                tax_amount as total_tax,
                total_amount as total_price,
                case when shipping_amount is not null then
                    '{{"shop_money": {{"amount": "' || cast(shipping_amount as varchar) || '", "currency_code": "'
                    || currency || '"}}, "presentment_money": {{"amount": "' || cast(shipping_amount as varchar)
                    || '", "currency_code": "' || currency || '"}}}}'
                end as total_shipping_price_set,
                false as taxes_included,
                {_case('channel', SOURCE_NAMES)} as source_name,
                false as test
            from contract.orders""",
        "order_line": """
            select
                order_item_id as id,
                order_id,
                product_id,
                'V' || product_id as variant_id,
                quantity,
                unit_price as price,
                discount_amount as total_discount
            from contract.order_items""",
        "order_note_attribute": """
            select order_id, 'installments' as name, cast(installments as varchar) as value
            from contract.orders where installments is not null and installments <> 1
            union all
            select order_id, 'loyalty_points_redeemed', cast(loyalty_points_redeemed as varchar)
            from contract.orders where coalesce(loyalty_points_redeemed, 0) <> 0""",
        "order_discount_code": """
            select order_id, 1 as index, coupon_code as code
            from contract.orders where coupon_code is not null""",
        "transaction": f"""
            select
                'T' || order_id as id,
                order_id,
                'sale' as kind,
                case
                    when payment_method = 'cash_on_delivery'
                        then case when cod_confirmed_ts is not null then 'success' else 'pending' end
                    when status in ({paid}) then 'success'
                    else 'pending'
                end as status,
                {_case('payment_method', GATEWAYS)} as gateway,
                total_amount as amount,
                currency,
                order_ts as created_at,
                case
                    when payment_method = 'cash_on_delivery' then cod_confirmed_ts
                    when status in ({paid}) then order_ts
                end as processed_at
            from contract.orders
            where payment_method is not null""",
        "fulfillment": """
            select
                'F' || order_id as id,
                order_id,
                'success' as status,
                case when status = 'shipped' then 'in_transit' else 'delivered' end as shipment_status,
                order_ts as created_at,
                updated_at
            from contract.orders
            where status in ('shipped', 'delivered', 'returned')""",
        "refund": """
            select 'R' || order_id as id, order_id, updated_at as created_at, updated_at as processed_at
            from contract.orders
            where status in ('returned', 'refunded')""",
        "order_line_refund": """
            select
                'R' || items.order_item_id as id,
                'R' || items.order_id as refund_id,
                items.order_item_id as order_line_id,
                items.quantity,
                case when orders.status = 'returned' then 'return' else 'no_restock' end as restock_type,
                items.unit_price * items.quantity - coalesce(items.discount_amount, 0) as subtotal
            from contract.order_items as items
            inner join contract.orders as orders on items.order_id = orders.order_id
            where orders.status in ('returned', 'refunded')""",
    }


def write(contract_dir: Path, out_dir: Path) -> dict[str, int]:
    """Writes the orders area of the contract files in contract_dir as Shopify tables (Parquet)
    into out_dir; returns the rows written per Shopify table."""
    contract_dir, out_dir = Path(contract_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute("create schema contract")
        for table in ("customers", "orders", "order_items", "products"):
            path = contract_dir / f"{table}.parquet"
            if not path.exists():
                raise FileNotFoundError(f"the Shopify layout reads the contract file {path}, which is missing")
            con.execute(f"create view contract.{table} as select * from read_parquet('{path}')")
        payments = contract_dir / "order_payments.parquet"
        if payments.exists() and con.execute(f"select count(*) from read_parquet('{payments}')").fetchone()[0]:
            # one sale transaction per order is written; several payments would need several
            raise ValueError(f"the Shopify layout does not write the contract's order_payments ({payments})")
        for table, query in _statements().items():
            target = out_dir / f"{table}.parquet"
            con.execute(f"copy ({query}) to '{target}' (format parquet)")
            written[table] = con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
    return written
