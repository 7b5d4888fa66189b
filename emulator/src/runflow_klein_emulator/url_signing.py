"""Presigned-looking file URLs: an expiry plus an HMAC, like storage presigns them.

(Callback signatures are the runtime's ``runflow_klein.callbacks.callback_signature``: one signer
for the emulator that sends them and the clients that verify them.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from urllib.parse import urlencode

URL_TTL_SECONDS = 3600


class UrlSigner:
    """Signs emulator file URLs the way storage presigns them: an expiry plus a keyed MAC.

    The key is random per emulator, so URLs stop working when the emulator restarts, like
    presigned URLs after their TTL; clients must re-read the run to get fresh URLs.
    """

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def sign(self, path: str) -> str:
        """Return the query string (without ``?``) that authorizes ``path``."""
        expires = int(time.time()) + URL_TTL_SECONDS
        return urlencode({"expires": expires, "signature": self._mac(path, expires)})

    def verify(self, path: str, query: Mapping[str, str]) -> bool:
        try:
            expires = int(query["expires"])
        except (KeyError, ValueError):
            return False
        if expires < time.time():
            return False
        return hmac.compare_digest(self._mac(path, expires), query.get("signature", ""))

    def _mac(self, path: str, expires: int) -> str:
        return hmac.new(self._key, f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()
