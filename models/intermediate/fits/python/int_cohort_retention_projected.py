"""Retention projection: a shifted-beta-geometric (sBG) model fitted per segment and cohort grain to the
unbounded retention of int_cohort_retention_measured, projected beside the observed survival (doc block
retention_projection); the mart retention_projection selects from it. A Python model because SQL cannot run
the fit; the code is engagement_warehouse/clv/projection.py and sbg.py, which the Spark fitting job calls too."""

from engagement_warehouse.clv.projection import projection, settings_from_meta


def model(dbt, session):
    # dbt reads these calls while it parses, so each name is written out
    meta = {
        "projection_periods": dbt.config.meta_get("projection_periods"),
        "settle_periods": dbt.config.meta_get("settle_periods"),
        "min_customers": dbt.config.meta_get("min_customers"),
        "annual_discount_rate": dbt.config.meta_get("annual_discount_rate"),
        "fit_bound_relative_tolerance": dbt.config.meta_get("fit_bound_relative_tolerance"),
    }
    return projection(dbt.ref("int_cohort_retention_measured"), settings_from_meta(meta))
