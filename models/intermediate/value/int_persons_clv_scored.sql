-- int_persons_clv_scored on Spark. dbt-spark cannot run the Python model int_persons_clv_scored.py in session
-- mode, so on the spark target that model is disabled and this one, enabled only there, reads the
-- table that the Spark fitting job wrote with the same fitting code
-- (engagement_warehouse/spark/fits.py, run by `engagement-warehouse spark-build` between the two
-- halves of the build). The depends_on lines keep the Python model's lineage: the job reads them.
{{ config(enabled=target.type == 'spark') }}
-- depends_on: {{ ref('customer_rfm') }}
-- depends_on: {{ ref('clv_model_params') }}

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
