"""Find credentials that must never be committed in a cassette, without ever echoing them.

vcrpy records whatever went over the wire. A live recording made without
``filter_headers=["authorization"]`` keeps the API key, and presigned output URLs carry signature
tokens. Both are reported by location only; the value itself never reaches a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from runflow_klein_pipeline.recordings.cassette import Headers, Interaction

# Headers whose value is a credential unless it has been replaced by a placeholder.
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)
# Query parameters of presigned/signed URLs (S3, GCS, Azure SAS, generic tokens).
_SIGNED_QUERY = re.compile(
    r"[?&](x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential"
    r"|signature|sig|token|access_token|api_key|apikey)=(?!redacted\b|<redacted>|%3credacted%3e)[^&\s\"']+",
    re.IGNORECASE,
)
# Key formats documented by Runflow: API keys (rf_live_…, rf_svc_…) and callback secrets (whsec_…).
_RUNFLOW_KEY = re.compile(r"\b(rf_live_|rf_svc_|whsec_)[A-Za-z0-9]{6,}")
_PLACEHOLDER = re.compile(r"redacted|\*{3,}", re.IGNORECASE)


def find_secrets(interaction: Interaction) -> Iterator[str]:
    """Yield one description per place in the interaction that holds a credential."""
    yield from _header_secrets("request", interaction.request_headers)
    yield from _header_secrets("response", interaction.response_headers)
    if _SIGNED_QUERY.search(interaction.uri) or _RUNFLOW_KEY.search(interaction.uri):
        yield "the request URL carries a signature or key"
    for what, body in (("request", interaction.request_body), ("response", interaction.response_body)):
        text = (body or b"").decode("utf-8", errors="replace")
        if _SIGNED_QUERY.search(text):
            yield f"the {what} body contains a signed URL (signature/token query parameter)"
        if _RUNFLOW_KEY.search(text):
            yield f"the {what} body contains a Runflow API key or callback secret"


def _header_secrets(what: str, headers: Headers) -> Iterator[str]:
    for name, values in headers.items():
        lowered = name.lower()
        if lowered in CREDENTIAL_HEADERS and any(not _PLACEHOLDER.search(value) for value in values):
            yield f"{what} header {name} holds a credential (record with it filtered or redacted)"
        elif any(_RUNFLOW_KEY.search(value) for value in values):
            yield f"{what} header {name} contains a Runflow API key or callback secret"
