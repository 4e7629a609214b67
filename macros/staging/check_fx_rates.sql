{#- post-hook of base_shop__orders: stops the build when more than the share
    `fx_max_estimated_share` of clean orders would be converted to USD with an estimated rate (a
    month the rates do not cover, or the seed's demo values on the retailer's own data), naming
    each currency, its months and where its rate came from; `accept_estimated_fx_rates: true`
    lets the build go on (the orders stay flagged is_fx_rate_estimated). -#}
{% macro check_fx_rates() -%}
    {%- if execute and not var('accept_estimated_fx_rates') -%}
        {%- set found = run_query(
            "select currency, fx_rate_source, count(*) as orders, min(fx_rate_month) as rate_month,"
            ~ " min(cast(" ~ dbt.date_trunc('month', 'order_ts') ~ " as date)) as first_month,"
            ~ " max(cast(" ~ dbt.date_trunc('month', 'order_ts') ~ " as date)) as last_month,"
            ~ " sum(count(*)) over () as estimated_orders,"
            ~ " (select count(*) from " ~ this ~ " where rejection_rule is null) as clean_orders"
            ~ " from " ~ this ~ " where rejection_rule is null and is_fx_rate_estimated"
            ~ " group by currency, fx_rate_source order by currency, fx_rate_source") -%}
        {%- if found.rows | length > 0 -%}
            {%- set estimated = found.rows[0]['estimated_orders'] -%}
            {%- set clean = found.rows[0]['clean_orders'] -%}
            {%- if estimated > clean * var('fx_max_estimated_share') -%}
                {%- set lines = [] -%}
                {%- for row in found.rows -%}
                    {%- do lines.append(row['currency'] ~ ": " ~ row['orders'] ~ " orders of " ~ row['first_month']
                        ~ " to " ~ row['last_month'] ~ " (" ~ row['fx_rate_source'] | replace('_', ' ') ~ ")") -%}
                {%- endfor -%}
                {{ exceptions.raise_compiler_error(
                    estimated ~ " of " ~ clean ~ " clean orders (" ~ (100.0 * estimated / clean) | round(1)
                    ~ "%, more than fx_max_estimated_share = " ~ var('fx_max_estimated_share')
                    ~ ") would be converted to USD with an estimated FX rate:\n  - " ~ lines | join("\n  - ")
                    ~ "\n'seed demo value' is an invented rate of seeds/fx_rates_monthly.csv; 'nearest month' a month "
                    ~ "the rates do not cover. Give the monthly rates of these currencies as RAW_DATA_DIR/fx_rates.parquet "
                    ~ "or .csv (columns month, currency, units_per_usd: docs/raw_contract.md), or accept estimated "
                    ~ "rates with --vars '{accept_estimated_fx_rates: true}' (the orders stay flagged is_fx_rate_estimated).") }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
