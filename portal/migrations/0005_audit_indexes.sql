-- Indexes for Log Audit's filters. A national portal appends millions of audit lines a season; without these a
-- date range, an official or an action scans the whole log, and the filter lists (distinct officials and
-- actions) read every line on each load. Runs unchanged on SQLite and PostgreSQL; may run twice harmlessly.
create index if not exists audit_log_logged_at on audit_log (logged_at);
create index if not exists audit_log_actor on audit_log (actor, id);
create index if not exists audit_log_action on audit_log (action, id);
