"""The KPI register (``kpi_definitions.yaml``), validated on load: :mod:`.definitions`."""

from scorecard.register.context import Context
from scorecard.register.definitions import (
    DEFAULT_PATH,
    Dataset,
    Measure,
    PriorityAction,
    Register,
    RegisterError,
    Source,
    Target,
    Theme,
    load,
)

__all__ = [
    "Context",
    "DEFAULT_PATH",
    "Dataset",
    "Measure",
    "PriorityAction",
    "Register",
    "RegisterError",
    "Source",
    "Target",
    "Theme",
    "load",
]
