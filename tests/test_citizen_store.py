"""The citizen's side of the store, on SQLite and PostgreSQL: what an objection is about fixes its categories, the
uji publik window of a musdes's list is enforced by the store's own clock (both ways), and a ticket code is shown
in one form and found in any form a person types."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal import lifecycle
from portal.store import Store, StoreValidationError, format_ticket_code
from portal.store.tickets import WindowClosed
from tests.test_store import make_sub, store, url  # noqa: F401  (fixtures)
from tests.test_store_lifecycle import Clock

DIBUKA, DITUTUP = date(2026, 9, 10), date(2026, 9, 24)


def _on(store: Store, moment: datetime) -> None:  # noqa: F811
    store.clock = Clock(moment)


def _list_objection(**changes: object):
    values = {
        "kategori": "masih layak, jangan dihentikan",
        "row_token": "u.AbCdEf_123-xyz",
        "sasaran": lifecycle.SASARAN_HENTI,
        "masa_dibuka": DIBUKA,
        "masa_ditutup": DITUTUP,
    }
    return make_sub(**{**values, **changes})


def test_an_objection_to_a_stop_proposal_says_keep_it(store: Store) -> None:  # noqa: F811
    _on(store, datetime(2026, 9, 20, 3, tzinfo=UTC))
    code = store.submit(_list_objection()).code
    view = store.get_ticket(code)
    assert view.kategori == "masih layak, jangan dihentikan" and not view.terlambat
    # "tidak layak" is the opposite of what an objection to a stop proposal says: refused for that target
    with pytest.raises(StoreValidationError, match="tidak sesuai"):
        store.submit(_list_objection(kategori="tidak layak / sudah mampu"))
    # and "keep it" makes no sense against a proposal to add someone or against a current recipient
    for sasaran in (lifecycle.SASARAN_TAMBAH, lifecycle.SASARAN_PENERIMA):
        with pytest.raises(StoreValidationError):
            store.submit(_list_objection(sasaran=sasaran))
    with pytest.raises(StoreValidationError):  # an usul is not an objection
        store.submit(_list_objection(sasaran=lifecycle.SASARAN_USUL))


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 9, 9, 17, tzinfo=UTC),  # 10 September 00:00 WIB: the first day
        datetime(2026, 9, 24, 16, 59, tzinfo=UTC),  # 24 September 23:59 WIB: the last minute of the last day
    ],
)
def test_a_list_objection_inside_the_window_is_accepted(store: Store, moment: datetime) -> None:  # noqa: F811
    _on(store, moment)
    ticket = store.submit(_list_objection(kategori="tidak layak / sudah mampu", sasaran=lifecycle.SASARAN_TAMBAH))
    assert store.get_ticket(ticket.code).status == "terdaftar"


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 9, 24, 17, tzinfo=UTC), "ditutup pada 24 September 2026"),  # 25 September 00:00 WIB
        (datetime(2027, 1, 15, 3, tzinfo=UTC), "ditutup pada 24 September 2026"),  # months later
        (datetime(2026, 9, 9, 16, 59, tzinfo=UTC), "baru dibuka pada 10 September 2026"),  # before publication
    ],
)
def test_a_list_objection_outside_the_window_is_refused_by_the_store(
    store: Store,  # noqa: F811
    url: str,  # noqa: F811
    moment: datetime,
    words: str,
) -> None:
    _on(store, moment)
    with pytest.raises(WindowClosed, match=words) as refused:
        store.submit(_list_objection())
    assert store.queue("") == []  # nothing stored
    if "ditutup" in words:  # and the citizen is told what they can still do
        assert "Cek Status" in str(refused.value) and "kantor desa/kelurahan" in str(refused.value)


def test_an_unpublished_list_cannot_be_objected_to(store: Store) -> None:  # noqa: F811
    _on(store, datetime(2026, 9, 20, 3, tzinfo=UTC))
    with pytest.raises(WindowClosed, match="belum diumumkan"):
        store.submit(_list_objection(masa_dibuka=None, masa_ditutup=None))
    with pytest.raises(StoreValidationError, match="masa sanggah"):  # a list objection is never "late"
        store.submit(_list_objection(terlambat=True))


def test_a_retry_of_an_accepted_objection_is_not_refused_after_the_window(store: Store) -> None:  # noqa: F811
    _on(store, datetime(2026, 9, 24, 10, tzinfo=UTC))
    sub = _list_objection()
    first = store.submit(sub)
    _on(store, datetime(2026, 9, 26, 10, tzinfo=UTC))
    again = store.submit(sub)
    assert again.code == first.code and again.replayed


def test_register_objections_stay_open_all_year(store: Store) -> None:  # noqa: F811
    """An objection to a person in the register is not bound to the uji publik window: it is kept, late."""
    _on(store, datetime(2027, 1, 15, 3, tzinfo=UTC))
    code = store.submit(make_sub(sasaran=lifecycle.SASARAN_PENERIMA, terlambat=True)).code
    assert store.get_ticket(code).terlambat


def test_a_ticket_code_has_one_shown_form_and_any_typed_form(store: Store) -> None:  # noqa: F811
    code = store.submit(make_sub()).code
    shown = format_ticket_code(code)
    assert len(shown) == 19 and shown.count("-") == 3 and shown.replace("-", "") == code
    for typed in (shown, code, shown.lower(), code.lower(), " ".join(shown.split("-")), f"  {shown}  "):
        assert format_ticket_code(typed) == shown
        assert store.get_ticket(typed) is not None and store.get_ticket(typed).code == code
    assert format_ticket_code("bukan kode") == "bukan kode"


def test_store_errors_an_official_can_see_are_indonesian(store: Store) -> None:  # noqa: F811
    code = store.submit(make_sub()).code
    with pytest.raises(StoreValidationError) as refused:
        store.decide(code, "diterima", "TIDAK-TERBUKTI", "x", "op", "kabupaten")
    assert "bukan untuk keputusan" in str(refused.value)
    with pytest.raises(StoreValidationError) as refused:
        store.decide(code, "ditolak", "TIDAK-TERBUKTI", "  ", "op", "kabupaten")
    assert "wajib diisi" in str(refused.value)
    store.decide(code, "ditolak", "TIDAK-TERBUKTI", "Tidak terbukti.", "op", "kabupaten")
    with pytest.raises(StoreValidationError) as refused:
        store.change_status(code, "diproses", None, "op")
    assert "sudah diputus" in str(refused.value)
