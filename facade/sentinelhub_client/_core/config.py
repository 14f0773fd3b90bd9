"""`SHConfig`: credentials, deployment URLs, timeouts and retry limits, from four sources.

Each setting is taken from the first of these that gives it:

1. an explicit argument: ``SHConfig(sh_client_id=...)``, or a deployment named by argument;
2. the environment (table below), read when the object is built;
3. a profile of the TOML file that sentinelhub-py users already have:
   ``$XDG_CONFIG_HOME/sentinelhub/config.toml``, else ``~/.config/sentinelhub/config.toml``; one
   table per profile; the profile is the ``profile`` argument, else ``SH_PROFILE``, else
   ``default-profile``. The file is only read, never created or written;
4. the default.

==================  =========================  ========================  ==========================
setting             environment                TOML key                  default
==================  =========================  ========================  ==========================
sh_client_id        SH_CLIENT_ID               sh_client_id              ""
sh_client_secret    SH_CLIENT_SECRET           sh_client_secret          ""
sh_base_url         SH_BASE_URL                sh_base_url               main deployment (1)
sh_token_url        SH_TOKEN_URL               sh_token_url              Keycloak URL (2)
sh_auth_base_url    SH_AUTH_BASE_URL           sh_auth_base_url          legacy (3)
sh_token            SH_TOKEN                   sh_token                  None (4)
deployment          SH_DEPLOYMENT              deployment                None (5)
timeout             SH_TIMEOUT                 timeout,                  120.0 s per request
                                               download_timeout_seconds
max_retries         SH_MAX_RETRIES             max_retries               4 (6)
retry_max_wait      SH_RETRY_MAX_WAIT          retry_max_wait            300.0 s (7)
(zero backoff)      SH_RETRY_ZERO_BACKOFF      -                         off (8)
byoc_base_path      SH_BYOC_BASE_PATH          byoc_base_path            /api/v1/byoc (9)
profile             SH_PROFILE                 -                         default-profile
==================  =========================  ========================  ==========================

(1) ``https://services.sentinel-hub.com``.
(2) ``https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token``, or the
    token URL of the known deployment at ``sh_base_url`` (CDSE has its own identity service).
(3) The sentinelhub-py < 3.9 form: the token URL becomes ``sh_auth_base_url + "/oauth/token"``.
(4) A pre-issued access token, sent as is and never refreshed.
(5) ``main``, ``uswest``, ``creodias``, ``code-de`` or ``cdse``: sets both URLs.
(6) Retries after the first attempt: ``retry.max_attempts = max_retries + 1``.
(7) ``retry.max_total_wait``: the waits of one call add up to at most this.
(8) ``SH_RETRY_ZERO_BACKOFF=1`` sets ``retry.backoff = 0``: no waiting at all (for tests).
(9) ``/byoc/v1`` also works.

Within one source, an explicit URL beats a deployment name and ``sh_token_url`` beats the legacy
``sh_auth_base_url``. Unknown TOML keys (sentinelhub-py has many more) are ignored.
"""

from __future__ import annotations

import math
import os
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from sentinelhub_client._core.retry import RetryPolicy

__all__ = ["DEPLOYMENTS", "Deployment", "SHConfig", "config_file_path"]

MAIN_TOKEN_URL: Final = (
    "https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token"  # noqa: S105
)
CDSE_TOKEN_URL: Final = (
    "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"  # noqa: S105
)
DEFAULT_PROFILE: Final = "default-profile"
DEFAULT_BYOC_BASE_PATH: Final = "/api/v1/byoc"
DEFAULT_TIMEOUT: Final = 120.0
_MISSING: Final = object()


@dataclass(frozen=True)
class Deployment:
    """A known Sentinel Hub deployment: where its services and its token endpoint are."""

    name: str
    base_url: str
    token_url: str
    description: str


#: Deployments selectable by name. Tokens for the AWS and CreoDIAS deployments come from the main
#: deployment's identity service; CDSE has its own.
DEPLOYMENTS: Final[Mapping[str, Deployment]] = {
    d.name: d
    for d in (
        Deployment("main", "https://services.sentinel-hub.com", MAIN_TOKEN_URL, "AWS eu-central-1"),
        Deployment(
            "uswest", "https://services-uswest2.sentinel-hub.com", MAIN_TOKEN_URL, "AWS us-west-2"
        ),
        Deployment("creodias", "https://creodias.sentinel-hub.com", MAIN_TOKEN_URL, "CreoDIAS"),
        Deployment("code-de", "https://code-de.sentinel-hub.com", MAIN_TOKEN_URL, "CODE-DE"),
        Deployment(
            "cdse",
            "https://sh.dataspace.copernicus.eu",
            CDSE_TOKEN_URL,
            "Copernicus Data Space Ecosystem",
        ),
    )
}

