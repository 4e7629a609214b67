{{ config(post_hook="{{ check_fx_rates() }}") }}
{%- set amounts = ['subtotal', 'discount_amount', 'shipping_amount', 'tax_amount', 'total_amount'] -%}
{%- set rules = [
    ('missing_primary_key', 'order_id', 'order_id is null'),
    ('duplicate_key_superseded', 'order_id', 'version_rank > 1'),
    ('missing_required_value', 'customer_id', 'customer_id is null'),
    ('missing_required_value', 'order_ts', is_blank('raw__order_ts')),
    ('missing_required_value', 'status', 'status is null'),
    ('missing_required_value', 'payment_method', 'payment_method is null and not has_payment_rows'),
    ('missing_required_value', 'installments', is_blank('raw__installments') ~ ' and not has_payment_rows'),
    ('missing_required_value', 'currency', 'currency is null'),
    ('missing_required_value', 'subtotal', is_blank('raw__subtotal')),
    ('missing_required_value', 'total_amount', is_blank('raw__total_amount')),
    ('missing_required_value', 'channel', 'channel is null'),
    ('missing_required_value', 'updated_at', is_blank('raw__updated_at')),
    ('unparseable_timestamp', 'order_ts', did_not_parse('raw__order_ts', 'order_ts')),
    ('unparseable_timestamp', 'cod_confirmed_ts', did_not_parse('raw__cod_confirmed_ts', 'cod_confirmed_ts')),
    ('unparseable_timestamp', 'updated_at', did_not_parse('raw__updated_at', 'updated_at')),
    ('future_timestamp', 'order_ts', 'order_ts > ' ~ now_utc()),
    ('timestamp_before_lower_bound', 'order_ts', is_before_lower_bound('order_ts', 'orders')),
    ('timestamp_before_lower_bound', 'cod_confirmed_ts', is_before_lower_bound('cod_confirmed_ts', 'orders')),
    ('timestamp_before_lower_bound', 'updated_at', is_before_lower_bound('updated_at', 'orders')),
    ('non_integer_value', 'installments', is_non_integer_number('raw__installments')),
    ('non_integer_value', 'loyalty_points_redeemed', is_non_integer_number('raw__loyalty_points_redeemed')),
    ('non_numeric_value', 'installments', did_not_parse('raw__installments', 'installments')),
    ('non_numeric_value', 'loyalty_points_redeemed', did_not_parse('raw__loyalty_points_redeemed', 'loyalty_points_redeemed')),
] -%}
{%- for amount in amounts -%}
    {%- do rules.append(('non_numeric_value', amount, did_not_parse('raw__' ~ amount, amount ~ '_local'))) -%}
{%- endfor -%}
{%- for amount in amounts -%}
    {%- do rules.append(('negative_amount', amount, amount ~ '_local < 0')) -%}
{%- endfor -%}
{%- do rules.extend([
    ('negative_amount', 'loyalty_points_redeemed', 'loyalty_points_redeemed < 0'),
    ('discount_exceeds_subtotal', 'discount_amount', 'discount_amount_local > subtotal_local'),
    ('invalid_installments', 'installments', 'installments < 1'),
    ('unknown_enum_value', 'status', 'not is_known_status'),
    ('unknown_enum_value', 'payment_method', 'payment_method is not null and not is_known_payment_method'),
    ('unknown_enum_value', 'channel', 'not is_known_channel'),
    ('unknown_currency', 'currency', 'not is_known_currency'),
    ('unknown_customer', 'customer_id', 'not is_known_customer'),
]) -%}

with

-- every raw row with its rank among the versions of its order id (1 = the one kept)
source as (
    {{ with_version_rank(contract_source('orders'), 'orders', 'order_id', parse_timestamp_utc('raw_rows.updated_at')) }}
),

-- orders paid through rows of the optional order_payments table, whose own payment method and
-- instalments may then be blank (stg_shop__orders derives them from the payments)
orders_with_payments as (
    select distinct {{ clean_text('order_id') }} as order_id
    from {{ contract_source('order_payments') }}
),

erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

customers as (
    select customer_id from {{ ref('base_shop__customers') }}
    where rejection_rule is null
),

order_statuses as (
    select * from {{ ref('order_statuses') }}
),

payment_methods as (
    select * from {{ ref('payment_methods') }}
),

