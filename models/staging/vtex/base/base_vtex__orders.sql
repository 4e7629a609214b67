{{ config(enabled=adapter_in_use('vtex')) }}
{%- set rules = [
    ('missing_primary_key', 'orderId', 'order_id is null'),
    ('duplicate_key_superseded', 'lastChange', 'version_rank > 1'),
    ('non_integer_value', 'value', "value_rule = 'non_integer_value'"),
    ('non_numeric_value', 'value', "value_rule = 'non_numeric_value'"),
] -%}
{%- for total in ['items', 'discounts', 'shipping', 'tax'] -%}
    {%- do rules.append(('non_integer_value', 'totals', total ~ "_rule = 'non_integer_value'")) -%}
    {%- do rules.append(('non_numeric_value', 'totals', total ~ "_rule = 'non_numeric_value'")) -%}
{%- endfor -%}

{#- Every line of the VTEX order export, parsed once: the order, its customer and its totals,
    with the first rule of the adapter it breaks. A line is known by order_key: the orderId; an
    older version of an order (an earlier lastChange) `<orderId> (version 2)`, ...; a line
    without an orderId `no orderId #1`, .... On the same lastChange the versions are ranked by
    their content, so the result never depends on the order of the lines in the file. The
    contract's own rules (statuses, currencies, timestamps, ...) are base_shop's, after
    stg_vtex__orders. VTEX's camelCase columns are written in lower case (DuckDB resolves
    names case-insensitively: source.orderid is VTEX's orderId) and nested fields are read with
    struct_extract (field names as VTEX writes them), once, here. -#}

with

source as (
    select * from {{ source('vtex', 'orders') }}
),

renamed as (
    select
        md5(cast(to_json(source) as {{ dbt.type_string() }})) as content_hash,

        -- ids
        source.orderid as order_id_landed,
        struct_extract(source.clientprofiledata, 'userProfileId') as user_profile_id,

        -- the customer, as this order knows them (personal data: staging only)
        struct_extract(source.clientprofiledata, 'email') as email,
        struct_extract(source.clientprofiledata, 'phone') as phone,
        struct_extract(source.clientprofiledata, 'firstName') as first_name,
        struct_extract(source.clientprofiledata, 'lastName') as last_name,
        struct_extract(struct_extract(source.shippingdata, 'address'), 'country') as country,
        struct_extract(struct_extract(source.shippingdata, 'address'), 'state') as state_region,
        struct_extract(struct_extract(source.shippingdata, 'address'), 'city') as city,
        struct_extract(source.clientpreferencesdata, 'optinNewsLetter') as marketing_opt_in,
        struct_extract(source.marketingdata, 'utmMedium') as utm_medium,
        struct_extract(source.marketingdata, 'utmSource') as utm_source,
        struct_extract(source.marketingdata, 'coupon') as coupon_code,

        -- attributes
        source.status,
        struct_extract(source.storepreferencesdata, 'currencyCode') as currency,
        source.saleschannel as sales_channel,
        source.origin,
        source.marketplaceorderid as marketplace_order_id,
        source.affiliateid as affiliate_id,

        -- amounts in cents, as landed
        source.value as value_cents,
        {{ vtex_total('source.totals', 'Items') }} as items_cents,
        {{ vtex_total('source.totals', 'Discounts') }} as discounts_cents,
        {{ vtex_total('source.totals', 'Shipping') }} as shipping_cents,
        {{ vtex_total('source.totals', 'Tax') }} as tax_cents,

        -- timestamps as landed
        source.creationdate as creation_date,
        source.lastchange as last_change,

        -- nested rows, unnested by base_vtex__order_items and base_vtex__order_payments
        source.items,
        struct_extract(source.paymentdata, 'transactions') as payment_transactions,
        source.sellers,

        -- the vendor row for audit, personal data redacted
        {{ to_json_object([
            ('orderId', 'source.orderid'),
            ('sequence', 'source.sequence'),
            ('marketplaceOrderId', 'source.marketplaceorderid'),
            ('origin', 'source.origin'),
            ('affiliateId', 'source.affiliateid'),
            ('salesChannel', 'source.saleschannel'),
            ('status', 'source.status'),
            ('creationDate', 'source.creationdate'),
            ('lastChange', 'source.lastchange'),
            ('value', 'source.value'),
            ('totals', 'to_json(source.totals)'),
            ('clientProfileData', "case when source.clientprofiledata is not null then '[redacted]' end"),
            ('shippingData', "case when source.shippingdata is not null then '[redacted]' end"),
            ('marketingData', 'to_json(source.marketingdata)'),
            ('storePreferencesData', 'to_json(source.storepreferencesdata)'),
        ]) }} as raw_record
    from source
),

parsed as (
    select
        content_hash,

        -- ids: the VTEX profile id, else a salted hash of the e-mail (never the e-mail in clear)
        {{ clean_text('order_id_landed') }} as order_id,
        coalesce(
            {{ clean_text('user_profile_id') }},
            'vtex_email_' || substr({{ hash_personal_data(normalize_email('email')) }}, 1, 24)
        ) as customer_id,

        -- the customer
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text("concat_ws(' ', " ~ clean_text('first_name') ~ ", " ~ clean_text('last_name') ~ ")") }}
            as full_name,
        upper({{ clean_text('country') }}) as country,
        {{ clean_text('state_region') }} as state_region,
        {{ clean_text('city') }} as city,
        marketing_opt_in,
        {{ clean_code('utm_medium') }} as utm_medium,
        {{ clean_text('utm_source') }} as utm_source,

        -- attributes
        status,
        {{ clean_text('currency') }} as currency,
        {{ clean_text('coupon_code') }} as coupon_code,
        {{ clean_text('sales_channel') }} as sales_channel,
        coalesce(
            {{ clean_code('origin') }} = 'fulfillment'
            or {{ clean_text('marketplace_order_id') }} is not null
            or {{ clean_text('affiliate_id') }} is not null,
            false
        ) as is_from_marketplace,

        -- amounts: in cents as landed, in currency units, and the rule a bad one breaks
        value_cents,
        {{ vtex_cents_amount('value_cents') }} as total_amount,
        {{ vtex_cents_rule('value_cents') }} as value_rule,
        items_cents,
        {{ vtex_cents_amount('items_cents') }} as items_amount,
        {{ vtex_cents_rule('items_cents') }} as items_rule,
        discounts_cents,
        {{ vtex_cents_amount('discounts_cents') }} as discounts_amount,
        {{ vtex_cents_rule('discounts_cents') }} as discounts_rule,
        shipping_cents,
        {{ vtex_cents_amount('shipping_cents') }} as shipping_amount,
        {{ vtex_cents_rule('shipping_cents') }} as shipping_rule,
        tax_cents,
        {{ vtex_cents_amount('tax_cents') }} as tax_amount,
        {{ vtex_cents_rule('tax_cents') }} as tax_rule,

        -- timestamps as landed (base_shop parses them again, offsets converted to UTC)
        creation_date,
        last_change,
        {{ parse_timestamp_utc('creation_date') }} as order_ts,
        {{ parse_timestamp_utc('last_change') }} as last_change_ts,

        items,
        payment_transactions,
        sellers,
        raw_record
    from renamed
),

checked as (
    select
        *,
        -- the latest version of an order wins
        row_number() over (
            partition by order_id
            order by last_change_ts desc nulls last, content_hash desc
        ) as version_rank
    from parsed
),

-- each line with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per line (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        case
            when order_id is null then 'no orderId #' || cast(version_rank as {{ dbt.type_string() }})
            when version_rank > 1
                then order_id || ' (version ' || cast(version_rank as {{ dbt.type_string() }}) || ')'
            else order_id
        end as order_key,
        -- the macro's working column is no column of this model (an adapter runs on DuckDB only)
        * exclude (broken_rule_position)
    from named
)

select * from final
