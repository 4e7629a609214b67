{#- Validation rules of staging. A rule is (rule_name, column_name, condition that is true when
    the row breaks it); rules are checked in the order given and the first broken one is
    reported, so put the most basic rules (missing key, unparseable value) first. It is found in
    two steps, so that each condition is evaluated once per row: the position (0-based) of the
    first broken rule, null when none is broken, then the rule's name and its column from the
    position, a CASE on an integer. -#}
{% macro first_broken_rule_position(rules) -%}
    case
        {%- for rule_name, column_name, condition in rules %}
        when {{ condition }} then {{ loop.index0 }}
        {%- endfor %}
    end
{%- endmacro %}

{% macro rule_name_at_position(position, rules) -%}
    case {{ position }}
        {%- for rule_name, column_name, condition in rules %}
        when {{ loop.index0 }} then '{{ rule_name }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro rule_column_at_position(position, rules) -%}
    case {{ position }}
        {%- for rule_name, column_name, condition in rules %}
        when {{ loop.index0 }} then '{{ column_name }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- SELECT of a relation's rows with rejection_rule and rejected_column, the name and column of
    each row's first broken rule (null for a clean row), each rule evaluated once per row: the
    one definition of the two steps above, used by every base model with a list of rules. -#}
{% macro with_first_broken_rule(relation, rules) -%}
    with

    validated as (
        select
            *,
            {{ first_broken_rule_position(rules) }} as broken_rule_position
        from {{ relation }}
    )

    select
        *,
        {{ rule_name_at_position('broken_rule_position', rules) }} as rejection_rule,
        {{ rule_column_at_position('broken_rule_position', rules) }} as rejected_column
    from validated
{%- endmacro %}

{#- The inverse of rule_name_at_position and rule_column_at_position, for a stored row: the
    position of the rule that decided it, from its rejection_rule and rejected_column (a clean
    row, or a rule no longer in the list: after the last rule, as if it passed them all). -#}
{% macro stored_rule_position(rules) -%}
    case
        {%- for rule_name, column_name, condition in rules %}
        when rejection_rule = '{{ rule_name }}' and rejected_column = '{{ column_name }}' then {{ loop.index0 }}
        {%- endfor %}
        else {{ rules | length }}
    end
{%- endmacro %}

{#- True when a raw value is null or only blanks. -#}
{% macro is_blank(expression) -%}
    ({{ expression }} is null or trim(cast({{ expression }} as {{ dbt.type_string() }})) = '')
{%- endmacro %}

{#- True when a raw value is present but its parsed form is null: it did not parse. -#}
{% macro did_not_parse(raw_expression, parsed_expression) -%}
    (not {{ is_blank(raw_expression) }} and {{ parsed_expression }} is null)
{%- endmacro %}

{#- A SQL list literal: ('a', 'b'). -#}
{% macro sql_value_list(values) -%}
    ({%- for value in values -%}'{{ value }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- The build's clock, as a UTC timestamp: later than this is "in the future". -#}
{% macro now_utc() -%}
    cast({{ dbt.current_timestamp() }} as timestamp)
{%- endmacro %}

{#- Order that picks one version of a key deterministically: latest first (by `latest_first`,
    nulls last), then by every raw value, so equal timestamps still give the same winner on
    every run and engine. The raw values are the columns `raw_prefix`<column> (default: the raw__
    copies that the base models keep). -#}
{% macro version_order(table_name, latest_first, raw_prefix='raw__') -%}
    {%- if latest_first %}{{ latest_first }} desc nulls last, {% endif -%}
    {%- for column in raw_contract_columns(table_name) -%}
        cast({{ raw_prefix }}{{ column }} as {{ dbt.type_string() }}) nulls last{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The raw rows of a table, each with its rank among the rows of its key (1 = the version kept, by
    version_order). Only the rows of a key that occurs more than once are ranked, found by an
    integer hash of the key: the window's sort, by every raw value as text, then runs on a few
    rows instead of all of them. Rows of a key that occurs once get rank 1, as the window over
    every row would give them; keys that merely share a hash are still ranked apart. -#}
{% macro with_version_rank(raw_relation, table_name, key_column, latest_first=none) -%}
    {%- set key = clean_text('raw_rows.' ~ key_column) -%}
    with

    duplicated_key_hashes as (
        select {{ grouping_hash(key) }} as key_hash
        from {{ raw_relation }} as raw_rows
        group by {{ grouping_hash(key) }}
        having count(*) > 1
    )

    select
        raw_rows.*,
        1 as version_rank
    from {{ raw_relation }} as raw_rows
    left join duplicated_key_hashes on {{ grouping_hash(key) }} = duplicated_key_hashes.key_hash
    where duplicated_key_hashes.key_hash is null

    union all

    select
        raw_rows.*,
        row_number() over (
            partition by {{ key }}
            order by {{ version_order(table_name, latest_first, raw_prefix='raw_rows.') }}
        ) as version_rank
    from {{ raw_relation }} as raw_rows
    inner join duplicated_key_hashes on {{ grouping_hash(key) }} = duplicated_key_hashes.key_hash
{%- endmacro %}

{#- Strict integer parsing: a whole number in decimal digits ('3', ' -2 ', and '3.0' as a Parquet
    double or a spreadsheet writes it), else null. A plain cast would round '1.5' to 2 and read
    '0x3' as 3; such values break the rule non_integer_value instead. -#}
{% macro parse_integer(expression) -%}
    {%- set text = clean_text(expression) -%}
    case
        when {{ regexp_contains(text, '^[+-]?[0-9]+([.]0+)?$') }}
            then {{ dbt.safe_cast(regexp_replace_all(text, '[.]0+$', ''), api.Column.translate_type('integer')) }}
    end
{%- endmacro %}

{#- True when a raw value is a number but not a whole one in decimal digits: fractional ('1.5'),
    hexadecimal ('0x3') or with an exponent ('1e2'). Text that is no number at all breaks
    non_numeric_value. -#}
{% macro is_non_integer_number(raw_expression) -%}
    {%- set text = clean_text(raw_expression) -%}
    ({{ regexp_contains(text, '^[+-]?(0[xX][0-9a-fA-F]+|([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?)$') }}
    and not {{ regexp_contains(text, '^[+-]?[0-9]+([.]0+)?$') }})
{%- endmacro %}

{#- The earliest plausible timestamp of a source (vars timestamp_lower_bound and
    timestamp_lower_bound_by_source), as a timestamp literal. -#}
{% macro timestamp_lower_bound(source_table) -%}
    {%- set bound = var('timestamp_lower_bound_by_source').get(source_table, var('timestamp_lower_bound')) -%}
    cast('{{ bound }}' as timestamp)
{%- endmacro %}

{#- True when a parsed timestamp (or date) is earlier than its source's lower bound: a placeholder
    such as 1900-01-01, or a value a corrupt file decoded to. -#}
{% macro is_before_lower_bound(parsed_expression, source_table) -%}
    {{ parsed_expression }} < {{ timestamp_lower_bound(source_table) }}
{%- endmacro %}
