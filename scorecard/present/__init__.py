"""Codes into words, and the shaped tables pages and exports read: :mod:`.wording`, :mod:`.views`, :mod:`.output`."""
