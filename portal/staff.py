"""The signed-in official: a local account or an OIDC identity (`st.login`), mapped to a role and region.

A sign-in is a session in the store (`portal.store.sessions`), so it survives a reload, a new tab and a failover to
another replica: the Streamlit session that signed in keeps the session's id, and the browser gets an HttpOnly
cookie through a single-use hand-off (`/akun/sesi`, `portal.web.routes`) that brings it back to where it was
heading. Idle and absolute timeouts, sign-out and a disabled or changed account end the session in the store, so
everywhere at once. Every sign-in, sign-out and refusal is audited.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from portal import access, data
from portal.accounts import oidc_claims
from portal.db import QueryError
from portal.store.sessions import SESSION_COOKIE, TOUCH_SECONDS, StaffSession

KEY = "staf"
ENDED = "staf_berakhir"
PERSONAL = ("cek_hasil", "lacak_kode")  # what a citizen's idle screen forgets


def _check_interval() -> int:
    from portal.config import get_settings

    settings = get_settings()
    return max(1, min(30, settings.staff_idle_seconds // 3, settings.public_idle_seconds // 3))


IDLE_CHECK_SECONDS = _check_interval()


def policy() -> access.SessionPolicy:
    """How long an official's session lasts (PORTAL_STAFF_IDLE_SECONDS without activity, 8 hours in all)."""
    from portal.config import get_settings

    return access.SessionPolicy(idle_seconds=get_settings().staff_idle_seconds)


def oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an identity provider for `st.login`."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def redirect(url: str) -> None:
    """Send the browser to `url` (a path on this site), as `st.login` does: a full page load, so the HTTP routes
    beside Streamlit can set cookies."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    context.enqueue(message)


def _start(scope: access.Scope, method: str, lanjut: str) -> None:
    """Open a store session for `scope`, keep its id in this Streamlit session, and send the browser through the
    cookie hand-off on to `lanjut`."""
    session_id, code = data.store().start_session(scope.user, scope.role, scope.region, method)
    st.session_state[KEY] = {"scope": scope, "sesi": session_id, "metode": method}
    data.store().audit(scope.user, "masuk", scope.region, {"metode": method, "peran": scope.role})
    redirect(f"/akun/sesi?kode={quote(code)}&lanjut={quote(lanjut, safe='/')}")


def _cookie() -> str | None:
    try:
        return st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # outside a browser session (AppTest)
        return None


def _scope_of(session: StaffSession) -> access.Scope | None:
    try:
        return access.Scope(session.role, session.region, session.username)
    except access.ScopeError:
        return None


def _end(session_id: str, scope: access.Scope, reason: str, method: str) -> bool:
    """End the session in the store (so everywhere); True when the provider's sign-out page was started too."""
    store = data.store()
    if store.end_session(session_id, reason):
        store.audit(scope.user, "keluar", scope.region, {"alasan": reason})
    st.session_state.pop(KEY, None)
    if method == "oidc" and oidc_configured() and st.user.is_logged_in:
        st.logout()
        return True
    return False


def _in_memory_scope(entry: dict) -> access.Scope | None:
    """A session kept only in this Streamlit session (page tests set one): the same timeouts, checked here."""
    now = time.time()
    state = policy().state(entry["mulai"], entry["terakhir"], now)
    if state != "ok":
        st.session_state.pop(KEY, None)
        st.session_state[ENDED] = state
        return None
    entry["terakhir"] = now
    return entry["scope"]


def current_scope() -> access.Scope | None:
    """The official signed in to this browser, or None; ends the session after an idle or absolute timeout."""
    entry = st.session_state.get(KEY)
    if entry is not None and "sesi" not in entry:
        return _in_memory_scope(entry)
    store = data.store()
    session = store.session_by_id(entry["sesi"]) if entry else None
    if session is None and entry is None and (cookie := _cookie()):
        session = store.session_by_cookie(cookie)
    if session is None or not session.open:
        st.session_state.pop(KEY, None)
        if entry is not None:
            st.session_state[ENDED] = session.end_reason if session else "berakhir"
        return _oidc_sign_in()
    scope = _scope_of(session)
    state = policy().state(session.created_at.timestamp(), session.last_seen.timestamp(), store.clock().timestamp())
    if scope is None or state != "ok":
        _end(session.id, scope or access.Scope("pusat", "", session.username), state, session.method)
        st.session_state[ENDED] = state
        return None
    if session.method == "lokal" and data.accounts().active_scope(session.username) != scope:
        # A disabled account or a changed scope takes effect at once, not at the next sign-in.
        _end(session.id, scope, "akun berubah", session.method)
        return None
    store.touch_session(session, every=min(TOUCH_SECONDS, policy().idle_seconds / 4))
    st.session_state[KEY] = {"scope": scope, "sesi": session.id, "metode": session.method}
    return scope


def _oidc_sign_in() -> access.Scope | None:
    """An OIDC identity signed in with `st.login` and not yet holding a portal session: open one."""
    if not oidc_configured() or not st.user.is_logged_in:
        return None
    if st.session_state.get(ENDED):  # this browser's session just ended: sign out of the provider too
        st.logout()
        return None
    email, subject = oidc_claims(st.user.to_dict())
    scope = data.accounts().scope_for_identity(email, subject)
    if scope is None:
        if "staf_ditolak" not in st.session_state:  # once per browser session, not on every rerun
            who = email or subject or "?"
            data.store().audit(who[:200], "ditolak", "", {"metode": "oidc", "alasan": "identitas tidak terdaftar"})
        st.session_state["staf_ditolak"] = email or subject or "?"
        return None
    _start(scope, "oidc", here())
    return scope


