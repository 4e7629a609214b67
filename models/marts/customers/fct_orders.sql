-- One row per order, confirmed or not, with its flags, local and USD amounts, net revenue, and
-- its place in the person's purchase history, and the last day the data covers (data_end_date,
-- the same on every row) for readers outside dbt.
with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

orders_as_of as (
    select
        orders.*,
        data_end.data_end_date
    from orders
    cross join data_end
),

final as (
    select
        -- keys
        order_id,
        customer_id,
        person_key,

        -- when
        order_ts,
        order_date,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month,
        data_end_date,

        -- what
        status as order_status,
        is_confirmed_order,
        payment_method,
        is_cash_on_delivery,
        is_cash_based_payment,
        installments,
        is_installment_order,
        channel as order_channel,
        country_code,
        country_name,
        has_coupon,
        coupon_code,
        cast(loyalty_points_redeemed as {{ dbt.type_bigint() }}) as loyalty_points_redeemed,
        cod_confirmed_ts,

        -- amounts
        currency,
        subtotal_local,
        discount_local,
        shipping_local,
        tax_local,
        total_local,
        net_revenue_local,
        subtotal_usd,
        discount_usd,
        shipping_usd,
        tax_usd,
        total_usd,
        net_revenue_usd,
        fx_usd_per_unit,
        is_fx_rate_estimated,
        has_total_mismatch,

        -- history
        cast(confirmed_order_sequence as {{ dbt.type_int() }}) as confirmed_order_sequence,
        is_first_confirmed_order,
        cast(days_since_previous_confirmed_order as {{ dbt.type_int() }}) as days_since_previous_confirmed_order
    from orders_as_of
)

select * from final
