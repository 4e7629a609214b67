{#- int_persons_rfm's select (doc block rfm) as of an observation end: per person with a purchase
    period by then, the rfm_summary with the end and the time unit. int_persons_rfm (as of the
    observation end) and int_persons_rfm_at_fit_anchor (as of its anchor on the refit schedule)
    use it, so RFM is computed one way. -#}
{% macro persons_rfm(purchase_periods, observation_end) -%}
    select
        person_key,
        first_purchase_period,
        last_purchase_period,
        {{ observation_end }} as observation_end_date,
        '{{ var("clv_time_unit") }}' as time_unit,
        frequency,
        recency,
        customer_age,
        monetary_value,
        net_revenue_usd
    from (
        {{ rfm_summary(purchase_periods, observation_end) }}
    ) as summary
{%- endmacro %}
