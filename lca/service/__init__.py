"""The public service (issue 19): a FastAPI application over the evaluation registry (lca.registry).

`auth` issues and checks bearer tokens by role; `uploads` unpacks an uploaded product safely; `views`
turns registry records into what the API and pages show; `api` is the JSON API, `pages` the server-rendered
listing, product and inspection pages; `jobs` runs catalogue screenings in the background; `app` puts
them together.
"""