order_channels as (
    select channel from {{ ref('channel_mapping') }}
    where channel_context = 'order'
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('orders') }},

        -- ids
        {{ clean_text('source.order_id') }} as order_id,
        {{ pseudonymous_customer_id(clean_text('source.customer_id'), 'erased_customers.customer_id is not null') }}
            as customer_id,

        -- attributes
        {{ canonical_value('status_mapping', clean_code('source.status')) }} as status,
        {{ canonical_value('payment_mapping', clean_code('source.payment_method')) }} as payment_method,
        {{ parse_integer('source.installments') }} as installments,
        upper({{ clean_text('source.currency') }}) as currency,
        {{ canonical_value('channel_mapping', clean_code('source.channel')) }} as channel,
        orders_with_payments.order_id is not null as has_payment_rows,
        {{ clean_text('source.coupon_code') }} as coupon_code,
        {{ parse_integer('source.loyalty_points_redeemed') }} as loyalty_points_redeemed,

        -- amounts in the order's currency
        {{ dbt.safe_cast(clean_text('source.subtotal'), 'decimal(18, 2)') }} as subtotal_local,
        {{ dbt.safe_cast(clean_text('source.discount_amount'), 'decimal(18, 2)') }} as discount_amount_local,
        {{ dbt.safe_cast(clean_text('source.shipping_amount'), 'decimal(18, 2)') }} as shipping_amount_local,
        {{ dbt.safe_cast(clean_text('source.tax_amount'), 'decimal(18, 2)') }} as tax_amount_local,
        {{ dbt.safe_cast(clean_text('source.total_amount'), 'decimal(18, 2)') }} as total_amount_local,

        -- timestamps
        {{ parse_timestamp_utc('source.order_ts') }} as order_ts,
        {{ parse_timestamp_utc('source.cod_confirmed_ts') }} as cod_confirmed_ts,
        {{ parse_timestamp_utc('source.updated_at') }} as updated_at,

        source.version_rank
    from source
    left join erased_customers
        on {{ clean_text('source.customer_id') }} = erased_customers.customer_id
    left join orders_with_payments
        on {{ clean_text('source.order_id') }} = orders_with_payments.order_id
    {{ join_value_mapping('order_status', clean_code('source.status'), 'status_mapping') }}
    {{ join_value_mapping('payment_method', clean_code('source.payment_method'), 'payment_mapping') }}
    {{ join_value_mapping('order_channel', clean_code('source.channel'), 'channel_mapping') }}
),

checked as (
    select
        parsed.*,
        order_statuses.status is not null as is_known_status,
        payment_methods.payment_method is not null as is_known_payment_method,
        order_channels.channel is not null as is_known_channel,
        customers.customer_id is not null as is_known_customer,
        coalesce(order_statuses.is_confirmed, false) as is_confirmed_order
    from parsed
    left join order_statuses on parsed.status = order_statuses.status
    left join payment_methods on parsed.payment_method = payment_methods.payment_method
    left join order_channels on parsed.channel = order_channels.channel
    left join customers on parsed.customer_id = customers.customer_id
),

converted as (
    -- the rate of the order's month, or of the nearest month the rates have
    {{ with_fx_rate_of_month('checked', 'checked.order_ts') }}
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('converted', rules) }}
),

final as (
    select
        -- ids
        order_id,
        customer_id,

        -- attributes
        status,
        payment_method,
        installments,
        channel,
        coupon_code,
        coalesce(loyalty_points_redeemed, 0) as loyalty_points_redeemed,

        -- amounts: local currency, and USD at the rate of the order's month
        currency,
        subtotal_local,
        {{ to_usd('subtotal_local', 'usd_per_unit') }} as subtotal_usd,
        coalesce(discount_amount_local, 0) as discount_local,
        {{ to_usd('coalesce(discount_amount_local, 0)', 'usd_per_unit') }} as discount_usd,
        coalesce(shipping_amount_local, 0) as shipping_local,
        {{ to_usd('coalesce(shipping_amount_local, 0)', 'usd_per_unit') }} as shipping_usd,
        coalesce(tax_amount_local, 0) as tax_local,
        {{ to_usd('coalesce(tax_amount_local, 0)', 'usd_per_unit') }} as tax_usd,
        total_amount_local as total_local,
        {{ to_usd('total_amount_local', 'usd_per_unit') }} as total_usd,
        usd_per_unit as fx_usd_per_unit,
        fx_rate_month,
        is_fx_rate_estimated,
        fx_rate_source,

        -- flags (those of the payment method are stg_shop__orders', which knows the payments)
        is_confirmed_order,
        coupon_code is not null as has_coupon,
        subtotal_local - coalesce(discount_amount_local, 0) + coalesce(shipping_amount_local, 0)
        + coalesce(tax_amount_local, 0) <> total_amount_local as has_total_mismatch,

        -- timestamps
        order_ts,
        cod_confirmed_ts,
        updated_at,

        -- validation
        rejection_rule,
        rejected_column,
        order_id as record_key,
        case
            when rejection_rule is not null
                then {{ raw_record_json('orders', {'customer_id': 'customer_id'}) }}
        end as raw_record
    from named
)

select * from final
