"""The BI starter: Apache Superset (its own environment, `make dashboards`) set up on the warehouse.

setup() runs Superset's CLI of that environment: `superset db upgrade` (its metadata database,
SQLite in the state folder), an admin user with a generated password (kept in the state folder,
never printed), `superset init`, then imports the dashboard bundle of dashboards/superset/bundle
with the warehouse path written into its database URI (opened read-only). serve() starts the web
server on it."""

from __future__ import annotations

import os
import secrets
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
SUPERSET_DIR = PROJECT_DIR / "dashboards" / "superset"
BUNDLE_DIR = SUPERSET_DIR / "bundle"
CONFIG = SUPERSET_DIR / "superset_config.py"
DEFAULT_SUPERSET = PROJECT_DIR / "target" / "superset_env" / "bin" / "superset"
DEFAULT_HOME = PROJECT_DIR / "target" / "superset"
ADMIN_USER = "admin"
PATH_PLACEHOLDER = "__DUCKDB_PATH__"


class DashboardsError(Exception):
    """A setup step that failed, with the command's last output lines."""


@dataclass
class Setup:
    home: Path
    password_file: Path
    seconds: dict[str, float]


def superset_env(home: Path) -> dict[str, str]:
    """The environment of every superset command: the project's config, the state folder."""
    env = dict(os.environ)
    env.update(SUPERSET_CONFIG_PATH=str(CONFIG), SUPERSET_HOME=str(home.resolve()), FLASK_APP="superset",
               PYTHONUNBUFFERED="1")
    return env


def _run(superset: Path, args: list[str], home: Path, step: str) -> None:
    _checked(subprocess.run([str(superset), *args], env=superset_env(home), capture_output=True, text=True),
             f"`superset {' '.join(args[:2])}` ({step})")


def _checked(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise DashboardsError(f"{what} exited {result.returncode}:\n{tail}")


# The admin user, created as `superset fab create-admin` does (Flask-AppBuilder's security manager)
# but with the password in the environment of the process, not on its command line, where every
# user of the machine could read it in the process list while it runs.
CREATE_ADMIN = """
import os, sys
from superset.app import create_app
app = create_app()
with app.app_context():
    from superset import security_manager as sm
    name = os.environ["DASHBOARDS_ADMIN_USER"]
    if sm.find_user(username=name) is None and not sm.add_user(
            name, "Admin", "User", "admin@localhost", sm.find_role(sm.auth_role_admin),
            password=os.environ["DASHBOARDS_ADMIN_PASSWORD"]):
        sys.exit("the admin user could not be created")
"""


def _create_admin(superset: Path, password: str, home: Path) -> None:
    python = Path(superset).with_name("python")
    env = {**superset_env(home), "DASHBOARDS_ADMIN_USER": ADMIN_USER, "DASHBOARDS_ADMIN_PASSWORD": password}
    _checked(subprocess.run([str(python), "-c", CREATE_ADMIN], env=env, capture_output=True, text=True),
             "creating the admin user (admin user)")


def bundle_zip(database: Path, out: Path) -> Path:
    """The import bundle as Superset reads it (a zip with one root folder), the warehouse path
    written into the database's URI."""
    database = database.resolve()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(BUNDLE_DIR.rglob("*.yaml")):
            text = path.read_text()
            if PATH_PLACEHOLDER in text:
                text = text.replace(PATH_PLACEHOLDER, str(database))
            archive.writestr(f"bundle/{path.relative_to(BUNDLE_DIR)}", text)
    return out


def setup(database: Path, home: Path = DEFAULT_HOME, superset: Path = DEFAULT_SUPERSET) -> Setup:
    """Superset's metadata database, the admin user and the dashboard, in the state folder `home`.
    Run again, it keeps the user and its password and re-imports the bundle (overwriting it)."""
    if not database.is_file():
        raise DashboardsError(f"{database}: no warehouse file (run `make build`, or name it with DUCKDB_PATH)")
    if not Path(superset).is_file():
        raise DashboardsError(f"{superset}: no Superset environment (run `make superset-env`)")
    home.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    _run(superset, ["db", "upgrade"], home, "metadata database")
    seconds["db upgrade"] = time.monotonic() - started

    password_file = home / "admin_password"
    if not password_file.exists():
        password = secrets.token_urlsafe(16)
        started = time.monotonic()
        _create_admin(superset, password, home)
        password_file.touch(mode=0o600)
        password_file.write_text(password + "\n")
        seconds["create-admin"] = time.monotonic() - started

    started = time.monotonic()
    _run(superset, ["init"], home, "roles and permissions")
    seconds["init"] = time.monotonic() - started

    started = time.monotonic()
    archive = bundle_zip(database, home / "dashboard_bundle.zip")
    _run(superset, ["import-dashboards", "--path", str(archive), "--username", ADMIN_USER], home, "dashboard import")
    seconds["import"] = time.monotonic() - started
    return Setup(home, password_file, seconds)


def server_command(superset: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """Superset's web server (gunicorn of its environment, one worker, a few threads)."""
    gunicorn = Path(superset).with_name("gunicorn")
    return [str(gunicorn), "--workers", "1", "--threads", "4", "--timeout", "120", "--graceful-timeout", "5", "--bind", f"{host}:{port}",
            "superset.app:create_app()"]


def serve(home: Path, port: int, superset: Path = DEFAULT_SUPERSET) -> int:
    """Serve the dashboards until interrupted."""
    print(f"Superset on http://localhost:{port}/superset/dashboard/customer-engagement/ - user {ADMIN_USER}, "
          f"password in {home / 'admin_password'}", flush=True)
    try:
        return subprocess.run(server_command(superset, port), env=superset_env(home)).returncode
    except KeyboardInterrupt:
        return 0
