"""The dbt profile (profiles.yml, in the project folder) as dbt renders it, for the tools that open the
warehouse outside dbt and must use the build's settings: env_var() with its default, nothing else.
One place for the defaults: the profile."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import yaml

PROFILE = "latam_engagement"
PROJECT_PROFILES_DIR = Path(__file__).resolve().parents[1]


class ProfileError(RuntimeError):
    pass


def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise ProfileError(f"profiles.yml reads environment variable {name}, which is not set")
    return default


def _profile(profiles_dir: Path | None = None) -> dict[str, Any]:
    """The profile rendered with the current environment. The folder is profiles_dir, else
    $DBT_PROFILES_DIR, else the project folder (where dbt looks first)."""
    folder = Path(profiles_dir or os.environ.get("DBT_PROFILES_DIR") or PROJECT_PROFILES_DIR)
    text = jinja2.Template((folder / "profiles.yml").read_text()).render(env_var=_env_var)
    return yaml.safe_load(text)[PROFILE]


def profile_output(output: str, profiles_dir: Path | None = None) -> dict[str, Any]:
    """One output of the profile (prod, dev, prod_read_only, spark), rendered with the current environment."""
    return _profile(profiles_dir)["outputs"][output]


def profile_target(profiles_dir: Path | None = None) -> str:
    """The output dbt uses when no --target is given (the profile's `target`, DBT_TARGET)."""
    return str(_profile(profiles_dir)["target"])


def duckdb_storage_version(profiles_dir: Path | None = None) -> str:
    """The storage format the warehouse file is written in (the prod output's
    storage_compatibility_version, DUCKDB_STORAGE_VERSION): every tool that writes a fresh file
    (`engagement-warehouse compact`) writes it in this one, so duckdb 1.x clients can read it."""
    return str(profile_output("prod", profiles_dir)["config_options"]["storage_compatibility_version"])