# attribute -> environment variable
_ENV: Final[Mapping[str, str]] = {
    "sh_client_id": "SH_CLIENT_ID",
    "sh_client_secret": "SH_CLIENT_SECRET",
    "sh_base_url": "SH_BASE_URL",
    "sh_token_url": "SH_TOKEN_URL",
    "sh_auth_base_url": "SH_AUTH_BASE_URL",
    "sh_token": "SH_TOKEN",
    "deployment": "SH_DEPLOYMENT",
    "timeout": "SH_TIMEOUT",
    "max_retries": "SH_MAX_RETRIES",
    "retry_max_wait": "SH_RETRY_MAX_WAIT",
    "retry_zero_backoff": "SH_RETRY_ZERO_BACKOFF",
    "byoc_base_path": "SH_BYOC_BASE_PATH",
}
# TOML key -> attribute (sentinelhub-py's names where they exist)
_TOML: Final[Mapping[str, str]] = {
    "sh_client_id": "sh_client_id",
    "sh_client_secret": "sh_client_secret",
    "sh_base_url": "sh_base_url",
    "sh_token_url": "sh_token_url",
    "sh_auth_base_url": "sh_auth_base_url",
    "sh_token": "sh_token",
    "deployment": "deployment",
    "timeout": "timeout",
    "download_timeout_seconds": "timeout",
    "max_retries": "max_retries",
    "retry_max_wait": "retry_max_wait",
    "byoc_base_path": "byoc_base_path",
}
_SECRETS: Final = ("sh_client_secret", "sh_token")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def config_file_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the sentinelhub-py TOML file is (it may not exist)."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "sentinelhub" / "config.toml"


def _source_error(source: str, name: str, problem: str) -> ValueError:
    return ValueError(f"{name} ({source}): {problem}")


def _as_str(value: Any, name: str, source: str) -> str:
    if not isinstance(value, str):
        raise _source_error(source, name, f"expected a string, got {value!r}")
    return value


