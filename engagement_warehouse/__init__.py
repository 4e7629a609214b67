"""Tooling of the LatAm customer-engagement warehouse: demo data generator and project checks."""

__version__ = "0.1.0"
