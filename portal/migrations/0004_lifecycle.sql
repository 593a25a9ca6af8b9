-- The objection lifecycle (issue 15): where each ticket stands (stage, the level handling it, the decision code),
-- one appeal (banding) per decision, the notification outbox and the officials' notification addresses.
-- Runs unchanged on SQLite and PostgreSQL; every statement may run twice harmlessly.
-- Times are UTC text in the store's fixed-width form ('2026-09-30T08:15:00.000000Z'), so text order is time order.
--
-- The ticket table is left as it is: its status column (and its CHECK) keeps meaning what it meant, so existing
-- rows and code stay valid. The lifecycle lives beside it, one row per ticket; existing tickets get theirs below.

create table if not exists ticket_lifecycle (
    code text primary key references ticket (code),
    -- diajukan (submitted) -> diverifikasi (verified in the field) -> diputus (decided) -> banding (appealed)
    -- -> selesai (closed)
    tahap text not null check (tahap in ('diajukan', 'diverifikasi', 'diputus', 'banding', 'selesai')),
    -- the level that must act now: kabupaten (the kab/kota and the desa/kecamatan under it), provinsi, pusat
    tingkat text not null check (tingkat in ('kabupaten', 'provinsi', 'pusat')),
    -- 1: an objection filed outside the desa's objection window, taken for the next musdes
    terlambat integer not null default 0 check (terlambat in (0, 1)),
    kode_putusan text,
    diputus_oleh text,
    diputus_tingkat text check (diputus_tingkat in ('kabupaten', 'provinsi', 'pusat')),
    diputus_at text,
    eskalasi_at text,
    updated_at text not null
);

create index if not exists ticket_lifecycle_tahap on ticket_lifecycle (tahap, tingkat);

-- Existing tickets: decided ones are decided (no decision code: it did not exist yet), the rest submitted.
insert into ticket_lifecycle (code, tahap, tingkat, terlambat, diputus_at, diputus_tingkat, updated_at)
select t.code,
       case when t.status in ('diterima', 'ditolak') then 'diputus' else 'diajukan' end,
       'kabupaten',
       0,
       case when t.status in ('diterima', 'ditolak') then t.updated_at end,
       case when t.status in ('diterima', 'ditolak') then 'kabupaten' end,
       t.updated_at
from ticket t
where not exists (select 1 from ticket_lifecycle l where l.code = t.code);

-- One appeal per decision: the ticket's code is the key, so a second appeal of the same ticket cannot exist.
create table if not exists banding (
    code text primary key references ticket (code),
    alasan text not null,
    tingkat text not null check (tingkat in ('provinsi', 'pusat')),
    keputusan_asal text not null check (keputusan_asal in ('diterima', 'ditolak')),
    diajukan_at text not null,
    batas_waktu text not null,
    hasil text check (hasil in ('dikuatkan', 'dibatalkan')),
    alasan_hasil text,
    diputus_oleh text,
    diputus_at text
);

-- Messages to send: written in the same transaction as the change they report. A sender claims a row
-- (status 'mengirim', claim token), sends it with its Message-ID, then marks it 'terkirim'. A claim that expires
-- without a mark is 'tidak_pasti' (the sender died mid-send): never re-sent on its own, so nothing goes out twice;
-- an operator re-queues it after looking for its Message-ID in the mail server's log.
create table if not exists outbox (
    id {{serial_pk}},
    message_id text not null unique,
    channel text not null check (channel in ('email', 'sms')),
    recipient text not null,
    subject text not null,
    body text not null,
    kind text not null,
    code text references ticket (code),
    status text not null check (status in ('menunggu', 'mengirim', 'terkirim', 'gagal', 'tidak_pasti')),
    attempts integer not null default 0 check (attempts >= 0),
    next_attempt_at text not null,
    claim text,
    claimed_until text,
    sent_at text,
    last_error text,
    created_at text not null
);

create index if not exists outbox_due on outbox (status, next_attempt_at);

-- Officials to tell of new and breached tickets, by region code prefix (2, 4, 6 or 10 digits).
create table if not exists official_contact (
    region text not null check (length(region) in (2, 4, 6, 10)),
    email text not null check (length(email) between 3 and 200),
    created_at text not null,
    primary key (region, email)
);
