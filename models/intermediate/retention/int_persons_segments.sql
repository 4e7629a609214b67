-- Each person with a confirmed order once per segment type they fall in ('all' included): the
-- long form that lets one retention query serve every segment type (var retention_segment_types).
with

persons as (
    select * from {{ ref('int_persons_first_orders') }}
),

unioned as (
    select
        person_key,
        'all' as segment_type,
        'all' as segment_value
    from persons
    {% for segment_type in var('retention_segment_types') -%}
        union all
        select
            person_key,
            '{{ segment_type }}' as segment_type,
            cast({{ segment_type }} as {{ dbt.type_string() }}) as segment_value
        from persons
    {% endfor %}
)

select * from unioned
