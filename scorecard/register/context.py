"""What a reading of the scorecard is of — the data folder (and so its version), the validated register and the
council — resolved once by whoever knows it (the app per page run, the CLI per command, a test per folder) and
handed down, so no function below re-resolves a folder or re-loads the register.

Every function that reads or writes the data takes it first; who (role), when (period) and against what
(comparator group), where it takes them, follow in that order: ``reports.scorecard_for(ctx, role, period, group)``,
``views.scorecard(ctx, period, group)``, ``views.measure_series(ctx, measure_id, period, group)``. Functions of the
files alone (the snapshot index, the ledgers, a connection) take the folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from scorecard import SEFTON
from scorecard.register.definitions import Register, load
from scorecard.store import storage


@dataclass(frozen=True, eq=False)
class Context:
    """The data folder, the register and the council a reading is of."""

    folder: Path
    reg: Register
    area: str = SEFTON

    @classmethod
    def of(cls, data_dir: str | Path | None = None, reg: Register | None = None, area: str = SEFTON) -> Context:
        """The context of ``data_dir`` (default ``$SCORECARD_DATA`` or ``data/``) read with ``reg`` (default the
        project's ``kpi_definitions.yaml``) for ``area``."""
        folder = Path(data_dir) if data_dir else storage.default_data_dir()
        return cls(folder, reg if reg is not None else load(), area)

    @property
    def version(self) -> str:
        """The folder's data version now (:func:`scorecard.store.storage.version`): changes with every commit."""
        return storage.version(self.folder)

    def at(self, area: str) -> Context:
        """The same folder and register for another council."""
        return replace(self, area=area)
