"""Targets for a financial year (staff): every measure's target with its basis, tolerance and rationale, and
whether it is approved, proposed or still illustrative — what Cabinet confirms each February. Targets are
loaded with the targets return (Upload page); a change never overwrites an earlier year's target."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.governance import access
from scorecard.present import targets as shown
from scorecard.present import wording
from scorecard.register import targets
from scorecard.store import ledger, periods, text
from ui import auth, components, data, state

st.title("Targets")
if not access.sees_draft(auth.role()):
    st.error("Targets before Cabinet confirms them are for council staff.")
    st.stop()

reg = data.reg()
this_year = periods.parse_label(state.current_period()).seq // 4  # the reporting quarter's financial year
years = [periods.financial_year(this_year + k).label for k in (0, 1, -1, -2)]  # then next year's, for February
year = state.url_select("year", "Financial year", years, default=years[0], kind="financial year")
frame = targets.for_year(reg, targets.versions(reg, ledger.read(ledger.TARGET_VERSIONS)), year)
table = shown.table(frame, {t.id: t.title for t in reg.themes})
counts = shown.counts(frame)

st.markdown(
    f"**Targets for {year}** — {len(frame)} measures: "
    + " · ".join(f"{wording.TARGET_STATUS[code].split(' —')[0]}: {n}" for code, n in counts.items())
    + ". A target set for a year holds for that year only; a benchmark basis with no year (e.g. the CIPFA "
    "neighbour median) holds until a year's own target replaces it. Earlier quarters keep the target that was "
    "in force then."
)
if counts["illustrative"]:
    st.warning(
        f"**{counts['illustrative']} illustrative targets** are made up for demonstration, not council targets.",
        icon="⚠️",
    )
st.dataframe(table, hide_index=True, column_config={"Rationale": st.column_config.TextColumn(width="large")})
slug = year.replace("/", "-")
left, right = st.columns(2)
with left:
    components.csv_download(table, f"sefton_targets_{slug}.csv", "Download the targets (CSV)")
right.download_button(
    "Download the targets (Excel)",
    lambda: text.xlsx_bytes(table, f"Targets {slug}", f"Sefton Council — Corporate Plan measures: targets for {year}"),
    file_name=f"sefton_targets_{slug}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
)
if access.can_publish(auth.role()):  # the BI administrators who set targets; nobody else needs the commands
    st.caption(
        "To set or approve targets: `python -m scorecard template --kind targets --all --period \"2026/27 Q1\" "
        "--out targets.xlsx`, fill in target (or basis), tolerance, rationale, approved by and approved on, then "
        "load it on the Upload page. The same list: `python -m scorecard targets --year 2026/27 --out targets.xlsx`."
    )
else:
    st.caption("Targets are set by the Business Intelligence team with the targets return, once Cabinet confirms them.")
