"""One visit of a page on the wire, as a browser makes it, without drawing anything: the page's HTML (keeping
nginx's route cookie, so the visit stays on one process), the app's websocket, a script run for the page
(Streamlit's ``BackMsg.rerun_script`` with the page's name and query string), and every message until
``script_finished``. Used by the load test (:mod:`load`) and by ``serve.py`` to warm each app process.

It speaks Streamlit's wire protocol, so it imports Streamlit's message classes: it lives here, beside the
production profile, not in the engine (``scorecard/`` never imports Streamlit).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME
from websockets.typing import Subprotocol

STREAM = "/_stcore/stream"


def _cookies(*cookies: str) -> str:
    """One ``Cookie`` header of the ``name=value`` pairs given (empty ones left out)."""
    return "; ".join(c for c in cookies if c)


def _get(url: str, cookie: str, identity: str) -> str:
    """GET ``url`` with the route cookie (and the ``identity`` cookie, if any); returns the route cookie to keep
    (nginx's, or the one sent)."""
    sent_cookies = _cookies(cookie, identity)
    request = urllib.request.Request(url, headers={"Cookie": sent_cookies} if sent_cookies else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        sent = response.headers.get("Set-Cookie", "")
    return sent.split(";", 1)[0] if sent.startswith("scorecard_route=") else cookie


async def view(url: str, path: str, cookie: str, identity: str = "", pages: set | None = None) -> tuple[float, str]:
    """One visit of ``path`` (a new session) with the route ``cookie`` and the sign-in ``identity`` cookie
    (none: the public): (seconds until the script finished, the route cookie); puts the url paths of the pages
    the script's navigation offers in ``pages``. With sign-in configured Streamlit reads the identity cookie only
    from a websocket that carries its XSRF cookie's token as the second subprotocol, as the browser sends it."""
    page, _, query = path.lstrip("/").partition("?")
    started = time.perf_counter()
    cookie = await asyncio.to_thread(_get, url + path, cookie, identity)
    xsrf = generate_xsrf_token_string()
    headers = {"Cookie": _cookies(cookie, identity, f"{XSRF_COOKIE_NAME}={xsrf}"), "Origin": url}
    async with websockets.connect(
        url.replace("http", "ws", 1) + STREAM,
        subprotocols=[Subprotocol("streamlit"), Subprotocol(xsrf)],
        additional_headers=headers,
        max_size=None,
    ) as socket:
        ask = BackMsg()
        ask.rerun_script.query_string = query
        ask.rerun_script.page_name = page
        await socket.send(ask.SerializeToString())
        while True:
            message = ForwardMsg.FromString(await asyncio.wait_for(socket.recv(), 120))
            if message.WhichOneof("type") == "script_finished":
                break
            if pages is not None and message.WhichOneof("type") == "navigation":  # the last: the script's own
                pages.clear()  # (a new process's first session is first sent every file in pages/)
                pages.update(offered.url_pathname for offered in message.navigation.app_pages)
    return time.perf_counter() - started, cookie