def here() -> str:
    """The path and query of the page being run: where a sign-in comes back to."""
    try:
        path = urlsplit(st.context.url or "").path or "/"
        query = urlencode(st.query_params.to_dict())
    except Exception:  # outside a browser session (AppTest)
        return "/"
    return f"{path}?{query}" if query else path


def idle_state(now: float) -> str:
    """What an idle screen must do now: 'akhiri' (the official's session is over: run the whole page, which ends it
    and hides every row), 'lupakan' (a citizen's results are older than PORTAL_PUBLIC_IDLE_SECONDS: forget them) or
    'ok'. Reads the store without counting as activity."""
    from portal.config import get_settings

    entry = st.session_state.get(KEY)
    if entry is not None:
        if "sesi" in entry:
            session = data.store().session_by_id(entry["sesi"])
            if session is None or not session.open:
                return "akhiri"
            state = policy().state(session.created_at.timestamp(), session.last_seen.timestamp(), now)
        else:
            state = policy().state(entry["mulai"], entry["terakhir"], now)
        if state != "ok":
            return "akhiri"
    from portal.ui import ACTIVE

    last = st.session_state.get(ACTIVE, now)
    if now - last >= get_settings().public_idle_seconds and any(key in st.session_state for key in PERSONAL):
        return "lupakan"
    return "ok"


@st.fragment(run_every=IDLE_CHECK_SECONDS)
def idle_watch() -> None:
    """Runs by itself every IDLE_CHECK_SECONDS: an idle screen loses its personal rows without waiting for a click."""
    action = idle_state(time.time())
    if action == "lupakan":
        for key in PERSONAL:
            st.session_state.pop(key, None)
    if action != "ok":
        st.rerun(scope="app")


def sign_in_local(username: str, password: str, lanjut: str = "/") -> bool:
    """Check a local account's password (the accounts module audits every attempt) and start a session that
    continues at `lanjut` once the browser holds its cookie."""
    scope = data.accounts().verify_login(username, password)
    if scope is None:
        return False
    _start(scope, "lokal", lanjut)
    return True


def sign_out(reason: str = "keluar") -> bool:
    """End the session everywhere (and the OIDC login, if that is how the official came in: then True, and the
    browser is on its way to the provider's sign-out page)."""
    entry = st.session_state.get(KEY)
    if entry is None:
        return False
    if "sesi" in entry:
        return _end(entry["sesi"], entry["scope"], reason, entry.get("metode", ""))
    st.session_state.pop(KEY, None)
    data.store().audit(entry["scope"].user, "keluar", entry["scope"].region, {"alasan": reason})
    return False


def sign_in_form(lanjut: str) -> None:
    """The sign-in form (a local account, or the identity provider when configured); on success the browser goes
    through the cookie hand-off on to `lanjut`."""
    from portal.config import get_settings
    from portal.ui import allow
    from portal.web.routes import safe_next

    if staff_ditolak := st.session_state.get("staf_ditolak"):
        st.error(f"Akun {staff_ditolak} belum diberi akses ke portal. Hubungi administrator Dinas Sosial.")
    if oidc_configured():
        st.button("Masuk dengan akun instansi (SSO)", on_click=st.login, type="primary", icon=":material/badge:")
        st.divider()
    with st.form("masuk_lokal"):
        nama = st.text_input("Nama pengguna", max_chars=64, autocomplete="username")
        sandi = st.text_input("Kata sandi", type="password", max_chars=1024, autocomplete="current-password")
        masuk = st.form_submit_button("Masuk", icon=":material/login:")
    if masuk and allow("masuk", (get_settings().ticket_limit, get_settings().search_limit_address)):
        if sign_in_local(nama or "", sandi or "", safe_next(lanjut)):
            st.success("Berhasil masuk. Membuka halaman…", icon=":material/check_circle:")
            st.stop()
        st.error("Nama pengguna atau kata sandi salah, atau akun sedang dikunci sementara.")


def page_for_signed_in(title: str) -> None:
    """What an internal page's address shows to a visitor who is not signed in: a request to sign in, which then
    opens this exact page and view (a shared link works cold)."""
    st.title(title)
    st.warning("Halaman ini khusus petugas. Silakan masuk terlebih dahulu.", icon=":material/lock:")
    sign_in_form(here())


def page_refused(scope: access.Scope, url_path: str) -> None:
    """An internal page outside this official's navigation, opened by its address: refused and audited."""
    data.store().audit(scope.user, "ditolak", scope.region, {"halaman": url_path, "peran": scope.role})
    st.error("Anda tidak memiliki akses ke halaman ini.", icon=":material/block:")


def require_scope() -> access.Scope:
    """The signed-in official; otherwise a short explanation and a stop, so an internal page shows nothing."""
    scope = current_scope()
    if scope is None:
        st.warning("Halaman ini khusus petugas. Silakan masuk terlebih dahulu.", icon=":material/lock:")
        st.stop()
    return scope


def deny(scope: access.Scope, what: str, region: str) -> None:
    """Refuse, audit the refusal, and stop the page."""
    data.store().audit(scope.user, "ditolak", region, {"halaman": what, "peran": scope.role})
    st.error("Anda tidak memiliki akses ke data ini.", icon=":material/block:")
    st.stop()


@contextmanager
def guard(scope: access.Scope, what: str, region: str, unreadable: str | None = None) -> Iterator[None]:
    """An internal page's reads about `region`: a refusal (AccessDenied) is audited and stops the page (`deny`);
    with `unreadable`, a read that fails (QueryError, or ValueError while shaping its result) shows that message
    and stops the page instead of a traceback."""
    try:
        yield
    except access.AccessDenied:
        deny(scope, what, region)
    except (QueryError, ValueError):
        if unreadable is None:
            raise
        st.error(unreadable)
        st.stop()
