{#- VTEX writes amounts as integers in cents. The adapter's models read them as text (a JSON number
    arrives as its digits; a Parquet number or JSON-typed value as its text, a string in double
    quotes) so that a value that is not whole cents is quarantined, never rounded nor divided
    silently: `vtex_cents_amount` is the amount in currency units (cents / 100) of a whole number
    of cents (123, 123.0, "123"), else null; `vtex_cents_rule` the rule such a value breaks
    (non_integer_value for 12.5 or 1e3, non_numeric_value for other text), else null. -#}
{% macro vtex_cents_text(expression) -%}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }}), ' "'), '')
{%- endmacro %}

{% macro vtex_cents_amount(expression) -%}
    {%- set text = vtex_cents_text(expression) -%}
    case
        when {{ regexp_contains(text, '^[+-]?[0-9]+([.]0+)?$') }}
            then cast({{ regexp_replace_all(text, '[.]0+$', '') }} as decimal(18, 0)) * 0.01
    end
{%- endmacro %}

{% macro vtex_cents_rule(expression) -%}
    case
        when {{ is_non_integer_number(vtex_cents_text(expression)) }} then 'non_integer_value'
        when {{ did_not_parse(vtex_cents_text(expression), vtex_cents_amount(expression)) }} then 'non_numeric_value'
    end
{%- endmacro %}

{#- The value (in cents, as landed) of the total with id `total_id` (Items, Discounts, Shipping,
    Tax) in a VTEX order's `totals` list; null when the order has none. -#}
{% macro vtex_total(totals, total_id) -%}
    (
        select min(struct_extract(totals_of_order.total, 'value'))
        from (select unnest({{ totals }}) as total) as totals_of_order
        where struct_extract(totals_of_order.total, 'id') = '{{ total_id }}'
    )
{%- endmacro %}

{#- The first rules of a row nested in a VTEX order line (an item, a payment): it goes with its
    order line when the adapter rejects that (the line's rule, or unknown_order), as
    (rule, vendor column, condition) for with_first_broken_rule. -#}
{% macro vtex_order_line_rules() -%}
    {{ return([
        ('missing_primary_key', 'orderId', "order_rejection_rule = 'missing_primary_key'"),
        ('duplicate_key_superseded', 'lastChange', "order_rejection_rule = 'duplicate_key_superseded'"),
        ('unknown_order', 'orderId', 'order_rejection_rule is not null'),
    ]) }}
{%- endmacro %}
