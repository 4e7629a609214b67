-- Confirmed net revenue reconciles to the cent between staging (computed here from the staging
-- columns), fct_orders, dim_customers, regional_engagement (state rows) and cohort_retention (all
-- periods, segment 'all').
with

staging as (
    select
        'staging' as source_name,
        sum({{ to_usd('subtotal_local - discount_local', 'fx_usd_per_unit') }}) as net_revenue_usd
    from {{ ref('stg_shop__orders') }}
    where is_confirmed_order
),

marts as (
    select
        'fct_orders' as source_name,
        sum(net_revenue_usd) as net_revenue_usd
    from {{ ref('fct_orders') }}
    where is_confirmed_order
    union all
    select
        'dim_customers' as source_name,
        sum(lifetime_net_revenue_usd) as net_revenue_usd
    from {{ ref('dim_customers') }}
    union all
    select
        'regional_engagement' as source_name,
        sum(net_revenue_usd) as net_revenue_usd
    from {{ ref('regional_engagement') }}
    where geo_level = 'state'
    {% for grain in ['month', 'week'] -%}
        union all
        select
            'cohort_retention_{{ grain }}' as source_name,
            sum(net_revenue_usd) as net_revenue_usd
        from {{ ref('cohort_retention') }}
        where segment_type = 'all' and cohort_grain = '{{ grain }}'
    {% endfor %}
)

select
    marts.source_name,
    marts.net_revenue_usd,
    staging.net_revenue_usd as staging_net_revenue_usd
from marts
cross join staging
where marts.net_revenue_usd <> staging.net_revenue_usd
