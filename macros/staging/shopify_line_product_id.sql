{#- The product id of a Shopify order line: its product_id, or for a line whose product was deleted
    since (product_id null) one made from its variant (else the line itself), so that the line is
    kept and stg_shopify__products gives that product a row of its own. -#}
{% macro shopify_line_product_id(line_alias) -%}
    coalesce(
        {{ clean_text(line_alias ~ '.product_id') }},
        'deleted-' || {{ clean_text(line_alias ~ '.variant_id') }},
        'deleted-line-' || {{ clean_text(line_alias ~ '.id') }}
    )
{%- endmacro %}
