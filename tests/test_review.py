"""Review workflow on SQLite and PostgreSQL: draft -> reviewed -> approved (four eyes), rejected, superseded;
notes; every sign-off in the audit log."""

from __future__ import annotations

from datetime import date

import pytest

from engine import audit, auth, review
from engine.review import Actor, ReviewError
from engine.screen import load_inputs, screen
from engine.store import Store
from tests.test_web import EXAMPLES

RITA, REX = Actor("Rita", "reviewer"), Actor("Rex", "reviewer")
ADA, ROOT = Actor("Ada", "researcher"), Actor("Root", "admin")
LOCAL = Actor("local user", None)


@pytest.fixture(scope="module")
def screened():
    deal, documents = load_inputs(EXAMPLES / "northfield-university-patent-abs.yaml")
    return screen(deal, documents, as_of=date(2026, 6, 30))


@pytest.fixture
def db(database_url, screened):
    """Three screenings of one deal (ids ascending) and one of another deal."""
    store = Store(database_url)
    auth.ensure_schema(store.engine)
    review.ensure_schema(store.engine)
    other = screened.model_copy(update={"deal_id": "other-deal"})
    ids = [store.save(s, deal_text="x", deal_filename="d.yaml") for s in (screened, screened, screened, other)]
    yield store.engine, ids
    store.close()


def _refused(kind: str, match: str, *args, **kwargs) -> None:
    with pytest.raises(ReviewError, match=match) as caught:
        review.sign_off(*args, **kwargs)
    assert caught.value.kind == kind


def test_review_then_approve_by_a_second_person_with_who_and_when_in_the_audit_log(db):
    engine, (first, *_rest) = db
    assert review.review(engine, first).state == "draft"
    review.sign_off(engine, first, "review", RITA, note="figures checked against the circular")
    _refused("forbidden", "Rita reviewed screening .* needs a different person", engine, first, "approve", RITA)
    done = review.sign_off(engine, first, "approve", REX)
    state = review.review(engine, first)
    assert state.state == "approved" and done.state == "approved"
    assert [(e.state, e.actor, e.role) for e in state.events] == [("reviewed", "Rita", "reviewer"),
                                                                  ("approved", "Rex", "reviewer")]
    assert state.events[0].note == "figures checked against the circular" and state.events[1].at.tzinfo
    entries = audit.entries(engine, action=audit.SIGN_OFF)
    assert [(e.actor, e.subject, e.detail["from"], e.detail["to"]) for e in reversed(entries)] == [
        ("Rita", f"screening:{first}", "draft", "reviewed"), ("Rex", f"screening:{first}", "reviewed", "approved")]


def test_an_admin_may_approve_their_own_review_and_the_local_user_works_alone(db):
    engine, (first, second, *_rest) = db
    review.sign_off(engine, first, "review", ROOT)
    assert review.sign_off(engine, first, "approve", ROOT).state == "approved"
    review.sign_off(engine, second, "review", LOCAL)
    assert review.sign_off(engine, second, "approve", LOCAL).role is None


def test_a_researcher_may_annotate_but_not_sign_off(db):
    engine, (first, *_rest) = db
    _refused("forbidden", "Ada is a researcher; signing off needs the reviewer or admin role", engine, first,
             "review", ADA)
    review.add_note(engine, first, ADA, "  the LTV uses the 2025 appraisal  ")
    [note] = review.review(engine, first).notes
    assert (note.author, note.role, note.text) == ("Ada", "researcher", "the LTV uses the 2025 appraisal")
    assert audit.entries(engine, action=audit.SCREENING_NOTE)[0].subject == f"screening:{first}"
    with pytest.raises(ReviewError, match="the note is empty"):
        review.add_note(engine, first, ADA, "   ")
    assert review.review(engine, first).state == "draft"


def test_states_move_only_along_the_workflow(db):
    engine, (first, second, *_rest) = db
    _refused("conflict", "is draft; approve needs it to be reviewed", engine, first, "approve", REX)
    review.sign_off(engine, first, "reject", RITA, note="no second-party opinion")
    _refused("conflict", "is rejected; review needs it to be draft", engine, first, "review", REX)
    _refused("invalid", "no sign-off action 'publish'", engine, second, "publish", REX)
    _refused("missing", "there is no stored screening #99999", engine, 99999, "review", REX)
    _refused("missing", f"there is no stored screening #{2**70}", engine, 2**70, "review", REX)
    for text in ("lost", "  "):
        with pytest.raises(ReviewError, match="there is no stored screening #99999") as caught:
            review.add_note(engine, 99999, REX, text)
        assert caught.value.kind == "missing"
    review.sign_off(engine, second, "review", RITA)
    review.sign_off(engine, second, "reject", REX)
    assert review.states(engine, [first, second, 999]) == {first: "rejected", second: "rejected", 999: "draft"}


def test_supersede_needs_a_newer_screening_of_the_same_deal(db):
    engine, (first, second, third, other) = db
    _refused("invalid", "needs the id of the newer screening", engine, second, "supersede", RITA)
    _refused("invalid", f"#{first} cannot supersede #{second}: it must be a newer", engine, second, "supersede",
             RITA, superseded_by=first)
    _refused("invalid", f"#{other} cannot supersede #{second}", engine, second, "supersede", RITA,
             superseded_by=other)
    _refused("invalid", "there is no stored screening #99999", engine, second, "supersede", RITA,
             superseded_by=99999)
    for beyond in (2**70, 2**63, -1):  # no 64-bit key: refused as bad input, never sent to the driver (overflow)
        _refused("invalid", f"there is no stored screening #{beyond}", engine, second, "supersede", RITA,
                 superseded_by=beyond)
    review.sign_off(engine, second, "review", RITA)
    review.sign_off(engine, second, "approve", REX)
    event = review.sign_off(engine, second, "supersede", RITA, superseded_by=third)
    assert (event.state, event.superseded_by) == ("superseded", third)
    assert review.review(engine, second).superseded_by == third
    _refused("conflict", "is superseded", engine, second, "supersede", RITA, superseded_by=third)
    assert audit.entries(engine, action=audit.SIGN_OFF)[0].detail["superseded_by"] == third


def test_two_sign_offs_from_the_same_state_cannot_both_be_recorded(db, monkeypatch):
    engine, (first, *_rest) = db
    real = review._load

    def stale(conn, screening_id):  # both reviewers read "draft" before either writes
        return review.Review(screening_id)

    review.sign_off(engine, first, "review", RITA)
    monkeypatch.setattr(review, "_load", stale)
    _refused("conflict", "signed off by someone else meanwhile", engine, first, "review", REX)
    monkeypatch.setattr(review, "_load", real)
    assert [e.actor for e in review.review(engine, first).events] == ["Rita"]
