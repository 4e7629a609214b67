-- A person whose customer ids are registered in two countries or states is placed in one place by
-- every model that places or segments persons: the home of int_persons (doc block person_home).
-- Per person: the cohort segments (int_persons_first_orders, int_persons_segments), CLV
-- (customer_lifetime_value, which clv_cac_by_channel sums) and the engagement score's market
-- (int_persons_engagement_by_month, customer_engagement_monthly). Per place and month:
-- regional_engagement's new, active and engaged customers against the persons int_persons puts
-- there. One failing row per disagreement, naming the model, what differs, and both values.
{#- (model, its column, the int_persons column it must equal, the segment type if a long form) -#}
{%- set person_checks = [
    ('int_persons_first_orders', 'country', 'country_code', none),
    ('int_persons_first_orders', 'sub_region', 'sub_region', none),
    ('int_persons_first_orders', 'acquisition_channel', 'acquisition_channel', none),
    ('customer_lifetime_value', 'country_code', 'country_code', none),
    ('customer_lifetime_value', 'sub_region', 'sub_region', none),
    ('customer_lifetime_value', 'acquisition_channel', 'acquisition_channel', none),
    ('int_persons_engagement_by_month', 'country_code', 'country_code', none),
    ('customer_engagement_monthly', 'country_code', 'country_code', none),
] %}
{%- for segment_type, home_column in [('country', 'country_code'), ('sub_region', 'sub_region'),
    ('acquisition_channel', 'acquisition_channel')] if segment_type in var('retention_segment_types') %}
    {%- do person_checks.append(('int_persons_segments', 'segment_value', home_column, segment_type)) %}
{%- endfor %}
{%- set string = dbt.type_string() %}

with

homes as (
    select * from {{ ref('int_persons') }}
),

person_checks as (
    {% for model, column, home_column, segment_type in person_checks -%}
        select
            '{{ model }}' as checked_model,
            '{{ segment_type or column }}' as checked_attribute,
            placed.person_key,
            cast(placed.{{ column }} as {{ string }}) as found_value,
            cast(homes.{{ home_column }} as {{ string }}) as expected_value
        from {{ ref(model) }} as placed
        left join homes on placed.person_key = homes.person_key
        {% if segment_type %}where placed.segment_type = '{{ segment_type }}'{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

person_failures as (
    select
        checked_model,
        checked_attribute,
        person_key,
        cast(null as {{ string }}) as place,
        found_value,
        expected_value
    from person_checks
    where not coalesce(found_value = expected_value, found_value is null and expected_value is null)
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

-- what regional_engagement must show in each state and month, counted from int_persons
expected_by_place as (
    select
        homes.country_code,
        homes.state_region,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as activity_month,
        count(distinct orders.person_key) as active_customers,
        count(distinct case when orders.is_first_confirmed_order then orders.person_key end) as new_customers,
        0 as engaged_customers
    from orders
    inner join homes on orders.person_key = homes.person_key
    group by
        homes.country_code,
        homes.state_region,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date)
    union all
    select
        homes.country_code,
        homes.state_region,
        engagement.month_start as activity_month,
        0 as active_customers,
        0 as new_customers,
        count(*) as engaged_customers
    from {{ ref('int_persons_engagement_by_month') }} as engagement
    inner join homes on engagement.person_key = homes.person_key
    group by homes.country_code, homes.state_region, engagement.month_start
),

expected_places as (
    select
        country_code,
        state_region,
        activity_month,
        sum(active_customers) as active_customers,
        sum(new_customers) as new_customers,
        sum(engaged_customers) as engaged_customers
    from expected_by_place
    group by country_code, state_region, activity_month
),

regional as (
    select
        country_code,
        state_region,
        activity_month,
        active_customers,
        new_customers,
        engaged_customers
    from {{ ref('regional_engagement') }}
    where
        geo_level = 'state'
        and (active_customers > 0 or new_customers > 0 or engaged_customers > 0)
),

place_comparison as (
    select
        coalesce(regional.country_code, expected_places.country_code) as country_code,
        coalesce(regional.state_region, expected_places.state_region) as state_region,
        coalesce(regional.activity_month, expected_places.activity_month) as activity_month,
        coalesce(regional.active_customers, 0) as found_active,
        coalesce(expected_places.active_customers, 0) as expected_active,
        coalesce(regional.new_customers, 0) as found_new,
        coalesce(expected_places.new_customers, 0) as expected_new,
        coalesce(regional.engaged_customers, 0) as found_engaged,
        coalesce(expected_places.engaged_customers, 0) as expected_engaged
    from regional
    full outer join expected_places
        on
            regional.country_code = expected_places.country_code
            and regional.state_region = expected_places.state_region
            and regional.activity_month = expected_places.activity_month
),

place_failures as (
    {% for measure in ['active', 'new', 'engaged'] -%}
        select
            'regional_engagement' as checked_model,
            '{{ measure }}_customers' as checked_attribute,
            cast(null as {{ string }}) as person_key,
            {{ dbt.concat(['country_code', "' / '", 'state_region', "' / '",
                'cast(activity_month as ' ~ string ~ ')']) }} as place,
            cast(found_{{ measure }} as {{ string }}) as found_value,
            cast(expected_{{ measure }} as {{ string }}) as expected_value
        from place_comparison
        where found_{{ measure }} != expected_{{ measure }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from person_failures
union all
select * from place_failures