def _as_float(value: Any, name: str, source: str) -> float:
    if isinstance(value, bool):
        raise _source_error(source, name, f"expected a number of seconds, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _source_error(source, name, f"expected a number of seconds, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise _source_error(source, name, f"must be a positive number of seconds, got {value!r}")
    return number


def _as_int(value: Any, name: str, source: str) -> int:
    if isinstance(value, bool):
        raise _source_error(source, name, f"expected a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _source_error(source, name, f"expected a whole number, got {value!r}") from None
    if number < 0 or (isinstance(value, float) and value != number):
        raise _source_error(source, name, f"must be a whole number >= 0, got {value!r}")
    return number


def _as_bool(value: Any, name: str, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _source_error(source, name, f"expected a boolean such as 1 or 0, got {value!r}")


def _check_url(value: str, name: str, source: str) -> str:
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _source_error(
            source, name, f"must be an http(s) URL such as 'https://host', got {value!r}"
        )
    return url


def _check_base_path(value: str, name: str, source: str) -> str:
    path = "/" + value.strip().strip("/")
    if "//" in path or "?" in path or "#" in path or " " in path:
        raise _source_error(source, name, f"must be a URL path such as '/byoc/v1', got {value!r}")
    return path


def _deployment(name: Any, source: str) -> Deployment:
    key = str(name).strip().lower()
    found = DEPLOYMENTS.get(key)
    if found is None:
        raise _source_error(
            source,
            "deployment",
            f"unknown deployment {name!r}; known: {', '.join(sorted(DEPLOYMENTS))}",
        )
    return found


def _normalise(
    raw: Mapping[str, Any], source: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Check the values of one source and expand its shortcuts (deployment, legacy URL).

    ``labels`` renames settings in error messages (the environment names its variables).
    """
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        try:
            _normalise_one(out, key, value, source)
        except ValueError as exc:
            if labels is None or key not in labels:
                raise
            raise ValueError(str(exc).replace(key, labels[key], 1)) from None
    if "sh_auth_base_url" in out:
        legacy = out.pop("sh_auth_base_url")
        warnings.warn(
            "sh_auth_base_url is deprecated: set sh_token_url (it is now "
            f"{legacy + '/oauth/token'!r})",
            DeprecationWarning,
            stacklevel=4,
        )
        out.setdefault("sh_token_url", legacy + "/oauth/token")
    deployment = out.pop("deployment", None)
    if deployment is not None:
        out.setdefault("sh_base_url", deployment.base_url)
        out.setdefault("sh_token_url", deployment.token_url)
    return out


def _normalise_one(out: dict[str, Any], name: str, value: Any, source: str) -> None:
    """Check one value and store it in ``out`` (unknown names are ignored)."""
    if name in ("sh_client_id", "sh_client_secret", "sh_token"):
        out[name] = _as_str(value, name, source).strip()
    elif name in ("sh_base_url", "sh_token_url", "sh_auth_base_url"):
        out[name] = _check_url(_as_str(value, name, source), name, source)
    elif name == "byoc_base_path":
        out[name] = _check_base_path(_as_str(value, name, source), name, source)
    elif name in ("timeout", "retry_max_wait"):
        out[name] = _as_float(value, name, source)
    elif name == "max_retries":
        out[name] = _as_int(value, name, source)
    elif name == "retry_zero_backoff":
        out[name] = _as_bool(value, name, source)
    elif name == "deployment":
        out[name] = _deployment(value, source)


def _load_profile(path: Path, profile: str, explicit: bool) -> dict[str, Any]:
    if not path.is_file():
        if explicit:
            raise ValueError(
                f"profile: no profile {profile!r} because {path} does not exist; "
                "create it with sentinelhub-py or drop the profile argument / SH_PROFILE"
            )
        return {}
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from exc
    table = document.get(profile)
    if table is None:
        if explicit:
            known = ", ".join(sorted(k for k, v in document.items() if isinstance(v, dict)))
            raise ValueError(
                f"profile: {path} has no profile {profile!r} (it has: {known or 'none'})"
            )
        return {}
    if not isinstance(table, dict):
        raise ValueError(f"{path}: [{profile}] must be a table of settings")
    return {_TOML[key]: value for key, value in table.items() if key in _TOML}


class SHConfig:
    """Settings for every Sentinel Hub service client.

    ``SHConfig()`` resolves each setting from explicit arguments, the environment, a TOML profile
    and the defaults, in that order (the module docstring has the table). Attributes can be
    changed afterwards (``config.sh_client_id = ...``) and are checked when set. Neither ``repr``
    nor ``str`` shows the secret or the token.

    Args:
        profile: the TOML profile to read (default: ``SH_PROFILE``, else ``default-profile``).
        use_defaults: ignore the environment and the TOML file (explicit arguments still apply).
        deployment: a known deployment by name (`DEPLOYMENTS`); sets both URLs unless they are
            given explicitly too.
        sh_client_id, sh_client_secret: OAuth client credentials.
        sh_base_url: where the services are.
        sh_token_url: the OAuth token endpoint.
        sh_auth_base_url: legacy form; the token URL becomes ``sh_auth_base_url + "/oauth/token"``.
        sh_token: a pre-issued access token, sent as is and never refreshed.
        timeout: seconds per request.
        max_retries: retries after the first attempt (sets ``retry.max_attempts``).
        retry: the whole retry policy (`RetryPolicy`); ``max_retries`` applies on top of it.
        byoc_base_path: path of the BYOC API on the host: ``/api/v1/byoc`` or ``/byoc/v1``.
        environ: the environment to read (default ``os.environ``), mostly for tests.
    """

    sh_client_id: str
    sh_client_secret: str
    sh_base_url: str
    sh_token_url: str
    sh_token: str | None
    timeout: float
    retry: RetryPolicy
    byoc_base_path: str
    profile: str

    def __init__(
        self,
        profile: str | None = None,
        *,
        use_defaults: bool = False,
        deployment: str | None = None,
        sh_client_id: str | None = None,
        sh_client_secret: str | None = None,
        sh_base_url: str | None = None,
        sh_token_url: str | None = None,
        sh_auth_base_url: str | None = None,
        sh_token: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        byoc_base_path: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ValueError(f"retry: expected a RetryPolicy, got {retry!r}")
        explicit = _normalise(
            {
                "deployment": deployment,
                "sh_client_id": sh_client_id,
                "sh_client_secret": sh_client_secret,
                "sh_base_url": sh_base_url,
                "sh_token_url": sh_token_url,
                "sh_auth_base_url": sh_auth_base_url,
                "sh_token": sh_token,
                "timeout": timeout,
                "max_retries": max_retries,
                "byoc_base_path": byoc_base_path,
            },
            "argument",
        )
        layers = [explicit]
        chosen_profile = profile or DEFAULT_PROFILE
        if not use_defaults:
            env_values = {name: env[var] for name, var in _ENV.items() if env.get(var, "").strip()}
            layers.append(_normalise(env_values, "environment", _ENV))
            explicit_profile = profile or env.get("SH_PROFILE") or None
            chosen_profile = explicit_profile or DEFAULT_PROFILE
            path = config_file_path(env)
            table = _load_profile(path, chosen_profile, explicit_profile is not None)
            layers.append(_normalise(table, f"{path} [{chosen_profile}]"))

        def pick(name: str, default: Any = None) -> Any:
            for layer in layers:
                if name in layer:
                    return layer[name]
            return default

        base_url = pick("sh_base_url", DEPLOYMENTS["main"].base_url)
        token_url = pick("sh_token_url", _MISSING)
        if token_url is _MISSING:
            known = next((d for d in DEPLOYMENTS.values() if d.base_url == base_url), None)
            token_url = known.token_url if known else MAIN_TOKEN_URL

        # An explicit policy beats the retry settings of the environment and the file, except
        # for an explicit max_retries and the zero-backoff test switch, which apply on top.
        policy = retry if retry is not None else RetryPolicy()
        retries = explicit.get("max_retries") if retry is not None else pick("max_retries")
        if retries is not None:
            policy = policy.replace(max_attempts=retries + 1)
        total_wait = None if retry is not None else pick("retry_max_wait")
        if total_wait is not None:
            policy = policy.replace(max_total_wait=total_wait)
        if pick("retry_zero_backoff", False):
            policy = policy.replace(backoff=0.0)

        self.profile = chosen_profile
        self.sh_client_id = pick("sh_client_id", "")
        self.sh_client_secret = pick("sh_client_secret", "")
        self.sh_base_url = base_url
        self.sh_token_url = token_url
        self.sh_token = pick("sh_token") or None
        self.timeout = pick("timeout", DEFAULT_TIMEOUT)
        self.retry = policy
        self.byoc_base_path = pick("byoc_base_path", DEFAULT_BYOC_BASE_PATH)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("sh_client_id", "sh_client_secret"):
            value = _as_str(value, name, "attribute").strip()
        elif name in ("sh_base_url", "sh_token_url"):
            value = _check_url(_as_str(value, name, "attribute"), name, "attribute")
        elif name == "sh_token":
            value = None if value is None else (_as_str(value, name, "attribute").strip() or None)
        elif name == "timeout":
            value = _as_float(value, name, "attribute")
        elif name == "byoc_base_path":
            value = _check_base_path(_as_str(value, name, "attribute"), name, "attribute")
        elif name == "retry" and not isinstance(value, RetryPolicy):
            raise ValueError(f"retry (attribute): expected a RetryPolicy, got {value!r}")
        elif name == "sh_auth_base_url":
            url = _check_url(_as_str(value, name, "attribute"), name, "attribute")
            warnings.warn(
                "sh_auth_base_url is deprecated: set sh_token_url",
                DeprecationWarning,
                stacklevel=2,
            )
            name, value = "sh_token_url", url + "/oauth/token"
        object.__setattr__(self, name, value)

    @classmethod
    def for_deployment(cls, name: str, **kwargs: Any) -> SHConfig:
        """A config for a known deployment (``main``, ``uswest``, ``creodias``, ``code-de``,
        ``cdse``); other settings are resolved as usual."""
        return cls(deployment=name, **kwargs)

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt (``retry.max_attempts - 1``)."""
        return self.retry.max_attempts - 1

    @property
    def deployment(self) -> str | None:
        """The name of the known deployment at ``sh_base_url``, if it is one."""
        for known in DEPLOYMENTS.values():
            if known.base_url == self.sh_base_url:
                return known.name
        return None

    @property
    def has_credentials(self) -> bool:
        """True when a token can be had: a pre-issued one, or a client id and secret."""
        return bool(self.sh_token or (self.sh_client_id and self.sh_client_secret))

    def copy(self, **changes: Any) -> SHConfig:
        """A copy, with some attributes changed (checked as when set)."""
        new = object.__new__(SHConfig)
        for name, value in vars(self).items():
            object.__setattr__(new, name, value)
        for name, value in changes.items():
            if name not in vars(self) and name != "sh_auth_base_url":
                raise ValueError(f"{name}: SHConfig has no such setting")
            setattr(new, name, value)
        return new

    def to_dict(self, *, mask_secrets: bool = True) -> dict[str, Any]:
        """The settings as a dict; the secret and the token are masked unless asked otherwise."""
        out: dict[str, Any] = {
            "profile": self.profile,
            "sh_client_id": self.sh_client_id,
            "sh_client_secret": self.sh_client_secret,
            "sh_base_url": self.sh_base_url,
            "sh_token_url": self.sh_token_url,
            "sh_token": self.sh_token,
            "timeout": self.timeout,
            "retry": self.retry,
            "byoc_base_path": self.byoc_base_path,
        }
        if mask_secrets:
            for name in _SECRETS:
                if out[name]:
                    out[name] = "***"
        return out

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.to_dict().items())
        return f"SHConfig({fields})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SHConfig):
            return NotImplemented
        return self.to_dict(mask_secrets=False) == other.to_dict(mask_secrets=False)

    __hash__ = None  # type: ignore[assignment]
