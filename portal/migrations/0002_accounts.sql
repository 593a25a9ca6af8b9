-- Staff sign-in: local accounts (built-in login) and OpenID Connect identities (st.login), each mapped to a role
-- and a region. Runs unchanged on SQLite and PostgreSQL; every statement may run twice harmlessly.
-- Times are UTC text in the store's fixed-width form ('2026-09-30T08:15:00.000000Z'), so text order is time order.
-- password_hash is self-describing ('scrypt$n$r$p$salt$hash', base64): a password is never stored in any other form.

create table if not exists staff_user (
    username text primary key check (length(username) between 3 and 64),
    password_hash text not null,
    role text not null check (role in ('pusat', 'provinsi', 'kabupaten', 'kecamatan', 'desa', 'analis')),
    region text not null check (length(region) in (0, 2, 4, 6, 10)),
    disabled integer not null default 0 check (disabled in (0, 1)),
    failed_logins integer not null default 0 check (failed_logins >= 0),
    locked_until text,
    created_at text not null,
    updated_at text not null,
    last_login_at text
);

-- kind 'email': a verified e-mail address, stored lower-case; kind 'subject': the provider's `sub` claim, as given.
create table if not exists oidc_identity (
    kind text not null check (kind in ('email', 'subject')),
    identity text not null check (length(identity) between 1 and 200),
    role text not null check (role in ('pusat', 'provinsi', 'kabupaten', 'kecamatan', 'desa', 'analis')),
    region text not null check (length(region) in (0, 2, 4, 6, 10)),
    created_at text not null,
    updated_at text not null,
    primary key (kind, identity)
);
