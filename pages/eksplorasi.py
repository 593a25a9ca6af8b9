"""Eksplorasi: counts of individuals or families in the official's region, filtered, grouped by one dimension or
pivoted by two, with a chart and CSV/XLSX exports; officials who may see persons also page through the rows.
The view lives in the URL (see portal/explore.py), so it can be shared as a link."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from portal import access, charts, data, explore, explore_ui, export, staff, ui
from portal.fmt import angka, nama_periode
from portal.periods import period_end

TIDAK_TERBACA = "Data tidak dapat dibaca saat ini. Silakan coba lagi nanti atau hubungi administrator portal."
scope = staff.require_scope()
ui.provenance_footer()
manifest = ui.require_register()
st.title("Eksplorasi Data")

raw, seeding = explore_ui.seed_from_url(scope, manifest)
ditolak_baris = st.session_state.get("eks_lihat", False) and not access.can_see_persons(scope)
if ditolak_baris:
    st.session_state["eks_lihat"] = False
periode = ui.period_picker(manifest)
panel = explore_ui.filter_panel(scope, seeding)
names = panel.names
spec = explore_ui.spec_from_state(periode, panel)
params = explore.query_params(spec, scope.region, period_end(periode))


def fetch(name: str, **extra: object) -> pd.DataFrame:
    """A query of this view inside the official's scope; a refusal or a failure ends the page with a message."""
    with staff.guard(scope, "eksplorasi", scope.region, TIDAK_TERBACA):
        return data.scoped_query(scope, scope.region, name, **params, **extra)
    raise AssertionError("staff.guard let a failure through")


counts = fetch(explore.counts_query(spec), dim_baris=spec.baris, dim_kolom=spec.kolom)
total = int(counts["total"].iloc[0]) if len(counts) else 0
spec = replace(spec, hal=min(spec.hal, explore.page_count(total)))
st.session_state.update(eks_spec=spec, eks_url=spec.to_params(), eks_hal=spec.hal)
if spec.to_params() != raw:
    st.query_params.from_dict(spec.to_params())

satuan = explore.LEVELS[spec.tingkat].lower()
st.metric(f"Jumlah {satuan} · {nama_periode(periode)}", angka(total))
table = explore.grouped_table(counts, spec.baris, spec.kolom)
if spec.baris:
    st.plotly_chart(charts.grouped_counts_figure(explore.chart_table(table), f"Jumlah {satuan}"), width="stretch")
    if "program" in (spec.baris, spec.kolom):
        st.caption("Satu keluarga dapat menerima lebih dari satu program, jadi jumlah per program bisa melebihi total.")
st.dataframe(table, hide_index=True, width="stretch")
explore_ui.downloads("agregat", lambda: table, spec, scope, names)

if ditolak_baris:  # a shared link asked for rows: the analyst keeps the aggregates above, and nothing more
    staff.deny(scope, "eksplorasi_baris", scope.region)
if not access.can_see_persons(scope):
    st.caption("Peran analis hanya melihat agregat; baris data perorangan tidak ditampilkan.")
    st.stop()
st.divider()
if not st.toggle("Tampilkan baris data (tercatat di log audit)", key="eks_lihat"):
    st.stop()
halaman = st.columns(4)[0].number_input(
    "Halaman", min_value=1, max_value=explore.page_count(total), step=1, key="eks_hal"
)
rows_name = explore.rows_query(spec)
mulai = (int(halaman) - 1) * explore.PAGE_SIZE
rows = fetch(rows_name, batas=explore.PAGE_SIZE, mulai=mulai)
seen = (spec.without_page(), int(halaman))
if st.session_state.get("eks_dilihat") != seen:
    data.store().audit(scope.user, "lihat_baris", scope.region, {**explore.audit_detail(spec), "jumlah": len(rows)})
    st.session_state["eks_dilihat"] = seen
st.caption(
    f"Baris {angka(mulai + 1)}–{angka(mulai + len(rows))} dari {angka(total)} "
    f"(halaman {angka(halaman)} dari {angka(explore.page_count(total))})"
)
st.dataframe(rows, hide_index=True, width="stretch")
note = export.cap_note(total)
if note:
    st.caption(note)

explore_ui.downloads(
    "baris",
    lambda: data.person_rows(scope, scope.region, rows_name, **params, batas=export.ROW_CAP, mulai=0),
    spec,
    scope,
    names,
    note,
)
