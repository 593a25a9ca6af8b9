"""Eksplorasi: counts of individuals or families in the official's region, filtered, grouped by one dimension or
pivoted by two; grouped, stacked or 100 % bars, or lines over periods; a totals row, rates (desil 1–4, programme
coverage), a map of the result, and CSV/XLSX exports. Officials who may see persons also page through the rows
(columns and sort of their choice, within their tier), or click a bar to see the rows of that group.
The view lives in the URL (see portal/explore.py), so it can be shared as a link."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from portal import access, data, explore, explore_charts, explore_ui, export, staff, ui
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


def fetch(name: str, where: dict[str, object] | None = None, **extra: object) -> pd.DataFrame:
    """A query of this view (or of `where`, other parameters of it) inside the official's scope; a refusal or a
    failure ends the page with a message."""
    with staff.guard(scope, "eksplorasi", scope.region, TIDAK_TERBACA):
        return data.scoped_query(scope, scope.region, name, **(where or params), **extra)
    raise AssertionError("staff.guard let a failure through")


# A register built before the cube (derived version 4) and served without `setup` counts live.
has_cube = data.has_table(f"explore_cube_{spec.tingkat}")
counts_name = explore.counts_query(spec, scope.region, has_cube)
counts = fetch(counts_name, dim_baris=spec.baris, dim_kolom=spec.kolom)
total = int(counts["total"].iloc[0]) if len(counts) else 0
spec = replace(spec, hal=min(spec.hal, explore.page_count(total)))
st.session_state.update(eks_spec=spec, eks_url=spec.to_params(), eks_hal=spec.hal)
if spec.to_params() != raw:
    st.query_params.from_dict(spec.to_params())

satuan = explore.LEVELS[spec.tingkat].lower()
st.metric(f"Jumlah {satuan} · {nama_periode(periode)}", angka(total))
table = explore.grouped_table(counts, spec.baris, spec.kolom)

# --- chart ---------------------------------------------------------------------------------------------------
drill: tuple[str, str] | None = None
if spec.baris:
    jenis = st.radio(
        "Grafik",
        list(explore_charts.CHART_KINDS),
        key="eks_grafik_jenis",
        format_func=explore_charts.CHART_KINDS.get,
        horizontal=True,
    )
    if jenis == "line":
        per_period = {
            p: fetch(
                counts_name,
                {**params, "periode": p, "akhir": period_end(p)},
                dim_baris=spec.baris,
                dim_kolom="",
            )
            for p in manifest.periods
        }
        lines = explore.period_table(per_period, spec.baris)
        st.plotly_chart(explore_charts.lines_figure(lines, f"Jumlah {satuan}"), width="stretch", key="eks_garis")
        st.caption("Satu garis per kelompok (paling banyak 8 kelompok terbesar pada periode terbaru).")
    else:
        figure = explore_charts.bars_figure(
            explore.long_counts(counts, spec.baris, spec.kolom), jenis, f"Jumlah {satuan}"
        )
        chart_key = f"eks_batang_{jenis}_{spec.baris}_{spec.kolom}"
        event = st.plotly_chart(figure, width="stretch", key=chart_key, on_select="rerun", selection_mode="points")
        drill = explore_charts.clicked_group(event)
        st.caption("Klik sebuah batang untuk melihat baris data kelompok itu.")
    if "program" in (spec.baris, spec.kolom):
        st.caption("Satu keluarga dapat menerima lebih dari satu program, jadi jumlah per program bisa melebihi total.")

# --- table with totals, rates ------------------------------------------------------------------------------------
column_totals = None
if spec.baris == "program":  # a family in two programmes is in two rows: the total row counts it once
    by_column = fetch(counts_name, dim_baris=spec.kolom, dim_kolom="")
    if spec.kolom:
        keys = zip(by_column["baris"], by_column["baris_nama"], strict=True)
        column_totals = {
            explore.label(spec.kolom, k, n): int(v) for (k, n), v in zip(keys, by_column["jumlah"], strict=True)
        }
        if "Total" in table.columns:
            column_totals["Total"] = total
    else:
        column_totals = {"Jumlah": total}
shown_table = explore.with_totals(table, column_totals) if spec.baris else table
ui.table(shown_table, key="eks_tabel")
explore_ui.downloads("agregat", lambda: shown_table, spec, scope, names)

# rates read the view twice more (by desil and by programme): only when asked for, at national scale too
if st.toggle("Tampilkan rasio: desil 1–4 dan cakupan program", key="eks_rasio"):
    by_desil = fetch(counts_name, dim_baris=spec.baris, dim_kolom="desil")
    by_program = fetch(counts_name, dim_baris=spec.baris, dim_kolom="program")
    all_desil = fetch(counts_name, dim_baris="desil", dim_kolom="") if spec.baris == "program" else None
    all_program = fetch(counts_name, dim_baris="program", dim_kolom="") if spec.baris == "program" else None
    rates = explore.rates_table(by_desil, by_program, spec.baris, all_desil, all_program)
    # percentages as localized numbers (66,7) under headings that say "(%)"
    ui.table(rates.round(dict.fromkeys(explore.RATE_COLUMNS, 1)), decimals=dict.fromkeys(explore.RATE_COLUMNS, 1))
    st.caption(
        f"Persentase dari jumlah {satuan} pada tiap kelompok. Desil dan program adalah milik keluarga"
        + (" (untuk individu: keluarganya)." if spec.tingkat == "individu" else ".")
        + " Baris Total menghitung setiap "
        + satuan
        + " sekali."
    )
    explore_ui.downloads("rasio", lambda: explore.export_rates(rates), spec, scope, names)

# --- map of the result -------------------------------------------------------------------------------------------
if st.toggle("Tampilkan peta hasil saringan", key="eks_peta"):
    tempat = explore.map_level(spec, scope.region)
    if tempat is None:
        st.info("Pilih satu provinsi, kab/kota, kecamatan atau desa pada saringan untuk melihat peta.")
    else:
        tingkat_peta, induk = tempat
        map_counts = explore.counts_query(replace(spec, baris=tingkat_peta, kolom=""), scope.region, has_cube)
        per_region = fetch(map_counts, dim_baris=tingkat_peta, dim_kolom="")
        per_region = per_region[per_region["baris"].astype(str).str.startswith(induk)]
        baris_peta = pd.DataFrame({"kode": per_region["baris"].astype(str), "nama": per_region["baris_nama"]})
        nilai = pd.Series(per_region["jumlah"].to_numpy(), index=baris_peta["kode"], dtype="float64")
        meta = explore.MapMeta(f"Jumlah {satuan} sesuai saringan", satuan)
        ui.region_map(tingkat_peta, induk, baris_peta, nilai, meta, f"eks_peta_{tingkat_peta}_{induk}", height=420)

# --- rows --------------------------------------------------------------------------------------------------------
if ditolak_baris:  # a shared link asked for rows: the analyst keeps the aggregates above, and nothing more
    staff.deny(scope, "eksplorasi_baris", scope.region)
if not access.can_see_persons(scope):
    if drill is not None:
        st.info("Peran analis hanya melihat agregat; baris data kelompok yang diklik tidak ditampilkan.")
    st.caption("Peran analis hanya melihat agregat; baris data perorangan tidak ditampilkan.")
    st.stop()
st.divider()
row_spec = spec
drill_text = None
if drill is None:
    st.session_state.pop("eks_drill", None)
else:
    try:
        row_spec = explore.drill_spec(spec, spec.baris, drill[0])
        drill_text = explore.label(spec.baris, drill[0], names.get(drill[0]))
        if spec.kolom:
            row_spec = explore.drill_spec(row_spec, spec.kolom, drill[1])
            drill_text += " · " + explore.label(spec.kolom, drill[1], names.get(drill[1]))
    except ValueError:  # not a group of this view (a stale selection): the whole view
        row_spec, drill_text = spec, None
    row_spec = explore.apply_scope(row_spec, scope.region).spec  # the group stays inside the scope
    if st.session_state.get("eks_drill") != drill:  # a new bar: open its rows on their first page
        st.session_state.update(eks_drill=drill, eks_lihat=True, eks_hal=1)
if not st.toggle("Tampilkan baris data (tercatat di log audit)", key="eks_lihat"):
    st.stop()
row_params = explore.query_params(row_spec, scope.region, period_end(periode)) if row_spec != spec else params
row_total = total
if row_spec != spec:
    group_counts = fetch(explore.counts_query(row_spec, scope.region, has_cube), row_params, dim_baris="", dim_kolom="")
    row_total = int(group_counts["total"].iloc[0]) if len(group_counts) else 0
if drill_text:
    st.subheader(f"Baris kelompok: {drill_text}")
    st.caption("Klik dua kali pada area grafik untuk kembali ke semua baris hasil saringan.")
controls = explore_ui.row_controls(scope, spec.tingkat)
urutan = explore.sort_params(spec.tingkat, controls.urut, controls.turun)
st.session_state["eks_hal"] = min(int(st.session_state.get("eks_hal", 1)), explore.page_count(row_total))
halaman = st.columns(4)[0].number_input(
    "Halaman", min_value=1, max_value=explore.page_count(row_total), step=1, key="eks_hal"
)
rows_name = explore.rows_query(spec)
mulai = (int(halaman) - 1) * explore.PAGE_SIZE
rows = fetch(rows_name, row_params, batas=explore.PAGE_SIZE, mulai=mulai, **urutan)
seen = (row_spec.without_page(), int(halaman), controls)
extra = {"urut": controls.urut, "turun": controls.turun, "kolom_tampil": list(controls.columns)}
if drill_text:
    extra["kelompok"] = drill_text
if st.session_state.get("eks_dilihat") != seen:
    data.store().audit(
        scope.user, "lihat_baris", scope.region, {**explore.audit_detail(row_spec), **extra, "jumlah": len(rows)}
    )
    st.session_state["eks_dilihat"] = seen
st.caption(
    f"Baris {angka(mulai + 1 if len(rows) else 0)}–{angka(mulai + len(rows))} dari {angka(row_total)} "
    f"(halaman {angka(halaman)} dari {angka(explore.page_count(row_total))}) · diurutkan menurut "
    f"{explore.SORT_LABELS[controls.urut]}{', menurun' if controls.turun else ''}"
)
if not controls.columns:
    st.info("Pilih sedikitnya satu kolom untuk ditampilkan.")
    st.stop()
ui.table(
    explore.rows_for_display(rows, controls.columns), labels=explore.row_labels(spec.tingkat), key="eks_baris_tabel"
)
note = export.cap_note(row_total)
if note:
    st.caption(note)

explore_ui.downloads(
    "baris",
    lambda: explore.export_rows(
        data.person_rows(scope, scope.region, rows_name, **row_params, batas=export.ROW_CAP, mulai=0, **urutan),
        controls.columns,
        spec.tingkat,
    ),
    row_spec,
    scope,
    names,
    note,
    extra,
)
