-- The project's own macros (the ones dbt_utils would otherwise provide, and the staging helpers)
-- checked on hand-made rows: every row returned names a macro whose result differs from the
-- value computed by hand.
with

generic_fixture as (
    select
        fixture.key_a,
        fixture.key_b,
        fixture.amount
    from (
        values
        (1, 'a', 5),
        (1, 'a', -1),
        (2, 'b', 3)
    ) as fixture (key_a, key_b, amount)
),

duplicate_keys as (
    {{ test_unique_combination_of_columns('generic_fixture', ['key_a', 'key_b']) }}
),

negative_amounts as (
    {{ test_expression_is_true('generic_fixture', 'amount >= 0') }}
),

rate_fixture as (
    select
        fixture.net_revenue_usd,
        fixture.retention_rate
    from (
        values
        (10.0, 0.5),
        (-2.5, 1.5),
        (0.0, 0.0),
        (null, null)
    ) as fixture (net_revenue_usd, retention_rate)
),

negative_amount_values as (
    {{ test_amounts_are_not_negative('rate_fixture', columns=['net_revenue_usd']) }}
),

rates_out_of_range as (
    {{ test_rates_are_between_0_and_1('rate_fixture', columns=['retention_rate']) }}
),

checks as (
    select
        'unique_combination_of_columns' as macro_name,
        (select count(*) from duplicate_keys) = 1 as is_right
    union all
    select
        'expression_is_true' as macro_name,
        (select count(*) from negative_amounts) = 1 and (select min(amount) from negative_amounts) = -1 as is_right
    union all
    select
        'amounts_are_not_negative' as macro_name,
        (select count(*) from negative_amount_values) = 1
        and (select max(failing_value) from negative_amount_values) = -2.5
        and (select max(column_name) from negative_amount_values) = 'net_revenue_usd' as is_right
    union all
    select
        'rates_are_between_0_and_1' as macro_name,
        (select count(*) from rates_out_of_range) = 1
        and (select max(failing_value) from rates_out_of_range) = 1.5 as is_right
    union all
    select
        'column name patterns' as macro_name,
        {{ 'true' if (modules.re.search(amount_column_pattern(), 'cumulative_net_revenue_usd_per_customer')
            and modules.re.search(amount_column_pattern(), 'unit_price_local')
            and not modules.re.search(amount_column_pattern(), 'customer_id')
            and modules.re.search(rate_column_pattern(), 'whatsapp_session_share')
            and not modules.re.search(rate_column_pattern(), 'rate_limit')) else 'false' }} as is_right
    union all
    select
        'to_usd' as macro_name,
        {{ to_usd('cast(1234567.89 as decimal(18, 2))', 'cast(0.000250000000 as decimal(18, 12))') }}
        = cast(308.64 as decimal(18, 2)) as is_right
    union all
    select
        'parse_timestamp_utc' as macro_name,
        {{ parse_timestamp_utc("'2024-12-31T22:30:00-03:00'") }} = cast('2025-01-01 01:30:00' as timestamp)
        and {{ parse_timestamp_utc("'not a time'") }} is null as is_right
    union all
    select
        'normalize_phone' as macro_name,
        {{ normalize_phone("'+55 (11) 98765-4321'") }} = '5511987654321'
        and {{ normalize_phone("'12-34'") }} is null as is_right
    union all
    select
        'normalize_email' as macro_name,
        {{ normalize_email("'  Ana.Souza@Example.COM '") }} = 'ana.souza@example.com'
        and {{ normalize_email("'not an email'") }} is null as is_right
    union all
    select
        'mask_contact_details' as macro_name,
        {{ mask_contact_details("'Escríbeme a ana@x.com o al +52 55 1234 5678 ✨'") }}
        = 'Escríbeme a [email] o al [phone] ✨' as is_right
    union all
    select
        'parse_boolean' as macro_name,
        {{ parse_boolean("'Yes'") }}
        and not {{ parse_boolean("'0'") }}
        and {{ parse_boolean("'maybe'") }} is null as is_right
    union all
    select
        'hash_personal_data' as macro_name,
        {{ hash_personal_data("'x'") }} = {{ sha256(pii_hash_salt_sql() ~ " || '|x'") }}
        and length({{ hash_personal_data("'x'") }}) = 64
        and {{ hash_personal_data('cast(null as ' ~ dbt.type_string() ~ ')') }} is null as is_right
)

select macro_name
from checks
where not coalesce(is_right, false)
