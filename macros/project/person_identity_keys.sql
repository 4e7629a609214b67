{#- The person-matching rule (doc block person_key), written once: a query over `customers` (one
    row per customer id, or per raw version of one) adding `identity_key`, the same for every
    customer id of one person, and `resolution_rule`, the rule that linked it (resolution_rules
    seed). E-mail and phone may be clear normalised values or their salted hashes: equal values
    match either way. int_customers_resolved_to_persons and base_shop__erased_customers both
    call it, so erasure erases at least the customer ids resolution makes one person. -#}
{% macro person_identity_keys(customers, email, phone, customer_id='customer_id') -%}
    select
        {{ customers }}.*,
        case
            when {{ customers }}.{{ email }} is not null then 'email:' || {{ customers }}.{{ email }}
            when phone_to_email.email_key is not null then 'email:' || phone_to_email.email_key
            when {{ customers }}.{{ phone }} is not null then 'phone:' || {{ customers }}.{{ phone }}
            else 'customer:' || {{ customers }}.{{ customer_id }}
        end as identity_key,
        case
            when {{ customers }}.{{ email }} is not null then 'same_email'
            when phone_to_email.email_key is not null then 'phone_of_an_email'
            when {{ customers }}.{{ phone }} is not null then 'same_phone'
            else 'own_customer_id'
        end as resolution_rule
    from {{ customers }}
    left join (
        -- a phone shared by several e-mails goes to the lowest one
        select
            {{ phone }} as phone_key,
            min({{ email }}) as email_key
        from {{ customers }}
        where {{ email }} is not null and {{ phone }} is not null
        group by {{ phone }}
    ) as phone_to_email on {{ customers }}.{{ phone }} = phone_to_email.phone_key
{%- endmacro %}
