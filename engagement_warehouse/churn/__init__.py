"""The churn model (issue 20): point-in-time features from int_persons_churn_features, a
regularised logistic regression per market (and a pooled one), its time-split evaluation against the
BG/NBD baseline, and the per-person drivers. The dbt Python models of models/intermediate/fits/python,
the Spark fitting job and pytest call these functions."""
