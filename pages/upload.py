"""Upload a return (BI team / officers only): validate a CSV or XLSX return — figures, commentary, annual
actions or targets — review the report, then load it.

Only listed in the navigation for roles that may upload (officer, admin: ``scorecard.governance.access.can_upload``;
``SCORECARD_OFFICER=1`` gives the officer role on a demo without sign-in); refuses to work otherwise.
"""

from ui.shell import ensure_shell

ensure_shell()

import tempfile
from pathlib import Path

import streamlit as st

from scorecard import ingest
from scorecard.governance import access, publish
from scorecard.store import storage
from ui import auth, data

MAX_MB = 20

st.title("Upload a return")
if not access.can_upload(auth.role()):  # officers and admins (signed in, or SCORECARD_OFFICER=1 / demo role)
    st.error(
        "This page is for council officers loading data: sign in as an officer (or, on a laptop demo "
        "without sign-in, run the app with SCORECARD_OFFICER=1)."
    )
    st.stop()

st.markdown(
    "Load a quarterly return (CSV or Excel) of one kind: **figures** (`measure_id, area_code, period, value, "
    "numerator, denominator, status, note`), **commentary** (`measure_id, period, narrative, corrective_action, "
    "action_owner, due_date`), **actions** (`action_id, period, status, percent_complete, narrative`) or "
    "**targets** (`measure_id, financial_year, target or basis, tolerance, rationale, approved_by, approved_on`). "
    "An Excel return's kind is its sheet's name, as in the templates. Every row is checked first; nothing is "
    "written until you confirm. Nothing is overwritten: a changed figure is a **revision** (the previous value "
    "is kept in the history), and commentary, action updates and targets are kept as **versions**. "
    "Get a pre-filled template with `python -m scorecard template --all --kind commentary --period "
    "\"2025/26 Q2\" --out commentary.xlsx` (kinds: figures, commentary, actions, targets)."
)

user = auth.user_name()
st.caption(f"Loads are recorded as **{user}** in the batch history and the audit log.")
upload = st.file_uploader(f"Return file (.csv or .xlsx, up to {MAX_MB} MB)", type=["csv", "xlsx"])
allow_partial = st.checkbox("Load the good rows even if some rows are rejected (rejected rows are quarantined)")


def _rights() -> dict:
    """What this user's loads may do: record a target's approval (BI administrators), and never change the
    target of a year whose quarters were reported."""
    return {"may_approve": access.can_publish(auth.role()), "reported": publish.reported_years()}


def checked(payload: bytes, name: str, folder: Path):
    """The dry-run report of an uploaded file, validated once per file hash and data version (a rerun of
    the page — ticking a box, opening a table — does not validate it again)."""
    cache = st.session_state.setdefault("_upload_checks", {})
    key = (storage.sha256(payload), name, data.key())
    if key not in cache:
        path = folder / Path(name).name
        path.write_bytes(payload)
        with st.status(f"Checking {name}…", expanded=False) as status:
            result = ingest.ingest(
                data.context(),
                [path],
                names=[name],
                dry_run=True,
                progress=lambda message: status.update(label=message),
                **_rights(),
            )
            status.update(label=f"Checked {name}", state="complete")
        cache.clear()  # one upload at a time: keep only the latest report
        cache[key] = result.files[0]
    return cache[key]


if upload is not None and upload.size > MAX_MB * 1024 * 1024:
    st.error(f"{upload.name} is {upload.size / 1e6:.1f} MB; the limit is {MAX_MB} MB. Split the return.")
elif upload is not None:
    try:
        with tempfile.TemporaryDirectory(prefix="scorecard-upload-") as folder:
            payload = upload.getvalue()
            report = checked(payload, upload.name, Path(folder))
            c = st.columns(4)
            c[0].metric("Rows", f"{report.rows_total:,}")
            c[1].metric("Good rows", f"{report.rows_accepted:,}")
            c[2].metric("Rejected rows", f"{report.rows_rejected:,}")
            c[3].metric("Warnings", len(report.warnings))
            if report.issues:
                st.subheader("Validation report")
                st.dataframe(report.issues_frame(), hide_index=True)
            if report.outcome == "already loaded":
                st.info("This exact file has already been loaded: nothing to do.")
            elif report.errors and not (allow_partial and report.rows_accepted):
                st.error(
                    f"{len(report.errors)} error(s): nothing can be loaded. Fix the file and upload it again"
                    + (
                        ""
                        if allow_partial or not report.rows_accepted
                        else ", or tick the box above to load only the good rows"
                    )
                    + "."
                )
            else:
                label = f"Load {report.rows_accepted:,} row(s)" + (
                    f" and quarantine {report.rows_rejected:,}" if report.rows_rejected else ""
                )
                if st.button(label, type="primary"):
                    path = Path(folder) / Path(upload.name).name
                    path.write_bytes(payload)
                    with st.status("Loading…", expanded=True) as status:
                        done = ingest.ingest(
                            data.context(),
                            [path],
                            names=[upload.name],
                            user=user,
                            allow_partial=allow_partial,
                            progress=st.write,
                            via="upload page",
                            **_rights(),
                        )
                        status.update(label="Loaded" if done.loaded else "Not loaded", state="complete")
                    loaded = done.files[0]
                    if done.loaded:
                        message = f"Loaded {upload.name} ({loaded.kind}) as batch {loaded.batch_id}: " + (
                            f"{loaded.rows_accepted:,} rows ({loaded.rows_revised:,} revisions)."
                            if loaded.kind == "figures"
                            else f"{loaded.rows_accepted:,} row(s), each a new version."
                        )
                        if loaded.quarantine:
                            message += f" Rejected rows were written to `{loaded.quarantine}`."
                        st.success(message)
                    else:
                        st.error("Nothing was loaded: " + "; ".join(str(i) for i in loaded.errors[:5]))
    except storage.WriteError as err:  # disk full, read-only or no permission: nothing was changed
        st.error(f"Nothing was loaded: {err}")
    except OSError as err:  # the upload's own temporary copy could not be written
        st.error(f"The file could not be checked: {storage.reason(err)} (temporary folder). Nothing was loaded.")

st.subheader("Loaded returns")
loads = ingest.batch_history()
if loads.empty:
    st.caption("No returns have been loaded through this page or `python -m scorecard ingest` yet.")
else:
    st.dataframe(loads, hide_index=True)
superseded = ingest.load.history()
with st.expander(f"Superseded figures ({len(superseded):,}) — values a revision replaced"):
    titles = {m.id: m.title for m in data.reg().measures}
    superseded = superseded.assign(title=superseded["measure_id"].map(titles))
    st.dataframe(
        superseded[
            [
                "measure_id",
                "title",
                "area_code",
                "period_label",
                "value",
                "status",
                "batch_id",
                "superseded_by",
                "superseded_at",
            ]
        ],
        hide_index=True,
    )
