-- int_persons_clv_scored on Spark: the table engagement_warehouse/spark/fits.py wrote with the
-- code of ../python/int_persons_clv_scored.py (why: ../_fits__models.yml). The depends_on lines
-- keep that model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_rfm') }}
-- depends_on: {{ ref('int_clv_model_params_fitted') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_persons_clv_scored') }}
),

final as (
    select
        cast(person_key as string) as person_key,
        cast(probability_alive as double) as probability_alive,
        cast(expected_purchases_90d as double) as expected_purchases_90d,
        cast(expected_purchases_365d as double) as expected_purchases_365d,
        cast(expected_average_value_usd as double) as expected_average_value_usd,
        cast(predicted_clv_12m_usd as double) as predicted_clv_12m_usd
    from fitted
)

select * from final
