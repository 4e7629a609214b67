{#- NPS category of a 0-10 answer: promoter (9-10), passive (7-8), detractor (0-6). -#}
{% macro nps_category(score) -%}
    case
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        when {{ score }} >= 0 then 'detractor'
    end
{%- endmacro %}

{#- NPS from counts: 100 * (promoters - detractors) / NPS answers, from -100 to 100; null without
    answers. The one formula every mart uses. -#}
{% macro nps_score(promoters, detractors, responses) -%}
    {#- a double on both engines (Spark keeps 100.0 * n / m a DECIMAL) -#}
    cast(100 * ({{ promoters }} - {{ detractors }}) as double) / nullif({{ responses }}, 0)
{%- endmacro %}
