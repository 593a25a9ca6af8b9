"""Kualitas Data: a scorecard of data-quality checks per region under the one chosen (invalid NIK, NIK issued
elsewhere, shared NIK, deceased still active, missing desil, verivali older than N months), and the rows of one
check in one region for officials who may see persons (refused to the analyst; every view audited)."""

import streamlit as st

from portal import access, analytics, charts, data, officials, regions, staff, ui
from portal.periods import period_end

BATAS_BARIS = 1000
LABEL_BARIS = {"nama": "Nama", "nik": "NIK"}  # a person's name and NIK here, not a region's
BELUM_TERBACA = "Data kualitas belum dapat dibaca (rollup register perlu dibangun ulang). Hubungi administrator."
TEMUAN_TERBACA = "Baris temuan tidak dapat dibaca saat ini. Silakan coba lagi atau hubungi administrator."
scope = staff.require_scope()
periode = ui.register_period(note=False)
st.title("Kualitas Data")

kode = ui.scope_region_picker(scope, "kualitas")
view = regions.view_of(kode)
bulan = int(
    st.number_input("Belum diverivali lebih dari (bulan)", min_value=1, max_value=120, value=12, key="kualitas_bulan")
)
akhir = period_end(periode)

with staff.guard(scope, "kualitas_data", kode, BELUM_TERBACA):
    baris = data.scoped_query(scope, kode, "rollup_within_region", periode=periode, tingkat=view.anak, kode=kode)
    lewat = data.scoped_query(
        scope,
        kode,
        "quality_verivali_children",
        periode=periode,
        akhir=akhir,
        bulan=bulan,
        kode=kode,
        panjang=view.panjang,
    )
    kartu = analytics.quality_scorecard(baris, lewat)
if kartu.empty:
    st.info("Belum ada data register untuk wilayah ini pada periode tersebut.")
    st.stop()

st.subheader(f"Kartu skor per {regions.LEVEL_NAMES[view.anak].lower()}")
st.caption(
    "Jumlah temuan dan persentasenya: cek NIK per individu terdaftar (meninggal-aktif per individu aktif), "
    "cek keluarga per keluarga aktif. NIK ganda: NIK valid yang dipakai lebih dari satu keluarga, termasuk "
    "lintas kab/kota."
)
kolom = {"kode": "Kode", "nama": "Wilayah", "individu": "Individu", "keluarga_aktif": "Keluarga aktif"}
for cek in analytics.CHECKS:
    kolom[cek] = analytics.check_label(cek, bulan, short=True)
    kolom[f"{cek}_persen"] = f"{kolom[cek]} (%)"
ui.table(
    kartu[list(kolom)].rename(columns=kolom),
    percent=tuple(kolom[f"{cek}_persen"] for cek in analytics.CHECKS),
    decimals={kolom[f"{cek}_persen"]: 2 for cek in analytics.CHECKS},
)

sorot = st.selectbox(
    "Bandingkan wilayah menurut",
    list(analytics.CHECKS),
    format_func=lambda c: analytics.check_label(c, bulan),
    key="kualitas_sorot",
)
if kartu[f"{sorot}_persen"].fillna(0).sum() > 0:
    st.plotly_chart(
        charts.ranking_figure(kartu.dropna(subset=[f"{sorot}_persen"]), f"{sorot}_persen", "% temuan"),
        width="stretch",
    )

st.subheader("Lihat baris temuan")
kiri, kanan = st.columns(2)
nama_anak = dict(zip(kartu["kode"], kartu["nama"], strict=True))
wilayah = kiri.selectbox(
    "Wilayah",
    list(nama_anak),
    index=None,
    format_func=lambda k: f"{nama_anak[k]} ({k})",
    placeholder="Pilih wilayah…",
    key=f"kualitas_baris_wilayah_{kode}",
)
cek = kanan.selectbox(
    "Cek",
    list(analytics.CHECKS),
    index=None,
    format_func=lambda c: analytics.check_label(c, bulan),
    placeholder="Pilih cek…",
    key="kualitas_baris_cek",
)
if wilayah is None or cek is None:
    st.caption("Baris berisi data pribadi: hanya untuk petugas yang berwenang, dan setiap tampilan dicatat.")
    st.stop()
params = dict(periode=periode, kode=wilayah, cek=cek, batas=BATAS_BARIS)
if analytics.CHECKS[cek].rows_query == "quality_family_rows":
    params.update(akhir=akhir, bulan=bulan)
with staff.guard(scope, "kualitas_data_baris", wilayah, TEMUAN_TERBACA):
    access.require_persons(scope, wilayah)
    temuan = data.scoped_query(scope, wilayah, analytics.CHECKS[cek].rows_query, **params)
jumlah = int(temuan["jumlah_total"].iloc[0]) if len(temuan) else 0
data.store().audit(
    scope.user,
    "lihat_baris_kualitas",
    wilayah,
    {"cek": cek, "periode": periode, "bulan": bulan, "baris": len(temuan), "jumlah": jumlah},
)
if temuan.empty:
    st.info("Tidak ada temuan untuk cek ini di wilayah tersebut.")
    st.stop()
st.caption(f"Menampilkan {len(temuan):,} dari {jumlah:,} baris.".replace(",", "."))
ui.table(officials.dates_as_text(temuan.drop(columns=["jumlah_total"])), labels=LABEL_BARIS)
