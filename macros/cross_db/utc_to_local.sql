{#- The local wall-clock time of a UTC timestamp (without time zone) in an IANA time zone, as a
    timestamp without time zone, with the zone's offset on that instant (daylight saving time
    included). Cast it to date for the local day. An unknown zone name raises an error on DuckDB. -#}
{% macro utc_to_local(timestamp_utc, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'latam_engagement')(timestamp_utc, time_zone)) }}
{%- endmacro %}

{% macro default__utc_to_local(timestamp_utc, time_zone) -%}
    (({{ timestamp_utc }}) at time zone 'UTC') at time zone ({{ time_zone }})
{%- endmacro %}

{#- timezone(zone, timestamp) reads the timestamp as wall time in the zone (giving an instant);
    timezone(zone, timestamptz) gives the instant's wall time there: read as UTC, show as local,
    whatever the session time zone. -#}
{% macro duckdb__utc_to_local(timestamp_utc, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ timestamp_utc }}))
{%- endmacro %}

{#- from_utc_timestamp reads a timestamp as UTC and renders it in the zone. -#}
{% macro spark__utc_to_local(timestamp_utc, time_zone) -%}
    from_utc_timestamp({{ timestamp_utc }}, {{ time_zone }})
{%- endmacro %}
