{#- The rows of `relation` with the USD rate of their currency in the month of `date_expression`
    (stg_reference__fx_rates, read through the import CTE `fx_rates`): the rate, the month it was
    taken from, whether it is estimated and where it comes from, and is_known_currency (false
    when the currency has no rates at all, which rule unknown_currency rejects). The one FX
    lookup of every base model that converts amounts. -#}
{% macro with_fx_rate_of_month(relation, date_expression, fx_rates='fx_rates') -%}
    select
        {{ relation }}.*,
        {{ fx_rates }}.usd_per_unit,
        {{ fx_rates }}.source_month as fx_rate_month,
        {{ fx_rates }}.is_fx_rate_estimated,
        {{ fx_rates }}.fx_rate_source,
        {{ fx_rates }}.currency is not null as is_known_currency
    from {{ relation }}
    left join {{ fx_rates }}
        on
            {{ relation }}.currency = {{ fx_rates }}.currency
            and cast({{ dbt.date_trunc('month', date_expression) }} as date) = {{ fx_rates }}.rate_month
{%- endmacro %}
