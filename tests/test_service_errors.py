"""HTTP status of every kind of refused request, mapped by the error's type (lca.core.errors), never by its
wording: a missing record is 404, a request at odds with a record's state 409 (even when its message starts
with "no"), any other bad input 400."""
from __future__ import annotations

import pytest
from service_helpers import HOT_MELT, RAC, SPEC, Service, product_files

from lca.core.errors import Conflict, InputError, NotFound
from lca.service.app import status_of


@pytest.fixture(scope="module")
def svc(home, tmp_path_factory) -> Service:
    """A registry holding a submitted draft (ids['draft']), a verified evaluation that fails its spec
    (ids['failing']) and nothing listed."""
    s = Service(f"sqlite:///{tmp_path_factory.mktemp('errors') / 'registry.sqlite'}", home)
    s.ids = {"draft": s.submit(product_files(RAC), spec="tcagp_0001_2016").json()["id"],
             "failing": s.submit(product_files(HOT_MELT), spec=SPEC).json()["id"]}
    r = s.client.post(f"/api/evaluations/{s.ids['failing']}/verify", headers=s.auth("evaluator"))
    assert r.json()["status"] == "verified", r.text
    return s


def test_nothing_listed_to_draw_from_is_a_conflict_not_a_missing_resource(svc):
    r = svc.client.post("/api/inspections", headers=svc.auth("authority"), data={"share": "0.5", "seed": "1"})
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith("no listed, non-exempt products to draw from")


@pytest.mark.parametrize("role,method,path,form,message", [
    ("evaluator", "get", "/api/evaluations/999", None, "no evaluation 999"),
    ("evaluator", "post", "/api/evaluations/999/verify", {}, "no evaluation 999"),
    ("authority", "get", "/api/inspections/999", None, "no inspection batch 999"),
    ("authority", "post", "/api/inspections/999/run", {}, "no inspection batch 999"),
    ("authority", "get", "/api/evaluations/999/report", None, "no evaluation 999"),
])
def test_a_missing_record_is_404(svc, role, method, path, form, message):
    r = svc.client.request(method, path, headers=svc.auth(role), data=form)
    assert (r.status_code, message in r.json()["detail"]) == (404, True), r.text


@pytest.mark.parametrize("which,action,role,form,message", [
    ("draft", "list", "evaluator", {}, "only a verified one can become listed"),
    ("draft", "delist", "authority", {"reason": "x"}, "only a listed one can become delisted"),
    ("failing", "list", "evaluator", {}, "fails its specification and cannot be listed"),
])
def test_a_change_the_records_state_does_not_allow_is_409(svc, which, action, role, form, message):
    ev = svc.ids[which]
    r = svc.client.post(f"/api/evaluations/{ev}/{action}", headers=svc.auth(role), data=form)
    assert (r.status_code, message in r.json()["detail"]) == (409, True), r.text
    assert svc.client.get(f"/api/evaluations/{ev}", headers=svc.auth("evaluator")).json()["status"] in (
        "submitted", "verified")  # unchanged


def test_other_bad_input_is_400(svc):
    r = svc.client.post("/api/inspections", headers=svc.auth("authority"), data={"share": "2", "seed": "1"})
    assert (r.status_code, "share 2.0 is not in (0, 1]" in r.json()["detail"]) == (400, True), r.text


def test_status_follows_the_type_not_the_wording():
    assert [status_of(e) for e in (InputError("no such column 'x'"), NotFound("evaluation 3 is gone"),
                                   Conflict("no listed products"), NotFound("no evaluation 3"))] == [400, 404, 409, 404]
