"""Running a screening for the web: parse, screen with the real engine, store, return the id.

Pages and the API both come through here, so an upload, an example pick and a
JSON body are screened and stored the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from flask import request
from sqlalchemy.engine import Connection

from engine import audit, errors
from engine.deals import parse_deal
from engine.errors import InputError, Problem
from engine.models.disclosures import Document
from web.auth import bearer_user, current_user, screening_user
from web.services import services


def parse_as_of(text: str | None, where: str = "as_of") -> date | None:
    """An optional YYYY-MM-DD date from a form or query; empty means today."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError.single(errors.BAD_DATE, f"{text.strip()!r} is not a date in YYYY-MM-DD form", where) from None


def screen_text(text: str, name: str, documents: Sequence[Document] = (), *, user: str | None,
                as_of: date | None, json_only: bool = False) -> int:
    """Screen a deal given as text (an upload or a JSON body) and store it; InputError lists file:line problems."""
    who = screening_user(user)  # before any work: a reviewer or a signed-out caller is refused at once
    deal = parse_deal(text, name, json_only=json_only)
    from engine.screen import screen  # here: the pipeline loads spaCy; pages that only read the store need not

    result = screen(deal, documents, rulebook=services().rulebook(), as_of=as_of)
    return services().store.save(result, deal_text=text, deal_filename=name, user=who, also=_audited(who, name))


def screen_example(name: str, *, user: str | None, as_of: date | None) -> int:
    """Screen one of the shipped example deals, with the documents it lists."""
    svc = services()
    who = screening_user(user)
    if name not in svc.examples():  # the name is matched against the listing, never joined into a path blindly
        raise InputError([Problem(errors.INVALID_VALUE, f"no example deal named {name!r}", "example",
                                  choices=tuple(svc.examples()))])
    path = svc.examples_dir / name
    from engine.screen import load_inputs, screen  # here: the pipeline loads spaCy

    deal, documents = load_inputs(path)
    result = screen(deal, documents, rulebook=svc.rulebook(), as_of=as_of)
    return svc.store.save(result, deal_text=path.read_text(encoding="utf-8"), deal_filename=name, user=who,
                          also=_audited(who, name))


def _audited(who: str, filename: str) -> Callable[[Connection, int], None]:
    """The audit entry for a new screening, written in the screening's own transaction."""
    def entry(conn: Connection, screening_id: int) -> None:
        audit.record(conn, who, audit.SCREENING, f"screening:{screening_id}",
                     {"deal_filename": filename, "remote": request.remote_addr,
                      "via": "token" if bearer_user() is not None else "session" if current_user() else "local"})

    return entry
