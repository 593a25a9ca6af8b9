"""Antrean Sanggahan: the objections and proposals of the official's region, oldest first, with the 14-day
deadline and its SLA state; open one to see the referenced record (logged) and act on it at its stage: progress,
field verification, a decision (code and reason), or the appeal when this official's level decides it. Breached
tickets are escalated to the provinsi (store.sweep) whenever the queue is opened. Public text is plain text."""

import streamlit as st

from portal import access, data, lifecycle, officials, public, staff, ui
from portal.fmt import nama_periode
from portal.privacy.row_tokens import find_row
from portal.privacy.user_text import escape_markdown
from portal.store import KATEGORI, PROGRESS_STATUSES, STATUSES, StoreValidationError, TicketNotFound

BATAS_ANTREAN = 500
BATAS_DESA_DINAMAI = 30

scope = staff.require_scope()
ui.provenance_footer()
if not access.can_see_persons(scope):
    staff.deny(scope, "antrean_sanggahan", scope.region)
st.title("Antrean Sanggahan")
try:
    data.store().sweep()  # escalations are audited in the store; a failure here must not hide the queue
except Exception:
    st.caption("Eskalasi otomatis belum dapat dijalankan saat ini.")

kiri, tengah, kanan = st.columns(3)
semua = "Semua"
status = kiri.selectbox("Status", [None, *STATUSES], format_func=lambda s: semua if s is None else s)
kategori = tengah.selectbox("Kategori", [None, *KATEGORI], format_func=lambda s: semua if s is None else s)
tahap = kanan.selectbox(
    "Tahap", [None, *lifecycle.STAGES], format_func=lambda s: semua if s is None else lifecycle.STAGE_LABELS[s]
)
tingkat = kiri.selectbox(
    "Ditangani tingkat",
    [None, *lifecycle.TIERS],
    format_func=lambda s: semua if s is None else lifecycle.TIER_LABELS[s],
)
umur = tengah.number_input("Lebih lama dari (hari)", min_value=0, max_value=3650, value=0, step=1)
wilayah = ui.scope_region_picker(scope, "antrean")
desa = None
if len(wilayah) == 6:
    nama_desa = data.region_names("desa", wilayah)
    desa = st.selectbox(
        "Desa/kelurahan",
        [None, *nama_desa],
        format_func=lambda k: semua if k is None else nama_desa.get(k, k),
        key=f"antrean_desa_{wilayah}",
    )
elif len(wilayah) < 6:
    st.caption("Pilih kecamatan untuk menyaring per desa/kelurahan.")

antrean = data.store().queue(
    desa or wilayah,
    status=status,
    kategori=kategori,
    older_than_days=int(umur) or None,
    tahap=tahap,
    tingkat=tingkat,
    limit=BATAS_ANTREAN,
)
data.store().audit(
    scope.user,
    "lihat_antrean",
    desa or wilayah or scope.region,
    {"status": status, "kategori": kategori, "lebih_dari_hari": int(umur), "tahap": tahap, "tingkat": tingkat},
)
if not antrean:
    st.info("Tidak ada tiket untuk saringan ini.")
    st.stop()


def nama_wilayah(kode_desa: str) -> tuple[str, str]:
    """The desa's and its kecamatan's names (the code when the register does not know it)."""
    return data.region_name(kode_desa) or kode_desa, data.region_name(kode_desa[:6]) or kode_desa[:6]


# A person's masked name costs a scan of the desa (cached after): the queue names them for its first desa in queue
# order (oldest first), and an opened ticket always.
desa_dinamai = set(list(dict.fromkeys(t.kode_desa for t in antrean))[:BATAS_DESA_DINAMAI])


def perihal(t: object) -> dict[str, str] | None:
    orang = t.kode_desa in desa_dinamai  # type: ignore[attr-defined]
    found = data.ticket_subject(scope, t.periode, t.kode_desa, t.row_token, persons=orang)  # type: ignore[attr-defined]
    return found if found is not None or orang or not t.row_token else officials.NOT_RESOLVED  # type: ignore[attr-defined]


tabel = officials.queue_rows(antrean, nama_wilayah, perihal, lifecycle.today())
hitung = {
    state: sum(t.sla == state for t in antrean if t.tahap not in ("diputus", "selesai"))
    for state in lifecycle.SLA_STATES
}
lebih = " (batas tampilan tercapai; persempit saringan)" if len(antrean) == BATAS_ANTREAN else ""
st.caption(
    f"{len(antrean)} tiket{lebih}, terlama di atas · belum diputus: "
    + " · ".join(f"{n} {state}" for state, n in hitung.items())
)
ui.table(tabel)
baris_tiket = dict(zip((t.code for t in antrean), tabel.to_dict("records"), strict=True))

kode = st.selectbox(
    "Buka tiket",
    [t.code for t in antrean],
    index=None,
    format_func=lambda k: " · ".join(baris_tiket[k][c] for c in ("tiket", "nama_desa", "tentang")),
    placeholder="Pilih tiket (ketik kode atau nama desa)…",
    key="antrean_buka",
)
if kode is None:
    st.stop()
