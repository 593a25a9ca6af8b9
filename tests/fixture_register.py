"""A tiny hand-made register with known answers, published through the same code path as the demo.

Three desa: A = 3471011001 Kricak (Kota Yogyakarta), B = 3402012001 Poncosari (Bantul), C = 3171011002 Cideng
(Jakarta Pusat); two periods, 2026-06 and 2026-09. The expected figures in EXPECTED are worked out by hand
from the rows below (see the comments), not computed by the code under test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from portal.config import Settings
from portal.rollups import build_derived
from portal.schema import PROGRAMMES, SCHEMAS, SULIT, to_arrow
from portal.snapshot import Manifest, partition_path, staging, write_table
from portal.wilayah import load_code_tables

A, B, C = "3471011001", "3402012001", "3171011002"
PERIODS = ["2026-06", "2026-09"]
DUP_NIK = "3471015507850003"  # held by HENDRA WIJAYA in A (kab 3471) and NUR HALIMAH in C (kab 3171)


def _family(fid: int, desa: str, head: str, desil: int | None, progs: tuple[str, ...] = (), **extra) -> dict:
    row = {
        "id_keluarga": fid,
        "kode_desa": desa,
        "kode_kec": desa[:6],
        "kode_kab": desa[:4],
        "kode_prov": desa[:2],
        "nama_kepala_keluarga": head,
        "no_kk": f"{desa[:6]}0101100{fid:03d}",
        "alamat": f"JL. MAWAR NO. {fid}",
        "dusun": "-",
        "rt": "001",
        "rw": "002",
        "jumlah_art": 1,
        "lantai": "semen/bata merah",
        "dinding": "tembok",
        "atap": "genteng",
        "sumber_air": "ledeng",
        "penerangan": "listrik PLN",
        "daya_listrik_va": 900,
        "jamban": "sendiri",
        "aset_lpg_5_5kg": False,
        "aset_kulkas": False,
        "aset_motor": True,
        "aset_mobil": False,
        "aset_lahan": False,
        "aset_ternak": False,
        "desil": desil,
        "status_kesejahteraan": None if desil is None else ("miskin" if desil <= 3 else "tidak miskin"),
        "sumber_data": "DTKS",
        "status_aktif": True,
        "alasan_nonaktif": None,
        "tanggal_verivali": date(2026, 5, 1),
        "id_usulan_asal": None,
    }
    for p in PROGRAMMES:
        row[f"prog_{p}"] = p in progs
        row[f"prog_{p}_sejak"] = date(2024, 1, 1) if p in progs else None
    row.update(extra)
    return row


def _person(pid: int, fid: int, desa: str, nama: str, nik: str, sex: str, role: str, **extra) -> dict:
    row = {
        "id_dtks": pid,
        "id_keluarga": fid,
        "kode_desa": desa,
        "kode_kec": desa[:6],
        "kode_kab": desa[:4],
        "kode_prov": desa[:2],
        "nama": nama,
        "nik": nik,
        "no_kk": f"{desa[:6]}0101100{fid:03d}",
        "tempat_lahir": "YOGYAKARTA",
        "tanggal_lahir": date(1985, 7, 15),
        "jenis_kelamin": sex,
        "nama_ibu_kandung": "SRI WAHYUNI",
        "hubungan_keluarga": role,
        "dusun": "-",
        "rt": "001",
        "rw": "002",
        "status_padan": "padan",
        "penyakit_kronis": None,
        "partisipasi_sekolah": "tidak sekolah lagi",
        "pendidikan_tertinggi": "SMA/sederajat",
        "pekerjaan": "pedagang",
        "keberadaan": "ada",
        "tanggal_keberadaan": None,
        "status_aktif": True,
    }
    for col in SULIT:
        row[col] = False
    row.update(extra)
    return row


def _rows_2026_09() -> tuple[list[dict], list[dict]]:
    families = [
        _family(1, A, "BUDI SANTOSO", 1, ("pkh", "bpnt", "pbi_jk"), jumlah_art=3),
        _family(2, A, "WARSINAH", 2, (), jumlah_art=2),  # desil 2, no programme: exclusion
        _family(3, A, "HENDRA WIJAYA", 7, ("pbi_jk",)),  # desil 7 receiving: inclusion
        _family(4, B, "SUPARMAN", None, ("pbi_jk",), jumlah_art=2),  # desil missing
        _family(
            5, C, "AHMAD FAUZI", 4, ("bpnt",), jumlah_art=2, tanggal_verivali=date(2025, 1, 15), id_usulan_asal=9001
        ),  # added from usulan 9001; verified 20 months before the period end
        _family(6, C, "JOKO SUSILO", 8, (), status_aktif=False, alasan_nonaktif="mampu"),  # stopped by 9003
    ]
    people = [
        _person(10, 1, A, "BUDI SANTOSO", "3471011507850001", "L", "kepala keluarga"),
        _person(11, 1, A, "SITI AMINAH", "3471015508870001", "P", "istri"),
        _person(
            12,
            1,
            A,
            "ANDI PRATAMA",
            "3471010102100001",
            "L",
            "anak",
            keberadaan="meninggal",
            tanggal_keberadaan=date(2026, 2, 1),
        ),  # deceased, still active
        _person(20, 2, A, "WARSINAH", "3471014101600002", "P", "kepala keluarga", status_padan="belum padan"),
        _person(21, 2, A, "SURYANI", "347101650199001", "P", "anak"),  # 15 digits: invalid
        _person(30, 3, A, "HENDRA WIJAYA", DUP_NIK, "L", "kepala keluarga"),
        _person(40, 4, B, "SUPARMAN", "3402011203700001", "L", "kepala keluarga", status_padan="belum padan"),
        _person(41, 4, B, "SUPARMI", "3201014403720001", "P", "istri"),  # NIK issued in kab 3201
        _person(50, 5, C, "AHMAD FAUZI", "3171010909800001", "L", "kepala keluarga"),
        _person(51, 5, C, "NUR HALIMAH", DUP_NIK, "P", "istri"),  # same NIK as HENDRA WIJAYA in A
        _person(60, 6, C, "JOKO SUSILO", "3171011010750001", "L", "kepala keluarga", status_aktif=False),
    ]
    return families, people


def _rows_2026_06() -> tuple[list[dict], list[dict]]:
    families = [
        _family(1, A, "BUDI SANTOSO", 1, ("pkh", "bpnt", "pbi_jk"), jumlah_art=3),
        _family(2, A, "WARSINAH", 2, (), jumlah_art=2),
        _family(3, A, "HENDRA WIJAYA", 6, ("pbi_jk",)),  # desil 6 → 7 in 2026-09
        _family(4, B, "SUPARMAN", None, ("pbi_jk",), jumlah_art=2),
        _family(6, C, "JOKO SUSILO", 8, ("pbi_jk",)),
        _family(9, C, "RUDI HARTONO", 3, ("pkh",)),  # gone in 2026-09
    ]
    current = {p["id_dtks"]: p for p in _rows_2026_09()[1]}
    people = [dict(current[i]) for i in (10, 11, 20, 21, 30, 40, 41)]
    people.append(_person(12, 1, A, "ANDI PRATAMA", "3471010102100001", "L", "anak"))
    people.append(_person(60, 6, C, "JOKO SUSILO", "3171011010750001", "L", "kepala keluarga"))
    people.append(_person(90, 9, C, "RUDI HARTONO", "3171011111700001", "L", "kepala keluarga"))
    return families, people


def _meeting(mid: int, desa: str, day: date) -> dict:
    return {
        "id_musdes": mid,
        "kode_desa": desa,
        "kode_kec": desa[:6],
        "kode_kab": desa[:4],
        "kode_prov": desa[:2],
        "jenis_musyawarah": "muskel",
        "tanggal": day,
        "nomor_berita_acara": f"001/BA-MUSKEL/{desa[-4:]}/V/2026",
        "jumlah_hadir": 25,
        "jumlah_foto": 3,
        "daftar_hadir_ada": True,
        "tanggal_publikasi": day,
        "masa_sanggah_sampai": date.fromordinal(day.toordinal() + 14),
    }


def _proposal(uid: int, mid: int, desa: str, jenis: str, kategori: str, fid: int, nama: str) -> dict:
    return {
        "id_usulan": uid,
        "id_musdes": mid,
        "kode_desa": desa,
        "kode_kec": desa[:6],
        "kode_kab": desa[:4],
        "kode_prov": desa[:2],
        "jenis": jenis,
        "kategori": kategori,
        "id_keluarga": fid,
        "nama_kepala_keluarga": nama,
        "jumlah_art": 2,
        "keputusan_musdes": "disetujui",
        "tanggal_usulan": date(2026, 4, 20),
    }


MEETINGS = {
    "2026-06": [_meeting(100, C, date(2026, 5, 2))],  # C's last musdes: more than 3 months before 2026-09-30
    "2026-09": [_meeting(200, A, date(2026, 8, 10))],
}
PROPOSALS = {
    "2026-06": [
        _proposal(9001, 100, C, "tambah", "layak tetapi belum terdaftar", 5, "AHMAD FAUZI"),  # appears in 09
        _proposal(9002, 100, C, "tambah", "layak tetapi belum terdaftar", 8, "DEWI LESTARI"),  # never appears
        _proposal(9003, 100, C, "penghentian", "sudah mampu", 6, "JOKO SUSILO"),  # made inactive in 09
    ],
    "2026-09": [_proposal(9101, 200, A, "tambah", "layak tetapi belum terdaftar", 10, "RINA MARLINA")],
}

# Rollup answers for 2026-09, by desa and for the nation, worked out from the rows above.
EXPECTED = {
    A: dict(
        keluarga=3,
        keluarga_aktif=3,
        desil_1=1,
        desil_2=1,
        desil_7=1,
        pkh=1,
        bpnt=1,
        pbi_jk=2,
        program_apapun=2,
        keluarga_d1_2=2,
        eksklusi=1,
        keluarga_d6_10=1,
        inklusi=1,
        individu=6,
        individu_aktif=6,
        individu_padan=5,
        nik_tidak_valid=1,
        nik_beda_domisili=0,
        nik_ganda=1,
        meninggal_aktif=1,
        musdes=1,
        desa_musdes_3_bulan=1,
        usulan_tambah=1,
        verivali_lewat_12_bulan=0,
        desil_kosong=0,
        eksklusi_d1=0,  # the desil 1 family (BUDI SANTOSO) receives PKH, BPNT and PBI-JK
        inklusi_pkh=0,
        inklusi_bpnt=0,
        inklusi_pbi_jk=1,  # HENDRA WIJAYA, desil 7, PBI-JK
        inklusi_blt_dd=0,
        nik_ganda_keluarga=1,  # HENDRA WIJAYA: his NIK is held by a family in Jakarta Pusat too
    ),
    B: dict(
        keluarga=1,
        keluarga_aktif=1,
        desil_kosong=1,
        pbi_jk=1,
        program_apapun=1,
        eksklusi=0,
        individu=2,
        individu_padan=1,
        nik_beda_domisili=1,
        nik_ganda=0,
        musdes=0,
        desa_musdes_3_bulan=0,
        eksklusi_d1=0,
        nik_ganda_keluarga=0,
    ),
    C: dict(
        keluarga=2,
        keluarga_aktif=1,
        desil_4=1,
        bpnt=1,
        inklusi=0,
        verivali_lewat_12_bulan=1,
        individu=3,
        individu_aktif=2,
        individu_padan=2,
        nik_ganda=1,
        nik_beda_domisili=1,
        musdes=0,
        desa_musdes_3_bulan=0,
        inklusi_pbi_jk=0,  # family 6 (desil 8) is inactive
        nik_ganda_keluarga=1,  # NUR HALIMAH: her NIK is also HENDRA WIJAYA's, another family
    ),
    "nasional": dict(
        jumlah_desa=3,
        keluarga=6,
        keluarga_aktif=5,
        individu=11,
        individu_aktif=10,
        nik_ganda=2,
        nik_tidak_valid=1,
        nik_beda_domisili=2,
        meninggal_aktif=1,
        eksklusi=1,
        inklusi=1,
        desil_kosong=1,
        desa_musdes_3_bulan=1,
        usulan_tambah=1,
        pkh=1,
        bpnt=2,
        pbi_jk=3,
        # added for the analysis pages: no desil 1 family lacks a programme; desil 6-10 receiving: family 3
        # (PBI-JK); NUR HALIMAH and HENDRA WIJAYA share a NIK across two families
        eksklusi_d1=0,
        inklusi_pkh=0,
        inklusi_bpnt=0,
        inklusi_pbi_jk=1,
        inklusi_blt_dd=0,
        nik_ganda_keluarga=2,
    ),
}


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[f.name for f in SCHEMAS[table]] + ["kode_prov"])
    for field in SCHEMAS[table]:
        if pa.types.is_date32(field.type):
            frame[field.name] = pd.to_datetime(frame[field.name]).to_numpy().astype("datetime64[D]")
        elif pa.types.is_integer(field.type):
            frame[field.name] = frame[field.name].astype("Int64")
    return frame


def build_fixture(settings: Settings) -> Manifest:
    """Publish the fixture register into `settings.register_dir` and return its manifest."""
    codes = load_code_tables()
    by_period = {"2026-06": _rows_2026_06(), "2026-09": _rows_2026_09()}
    with staging(settings.register_dir) as stage:
        kab = codes["kabupaten"].assign(penduduk=1_000_000, p0=10.0, faktor_skala=1.0)
        for name, frame in (
            ("wilayah_provinsi", codes["provinsi"]),
            ("wilayah_kabupaten", kab),
            ("wilayah_kecamatan", codes["kecamatan"]),
            ("wilayah_desa", codes["desa"]),
        ):
            write_table(partition_path(stage.root, name), pa.Table.from_pandas(frame, preserve_index=False))
        for periode, (families, people) in by_period.items():
            tables = {
                "keluarga": _frame("keluarga", families),
                "individu": _frame("individu", people),
                "musdes": _frame("musdes", MEETINGS[periode]),
                "usulan": _frame("usulan", PROPOSALS[periode]),
            }
            for name, frame in tables.items():
                for kode_prov, part in frame.groupby("kode_prov"):
                    write_table(partition_path(stage.root, name, periode, str(kode_prov)), to_arrow(name, part))
        build_derived(stage.root, PERIODS, settings, progress=lambda _line: None)
        return stage.publish(PERIODS, source="fixture", details={})


def fixture_settings(data_dir: Path) -> Settings:
    """Settings pointing at a fresh data directory, with no boundaries configured."""
    return Settings(
        data_dir=data_dir,
        geo_source_dir=None,
        ref_dir=None,
        db_url=f"sqlite:///{data_dir / 'portal.db'}",
        duckdb_threads=2,
        duckdb_memory_limit="1GB",
        name_display="masked",
        base_tiles="none",
    )
