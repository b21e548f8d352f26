"""Load service configuration from YAML files and the environment.

The loader merges three layers, later ones winning: the packaged defaults,
the file named by SERVICE_CONFIG, and SERVICE_* environment variables.
"""
from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass, field
from typing import Any, Optional

import yaml

DEFAULTS_PATH = pathlib.Path(__file__).with_name("defaults.yaml")
ENV_PREFIX = "SERVICE_"


@dataclass
class DatabaseSettings:
    host: str = "127.0.0.1"
    port: int = 5432
    name: str = "orders"
    user: str = "orders_app"
    password: Optional[str] = None  # read from DB_PASSWORD at start-up
    pool_size: int = 10
    statement_timeout_ms: int = 30_000


@dataclass
class Settings:
    listen: str = "0.0.0.0:8080"
    log_level: str = "info"
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    api_key: Optional[str] = None
    feature_flags: dict[str, bool] = field(default_factory=dict)
    max_tokens: int = 64000


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = name[len(ENV_PREFIX):].lower().split("__")
        node = layer
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return layer


def load(path: Optional[str] = None, environ: Optional[dict[str, str]] = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    data = yaml.safe_load(DEFAULTS_PATH.read_text()) or {}
    path = path or environ.get("SERVICE_CONFIG")
    if path:
        data = _merge(data, yaml.safe_load(pathlib.Path(path).read_text()) or {})
    data = _merge(data, _from_env(environ))
    db = DatabaseSettings(**data.pop("database", {}))
    db.password = environ.get("DB_PASSWORD", db.password)
    settings = Settings(database=db, **data)
    settings.api_key = environ.get("PAYMENTS_API_KEY")
    return settings
