{#- Every interval the warehouse reports is estimate +- z x standard error with this z, the
    two-sided 95% normal quantile: one constant for experiment_results, the signal validation and
    the weight suggestions, whose docs and report sections say "95%". It replaces var
    signal_validation_z, which set the signal validation's z alone: a project that still sets it is
    stopped rather than having its setting ignored. -#}
{% macro interval_z() -%}
    {%- if var('signal_validation_z', none) is not none -%}
        {{ exceptions.raise_compiler_error(
            "var signal_validation_z is no longer read (you set it to " ~ var('signal_validation_z')
            ~ "): every interval of the warehouse is now a 95% interval, z = 1.959963984540054 (macro interval_z), "
            ~ "as the docs and the report say. Remove the var from your dbt_project.yml or --vars.") }}
    {%- endif -%}
    {{ return(1.959963984540054) }}
{%- endmacro %}

{#- The sample covariance of a and b from sufficient statistics: (sum ab - sum a sum b / n) / (n - 1);
    the sample variance of a with b = a. Null for fewer than two rows. -#}
{% macro sample_covariance(sum_a, sum_b, sum_ab, n) -%}
    (({{ sum_ab }} - {{ sum_a }} * {{ sum_b }} / nullif({{ n }}, 0)) / nullif({{ n }} - 1, 0))
{%- endmacro %}

{#- The variance of a group's mean when its rows come in clusters (a person's quarters), from the
    group's sums over clusters c of n_c rows and total y_c: with p the group's mean and n its rows,
    G / (G - 1) x sum over c of (y_c - p n_c)^2 / n^2, G the number of clusters. With one row per
    cluster this is the sample variance over n (Welch's), exactly: the experiments' units and the
    signal validation's person-quarters of one quarter are that case. sum_yy, sum_yn, sum_nn are
    the sums over clusters of y_c^2, y_c n_c and n_c^2. In doubles: Spark's decimal division keeps
    6 decimal places, which moved the factor in the 8th digit (DuckDB-vs-Spark comparison). -#}
{% macro clustered_variance_of_mean(mean, rows, clusters, sum_yy, sum_yn, sum_nn) -%}
    ({{ cluster_small_sample_factor(clusters) }}
        * ({{ sum_yy }} - 2 * {{ mean }} * {{ sum_yn }} + {{ mean }} * {{ mean }} * {{ sum_nn }})
        / nullif(cast({{ rows }} as double) * {{ rows }}, 0))
{%- endmacro %}

{#- G / (G - 1), the small-sample factor of a clustered variance over G clusters (in doubles, as
    above); null for one cluster. -#}
{% macro cluster_small_sample_factor(clusters) -%}
    (cast({{ clusters }} as double) / nullif(cast({{ clusters }} as double) - 1, 0))
{%- endmacro %}

{#- The standard error of a difference of two means, a - b, from the variances of the two means
    and their covariance (0 for independent groups: Welch's standard error, sqrt(var a + var b)).
    A variance a hair below 0 from rounding is read as 0. -#}
{% macro difference_standard_error(variance_of_mean_a, variance_of_mean_b, covariance_of_means='0') -%}
    sqrt(case
        when {{ variance_of_mean_a }} + {{ variance_of_mean_b }} - 2 * {{ covariance_of_means }} < 0 then 0
        else {{ variance_of_mean_a }} + {{ variance_of_mean_b }} - 2 * {{ covariance_of_means }}
    end)
{%- endmacro %}
