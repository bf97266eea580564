"""The public service in process (FastAPI TestClient): every role × endpoint pair, the submit → verify → list
→ inspect → delist flow with the engine's own figures, filters, and hostile uploads refused with nothing stored."""
from __future__ import annotations

import pytest
from service_helpers import HOT_MELT, RAC, ROLES, SPEC, Service, as_zip, product_files

from lca import api
from lca.registry.models import Blob, Evaluation
from lca.service.uploads import Limits


@pytest.fixture(scope="module")
def svc(home, tmp_path_factory) -> Service:
    s = Service(f"sqlite:///{tmp_path_factory.mktemp('svc') / 'registry.sqlite'}", home)
    r = s.submit(product_files())
    assert r.status_code == 201, r.text
    s.draft = r.json()["id"]
    return s


def test_submission_stores_the_engines_figures_and_is_idempotent(svc, home):
    ev = svc.client.get(f"/api/evaluations/{svc.draft}", headers=svc.auth("manufacturer")).json()
    ds, _ = api.evaluate([HOT_MELT / "product.yaml"], home=home)  # the engine on the example directly
    totals = {r["indicator"]: r["value"] for r in ev["results"] if r["stage"] == "total"}
    assert totals and totals == {str(i): float(ds["total"].sel(product=ev["product_id"], indicator=i))
                                 for i in ds["indicator"].values}
    assert (ev["manufacturer"], ev["status"], ev["spec_id"]) == ("manufacturer one", "submitted", SPEC)
    again = svc.submit(product_files())
    assert (again.status_code, again.json()["id"], again.json()["created"]) == (200, svc.draft, False)


