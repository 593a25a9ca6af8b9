"""`python -m portal notify ...`: run the lifecycle sweep and deliver the outbox (for cron or a service timer),
look at the outbox, re-queue a message, manage the officials' notification addresses."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from portal.config import Settings
from portal.notify import adapters, deliver
from portal.store import OUTBOX_STATUSES, StoreError, StoreValidationError, open_store


class NotifyError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_notify_parser(subparsers: Any) -> None:
    notify = subparsers.add_parser("notify", help="escalate breached tickets and send the notification outbox")
    sub = notify.add_subparsers(dest="notify_command", required=True)
    run = sub.add_parser("run", help="sweep (escalate, close) and deliver due messages once, or every --every s")
    run.add_argument("--limit", type=int, default=100, help="messages per round (1-1000)")
    run.add_argument("--every", type=int, default=None, help="repeat every this many seconds until interrupted")
    run.add_argument("--no-sweep", action="store_true", help="deliver only")
    status = sub.add_parser("status", help="messages per status, and the rows of one status")
    status.add_argument("--show", choices=OUTBOX_STATUSES, default=None)
    requeue = sub.add_parser("requeue", help="send an uncertain or failed message again (check the mail log first)")
    requeue.add_argument("id", type=int)
    add = sub.add_parser("contact-add", help="tell an official's address of new and breached tickets of a region")
    add.add_argument("region", help="2, 4, 6 or 10 digits")
    add.add_argument("email")
    remove = sub.add_parser("contact-remove", help="stop telling an address")
    remove.add_argument("region")
    remove.add_argument("email")
    sub.add_parser("contacts", help="list the officials' addresses")


def run_notify(args: argparse.Namespace, settings: Settings) -> int:
    try:
        channel_adapters = adapters() if args.notify_command == "run" else {}
    except ValueError as exc:
        raise NotifyError(str(exc)) from None
    if args.notify_command == "run" and not 1 <= args.limit <= 1000:
        raise NotifyError("--limit must be between 1 and 1000")
    if args.notify_command == "run" and args.every is not None and not 1 <= args.every <= 86_400:
        raise NotifyError("--every must be between 1 and 86400 seconds")
    try:
        store = open_store(settings.db_url)
    except (StoreError, OSError) as exc:
        raise NotifyError(f"cannot open the store: {exc}") from None
    try:
        return _apply(store, args, channel_adapters)
    except StoreValidationError as exc:
        raise NotifyError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        store.close()


def _apply(store: Any, args: argparse.Namespace, channel_adapters: dict) -> int:
    command = args.notify_command
    if command == "run":
        if not channel_adapters:
            print("no channel configured (PORTAL_SMTP_HOST is not set): messages stay in the outbox", file=sys.stderr)
        while True:
            if not args.no_sweep:
                swept = store.sweep()
                print(f"escalated {len(swept.escalated)}, closed {len(swept.closed)}")
            print(deliver(store, channel_adapters, args.limit).line())
            if args.every is None:
                return 0
            time.sleep(args.every)
    if command == "status":
        counts = store.outbox_counts()
        print(", ".join(f"{status} {counts.get(status, 0)}" for status in OUTBOX_STATUSES))
        if args.show:
            for row in store.outbox_rows(args.show):
                print(f"{row.id}\t{row.channel}\t{row.recipient}\t{row.kind}\t{row.message_id}\t{row.last_error or ''}")
        return 0
    if command == "requeue":
        if not store.requeue(args.id):
            raise NotifyError(f"no uncertain or failed message has id {args.id}")
        print(f"message {args.id} queued again")
        return 0
    if command == "contact-add":
        added = store.add_official_contact(args.region, args.email)
        print(f"{args.email.strip().lower()} {'added for' if added else 'was already set for'} {args.region}")
        return 0
    if command == "contact-remove":
        if not store.remove_official_contact(args.region, args.email):
            raise NotifyError(f"{args.email} is not set for {args.region}")
        print(f"{args.email.strip().lower()} removed from {args.region}")
        return 0
    for region, email in store.official_contacts():
        print(f"{region}\t{email}")
    return 0
