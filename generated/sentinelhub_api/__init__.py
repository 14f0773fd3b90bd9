"""A client library for accessing sentinelhub-client wire contract"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
