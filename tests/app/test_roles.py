"""Who sees what, page by page: every page × role × period state, including crafted ``?period=`` URLs.

Set-up (a private copy of the data): 2025/26 Q2 is *published*, 2025/26 Q3 is *released to members*, every
other quarter is draft. Sefton's observations are then marked with sentinel values — ``S3`` for periods
ending inside Q3 (written before Q3 was released, so members legitimately see them) and ``S4`` for
periods ending after Q3 (draft only). The public must never see either sentinel; members must never see
``S4``; officers do see ``S4`` (proving the detector works)."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from scorecard import SEFTON
from scorecard.governance import access, publish, workflow
from scorecard.register import Context
from scorecard.store import db, periods
from tests.app.conftest import PAGES, opener, run_app
from tests.conftest import PUBLISHED
from ui import auth
from ui.shell import FIGURE_FREE

RELEASED, DRAFT = "2025/26 Q3", "2025/26 Q4"
S3, S4 = 76543.21, 87654.32
SENTINEL_TEXT = {S3: ("76543", "76,543", "76,54"), S4: ("87654", "87,654", "87,65")}


def _mark(data_dir: Path, after: str, up_to: str | None, value: float) -> None:
    path = data_dir / "observations.parquet"
    frame = pd.read_parquet(path)
    end = pd.Timestamp(periods.parse_label(after).end)
    hit = (frame["area_code"] == SEFTON) & (frame["period_end"] > end) & frame["value"].notna()
    if up_to:
        hit &= frame["period_end"] <= pd.Timestamp(periods.parse_label(up_to).end)
    assert hit.sum() > 0
    frame.loc[hit, "value"] = value
    frame.to_parquet(path, index=False)
    db.reset()


@pytest.fixture(scope="module")
def embargo_data(published_once, tmp_path_factory):
    folder = tmp_path_factory.mktemp("embargo") / "data"
    shutil.copytree(published_once[0], folder)  # PUBLISHED is published
    db.reset()
    _mark(folder, PUBLISHED, RELEASED, S3)
    publish.publish(Context.of(folder), RELEASED, who="test admin", release_to_members=True)
    _mark(folder, RELEASED, None, S4)
    yield folder
    db.reset()


def _decode(value):
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _numbers(obj) -> list[float]:
    if isinstance(obj, bool):
        return []
    if isinstance(obj, (int, float)):
        return [float(obj)]
    if isinstance(obj, dict):
        return [n for v in obj.values() for n in _numbers(v)]
    if isinstance(obj, list):
        return [n for v in obj for n in _numbers(v)]
    return []


HASHES = re.compile(r"[0-9a-fA-F]{16,}")
"""A run of 16 or more hex digits: an element id, widget id or media file name, never a figure."""


def everything(at: AppTest) -> tuple[str, list[float]]:
    """All text on the page (every element's protobuf, every dataframe as CSV) and every chart number."""
    texts, numbers = [], []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    # element and widget ids and media file names are hashes a reader never sees: a sentinel's digits turn up
    # in one by chance (2025/26 Q4 "54321" in a member's QSR page, once in a full run), so they are left out
    texts = [HASHES.sub("", t) for t in texts]
    for frame in at.dataframe:
        texts.append(frame.value.to_csv())
        numbers += [float(v) for v in frame.value.select_dtypes("number").to_numpy().ravel() if pd.notna(v)]
    for chart in at.get("plotly_chart"):
        numbers += _numbers(_decode(json.loads(chart.proto.spec)))
    return "\n".join(texts), numbers


def leaked(at: AppTest, sentinel: float) -> list[str]:
    text, numbers = everything(at)
    found = [s for s in SENTINEL_TEXT[sentinel] if s in text]
    found += [str(n) for n in numbers if abs(n - sentinel) < 1]
    return found


@pytest.fixture
def as_role(embargo_data, monkeypatch):
    return opener(monkeypatch, embargo_data)


def _picker(at: AppTest) -> list[str]:
    boxes = [s for s in at.sidebar.selectbox if s.label == "Reporting quarter"]
    return [str(o).split(" · ")[0] for o in boxes[0].options] if boxes else []


def _titles(at: AppTest) -> str:
    return " ".join(t.value for t in at.title)


PERIOD_STATES = {
    "none": None,
    "published": PUBLISHED,
    "released": RELEASED,
    "draft": DRAFT,
    "unknown": "2019/20 Q1",
    "garbage": "<b>Q9</b>",
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("state", list(PERIOD_STATES))
def test_public_never_sees_an_embargoed_figure(as_role, page, state):
    wanted = PERIOD_STATES[state]
    at = as_role("public", page, **({"period": wanted} if wanted else {}))
    assert not leaked(at, S3) and not leaked(at, S4)
    assert _picker(at) in ([PUBLISHED], [])
    assert RELEASED not in _titles(at) and DRAFT not in _titles(at)
    if state in ("released", "draft"):
        assert any("Not published" in i.value for i in at.info)
        assert not at.title and not at.metric and not at.dataframe  # no figures at all
    else:
        assert at.title


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("state", ["none", "released", "draft"])
def test_members_see_released_but_never_draft(as_role, page, state):
    wanted = PERIOD_STATES[state]
    at = as_role("member", page, **({"period": wanted} if wanted else {}))
    assert not leaked(at, S4)
    assert _picker(at) == [RELEASED, PUBLISHED]
    if state == "draft":
        assert any("Not published" in i.value for i in at.info) and not at.title


def test_detector_sees_draft_figures_for_officers(as_role):
    for page in ("overview", "theme", "explore"):
        at = as_role("officer", page, period=DRAFT)
        assert leaked(at, S4), f"the sentinel detector must find draft figures on the officer's {page} page"
        assert _picker(at)[:3] == [DRAFT, RELEASED, PUBLISHED]
        assert any("draft" in w.value for w in at.warning)


def test_no_published_quarter_shows_a_message_not_draft_figures(app_data, monkeypatch):
    for page in PAGES:
        at = run_app(monkeypatch, "public", page)
        assert any("No figures published yet" in i.value and "due at Cabinet in" in i.value for i in at.info)
        assert not at.metric and not at.get("plotly_chart")
        if page in FIGURE_FREE:  # the definitions and the plan's structure need no quarter's figures
            assert at.title
        else:
            assert not at.title and not at.dataframe


def test_with_nothing_published_the_public_still_reads_the_definitions_and_the_plan(app_data, monkeypatch):
    data_page = run_app(monkeypatch, "public", "data")
    register_table, gaps = [d.value for d in data_page.dataframe]
    assert len(register_table) == 86 and [t.label for t in data_page.tabs] == ["KPI register"]
    assert [e.label for e in data_page.expander] == [
        f"Ownership gaps ({len(gaps)}): where the council's documents do not say who owns what"
    ]
    thread_page = run_app(monkeypatch, "public", "golden_thread")
    text = " ".join(m.value for m in thread_page.markdown)
    assert "Sefton Vision 2030" in text and "appear here once a quarter's report is published" in text
    [table] = [d.value for d in thread_page.dataframe]
    measures = table[table["Kind"] == "Measure"]
    assert len(measures) > 80 and (table["Status"] == "").all()  # no status anywhere
    assert (measures["Detail"] == "").all()  # and no figure


def test_staff_pages_are_listed_only_for_staff(as_role):
    for role, upload, publish_page in [
        ("public", False, False),
        ("member", False, False),
        ("officer", True, False),
        ("admin", True, True),
    ]:
        for script, allowed, title in [
            ("pages/upload.py", upload, "Upload a return"),
            ("pages/publish.py", publish_page, "Publish a quarter"),
        ]:
            at = as_role(role)
            if allowed:
                at.switch_page(script)
                at.run()
                assert not at.exception and [t.value for t in at.title] == [title], (role, script)
            else:
                with pytest.raises(ValueError, match="Could not find a navigation page"):
                    at.switch_page(script)
            # and ?page=upload / ?page=publish never reaches them either
            at = as_role(role, page=script[6:-3])
            if not allowed:
                assert title not in _titles(at)


def test_role_resolution_is_safe():
    env_demo = {"SCORECARD_DEMO_ROLE": "admin"}
    # sign-in not configured: public, unless a demo role is set (laptop demo / tests)
    assert auth.resolve_role(False, False, {}, {}, {}) == "public"
    assert auth.resolve_role(False, False, {}, {}, env_demo) == "admin"
    assert auth.resolve_role(False, False, {}, {}, {"SCORECARD_OFFICER": "1"}) == "officer"
    assert auth.resolve_role(False, False, {}, {}, {"SCORECARD_DEMO_ROLE": "root"}) == "public"
    # sign-in configured: the demo variable is ignored
    assert auth.resolve_role(True, False, {}, {}, env_demo) == "public"
    assert auth.resolve_role(True, True, {"email": "a@b.c"}, {}, env_demo) == "public"
    assert auth.resolve_role(True, True, {"email": "a@b.c", "scorecard_role": "member"}, {}, {}) == "member"
    assert auth.resolve_role(True, True, {"email": "A@b.c"}, {"users": {"a@b.c": "officer"}}, {}) == "officer"
    assert auth.resolve_role(True, True, {"groups": ["admin"]}, {"claim": "groups"}, {}) == "admin"
    assert access.can_publish("admin") and not access.can_publish("officer")


def test_duties_belong_to_their_framework_rows_and_are_never_implied():
    demo = {"SCORECARD_DEMO_DUTIES": "data_owner, BI,root,scrutiny"}
    # sign-in not configured: the demo variable; staff hold staff duties, councillors scrutiny; unknown names dropped
    assert auth.resolve_duties("officer", False, False, {}, {}, demo) == {"data_owner", "bi"}
    assert auth.resolve_duties("member", False, False, {}, {}, demo) == {"scrutiny"}
    assert auth.resolve_duties("public", False, False, {}, {}, demo) == frozenset()
    assert auth.resolve_duties("admin", False, False, {}, {}, {}) == frozenset()  # an administrator is not BI by rank
    # sign-in configured: the demo variable is ignored; the council's mapping wins over the claim
    assert auth.resolve_duties("officer", True, False, {}, {}, demo) == frozenset()
    claims = {"email": "AD@b.c", "scorecard_duties": ["data_owner"]}
    assert auth.resolve_duties("officer", True, True, claims, {}, {}) == {"data_owner"}
    mapping = {"users": {"ad@b.c": ["assistant_director"]}}
    assert auth.resolve_duties("officer", True, True, claims, mapping, {}) == {"assistant_director"}
    assert auth.resolve_duties("public", True, True, claims, mapping, {}) == frozenset()
    assert auth.resolve_duties("officer", True, True, {"roles": "bi"}, {"claim": "roles"}, {}) == {"bi"}
    audit = {"users": {"auditor@b.c": ["audit", "executive_director"]}}
    assert auth.resolve_duties("officer", True, True, {"email": "auditor@b.c"}, audit, {}) == {
        "audit",
        "executive_director",
    }
    assert auth.resolve_duties("member", True, True, {"email": "auditor@b.c"}, audit, {}) == frozenset()
    bound = {"scorecard_duties": ["assistant_director:children_education", "bi:", "root:adults", "scrutiny:x"]}
    assert auth.resolve_duties("officer", True, True, bound, {}, {}) == {"assistant_director:children_education"}
    assert auth.resolve_duties("member", True, True, bound, {}, {}) == frozenset()  # a councillor's duty is unbound
    assert {duty for _, duty in workflow.STEPS.values()} <= set(access.STAFF_DUTIES)  # one vocabulary of duties
