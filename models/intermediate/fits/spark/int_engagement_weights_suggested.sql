-- int_engagement_weights_suggested on Spark: the table engagement_warehouse/spark/fits.py wrote with
-- the code of ../python/int_engagement_weights_suggested.py (why: ../_fits__models.yml). The
-- depends_on lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_signals_by_quarter') }}
-- depends_on: {{ ref('engagement_score_weights') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_engagement_weights_suggested') }}
),

final as (
    select
        cast(country_code as string) as country_code,
        cast(signal_name as string) as signal_name,
        cast(model_scope as string) as model_scope,
        cast(model_status as string) as model_status,
        cast(training_person_quarters as bigint) as training_person_quarters,
        cast(configured_weight as double) as configured_weight,
        cast(fitted_coefficient as double) as fitted_coefficient,
        cast(weight_scale_factor as double) as weight_scale_factor,
        cast(suggested_weight as double) as suggested_weight
    from fitted
)

select * from final