# (method, path, form, files, roles allowed); ids that do not exist reach the handler only when allowed (404)
WRITES = [
    ("post", "/api/evaluations/999/verify", {}, None, {"evaluator"}),
    ("post", "/api/evaluations/999/list", {}, None, {"evaluator"}),
    ("post", "/api/evaluations/999/delist", {"reason": "x"}, None, {"authority"}),
    ("post", "/api/inspections/999/run", {}, None, {"authority"}),
    ("get", "/api/screenings/nojob", None, None, {"manufacturer", "evaluator", "authority"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,form,files,allowed", WRITES, ids=[w[1] for w in WRITES])
def test_write_endpoints_by_role(svc, role, method, path, form, files, allowed):
    r = svc.client.request(method, path, headers=svc.auth(role), data=form, files=files)
    assert r.status_code == (404 if role in allowed else 401 if role == "public" else 403), r.text


@pytest.mark.parametrize("role", ROLES)
def test_submit_and_draw_by_role(svc, role):
    r = svc.submit([("product.yaml", b"not: a product")], role)  # allowed: reaches the manifest check (400)
    assert r.status_code == {"manufacturer": 400, "public": 401}.get(role, 403), r.text
    r = svc.client.post("/api/inspections", headers=svc.auth(role), data={"share": "2", "seed": "1"})
    assert r.status_code == {"authority": 400, "public": 401}.get(role, 403), r.text  # share 2 is refused
    r = svc.client.post("/api/screenings", headers=svc.auth(role), files={"catalogue": ("c.txt", b"x")})
    assert r.status_code == (401 if role == "public" else 400), r.text


@pytest.mark.parametrize("role,expected", [("public", 401), ("other", 403), ("manufacturer", 200),
                                           ("evaluator", 200), ("authority", 200)])
def test_a_draft_is_seen_by_its_manufacturer_and_the_evaluating_roles_only(svc, role, expected):
    assert svc.client.get(f"/api/evaluations/{svc.draft}", headers=svc.auth(role)).status_code == expected
    ids = [e["id"] for e in svc.client.get("/api/evaluations", headers=svc.auth(role)).json()["items"]]
    assert (svc.draft in ids) is (expected == 200)


def test_unknown_token_is_401(svc):
    r = svc.client.get("/api/evaluations", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401


def test_flow_verify_list_filter_inspect_delist(home, tmp_path):
    s = Service(f"sqlite:///{tmp_path / 'registry.sqlite'}", home)
    assert s.client.post(f"/api/evaluations/{s.submit(product_files()).json()['id']}/list",
                         headers=s.auth("evaluator")).status_code == 409  # a submitted one must be verified first
    ids = [s.submit(product_files(RAC, **{"id: room_ac_35kw": f"id: room_ac_{k}"}), spec="tcagp_0001_2016")
           .json()["id"] for k in (1, 2)]
    for i in ids:
        assert s.client.post(f"/api/evaluations/{i}/verify", headers=s.auth("evaluator")).json()["reproduced"]
        assert s.client.post(f"/api/evaluations/{i}/list", headers=s.auth("evaluator")).json()["status"] == "listed"
    listed = s.client.get("/api/evaluations", params={"status": "listed", "per_page": 1}).json()
    assert (listed["total"], len(listed["items"]), listed["items"][0]["id"]) == (2, 1, ids[1])
    page2 = s.client.get("/api/evaluations", params={"status": "listed", "per_page": 1, "page": 2}).json()
    assert page2["items"][0]["id"] == ids[0]
    ev = s.client.get(f"/api/evaluations/{ids[0]}").json()  # listed: public
    gwp = next(r for r in ev["results"] if r["stage"] == "total" and r["value"])
    bounded = lambda **b: s.client.get("/api/evaluations", params={"indicator": gwp["indicator"], **b}).json()["total"]
    assert bounded(min=gwp["value"] * 0.999, max=gwp["value"] * 1.001) == 2  # same product, two ids
    assert bounded(min=gwp["value"] * 1.001) == 0 and bounded(max=gwp["value"] * 0.999) == 0
    batch = s.client.post("/api/inspections", headers=s.auth("authority"), data={"share": "0.5", "seed": "3"}).json()
    assert (batch["population"], len(batch["items"])) == (2, 1)
    ran = s.client.post(f"/api/inspections/{batch['id']}/run", headers=s.auth("authority")).json()
    assert ran["items"][0]["outcome"] in ("conforming", "not assessed")
    assert s.client.get(f"/api/inspections/{batch['id']}").json() == ran
    r = s.client.post(f"/api/evaluations/{ids[0]}/delist", headers=s.auth("authority"), data={"reason": "test"})
    assert r.json()["status"] == "delisted"
    assert s.client.get(f"/api/evaluations/{ids[0]}").status_code == 401  # no longer public
    assert s.client.get("/api/evaluations").json()["total"] == 1
    assert "/api/evaluations" in s.client.get("/openapi.json").json()["paths"]


MANIFEST = (HOT_MELT / "product.yaml").read_bytes()
HOSTILE = {
    "dotdot": ([("x.zip", as_zip([("product.yaml", MANIFEST), ("../evil.csv", b"a,b\n")]))], 400, "outside"),
    "absolute": ([("x.zip", as_zip([("product.yaml", MANIFEST), ("/etc/cron.d/x.csv", b"a\n")]))], 400, "outside"),
    "symlink": ([("x.zip", as_zip([("product.yaml", MANIFEST), ("bom.csv", b"/etc/passwd")], ("bom.csv",)))],
                400, "symbolic link"),
    "too_many": ([("x.zip", as_zip([(f"t{k}.csv", b"a\n") for k in range(7)]))], 400, "at most 6"),
    "bomb": ([("x.zip", as_zip([("product.yaml", MANIFEST), ("bom.csv", b"0" * 400_000)]))], 400, "zip bomb"),
    "too_big": ([("product.yaml", MANIFEST), ("bom.csv", b"a" * 600_000)], 413, "at most 500000"),
    "not_utf8": (product_files()[:1] + [("bom.csv", "组件,数量\n".encode("gb18030"))] + product_files()[2:],
                 400, "not UTF-8"),
    "bom_outside": (product_files(**{"bom: bom.csv": "bom: ../../etc/passwd"}), 400, "points outside the upload"),
    "upload_name": ([("../product.yaml", MANIFEST)], 400, "outside"),
}


@pytest.fixture(scope="module")
def small(home, tmp_path_factory) -> Service:
    return Service(f"sqlite:///{tmp_path_factory.mktemp('small') / 'registry.sqlite'}", home,
                   Limits(max_bytes=500_000, max_files=6, max_ratio=100))


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_upload_is_refused_with_nothing_stored(small, case):
    files, status, message = HOSTILE[case]
    before = small.count(Evaluation), small.count(Blob)
    r = small.submit(files)
    assert r.status_code == status and message in r.json()["detail"], r.text
    assert (small.count(Evaluation), small.count(Blob)) == before


def test_a_spec_must_be_a_shipped_one(small):
    r = small.submit(product_files(), spec="/etc/passwd")
    assert r.status_code == 400 and "unknown specification" in r.json()["detail"]
    assert small.count(Evaluation) == 0


def test_a_zip_of_the_folder_is_accepted(small):
    r = small.submit([("p.zip", as_zip([(f"hot_melt/{n}", c) for n, c in product_files()]))])
    assert r.status_code == 201, r.text
