"""Sefton Council performance scorecard — Corporate Plan 2024–27.

Entry point: ``streamlit run app.py``. Pages live in ``pages/`` and are wired with ``st.navigation``
(which turns off Streamlit's automatic pages/ discovery, so each page appears once in the menu).
"""

from __future__ import annotations

from ui.shell import main

main()
