"""The Eksplorasi page's widgets: the view a URL (or the last visit) asks for, written into the widgets' state,
and the filter panel. Streamlit code that would make the page too long to hold in mind; the logic it calls is
pure, in portal/explore.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from portal import access, data, explore, export, regions, ui, words
from portal.fmt import nama_periode
from portal.snapshot import Manifest

MAX_PARENTS = 60  # more parents than this would make a list of thousands of choices


@dataclass(frozen=True)
class Panel:
    """What the filter panel returns: region names seen (for export headers) and the grouping chosen."""

    names: dict[str, str]
    tingkat: str
    baris: str
    kolom: str


def seed_from_url(scope: access.Scope, manifest: Manifest) -> tuple[dict[str, str], bool]:
    """The URL's parameters, and whether they (or the last view, back from another page) were written into the
    widgets this run. Notes, refusals (audited) and narrowings are shown as they are found."""
    raw = {key: ",".join(st.query_params.get_all(key)) for key in st.query_params}
    if not raw and "eks_spec" in st.session_state:  # back from another page: the last view, not a blank one
        raw = st.session_state["eks_spec"].to_params()
    # A new or hand-edited URL decides every widget; so does the last view when the widgets were forgotten (Streamlit
    # drops a page's widget state when another page is shown).
    seeding = raw != st.session_state.get("eks_url") or "eks_tingkat" not in st.session_state
    if seeding:
        parsed = explore.parse_params(raw, manifest.periods)
        scoped = explore.apply_scope(parsed.spec, scope.region)
        for note in parsed.notes:
            st.warning(note, icon=":material/info:")
        if scoped.refused:
            data.store().audit(
                scope.user,
                "ditolak",
                scope.region,
                {"halaman": "eksplorasi", "peran": scope.role, "kode": scoped.refused},
            )
            st.error(
                f"Kode wilayah di luar wilayah Anda ditolak: {', '.join(scoped.refused[:5])}", icon=":material/block:"
            )
        if scoped.narrowed:
            st.info("Pilihan wilayah di atas wilayah Anda dipersempit ke wilayah Anda.")
        seed = scoped.spec
        if seed.periode:
            st.session_state[ui.PERIOD_KEY] = seed.periode
        for key, _, _ in explore.REGION_KEYS:
            st.session_state[f"eks_{key}"] = list(getattr(seed, key))
        for key, (_, attr, _) in explore.CHOICES.items():
            st.session_state[f"eks_{key}"] = list(getattr(seed, attr))
        st.session_state.update(eks_tingkat=seed.tingkat, eks_baris=seed.baris, eks_kolom=seed.kolom, eks_hal=seed.hal)
        st.session_state["eks_lihat"] = seed.lihat == "baris"
    return raw, seeding


def names_under(level: str, parents: list[str]) -> dict[str, str]:
    """Code → name of the regions of `level` under each parent."""
    found: dict[str, str] = {}
    for parent in parents:
        found.update(dict(data.query("wilayah_children", tingkat=level, induk=parent).values))
    return found


def filter_panel(scope: access.Scope, seeding: bool) -> Panel:
    """The official's region, then the filters (regions within scope, programme, desil, …) and the grouping."""
    fixed = explore.fixed_levels(scope.region)
    names = names_under(explore.REGION_LEVELS[fixed[-1]], [regions.parent_code(scope.region)]) if fixed else {}
    st.caption(
        f"Wilayah Anda: {names.get(scope.region, 'Seluruh Indonesia')} {f'({scope.region})' if scope.region else ''}"
    )
    with st.expander("Saringan", expanded=True):
        kolom_wilayah = st.columns(4)
        parents, unknown = ([scope.region] if scope.region else [""]), []
        for (key, _, label), tempat in zip(explore.REGION_KEYS, kolom_wilayah, strict=True):
            if key in fixed:
                continue
            if len(parents) > MAX_PARENTS:
                tempat.caption(f"{label}: pilih paling banyak {MAX_PARENTS} wilayah di tingkat atasnya untuk memilih.")
            options = names_under(explore.REGION_LEVELS[key], parents) if 0 < len(parents) <= MAX_PARENTS else {}
            names.update(options)
            wanted = st.session_state.get(f"eks_{key}", [])
            unknown += [c for c in wanted if c not in options]
            st.session_state[f"eks_{key}"] = [c for c in wanted if c in options]
            parents = tempat.multiselect(
                label,
                list(options),
                key=f"eks_{key}",
                format_func=lambda c, n=options: f"{n.get(c, c)} ({c})",
                placeholder="Semua" if options else "Pilih atasnya dahulu",
                disabled=not options,
            )
        if seeding and unknown:
            st.warning(f"Kode wilayah tidak dikenal diabaikan: {', '.join(explore.shown(c) for c in unknown[:5])}")
        kiri, tengah, kanan = st.columns(3)
        for i, (key, (allowed, _, label)) in enumerate(explore.CHOICES.items()):
            (kiri, tengah, kanan)[i % 3].multiselect(
                label, list(allowed), key=f"eks_{key}", format_func=allowed.get, placeholder="Semua"
            )
        kiri, tengah, kanan = st.columns(3)
        tingkat = kiri.radio("Tingkat", list(explore.LEVELS), key="eks_tingkat", format_func=explore.LEVELS.get)
        dims = ["", *explore.DIMENSIONS]
        baris = tengah.selectbox(
            "Kelompokkan menurut", dims, key="eks_baris", format_func=lambda d: explore.DIMENSIONS.get(d, "—")
        )
        kolom = kanan.selectbox(
            "Kolom pivot", dims, key="eks_kolom", format_func=lambda d: explore.DIMENSIONS.get(d, "—")
        )
        if tingkat == "keluarga":
            st.caption(
                "Pada tingkat keluarga, jenis kelamin, kelompok umur dan disabilitas adalah milik kepala keluarga."
            )
    return Panel(names, tingkat, baris, kolom)


