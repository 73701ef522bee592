"""Bad uploads get a clear message and leave the server serving: oversized, wrong type, corrupt PDF, bad deal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from web import create_app

ROOT = Path(__file__).resolve().parents[1]
SOLARIS = ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMIT = 64 * 1024


@pytest.fixture
def app(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite'}",
                      "MAX_CONTENT_LENGTH": LIMIT, "UPLOAD_TMP": str(uploads)})
    yield app
    app.extensions["ipsdg"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


def _post(client, deal: tuple[bytes, str], docs: list[tuple[bytes, str]] = ()):
    page = client.get("/screenings/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "as_of": "2026-06-30", "deal": (io.BytesIO(deal[0]), deal[1]),
            "documents": [(io.BytesIO(b), n) for b, n in docs]}
    return client.post("/screenings/new", data=data, content_type="multipart/form-data")


BAD_DEAL = b"""id: bad-deal
name: A deal with problems
colour: green
originator: {name: X, country: DE, sector: energy_renewable}
"""

CASES = {
    "oversized document": (SOLARIS.read_bytes(), "deal.yaml", [(b"x" * (LIMIT + 1), "big.txt")], 413,
                           ["larger than the limit of 0.0625 MB"]),
    "image named .pdf": (SOLARIS.read_bytes(), "deal.yaml", [(PNG, "circular.pdf")], 422,
                         ["circular.pdf", "a PNG image", "unsupported_file"]),
    "corrupt pdf": (SOLARIS.read_bytes(), "deal.yaml", [(b"%PDF-1.7\n1 0 obj << broken", "oc.pdf")], 422,
                    ["oc.pdf", "corrupt_document"]),
    "pdf as the deal file": (b"%PDF-1.7\n%\xe2\xe3", "deal.yaml", [], 422, ["deal.yaml", "not a text file"]),
    "deal file of the wrong kind": (b"id: x", "deal.exe", [], 422, ["must be YAML or JSON"]),
    "deal with errors": (BAD_DEAL, "my-deal.yaml", [], 422, ["my-deal.yaml:3:", "unknown key &#39;colour&#39;",
                                                              "my-deal.yaml:1:", "required field is missing"]),
    "deal with a syntax error": (b"id: [unclosed\nname: x\n", "broken.yaml", [], 422, ["broken.yaml:", "yaml_syntax"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_upload_gets_a_clear_message_and_the_server_keeps_serving(client, app, case):
    deal, name, docs, status, expected = CASES[case]
    response = _post(client, (deal, name), docs)
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    for text in expected:
        assert text in page
    assert app.extensions["ipsdg"].store.count() == 0
    assert client.get("/screenings/new").status_code == 200
    assert _post(client, (SOLARIS.read_bytes(), SOLARIS.name)).status_code == 303  # and still screens


def test_upload_names_are_display_text_never_paths(client, app, tmp_path):
    doc = b"The proceeds will be allocated to renewable energy projects.\n"
    response = _post(client, (SOLARIS.read_bytes(), "../../../evil.yaml"), [(doc, "../../etc/cron.d/x.txt")])
    assert response.status_code == 303
    stored = app.extensions["ipsdg"].store.summaries()[0]
    assert stored.deal_filename == "evil.yaml"
    assert [d.name for d in stored.documents] == ["x.txt"]
    assert list((tmp_path / "uploads").iterdir()) == []  # the temp folder is cleaned up
    assert not (tmp_path / "etc").exists()


def test_a_renamed_document_is_read_by_its_content(client, app):
    html = b"<html><body><p>The notes finance renewable energy.</p></body></html>"
    assert _post(client, (SOLARIS.read_bytes(), SOLARIS.name), [(html, "notes.txt")]).status_code == 303
    assert app.extensions["ipsdg"].store.count() == 1


def test_a_deal_over_the_yaml_limit_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    import web.uploads
    from engine.yamlio import MAX_BYTES

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'big.sqlite'}",
                      "MAX_CONTENT_LENGTH": 4 * 1024 * 1024, "UPLOAD_TMP": str(tmp_path)})
    client = app.test_client()

    def sniffed(_data):
        pytest.fail("a deal over the limit was inspected before its size was checked")

    monkeypatch.setattr(web.uploads, "sniff_media_type", sniffed)
    big = b"id: big\n" + b"#" * (2 * 1024 * 1024) + b"\n"
    wording = f"the file is {len(big):,} bytes; the limit is {MAX_BYTES:,}"
    def multipart(path: str, **fields):  # encoded in memory: the test client would spool 2 MB to a temp file
        boundary, body = encode_multipart({**fields, "deal": FileStorage(io.BytesIO(big), "big.yaml")})
        return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/screenings/new").get_data(as_text=True))
    page = multipart("/screenings/new", csrf_token=token.group(1))
    assert page.status_code == 422 and "too_large" in page.get_data(as_text=True)
    assert wording in page.get_data(as_text=True)
    for response in (multipart("/api/v1/screenings"),
                     client.post("/api/v1/screenings", data=big, content_type="application/json")):
        assert response.status_code == 422
        [problem] = response.get_json()["error"]["problems"]
        assert problem["code"] == "too_large" and wording in problem["message"], problem
    assert app.extensions["ipsdg"].store.count() == 0
    app.extensions["ipsdg"].store.close()
