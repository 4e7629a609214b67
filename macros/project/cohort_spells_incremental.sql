{#- The first day an incremental run of cohort_membership_spells recomputes (doc block
    cohort_spells_incremental): var cohort_late_data_days before the earlier of the data end and
    the last day a stored spell changed, so that the days of a run that was skipped are
    recomputed too. None (recompute every day) when the var is null (the default), on a full
    refresh, on an empty table, and when the
    cohort definitions differ from those the stored spells were computed with. Run at compile
    time, before the pre-hook changes the table, so the hook and the model get the same day. -#}
{% macro cohort_spells_recompute_from() -%}
    {%- if not execute or not is_incremental() or var('cohort_late_data_days') is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with

        stored as (
            select distinct cohort_name, definition_hash from {{ this }}
        ),

        definitions as (
            select
                cohort_name,
                {{ cohort_definition_hash() }} as definition_hash
            from {{ ref('cohort_definitions') }}
        ),

        -- a definition added, removed or edited since the spells were computed
        changed_definitions as (
            select count(*) as changed
            from stored
            full outer join definitions
                on stored.cohort_name = definitions.cohort_name
                and stored.definition_hash = definitions.definition_hash
            where stored.cohort_name is null or definitions.cohort_name is null
        ),

        last_change as (
            select max(case when exited_on > entered_on then exited_on else entered_on end) as last_change_date
            from {{ this }}
        )

        select
            case
                when changed_definitions.changed = 0 then
                    cast({{ dbt.dateadd(
                        'day',
                        1 - var('cohort_late_data_days'),
                        'least(data_end.data_end_date, coalesce(last_change.last_change_date, data_end.data_end_date))'
                    ) }} as date)
            end as recompute_from
        from {{ ref('int_data_end') }} as data_end
        cross join last_change
        cross join changed_definitions
    {%- endset -%}
    {%- set recompute_from = run_query(query).columns[0].values()[0] -%}
    {{ return(none if recompute_from is none else (recompute_from | string)[:10]) }}
{%- endmacro %}

{#- The pre-hook of an incremental run of cohort_membership_spells: spells that start on or after
    the first recomputed day are deleted, and spells open on it are closed on it; the run then
    continues a closed spell whose person is still a member on that day (same entered_on: the
    row is replaced). Without a day to start from, every spell is deleted and recomputed. -#}
{% macro cohort_spells_reopen() -%}
    {%- set recompute_from = cohort_spells_recompute_from() -%}
    {%- if recompute_from is none -%}
        delete from {{ this }}
    {%- else -%}
        delete from {{ this }} where entered_on >= cast('{{ recompute_from }}' as date);
        update {{ this }} set exited_on = cast('{{ recompute_from }}' as date)
        where exited_on is null or exited_on > cast('{{ recompute_from }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- A fingerprint of a cohort definition's rule (every column but the description), so that an
    edited rule is recomputed from the start. -#}
{% macro cohort_definition_hash() -%}
    {{ dbt.hash(dbt.concat([
        'rule_kind', "'|'",
        "coalesce(signal, '')", "'|'",
        "coalesce(cast(window_days as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(prior_days as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(threshold as " ~ dbt.type_string() ~ "), '')"
    ])) }}
{%- endmacro %}