def spec_from_state(periode: str, panel: Panel) -> explore.FilterSpec:
    """The view the widgets describe, tidied (what was dropped is said in captions); back to the first page of rows
    when anything but the page changed since the last run."""
    spec, notes = explore.tidy(
        explore.FilterSpec(
            periode=periode,
            **{key: tuple(sorted(st.session_state.get(f"eks_{key}", []))) for key, _, _ in explore.REGION_KEYS},
            **{attr: tuple(st.session_state.get(f"eks_{key}", [])) for key, (_, attr, _) in explore.CHOICES.items()},
            tingkat=panel.tingkat,
            baris=panel.baris,
            kolom=panel.kolom,
            lihat="baris" if st.session_state.get("eks_lihat") else "agregat",
            hal=int(st.session_state.get("eks_hal", 1)),
        )
    )
    for note in notes:
        st.caption(note)
    previous = st.session_state.get("eks_spec")
    if previous is not None and previous.without_page() != spec.without_page():
        spec = spec.without_page()
    return spec


def downloads(
    kind: str,
    build_table: Callable[[], pd.DataFrame],
    spec: explore.FilterSpec,
    scope: access.Scope,
    names: dict[str, str],
    note: str | None = None,
    extra: dict[str, object] | None = None,
) -> None:
    """CSV (a ZIP of data.csv and keterangan.txt, see portal/export.py) and XLSX (sheets Data and Keterangan)
    downloads side by side, each built when clicked (so its time is the download's) and audited then; the
    keterangan names the period, the filters, the time, the official and where the data comes from."""
    filters = [*explore.describe(spec, scope.region, names), *ui.provenance_header(spec.periode)]
    periode_teks = f"{nama_periode(spec.periode)} ({spec.periode})"

    def build(fmt: str) -> bytes:
        frame = build_table()
        header = export.header_block(
            f"Eksplorasi DTKS — {kind}", periode_teks, filters, scope.user, export.now_wib(), note
        )
        action = "ekspor_baris" if kind == "baris" else "ekspor_agregat"
        detail = {**explore.audit_detail(spec), **(extra or {}), "format": fmt, "jumlah": len(frame)}
        data.store().audit(scope.user, action, scope.region, detail)
        return export.to_zip(frame, header) if fmt == "csv" else export.to_xlsx_sheets(frame, header)

    for column, fmt in zip(st.columns(2), ("csv", "xlsx"), strict=True):
        column.download_button(
            f"Unduh {kind} ({fmt.upper()})",
            data=lambda fmt=fmt: build(fmt),
            file_name=export.file_name(kind, spec.periode, export.now_wib(), "zip" if fmt == "csv" else fmt),
            mime=export.ZIP_MIME if fmt == "csv" else export.XLSX_MIME,
            key=f"eks_unduh_{kind}_{fmt}",
            on_click="ignore",
            icon=":material/download:",
            help="CSV: berkas ZIP berisi data.csv (pemisah titik koma, desimal koma; langsung terbuka di Excel "
            "berbahasa Indonesia) dan keterangan.txt (asal data dan saringan)."
            if fmt == "csv"
            else "XLSX: lembar Data dan lembar Keterangan (asal data dan saringan).",
        )


@dataclass(frozen=True)
class RowControls:
    """The rows view's choices: columns shown, sort key and direction."""

    columns: tuple[str, ...]
    urut: str
    turun: bool


def row_controls(scope: access.Scope, tingkat: str) -> RowControls:
    """Column choice (only the columns the role's tier allows) and the server-side sort (only SORT_KEYS)."""
    allowed = explore.allowed_columns(scope.role, tingkat)
    labels = explore.row_labels(tingkat)
    key = f"eks_kolom_tampil_{tingkat}"
    if key not in st.session_state:
        st.session_state[key] = list(explore.choose_columns(scope.role, tingkat, None))
    st.session_state[key] = [c for c in st.session_state[key] if c in allowed]  # never more than the tier
    kiri, tengah, kanan = st.columns([3, 1.2, 0.8])
    chosen = kiri.multiselect(
        "Kolom yang ditampilkan",
        list(allowed),
        key=key,
        format_func=lambda c: words.heading(c, labels),
        placeholder="Pilih kolom",
    )
    sort_keys = explore.SORT_KEYS[tingkat]
    urut = tengah.selectbox(
        "Urutkan menurut", list(sort_keys), key=f"eks_urut_{tingkat}", format_func=explore.SORT_LABELS.get
    )
    turun = kanan.toggle("Menurun", key=f"eks_turun_{tingkat}")
    return RowControls(explore.choose_columns(scope.role, tingkat, chosen), urut, turun)
