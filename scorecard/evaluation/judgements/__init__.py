"""The judgements of DESIGN.md §5, one module each, applied to the facts :mod:`scorecard.evaluation.facts_sql`
gathers: :mod:`.rag` (against target), :mod:`.direction` (of travel), :mod:`.trend` (OHID Fingertips recent
trend), :mod:`.benchmark` (rank, quartile, significance against the comparator group) and :mod:`.exceptions`.

Every function is vectorised over numpy arrays or pandas Series (one element per measure × area) and returns
**codes**, never sentences: :mod:`scorecard.present.wording` turns codes into words, so the pages, the packs
and the CSV say the same thing. :mod:`.polarity` is the one place a measure's polarity becomes a sign.
"""
