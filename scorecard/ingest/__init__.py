"""Safe loading of council quarterly returns (CSV/XLSX): read → validate every row → one journalled commit.

``python -m scorecard ingest FILE... [--allow-partial] [--user NAME]``; see :mod:`scorecard.ingest.load`
for the storage layout and :mod:`scorecard.ingest.validate` for the checks.
"""

from scorecard.ingest.load import FileReport, IngestResult, batch_history, check_file, context_for, ingest
from scorecard.ingest.reader import FileProblem
from scorecard.ingest.validate import Issue

__all__ = [
    "FileReport",
    "IngestResult",
    "batch_history",
    "check_file",
    "context_for",
    "ingest",
    "FileProblem",
    "Issue",
]
