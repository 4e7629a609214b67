"""Superset configuration of the BI starter (make dashboards). Read by Superset through
SUPERSET_CONFIG_PATH; engagement_warehouse/dashboards.py sets SUPERSET_HOME to the state folder
(target/superset by default), where the metadata database and the generated secret live.

No secret is committed: SECRET_KEY comes from SUPERSET_SECRET_KEY, or from the file secret_key in
the state folder, generated at the first run (never printed)."""

import os
import secrets
from pathlib import Path

STATE_DIR = Path(os.environ.get("SUPERSET_HOME", "target/superset")).resolve()
STATE_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    from_env = os.environ.get("SUPERSET_SECRET_KEY")
    if from_env:
        return from_env
    key_file = STATE_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(42))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Superset's own metadata (users, charts, dashboards): SQLite in the state folder.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{STATE_DIR / 'superset.db'}"

# A closed machine, one local user: no telemetry pixel (Scarf), no example data, no async workers.
ENABLE_PROXY_FIX = False
SCARF_ANALYTICS = False
SUPERSET_WEBSERVER_TIMEOUT = 120
WTF_CSRF_ENABLED = True
TALISMAN_ENABLED = False
CONTENT_SECURITY_POLICY_WARNING = False
FEATURE_FLAGS = {
    "DASHBOARD_RBAC": False,
    "ENABLE_TEMPLATE_PROCESSING": False,
    "ALERT_REPORTS": False,
    "THUMBNAILS": False,
}
# Chart data cached in the process only (no Redis here).
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = CACHE_CONFIG
# Rate limiting of the login page wants a store; in memory is enough for one user.
RATELIMIT_STORAGE_URI = "memory://"
# The warehouse itself is opened read-only, with DML and uploads off: the database of the import
# bundle (dashboards/superset/bundle/databases/), not a setting here.
