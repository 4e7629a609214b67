-- No e-mail, phone, name or raw id of an erased customer appears in any column of any model or
-- seed. The personal values are read from the raw files (the only place they may remain) in the
-- forms the warehouse could hold them: as entered, normalised, and hashed. Two exceptions, on
-- purpose: base_shop__erased_customers is the erasure list itself (it holds the raw ids so the
-- base models can replace them), and a full name that a customer who did not ask for erasure
-- also has is not evidence (names are not unique).
{%- set checked = built_string_columns(('model', 'seed'), exclude=['base_shop__erased_customers']) %}

with

erasure_requests as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

raw_customers as (
    select * from {{ source('shop', 'customers') }}
),

erased_raw as (
    select raw_customers.*
    from raw_customers
    inner join erasure_requests
        on {{ clean_text('raw_customers.customer_id') }} = erasure_requests.customer_id
),

names_of_others as (
    select {{ clean_text('raw_customers.full_name') }} as full_name
    from raw_customers
    left join erasure_requests
        on {{ clean_text('raw_customers.customer_id') }} = erasure_requests.customer_id
    where erasure_requests.customer_id is null
),

erased_names as (
    select {{ clean_text('full_name') }} as full_name from erased_raw
),

personal_values as (
    select {{ clean_text('email') }} as personal_value from erased_raw
    union all
    select {{ normalize_email('email') }} from erased_raw
    union all
    select {{ hash_personal_data(normalize_email('email')) }} from erased_raw
    union all
    select {{ clean_text('phone') }} from erased_raw
    union all
    select {{ normalize_phone('phone') }} from erased_raw
    union all
    select {{ hash_personal_data(normalize_phone('phone')) }} from erased_raw
    union all
    select erased_names.full_name
    from erased_names
    left join names_of_others on erased_names.full_name = names_of_others.full_name
    where names_of_others.full_name is null
    union all
    -- the raw customer id itself: erased customers are tokens everywhere
    select customer_id from erasure_requests
),

cells as (
    {% for model_name, relation, column_name in checked -%}
        select
            '{{ model_name }}' as model_name,
            '{{ column_name }}' as column_name,
            cast({{ adapter.quote(column_name) }} as {{ dbt.type_string() }}) as cell_value
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% else -%}
        select
            cast(null as {{ dbt.type_string() }}) as model_name,
            cast(null as {{ dbt.type_string() }}) as column_name,
            cast(null as {{ dbt.type_string() }}) as cell_value
    {% endfor %}
)

select
    cells.model_name,
    cells.column_name,
    personal_values.personal_value
from cells
inner join personal_values
    on cells.cell_value = personal_values.personal_value
where personal_values.personal_value is not null
