"""The REST API under /api: every module here that defines `blueprint` is registered by the app factory."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, Flask


def register_api(server: Flask) -> list[str]:
    """Register the `blueprint` of every module in this package; return the module names."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        blueprint = getattr(module, "blueprint", None)
        if isinstance(blueprint, Blueprint):
            server.register_blueprint(blueprint)
            names.append(info.name)
    return names
