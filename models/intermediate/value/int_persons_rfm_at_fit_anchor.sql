-- int_persons_rfm as of the anchor of the observation end on the refit schedule (macro
-- fit_anchor_date; the observation end itself with the default var fit_refit_every_days 1): what
-- the BG/NBD and Gamma-Gamma fits learn from, so that their input changes only at an anchor or by
-- late data (doc block fit_refit_schedule).
with

purchase_periods as (
    select * from {{ ref('int_persons_purchase_periods') }}
),

final as (
    {{ persons_rfm('purchase_periods', fit_anchor_date(clv_observation_end())) }}
)

select * from final
