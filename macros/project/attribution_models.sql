{#- The attribution models of fct_order_attribution, in the order BI tools list them (doc block
    `attribution` defines each). -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based']) }}
{%- endmacro %}

{#- The attribution models as rows of one column, attribution_model. -#}
{% macro attribution_model_rows() -%}
    {%- for attribution_model in attribution_models() %}
    select '{{ attribution_model }}' as attribution_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The value of a model's column <model>_<column> of `relation` (a row with every model's credit
    as columns, CTE touchpoint_credits of attribution_touchpoints_credited or its sums) under the
    model named by the SQL expression `model` (by default the column of the CTE attribution_models
    cross-joined to it): the step from one row per touchpoint or channel to one row per model. -#}
{% macro attribution_model_column(relation, column, model='attribution_models.attribution_model') -%}
    case {{ model }}
        {%- for attribution_model in attribution_models() %}
        when '{{ attribution_model }}' then {{ relation }}.{{ attribution_model }}_{{ column }}
        {%- endfor %}
    end
{%- endmacro %}
