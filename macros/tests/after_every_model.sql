{#- For a test that scans the built relations it finds through the graph (which dbt cannot see
    while it parses): refs every model (and seed) that no other model reads, so that every model
    is upstream of the test and `dbt build` runs it last. Without it the test runs first and reads
    the tables of the previous build. A pytest checks this list against the manifest. -#}
{% macro after_every_model() -%}
    {%- for model_name in [
        'audit_anomalies', 'audit_source_reconciliation', 'base_shop__customer_email_keys', 'churn_model_evaluation', 'clv_backtest', 'clv_cac_by_channel', 'clv_model_params',
        'customer_churn_risk', 'customer_engagement_monthly', 'customer_rfm',
        'dim_customers', 'engagement_signal_validation', 'engagement_weight_suggestions',
        'fct_order_attribution', 'fct_order_items', 'fct_orders', 'feedback_summary',
        'amplitude_event_mapping', 'ga4_event_mapping', 'ga4_param_mapping',
        'loyalty_program_performance', 'marketing_performance', 'metricflow_time_spine', 'mixpanel_event_mapping',
        'regional_engagement', 'repeat_purchase_summary', 'resolution_rules', 'retention_curves',
        'retention_projection', 'sentiment_model_evaluation', 'structure_exceptions', 'typeform_question_mapping',
        'experiment_results', 'experiment_health', 'cohort_entry_outcomes', 'int_events_sessionized__time_zones',
    ] %}
-- depends_on: {{ ref(model_name) }}
    {%- endfor %}
{%- endmacro %}
