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
