"""Who sees what (:mod:`.access`), publishing quarters as frozen snapshots (:mod:`.publish`), one audit log
(:mod:`.audit`)."""
