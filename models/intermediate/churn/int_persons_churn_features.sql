-- The churn model's features (doc block churn_features): one row per snapshot of
-- int_churn_snapshots and person with a confirmed order by it, from data timestamped at or before
-- the snapshot only; is_active marks the persons the model scores (a confirmed order in the
-- churn_active_days up to the snapshot). The BG/NBD baseline is fitted on every row of a snapshot.
{%- set signals = ['sessions', 'product_views', 'wishlist_adds', 'whatsapp_messages', 'social_shares',
    'email_clicks', 'referrals'] %}
{%- set recent_days = var('churn_trend_recent_days') %}
{%- set prior_days = var('churn_trend_prior_days') %}

with

snapshots as (
    select * from {{ ref('int_churn_snapshots') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

customer_persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

signal_days as (
    select * from {{ ref('int_persons_signals_by_day') }}
),

engagement_months as (
    select * from {{ ref('int_persons_engagement_by_month') }}
),

feedback as (
    select * from {{ ref('stg_shop__feedback') }}
),

sentiment as (
    select * from {{ ref('int_feedback_sentiment') }}
),

-- erased persons are not scored: none of their data feeds the model
erased_persons as (
    select distinct customer_persons.person_key
    from customer_persons
    inner join customers on customer_persons.customer_id = customers.customer_id
    where customers.is_erased
),

-- an order is a purchase at the snapshot when it was placed by then and is confirmed; a cash-on-
-- delivery order only once its cash was collected by then (doc block churn_features)
purchases as (
    select
        snapshots.snapshot_date,
        orders.person_key,
        orders.order_date,
        orders.net_revenue_usd
    from snapshots
    inner join orders
        on
            snapshots.snapshot_date >= orders.order_date
            and orders.is_confirmed_order
            and (
                not orders.is_cash_on_delivery
                or cast(orders.cod_confirmed_ts as date) <= snapshots.snapshot_date
            )
),

rfm as (
    select
        snapshot_date,
        person_key,
        cast(count(distinct order_date) - 1 as {{ dbt.type_int() }}) as frequency,
        cast(count(*) as {{ dbt.type_int() }}) as confirmed_orders,
        max(order_date) as last_order_date,
        {{ dbt.datediff('max(order_date)', 'snapshot_date', 'day') }}
            as recency_days,
        {{ dbt.datediff('min(order_date)', 'snapshot_date', 'day') }}
            as tenure_days,
        cast(avg(net_revenue_usd) as double) as monetary_usd
    from purchases
    group by snapshot_date, person_key
),

-- every order placed by the snapshot, whatever its status, for how the person pays
payments as (
    select
        snapshots.snapshot_date,
        orders.person_key,
        avg(case when orders.is_cash_based_payment then 1.0 else 0.0 end) as cash_based_share,
        avg(case when orders.is_installment_order then 1.0 else 0.0 end) as installment_share,
        max(
            case
                when
                    orders.is_cash_on_delivery
                    and orders.order_date
                    > cast({{ dbt.dateadd('day', -1 * recent_days, 'snapshots.snapshot_date') }} as date)
                    and (
                        orders.cod_confirmed_ts is null
                        or cast(orders.cod_confirmed_ts as date) > snapshots.snapshot_date
                    )
                    then 1
                else 0
            end
        ) = 1 as has_unconfirmed_cod_order
    from snapshots
    inner join orders on snapshots.snapshot_date >= orders.order_date
    group by snapshots.snapshot_date, orders.person_key
),

-- the daily counts of int_persons_signals_by_day (the events' local day, resolved to persons as
-- here, sessions counted at their start): a snapshot's window sums the days in it instead of
-- joining every event to every snapshot
windowed_signal_days as (
    select
        snapshots.snapshot_date,
        signal_days.person_key,
        signal_days.signal_name,
        signal_days.signal_count,
        signal_days.activity_date > cast({{ dbt.dateadd('day', -1 * recent_days, 'snapshots.snapshot_date') }} as date)
            as is_recent
    from snapshots
    inner join signal_days
        on
            snapshots.snapshot_date >= signal_days.activity_date
            and signal_days.activity_date
            > cast({{ dbt.dateadd('day', -1 * (recent_days + prior_days), 'snapshots.snapshot_date') }} as date)
            and signal_days.signal_name in (
                {%- for signal in signals %}
                    '{{ signal }}'{% if not loop.last %},{% endif %}
                {%- endfor %}
            )
),

signal_windows as (
    select
        snapshot_date,
        person_key,
        {%- for signal in signals %}
            sum(case when is_recent and signal_name = '{{ signal }}' then signal_count else 0 end)
                as {{ signal }}_recent,
            sum(case when not is_recent and signal_name = '{{ signal }}' then signal_count else 0 end)
                as {{ signal }}_prior{% if not loop.last %},{% endif %}
        {%- endfor %}
    from windowed_signal_days
    group by snapshot_date, person_key
),

-- the engagement score of int_persons_engagement_by_month: the last calendar month that ended by
-- the snapshot, against the mean of the three months before it (a month without a row scores 0)
score_months as (
    select
        snapshot_date,
        cast({{ dbt.dateadd('month', -1, dbt.date_trunc('month', dbt.dateadd('day', 1, 'snapshot_date'))) }} as date)
            as last_month_start
    from snapshots
),

-- summed as decimals: a sum of doubles depends on the order DuckDB's threads add them in, and an
-- incremental run must give the full refresh's features to the last bit (test_incremental)
engagement_scores as (
    select
        score_months.snapshot_date,
        engagement_months.person_key,
        sum(
            case
                when engagement_months.month_start = score_months.last_month_start
                    then cast(engagement_months.engagement_score as {{ dbt.type_numeric() }})
                else 0
            end
        ) as engagement_score,
        sum(
            case
                when engagement_months.month_start < score_months.last_month_start
                    then cast(engagement_months.engagement_score as {{ dbt.type_numeric() }})
                else 0
            end
        ) / 3.0 as engagement_score_before
    from score_months
    inner join engagement_months
        on
            score_months.last_month_start >= engagement_months.month_start
            and engagement_months.month_start
            >= cast({{ dbt.dateadd('month', -3, 'score_months.last_month_start') }} as date)
    group by score_months.snapshot_date, engagement_months.person_key
),

answers as (
    select
        snapshots.snapshot_date,
        customer_persons.person_key,
        feedback.survey_type,
        feedback.score,
        sentiment.sentiment_label,
        feedback.submitted_date
        > cast({{ dbt.dateadd('day', -1 * var('churn_comment_recent_days'), 'snapshots.snapshot_date') }} as date)
            as is_recent,
        row_number() over (
            partition by snapshots.snapshot_date, customer_persons.person_key, feedback.survey_type
            order by feedback.submitted_ts desc, feedback.feedback_id desc
        ) as answer_recency_rank
    from snapshots
    inner join feedback on snapshots.snapshot_date >= feedback.submitted_date
    inner join customer_persons on feedback.customer_id = customer_persons.customer_id
    left join sentiment on feedback.feedback_id = sentiment.feedback_id
),

feedback_features as (
    select
        snapshot_date,
        person_key,
        max(case when survey_type = 'nps' and answer_recency_rank = 1 then score end) as latest_nps,
        max(case when survey_type = 'csat' and answer_recency_rank = 1 then score end) as latest_csat,
        avg(case
            when is_recent and sentiment_label is not null
                then (case when sentiment_label = 'negative' then 1.0 else 0.0 end)
        end) as negative_comment_share,
        avg(case
            when not is_recent and sentiment_label is not null
                then (case when sentiment_label = 'negative' then 1.0 else 0.0 end)
        end) as negative_comment_share_before
    from answers
    group by snapshot_date, person_key
),

loyalty as (
    select
        snapshots.snapshot_date,
        customer_persons.person_key
    from snapshots
    inner join customers on snapshots.snapshot_date >= customers.loyalty_joined_date
    inner join customer_persons on customers.customer_id = customer_persons.customer_id
    group by snapshots.snapshot_date, customer_persons.person_key
),

final as (
    select
        snapshots.snapshot_role,
        rfm.snapshot_date,
        rfm.person_key,
        rfm.last_order_date
        > cast({{ dbt.dateadd('day', -1 * var('churn_active_days'), 'rfm.snapshot_date') }} as date) as is_active,
        coalesce(persons.country_code, 'unknown') as country_code,
        coalesce(persons.acquisition_channel, 'unknown') as acquisition_channel,
        loyalty.person_key is not null as is_loyalty_member,
        rfm.frequency,
        rfm.confirmed_orders,
        rfm.recency_days,
        rfm.tenure_days,
        rfm.monetary_usd,
        {%- for signal in signals %}
            {%- set name = 'referrals_sent' if signal == 'referrals' else signal %}
            cast(coalesce(signal_windows.{{ signal }}_recent, 0) as {{ dbt.type_int() }}) as {{ name }}_recent,
            cast(coalesce(signal_windows.{{ signal }}_prior, 0) as {{ dbt.type_int() }}) as {{ name }}_prior,
            -- log of (recent + 1) over (prior per recent-length window + 1): 0 when steady, negative on a drop
            ln(
                (coalesce(signal_windows.{{ signal }}_recent, 0) + 1.0)
                / (coalesce(signal_windows.{{ signal }}_prior, 0) * {{ recent_days }} / {{ prior_days }} + 1.0)
            ) as {{ name }}_trend,
        {%- endfor %}
        cast(
            coalesce(signal_windows.referrals_recent, 0) + coalesce(signal_windows.referrals_prior, 0)
            as {{ dbt.type_int() }}
        ) as referrals_sent,
        cast(coalesce(engagement_scores.engagement_score, 0) as double) as engagement_score,
        cast(
            coalesce(engagement_scores.engagement_score, 0) - coalesce(engagement_scores.engagement_score_before, 0)
            as double
        ) as engagement_score_change,
        cast(feedback_features.latest_nps as double) as latest_nps,
        cast(feedback_features.latest_csat as double) as latest_csat,
        coalesce({{ nps_category('feedback_features.latest_nps') }} = 'detractor', false) as is_detractor,
        cast(feedback_features.negative_comment_share as double) as negative_comment_share,
        cast(
            feedback_features.negative_comment_share - feedback_features.negative_comment_share_before as double
        ) as negative_comment_share_change,
        cast(coalesce(payments.cash_based_share, 0) as double) as cash_based_share,
        cast(coalesce(payments.installment_share, 0) as double) as installment_share,
        coalesce(payments.has_unconfirmed_cod_order, false) as has_unconfirmed_cod_order
    from rfm
    inner join snapshots on rfm.snapshot_date = snapshots.snapshot_date
    left join persons on rfm.person_key = persons.person_key
    left join signal_windows
        on rfm.snapshot_date = signal_windows.snapshot_date and rfm.person_key = signal_windows.person_key
    left join engagement_scores
        on rfm.snapshot_date = engagement_scores.snapshot_date and rfm.person_key = engagement_scores.person_key
    left join feedback_features
        on rfm.snapshot_date = feedback_features.snapshot_date and rfm.person_key = feedback_features.person_key
    left join payments
        on rfm.snapshot_date = payments.snapshot_date and rfm.person_key = payments.person_key
    left join loyalty
        on rfm.snapshot_date = loyalty.snapshot_date and rfm.person_key = loyalty.person_key
    where rfm.person_key not in (select erased_persons.person_key from erased_persons)
)

select * from final
