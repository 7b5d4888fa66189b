"""A client library for accessing Runflow API"""

from .client import AuthenticatedClient, Client

# The release version, set by scripts/regenerate.py from what the regeneration changed.
__version__ = "0.1.0.post1"

__all__ = (
    "AuthenticatedClient",
    "Client",
)
