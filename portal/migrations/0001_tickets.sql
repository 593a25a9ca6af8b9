-- Objections and proposals (sanggahan / usul), their photos, status history and the audit log.
-- Runs unchanged on SQLite and PostgreSQL; the only dialect words are the two tokens replaced at load time:
-- {{serial_pk}} (an auto-increment integer key) and {{bytes}} (a binary column).
-- Times are UTC text in one fixed-width form ('2026-09-30T08:15:00.000000Z'), so text order is time order.

create table if not exists ticket (
    code text primary key,
    idempotency_key text not null unique,
    jenis text not null check (jenis in ('sanggahan', 'usul')),
    kategori text not null,
    kode_desa text not null check (length(kode_desa) = 10),
    periode text not null check (length(periode) = 7),
    row_token text,
    deskripsi text not null,
    kontak text,
    status text not null
        check (status in ('terdaftar', 'diproses', 'perlu verifikasi lapangan', 'diterima', 'ditolak')),
    created_at text not null,
    batas_waktu text not null,
    updated_at text not null
);

create index if not exists ticket_desa_created on ticket (kode_desa, created_at);

create index if not exists ticket_status_created on ticket (status, created_at);

create table if not exists ticket_photo (
    code text primary key references ticket (code),
    mime text not null,
    data {{bytes}} not null
);

create table if not exists status_change (
    id {{serial_pk}},
    code text not null references ticket (code),
    status text not null,
    reason text,
    actor text not null,
    changed_at text not null
);

create index if not exists status_change_code on status_change (code, id);

create table if not exists audit_log (
    id {{serial_pk}},
    logged_at text not null,
    actor text not null,
    action text not null,
    region text not null,
    detail text not null
);
