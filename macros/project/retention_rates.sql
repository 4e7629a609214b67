{#- The retention counts and rates of cohort_retention and retention_curves, written once: each
    rate over the customers it is measured on (doc blocks retention_rate, unbounded_retention_rate,
    rolling_retention_rate, engaged_in_period). `customers` is the column of cohort customers. -#}
{% macro retention_rates(customers) -%}
    cast(active_customers as {{ dbt.type_bigint() }}) as active_customers,
    cast(active_customers as double) / {{ customers }} as retention_rate,
    cast(unbounded_active_customers as {{ dbt.type_bigint() }}) as unbounded_active_customers,
    cast(unbounded_active_customers as double) / {{ customers }} as unbounded_retention_rate,
    cast(rolling_eligible_customers as {{ dbt.type_bigint() }}) as rolling_eligible_customers,
    cast(rolling_active_customers as {{ dbt.type_bigint() }}) as rolling_active_customers,
    cast(rolling_active_customers as double) / nullif(rolling_eligible_customers, 0) as rolling_retention_rate,
    cast(engaged_customers as {{ dbt.type_bigint() }}) as engaged_customers,
    cast(engaged_customers as double) / {{ customers }} as engagement_retention_rate
{%- endmacro %}
