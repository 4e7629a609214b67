"""Probabilistic customer-value models fitted by maximum likelihood with numpy / scipy: BG/NBD
(repeat purchasing), Gamma-Gamma (spend per purchase) and the shifted-beta-geometric retention
model. The dbt Python models call these functions; pytest checks them against the estimates
published in the models' original papers."""
