-- Staff sessions shared by every replica, and throttle counters shared by every replica.
-- Runs unchanged on SQLite and PostgreSQL; every statement may run twice harmlessly.
-- Times are UTC text in the store's fixed-width form, so text order is time order.

-- One row per sign-in. `id` is known only to the server (it lives in the Streamlit session); the browser holds a
-- cookie whose SHA-256 is `cookie_hash`, reached once through a single-use hand-off code (`handoff_hash`,
-- valid until `handoff_until`). Secrets are never stored, only their hashes.
create table if not exists staff_session (
    id text primary key check (length(id) = 32),
    username text not null check (length(username) between 1 and 200),
    role text not null check (role in ('pusat', 'provinsi', 'kabupaten', 'kecamatan', 'desa', 'analis')),
    region text not null check (length(region) in (0, 2, 4, 6, 10)),
    method text not null check (method in ('lokal', 'oidc')),
    cookie_hash text unique check (cookie_hash is null or length(cookie_hash) = 64),
    handoff_hash text unique check (handoff_hash is null or length(handoff_hash) = 64),
    handoff_until text,
    created_at text not null,
    last_seen text not null,
    ended_at text,
    end_reason text
);

create index if not exists staff_session_user on staff_session (username, ended_at);

-- Sliding-window throttles: the count of hits of one key in one window-long bucket. `key_hash` is a keyed hash of
-- the throttled key (a session id or a client address), so no address is stored in clear.
create table if not exists throttle_count (
    key_hash text not null check (length(key_hash) = 64),
    bucket integer not null,
    hits integer not null check (hits >= 0),
    expires_at double precision not null,
    primary key (key_hash, bucket)
);

create index if not exists throttle_count_expires on throttle_count (expires_at);
