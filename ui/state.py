"""State that lives in the URL (``st.query_params``): page, theme, measure, period, group.

Opening a copied URL reproduces the view; an unknown id gives a friendly message, not a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from scorecard import SEFTON

AREA = SEFTON


def url_select(
    param: str,
    label: str,
    options: Sequence[str],
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    container=None,
    kind: str | None = None,
    help: str | None = None,
) -> str:
    """A selectbox whose value is kept in the URL query parameter ``param``.

    The URL wins when it changes (a followed link or an opened permalink); the widget wins when the
    user changes it, and the new value is written back to the URL."""
    container = container or st
    options = list(options)
    default = default if default in options else options[0]
    widget_key, synced_key = f"_url_{param}", f"_synced_{param}"
    wanted = st.query_params.get(param)
    if wanted is not None and wanted not in options:
        not_found(kind or param, wanted)
        wanted = None
    if (
        widget_key not in st.session_state
        or st.session_state[widget_key] not in options
        or (wanted is not None and wanted != st.session_state.get(synced_key))
    ):
        st.session_state[widget_key] = wanted if wanted is not None else default
    value = container.selectbox(label, options, key=widget_key, format_func=format_func, help=help)
    st.query_params[param] = value
    st.session_state[synced_key] = value
    return value


def not_found(kind: str, value: str) -> None:
    """A friendly message for an unknown id in the URL."""
    st.warning(
        f"Not found: there is no {kind} called “{plain(value)}”. Showing the default instead — "
        "check the link, or pick from the list.",
        icon="🔎",
    )


def plain(value: object, limit: int = 60) -> str:
    """A URL value made inert for markdown: shortened, and every markdown / HTML character escaped, so a
    crafted link can't inject links, images, emphasis or tags into the page."""
    text = " ".join(str(value).split())
    return escape_markdown(text[:limit] + ("…" if len(text) > limit else ""))


def escape_markdown(text: str) -> str:
    """Every markdown / HTML character escaped, so text shows as written: no links, images, emphasis, tags,
    lists or Streamlit colour and emoji directives."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|~$:&;\"'=" else ch for ch in text)


def period_if_any() -> str | None:
    """The chosen reporting quarter, or None on a page that holds no quarter's figures (Data & definitions, the
    golden thread) when nothing is published yet: the page shows only what needs no figures."""
    return st.session_state.get("_url_period")


def current_period() -> str:
    """The reporting quarter chosen in the sidebar (set by the shell, which runs no page without one)."""
    period = period_if_any()
    if period is None:
        raise RuntimeError("no reporting quarter chosen: a page runs only after the shell has chosen one")
    return period
