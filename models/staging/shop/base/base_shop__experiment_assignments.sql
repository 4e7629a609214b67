-- Every raw row of experiment_assignments (an optional table), parsed and checked. A unit is the
-- customer when customer_id is given, else the anonymous visitor. One assignment per unit and
-- experiment: a unit seen in two variants is rejected whole (conflicting_assignment: which one
-- it saw is unknown); a unit delivered again in the same variant keeps its earliest assignment.
{% set rules = [
    ('missing_primary_key', 'experiment_id', 'experiment_id is null'),
    ('missing_visitor_id', 'customer_id', 'customer_id is null and anonymous_id is null'),
    ('missing_required_value', 'variant', 'variant is null'),
    ('missing_required_value', 'assigned_ts', is_blank('raw__assigned_ts')),
    ('unparseable_timestamp', 'assigned_ts', did_not_parse('raw__assigned_ts', 'assigned_ts')),
    ('future_timestamp', 'assigned_ts', 'assigned_ts > ' ~ now_utc()),
    ('timestamp_before_lower_bound', 'assigned_ts', is_before_lower_bound('assigned_ts', 'experiment_assignments')),
    ('unknown_experiment', 'experiment_id', 'not is_known_experiment'),
    ('unknown_enum_value', 'variant', 'not is_known_variant'),
    ('unknown_customer', 'customer_id', 'customer_id is not null and not is_known_customer'),
    ('conflicting_assignment', 'variant', 'first_variant_of_unit <> last_variant_of_unit'),
    ('duplicate_key_superseded', 'experiment_id', 'version_rank > 1'),
] -%}

with

source as (
    select * from {{ contract_source('experiment_assignments') }}
),

erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

customers as (
    select customer_id from {{ ref('base_shop__customers') }}
    where rejection_rule is null
),

experiments as (
    select experiment_id from {{ ref('experiments') }}
),

experiment_variants as (
    select
        experiment_id,
        variant
    from {{ ref('experiment_variants') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('experiment_assignments') }},
        erased_customers.customer_id is not null as is_erased_customer,

        -- ids
        {{ clean_text('source.experiment_id') }} as experiment_id,
        {{ clean_text('source.variant') }} as variant,
        {{ pseudonymous_customer_id(clean_text('source.customer_id'), 'erased_customers.customer_id is not null') }}
            as customer_id,
        {{ clean_text('source.anonymous_id') }} as anonymous_id,

        -- timestamps
        {{ parse_timestamp_utc('source.assigned_ts') }} as assigned_ts
    from source
    left join erased_customers
        on {{ clean_text('source.customer_id') }} = erased_customers.customer_id
),

keyed as (
    select
        *,
        case
            when customer_id is not null then customer_id
            when anonymous_id is not null then {{ dbt.concat(["'anonymous:'", 'anonymous_id']) }}
        end as unit_id
    from parsed
),

checked as (
    select
        keyed.*,
        experiments.experiment_id is not null as is_known_experiment,
        experiment_variants.variant is not null as is_known_variant,
        customers.customer_id is not null as is_known_customer,
        -- the variants a unit was delivered in, over every row of it that names one: two
        -- different ones are a conflict (min and max, as Spark has no distinct window count)
        min(keyed.variant) over (partition by keyed.experiment_id, keyed.unit_id) as first_variant_of_unit,
        max(keyed.variant) over (partition by keyed.experiment_id, keyed.unit_id) as last_variant_of_unit,
        row_number() over (
            partition by keyed.experiment_id, keyed.unit_id
            order by keyed.assigned_ts nulls last, {{ version_order('experiment_assignments', none) }}
        ) as version_rank
    from keyed
    left join experiments on keyed.experiment_id = experiments.experiment_id
    left join experiment_variants
        on
            keyed.experiment_id = experiment_variants.experiment_id
            and keyed.variant = experiment_variants.variant
    left join customers on keyed.customer_id = customers.customer_id
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        experiment_id,
        variant,
        customer_id,
        anonymous_id,
        unit_id,
        assigned_ts,
        rejection_rule,
        rejected_column,
        case
            when experiment_id is not null and unit_id is not null
                then {{ dbt.concat(["experiment_id", "'|'", "unit_id"]) }}
        end as record_key,
        case
            when rejection_rule is not null
                then {{ raw_record_json('experiment_assignments', {'customer_id': 'customer_id'}) }}
        end as raw_record
    from named
)

select * from final
