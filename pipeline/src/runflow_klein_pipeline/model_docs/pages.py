"""Where a model's pages are, fetching them (bounded and validated like the spec), and reading one.

Page URLs follow the documented templates, so they exist for any model of the catalog: the docs page
``https://docs.runflow.io/models/<model>`` (fetched as its ``.md`` variant, whose tables are pipe
tables) and, for models with a legacy ``/v1/run/...`` endpoint, ``https://www.runflow.io/api/models/
<model>/llms.txt``. A declaration always names the canonical page URL, the one contracts cite.

The model catalog (``GET {base}/v1/models/<model>``) needs an API key: it is sent as a header, never in
the URL, so no message or report can carry it. ``base`` is ``$RUNFLOW_CATALOG_URL`` (a staging catalog, or
a test server), else ``$RUNFLOW_BASE_URL`` (the API the runtime talks to), else the public API.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from runflow_klein_pipeline.model_docs import catalog, docs_page, llms_page
from runflow_klein_pipeline.model_docs.declaration import Declaration, PageError
from runflow_klein_pipeline.spec import fetch as fetch_spec
from runflow_klein_pipeline.spec.compose import Contract

DOCS_URL = "https://docs.runflow.io/models/{model}"
LLMS_URL = "https://www.runflow.io/api/models/{model}/llms.txt"
API_BASE = "https://api.runflow.io"
CATALOG_URL = "{base}/v1/models/{model}"
KEY_ENV = "RUNFLOW_API_KEY"
CATALOG_BASE_ENVS = ("RUNFLOW_CATALOG_URL", "RUNFLOW_BASE_URL")
PARSERS = {"catalog": catalog.parse, "llms": llms_page.parse, "docs": docs_page.parse}
PAGE_TIMEOUT = 30.0
PAGE_MAX_BYTES = 2 * 1024 * 1024  # a model page is a few kB; anything near this is not one


@dataclass(frozen=True)
class Page:
    """One page of one model: its form, the URL contracts cite, and the URL its text is fetched from."""

    model_id: str
    form: str
    url: str
    fetch_url: str

    @property
    def file_name(self) -> str:
        """``flux-2-klein-4b-edit.docs.txt``: the name of its recording, and of its copy in a mirror."""
        slug = self.model_id.split("/", 1)[-1].replace("/", "-")
        return f"{slug}.{self.form}.txt"


def model_pages(model_id: str, *, legacy: bool) -> list[Page]:
    docs = DOCS_URL.format(model=model_id)
    pages = [Page(model_id, "docs", docs, docs + ".md")]
    if legacy:
        llms = LLMS_URL.format(model=model_id)
        pages.append(Page(model_id, "llms", llms, llms))
    return pages


def contract_pages(contract: Contract) -> list[Page]:
    return model_pages(contract.model_id, legacy="legacy" in contract.doc)


def catalog_base() -> str:
    return next((os.environ[env] for env in CATALOG_BASE_ENVS if os.environ.get(env)), API_BASE)


def catalog_page(model_id: str, base: str = API_BASE) -> Page:
    """The catalog declaration of ``model_id`` as a page; its URL is the request's, which has no secret."""
    url = CATALOG_URL.format(base=base.rstrip("/"), model=model_id)
    return Page(model_id, "catalog", fetch_spec.strip_credentials(url), url)


def read_catalog(page: Page, key: str) -> Declaration:
    """The catalog's declaration behind ``page``, asked for with ``key`` (bounded like any page)."""
    text = fetch_text(page.fetch_url, headers={"Authorization": f"Bearer {key.strip()}"})
    return catalog.parse(text, url=page.url)


def form_of(text: str) -> str | None:
    """Which form ``text`` is in (``catalog``, ``llms`` or ``docs``); None if it is no model page."""
    if text.lstrip().startswith("{"):
        return "catalog"
    if llms_page.is_llms_page(text):
        return "llms"
    return "docs" if docs_page.is_docs_page(text) else None


def parse(text: str, *, url: str) -> Declaration:
    """Read ``text`` in whichever form it is; a page in no known form is one clear PageError."""
    form = form_of(text)
    if form is None:
        raise PageError(
            f"{url}: not a model page: no '## Input Schema' section (llms.txt), 'Input schema' table "
            "(docs page) or 'inputs' list (catalog)"
        )
    return PARSERS[form](text, url=url)


def page_url(model_id: str, form: str) -> str:
    """The URL a page of ``form`` has (what contracts cite), whatever file or mirror it was read from."""
    if form == "docs":
        return DOCS_URL.format(model=model_id)
    return LLMS_URL.format(model=model_id) if form == "llms" else catalog_page(model_id).url


def fetch_text(
    url: str,
    *,
    timeout: float = PAGE_TIMEOUT,
    max_bytes: int = PAGE_MAX_BYTES,
    headers: Mapping[str, str] | None = None,
) -> str:
    """The page at ``url`` (https, http or file) as text; bounded in time and size like the spec fetch."""
    fetched = fetch_spec.fetch(url, timeout=timeout, max_bytes=max_bytes, headers=headers)
    try:
        return fetched.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageError(f"{fetch_spec.strip_credentials(url)} is not UTF-8 text: {exc.reason}") from exc


def mirrored(page: Page, mirror: str | None) -> str:
    """Where to fetch ``page`` from: its own URL, or its file in a mirror (recorded pages in tests)."""
    return f"{mirror.rstrip('/')}/{page.file_name}" if mirror else page.fetch_url
