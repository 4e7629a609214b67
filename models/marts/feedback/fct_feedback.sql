-- One row per survey answer or product review: NPS category, CSAT satisfaction, sentiment of the
-- comment and the method that scored it, and whether the person placed a confirmed order in the 90 days after
-- answering (null while those 90 days are not over in the data).
with

feedback as (
    select * from {{ ref('stg_shop__feedback') }}
),

sentiment as (
    select * from {{ ref('int_feedback_sentiment') }}
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

customers as (
    select
        customer_id,
        country_code,
        country_name
    from {{ ref('stg_shop__customers') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

with_person as (
    select
        feedback.*,
        persons.person_key,
        customers.country_code,
        customers.country_name
    from feedback
    inner join persons on feedback.customer_id = persons.customer_id
    inner join customers on feedback.customer_id = customers.customer_id
),

-- a semi join: each answer once, however many orders follow it (an inner join listed every
-- order of the 90 days, about seven per answer, only to collapse them again with a distinct)
reorders as (
    select with_person.feedback_id
    from with_person
    semi join orders
        on
            with_person.person_key = orders.person_key
            and with_person.submitted_ts < orders.order_ts
            and {{ dbt.dateadd('day', var('feedback_follow_up_days'), 'with_person.submitted_ts') }} >= orders.order_ts
),

final as (
    select
        -- keys
        with_person.feedback_id,
        with_person.customer_id,
        with_person.person_key,
        with_person.order_id,
        with_person.country_code,
        with_person.country_name,

        -- the answer
        with_person.survey_type,
        with_person.score,
        case
            when with_person.survey_type = 'nps' then {{ nps_category('with_person.score') }}
        end as nps_category,
        case when with_person.survey_type = 'csat' then with_person.score >= 4 end as is_csat_satisfied,
        with_person.channel as feedback_channel,
        with_person.language,
        with_person.comment is not null as has_comment,
        sentiment.sentiment_label,
        sentiment.sentiment_score,
        sentiment.sentiment_method,
        sentiment.sentiment_fit_anchor_date,

        -- when
        with_person.submitted_ts,
        with_person.submitted_date,
        cast({{ dbt.date_trunc('month', 'with_person.submitted_date') }} as date) as submitted_month,

        -- what happened next
        {{ dbt.dateadd('day', var('feedback_follow_up_days'), 'with_person.submitted_date') }}
        <= data_end.data_end_date as is_follow_up_complete,
        case
            when
                {{ dbt.dateadd('day', var('feedback_follow_up_days'), 'with_person.submitted_date') }}
                <= data_end.data_end_date
                then reorders.feedback_id is not null
        end as reordered_within_follow_up
    from with_person
    cross join data_end
    left join sentiment on with_person.feedback_id = sentiment.feedback_id
    left join reorders on with_person.feedback_id = reorders.feedback_id
)

select * from final
