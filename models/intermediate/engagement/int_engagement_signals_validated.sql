-- The signal validation's statistics (doc block signal_validation): per engagement signal (and
-- the score itself), country, area type (and 'all' areas) and period (each calendar quarter, and
-- 'all' quarters pooled, which the weight suggestions read), the base population with and without
-- the signal in the quarter, each group's next-quarter retention, the lift (difference) with its
-- interval, and the AUC of the signal's count alone for next-quarter retention. The flags compare
-- a quarter with the earlier quarters of the same signal, market and area. The lift's standard
-- error treats each person as a cluster (macro clustered_variance_of_mean): in a quarter a person
-- is one row and it is Welch's, as the experiments'; pooled over quarters a person's quarters are
-- not independent, and a person with the signal in some quarters and not in others makes the two
-- groups' means covary, which the standard error subtracts.
{%- set signals = engagement_score_signals() + ['engagement_score'] %}
{%- set z = interval_z() %}
{%- set min_persons = var('signal_validation_min_group_persons') %}

with

person_quarters as (
    select * from {{ ref('int_persons_signals_by_quarter') }}
),

person_signals as (
    -- one row per person, quarter and signal: the count (the score for engagement_score)
    {% for signal in signals -%}
        select
            person_key,
            quarter_start,
            country_code,
            area_type,
            '{{ signal }}' as signal_name,
            cast({{ signal }} as double) as signal_value,
            is_retained_next_quarter
        from person_quarters
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

grouped as (
    -- each row in its own area and in 'all', its own quarter and in 'all' quarters
    {% for area in ['area_type', "'all'"] -%}
        {%- for period in [("'quarter'", 'quarter_start'), ("'all'", 'cast(null as date)')] -%}
            select
                person_key,
                signal_name,
                country_code,
                {{ area }} as area_type,
                {{ period[0] }} as period_type,
                {{ period[1] }} as quarter_start,
                signal_value,
                is_retained_next_quarter
            from person_signals
            {% if not loop.last %}union all{% endif %}
        {% endfor -%}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- pooled quarters, per group and person (a cluster): the person's rows (quarters) and retained
-- rows with the signal and without it
person_clusters as (
    {% for area in ['area_type', "'all'"] -%}
        select
            signal_name,
            country_code,
            {{ area }} as area_type,
            person_key,
            sum(case when signal_value > 0 then 1 else 0 end) as rows_with,
            sum(case when signal_value > 0 and is_retained_next_quarter then 1 else 0 end) as retained_with,
            sum(case when signal_value > 0 then 0 else 1 end) as rows_without,
            sum(case when signal_value > 0 or not is_retained_next_quarter then 0 else 1 end) as retained_without
        from person_signals
        group by signal_name, country_code, {{ area }}, person_key
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- the sums over clusters the clustered variances and the groups' covariance need, pooled quarters
pooled_cluster_sums as (
    select
        signal_name,
        country_code,
        area_type,
        'all' as period_type,
        cast(null as date) as quarter_start,
        {%- for side in ['with', 'without'] %}
            sum(case when rows_{{ side }} > 0 then 1 else 0 end) as clusters_{{ side }},
            sum(retained_{{ side }} * retained_{{ side }}) as sum_yy_{{ side }},
            sum(retained_{{ side }} * rows_{{ side }}) as sum_yn_{{ side }},
            sum(rows_{{ side }} * rows_{{ side }}) as sum_nn_{{ side }},
        {%- endfor %}
        sum(retained_with * retained_without) as sum_y_with_y_without,
        sum(retained_with * rows_without) as sum_y_with_n_without,
        sum(rows_with * retained_without) as sum_n_with_y_without,
        sum(rows_with * rows_without) as sum_n_with_n_without
    from person_clusters
    group by signal_name, country_code, area_type
),

values_counted as (
    -- per group and signal value: persons retained and not (the AUC's tied blocks)
    select
        signal_name,
        country_code,
        area_type,
        period_type,
        quarter_start,
        signal_value,
        sum(case when is_retained_next_quarter then 1 else 0 end) as retained_persons,
        sum(case when is_retained_next_quarter then 0 else 1 end) as lost_persons
    from grouped
    group by signal_name, country_code, area_type, period_type, quarter_start, signal_value
),

values_ranked as (
    -- Mann-Whitney: a retained person beats every lost person with a lower value, ties count half
    select
        *,
        coalesce(sum(lost_persons) over (
            partition by signal_name, country_code, area_type, period_type, quarter_start
            order by signal_value
            rows between unbounded preceding and 1 preceding
        ), 0) as lost_persons_below
    from values_counted
),

groups as (
    select
        signal_name,
        country_code,
        area_type,
        period_type,
        quarter_start,
        sum(retained_persons + lost_persons) as base_persons,
        sum(case when signal_value > 0 then retained_persons + lost_persons else 0 end) as persons_with_signal,
        sum(case when signal_value > 0 then retained_persons else 0 end) as retained_with_signal,
        sum(case when signal_value > 0 then 0 else retained_persons + lost_persons end) as persons_without_signal,
        sum(case when signal_value > 0 then 0 else retained_persons end) as retained_without_signal,
        sum(retained_persons) as retained_persons,
        sum(lost_persons) as lost_persons,
        sum(retained_persons * (lost_persons_below + 0.5 * lost_persons)) as retained_wins
    from values_ranked
    group by signal_name, country_code, area_type, period_type, quarter_start
),

rates as (
    select
        *,
        case
            when persons_with_signal > 0
                then cast(retained_with_signal as double) / persons_with_signal
        end as retention_rate_with_signal,
        case
            when persons_without_signal > 0
                then cast(retained_without_signal as double) / persons_without_signal
        end as retention_rate_without_signal,
        case
            when retained_persons > 0 and lost_persons > 0
                then retained_wins / (cast(retained_persons as double) * lost_persons)
        end as retention_auc
    from groups
),

-- in one quarter a person is one row (int_persons_signals_by_quarter's key) and in one of the two
-- groups, so the same sums are the groups' counts (a 0/1 retention is its own square) and the
-- cross sums are 0: the clustered variance is then Welch's, without a pass per person
cluster_sums as (
    select * from pooled_cluster_sums
    union all
    select
        signal_name,
        country_code,
        area_type,
        period_type,
        quarter_start,
        {%- for side in ['with', 'without'] %}
            persons_{{ side }}_signal as clusters_{{ side }},
            retained_{{ side }}_signal as sum_yy_{{ side }},
            retained_{{ side }}_signal as sum_yn_{{ side }},
            persons_{{ side }}_signal as sum_nn_{{ side }},
        {%- endfor %}
        0 as sum_y_with_y_without,
        0 as sum_y_with_n_without,
        0 as sum_n_with_y_without,
        0 as sum_n_with_n_without
    from groups
    where period_type = 'quarter'
),

-- the variance of each group's mean over its person clusters, and their covariance through the
-- persons in both groups (pooled quarters only): sum over persons of the two groups' residuals,
-- (y_with - p_with n_with)(y_without - p_without n_without) / (n_with n_without), with the two
-- groups' small-sample factors (their geometric mean)
variances as (
    select
        rates.*,
        {{ clustered_variance_of_mean('rates.retention_rate_with_signal', 'rates.persons_with_signal',
            'cluster_sums.clusters_with', 'cluster_sums.sum_yy_with', 'cluster_sums.sum_yn_with',
            'cluster_sums.sum_nn_with') }} as variance_of_rate_with_signal,
        {{ clustered_variance_of_mean('rates.retention_rate_without_signal', 'rates.persons_without_signal',
            'cluster_sums.clusters_without', 'cluster_sums.sum_yy_without', 'cluster_sums.sum_yn_without',
            'cluster_sums.sum_nn_without') }} as variance_of_rate_without_signal,
        sqrt(
            {{ cluster_small_sample_factor('cluster_sums.clusters_with') }}
            * {{ cluster_small_sample_factor('cluster_sums.clusters_without') }}
        )
        * (
            cluster_sums.sum_y_with_y_without
            - rates.retention_rate_without_signal * cluster_sums.sum_y_with_n_without
            - rates.retention_rate_with_signal * cluster_sums.sum_n_with_y_without
            + rates.retention_rate_with_signal * rates.retention_rate_without_signal
            * cluster_sums.sum_n_with_n_without
        )
        / nullif(cast(rates.persons_with_signal as double) * rates.persons_without_signal, 0)
            as covariance_of_rates
    from rates
    inner join cluster_sums
        on
            rates.signal_name = cluster_sums.signal_name
            and rates.country_code = cluster_sums.country_code
            and rates.area_type = cluster_sums.area_type
            and rates.period_type = cluster_sums.period_type
            and rates.quarter_start is not distinct from cluster_sums.quarter_start
),

lifts as (
    select
        *,
        retention_rate_with_signal - retention_rate_without_signal as retention_lift,
        {{ difference_standard_error('variance_of_rate_with_signal', 'variance_of_rate_without_signal',
            'coalesce(covariance_of_rates, 0)') }} as retention_lift_standard_error,
        case
            when persons_with_signal < {{ min_persons }} or persons_without_signal < {{ min_persons }}
                then 'too_few_persons'
            else 'ok'
        end as validation_status
    from variances
),

bounded as (
    select
        *,
        retention_lift - {{ z }} * retention_lift_standard_error as retention_lift_lower,
        retention_lift + {{ z }} * retention_lift_standard_error as retention_lift_upper
    from lifts
),

signed as (
    select
        *,
        case
            when validation_status != 'ok' then null
            when retention_lift_lower > 0 then 1
            when retention_lift_upper < 0 then -1
            else 0
        end as lift_sign
    from bounded
),

compared as (
    -- earlier quarters of the same signal, market and area with a lift of each sign
    select
        *,
        coalesce(sum(case when lift_sign = 1 then 1 else 0 end) over (
            partition by signal_name, country_code, area_type, period_type
            order by quarter_start
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_positive_quarters,
        coalesce(sum(case when lift_sign = -1 then 1 else 0 end) over (
            partition by signal_name, country_code, area_type, period_type
            order by quarter_start
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_negative_quarters
    from signed
),

final as (
    select
        signal_name,
        country_code,
        area_type,
        period_type,
        quarter_start,
        cast(base_persons as {{ dbt.type_bigint() }}) as base_persons,
        cast(persons_with_signal as {{ dbt.type_bigint() }}) as persons_with_signal,
        cast(retained_with_signal as {{ dbt.type_bigint() }}) as retained_with_signal,
        cast(persons_without_signal as {{ dbt.type_bigint() }}) as persons_without_signal,
        cast(retained_without_signal as {{ dbt.type_bigint() }}) as retained_without_signal,
        retention_rate_with_signal,
        retention_rate_without_signal,
        retention_lift,
        retention_lift_lower,
        retention_lift_upper,
        cast(retention_auc as double) as retention_auc,
        validation_status,
        cast(lift_sign as {{ dbt.type_int() }}) as lift_sign,
        case when validation_status = 'ok' then lift_sign = 0 end as is_lift_indistinguishable,
        case
            when validation_status != 'ok' or period_type != 'quarter' then null
            when lift_sign = 1 then earlier_negative_quarters > earlier_positive_quarters
            when lift_sign = -1 then earlier_positive_quarters > earlier_negative_quarters
            else false
        end as has_lift_sign_changed,
        cast(earlier_positive_quarters as {{ dbt.type_int() }}) as earlier_positive_quarters,
        cast(earlier_negative_quarters as {{ dbt.type_int() }}) as earlier_negative_quarters
    from compared
)

select * from final