tiket = next(t for t in antrean if t.code == kode)
access.require_persons(scope, tiket.kode_desa)
subjek = data.ticket_subject(scope, tiket.periode, tiket.kode_desa, tiket.row_token)
ringkas = {**baris_tiket[kode], "tentang": officials.subject_text(subjek, tiket.jenis, tiket.row_token)}
st.subheader(f"Tiket {ringkas['tiket']}")
st.markdown(  # escaped: a masked name's asterisks are not emphasis
    escape_markdown(
        f"{tiket.jenis} · {tiket.kategori} · tentang {ringkas['tentang']} · desa/kelurahan {ringkas['nama_desa']}, "
        f"kecamatan {ringkas['nama_kecamatan']} · periode {nama_periode(tiket.periode)} · "
        f"tahap {lifecycle.STAGE_LABELS[tiket.tahap]} · ditangani {lifecycle.TIER_LABELS[tiket.tingkat]} · "
        f"batas {ringkas['batas']} · {tiket.sla}"
    )
)
if tiket.terlambat:
    st.caption("Sanggahan terlambat: diajukan di luar masa sanggah, dibahas pada musyawarah desa berikutnya.")
st.text(tiket.deskripsi)  # never Markdown or HTML: this text comes from the public
if tiket.kontak:
    st.text(f"Kontak: {tiket.kontak}")
if tiket.has_foto and (foto := data.store().get_photo(kode)):
    st.image(foto[0], width=320)
rujukan = None
if tiket.row_token and not tiket.row_token.startswith(public.USULAN_PREFIX):
    orang = data.desa_people(tiket.periode, tiket.kode_desa)
    rujukan = find_row(data.token_secret(), tiket.periode, tiket.row_token, orang["id_dtks"].astype(int).tolist())
if rujukan is not None:
    baris = orang[orang["id_dtks"] == rujukan][["nama", "usia", "rt", "rw", "status_aktif", "keberadaan"]]
    data.store().audit(scope.user, "lihat_rujukan", tiket.kode_desa, {"tiket": kode})
    ui.table(
        baris.assign(status_aktif=baris["status_aktif"].map({True: "aktif", False: "nonaktif"})),
        labels={"nama": "Nama"},
    )
elif tiket.row_token and subjek is None:
    st.caption("Rujukan ke data yang tidak lagi ada di periode ini.")


def simpan(langkah) -> None:
    """Run one store step; an Indonesian message instead of a traceback when it is refused."""
    try:
        langkah()
    except (StoreValidationError, TicketNotFound) as exc:  # the store's English reason never reaches the page
        st.error(f"Belum tersimpan: {officials.store_message(exc)}")
        st.stop()
    except Exception:
        st.error("Belum tersimpan karena gangguan sistem. Silakan coba lagi.")
        st.stop()
    st.success("Tersimpan; halaman Lacak Tiket kini menampilkan perubahan ini.")


if tiket.kode_putusan:
    st.write(f"**Putusan:** {lifecycle.code_label(tiket.kode_putusan)}")
if not lifecycle.may_act(scope.role, tiket.tingkat):
    st.info(f"Tiket ini ditangani tingkat {lifecycle.TIER_LABELS[tiket.tingkat]}; Anda hanya dapat melihatnya.")
elif tiket.tahap in lifecycle.OPEN_STAGES:
    with st.form("tindak_lanjut"):
        baru = st.selectbox("Status", PROGRESS_STATUSES, key="antrean_status")
        hasil = st.text_area("Hasil verifikasi lapangan (opsional)", max_chars=2000, key="antrean_hasil")
        lanjut = st.form_submit_button("Simpan tindak lanjut")
    if lanjut:

        def langkah() -> None:
            data.store().change_status(kode, baru, None, actor=scope.user)
            if hasil.strip():
                data.store().record_verification(kode, hasil.strip(), scope.user, scope.role)

        simpan(langkah)
    with st.form("putusan"):
        kode_putusan = st.selectbox(
            "Keputusan", list(lifecycle.DECISION_CODES), format_func=lifecycle.code_label, key="antrean_putusan"
        )
        alasan = st.text_area("Alasan (wajib)", max_chars=2000, key="antrean_alasan")
        putus = st.form_submit_button("Simpan keputusan", type="primary")
    if putus:
        if not alasan.strip():
            st.error("Alasan keputusan wajib diisi.")
            st.stop()
        keputusan = lifecycle.DECISION_CODES[kode_putusan][0]
        simpan(lambda: data.store().decide(kode, keputusan, kode_putusan, alasan.strip(), scope.user, scope.role))
elif tiket.tahap == "banding":
    st.write("**Banding warga:**")
    st.text(tiket.banding_alasan or "")
    if tiket.diputus_oleh == scope.user:
        st.info("Anda membuat keputusan awal tiket ini, jadi banding diputus petugas lain.")
        st.stop()
    with st.form("banding"):
        hasil_banding = st.selectbox(
            "Putusan banding",
            lifecycle.APPEAL_OUTCOMES,
            format_func=lambda h: "Keputusan awal dikuatkan" if h == "dikuatkan" else "Keputusan awal dibatalkan",
            key="antrean_banding",
        )
        alasan_banding = st.text_area("Alasan (wajib)", max_chars=2000, key="antrean_alasan_banding")
        putus_banding = st.form_submit_button("Simpan putusan banding", type="primary")
    if putus_banding:
        if not alasan_banding.strip():
            st.error("Alasan putusan banding wajib diisi.")
            st.stop()
        simpan(lambda: data.store().decide_appeal(kode, hasil_banding, alasan_banding.strip(), scope.user, scope.role))
else:
    st.info("Tiket ini sudah diputus; tidak ada tindakan yang menunggu.")
