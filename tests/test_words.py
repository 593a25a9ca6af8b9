"""The one vocabulary: headings for columns and codes, and the table view every page uses."""

import pandas as pd

from portal import ui, words


def test_known_columns_get_their_heading_and_unknown_ones_never_show_raw():
    assert words.heading("nama_kepala_keluarga") == "Nama kepala keluarga"
    assert words.heading("kode_desa") == "Kode desa"
    assert words.heading("jumlah_sanggahan_baru") == "Jumlah sanggahan baru"
    assert words.heading("kode_desa", {"kode_desa": "Desa"}) == "Desa"
    assert "_" not in "".join(words.headings(["a_b", "kode_desa", "x_y_z"]).values())


def test_audit_actions_read_as_words():
    assert words.action("lihat_baris") == "Melihat baris data"
    assert words.action("aksi_baru") == "Aksi baru"


def test_table_view_keeps_numbers_numeric_and_shows_times_in_wib():
    rows = pd.DataFrame(
        {
            "kode_desa": ["3471031003", None],
            "jumlah": [6510, 3],
            "masuk_persen": [72.2755, 1.0],
            "waktu": pd.to_datetime(["2026-12-01T10:00Z", "2026-12-01T18:00Z"]),
        }
    )
    shown, config = ui.table_view(rows, percent=("masuk_persen",))
    assert list(shown["kode_desa"]) == ["3471031003", "–"]
    assert shown["jumlah"].dtype.kind == "i" and config["jumlah"]["type_config"]["format"] == "localized"
    assert abs(shown["masuk_persen"][0] - 0.722755) < 1e-12
    assert config["masuk_persen"]["type_config"]["format"] == "percent"
    assert config["masuk_persen"]["label"] == "Masuk persen"
    assert [t.hour for t in shown["waktu"]] == [17, 1]  # UTC+7
    assert config["waktu"]["type_config"]["format"].endswith("[WIB]")
    assert rows["jumlah"].tolist() == [6510, 3]  # the caller's frame is untouched


def test_no_two_blocks_give_one_column_two_headings():
    blocks = [words._REGISTER, words._CITIZEN, words._NOTICE, words._OFFICIALS, words._ANALYSTS, words._MAPS]
    seen: dict[str, str] = {}
    clashes = []
    for block in blocks:
        for key, heading in block.items():
            if seen.setdefault(key, heading) != heading:
                clashes.append((key, seen[key], heading))
    assert clashes == []  # a column is called the same on every page; a page with another meaning passes labels=
