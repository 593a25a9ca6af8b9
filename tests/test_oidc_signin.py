"""Sign-in through the identity provider (`st.login`), with `st.user` simulated by AppTest: a mapped identity
gets its role and region, an unmapped or unverified one gets nothing, and every outcome is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portal.accounts import Accounts
from portal.store import open_store
from tests.conftest import shown_table

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "rahasia-cookie-untuk-uji-saja-0123456789",
    "client_id": "portal-dtks",
    "client_secret": "rahasia-klien",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
KADIS = {"is_logged_in": True, "sub": "u-778", "email": "kadis@jogjakota.go.id", "email_verified": True}


@pytest.fixture
def env(portal_env: str) -> str:
    store = open_store(portal_env)
    try:
        Accounts(store).map_identity("kadis@jogjakota.go.id", "kabupaten", "3471", actor="admin")
    finally:
        store.close()
    return portal_env


def _app(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = dict(user)
    return at.run()


def _audit(url: str) -> list:
    store = open_store(url)
    try:
        return store.audit_log()
    finally:
        store.close()


def test_mapped_identity_signs_in_with_its_region(env: str) -> None:
    at = _app(KADIS)
    assert not at.exception, at.exception
    scope = at.session_state["staf"]["scope"]
    assert (scope.role, scope.region, scope.user) == ("kabupaten", "3471", "kadis@jogjakota.go.id")
    assert at.session_state["staf"]["metode"] == "oidc"
    at.switch_page("pages/peta_cakupan.py").run()
    assert not at.exception, at.exception
    assert set(shown_table(at.dataframe[-1])["Kode wilayah"]) == {"347101"}  # opened at the official's own kab/kota
    sign_ins = [e for e in _audit(env) if e.action == "masuk" and e.actor == "kadis@jogjakota.go.id"]
    assert len(sign_ins) == 1  # once per session, not once per rerun
    assert sign_ins[0].detail["metode"] == "oidc"


def test_unmapped_identity_gets_no_internal_page(env: str) -> None:
    at = _app({**KADIS, "sub": "u-999", "email": "tamu@contoh.id"})
    assert not at.exception, at.exception
    assert "staf" not in at.session_state
    at.switch_page("pages/masuk.py").run()
    assert any("belum diberi akses" in e.value for e in at.error)
    log = _audit(env)
    assert not any(e.action == "masuk" for e in log)
    refusals = [e for e in log if e.action == "ditolak"]
    assert [(e.actor, e.detail["metode"]) for e in refusals] == [("tamu@contoh.id", "oidc")]  # once, not per rerun


def test_unverified_email_is_not_trusted(env: str) -> None:
    at = _app({**KADIS, "email_verified": False})
    assert "staf" not in at.session_state  # the mapping is by email, and this email is not vouched for


def test_subject_mapping_needs_no_email(env: str) -> None:
    store = open_store(env)
    try:
        Accounts(store).map_identity("sub:u-555", "kecamatan", "347101", actor="admin")
    finally:
        store.close()
    at = _app({"is_logged_in": True, "sub": "u-555"})
    scope = at.session_state["staf"]["scope"]
    assert (scope.role, scope.region) == ("kecamatan", "347101")


def test_signed_out_provider_session_is_anonymous(env: str) -> None:
    at = _app({"is_logged_in": False})
    assert "staf" not in at.session_state
    direct = AppTest.from_file(str(REPO / "pages" / "peta_cakupan.py"), default_timeout=60)
    direct.secrets["auth"] = AUTH
    direct.user = {"is_logged_in": False}
    direct.run()
    assert any("khusus petugas" in w.value for w in direct.warning)
    assert not direct.dataframe


def test_sign_out_ends_the_provider_login_too(env: str) -> None:
    at = _app(KADIS)
    assert "staf" in at.session_state
    at.switch_page("pages/keluar.py").run()
    assert not at.exception, at.exception
    assert "staf" not in at.session_state
    assert at.user.get("is_logged_in") is False  # st.logout() was called
    assert any(e.action == "keluar" and e.actor == "kadis@jogjakota.go.id" for e in _audit(env))
