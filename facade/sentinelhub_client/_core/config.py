"""`SHConfig`: credentials, deployment URLs, timeouts and retry limits, from four sources.

Each setting is taken from the first of these that gives it:

1. an explicit argument: ``SHConfig(sh_client_id=...)``, or an attribute set afterwards;
2. the environment, read when the object is built;
3. a profile of the TOML file that sentinelhub-py users already have:
   ``$XDG_CONFIG_HOME/sentinelhub/config.toml``, else ``~/.config/sentinelhub/config.toml``; one
   table per profile; the profile is the ``profile`` argument, else ``SH_PROFILE``, else
   ``default-profile``. The file is only read, never created or written;
4. the default.

Every setting is described once, in `SETTINGS` (attribute, environment variable, TOML key,
parser, default, doc); the constructor, the attribute checks, the environment, the file, `to_dict`
and the table in `SHConfig`'s docstring (``help(SHConfig)``) all read it.
"""

from __future__ import annotations

import math
import os
import textwrap
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from sentinelhub_client._core.ratelimit import RateLimit
from sentinelhub_client._core.retry import RetryPolicy

__all__ = [
    "DEPLOYMENTS",
    "SETTINGS",
    "Deployment",
    "SHConfig",
    "Setting",
    "UnknownSettingError",
    "config_file_path",
]

MAIN_TOKEN_URL: Final = (
    "https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token"  # noqa: S105
)
CDSE_TOKEN_URL: Final = (
    "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"  # noqa: S105
)
DEFAULT_PROFILE: Final = "default-profile"
DEFAULT_BYOC_BASE_PATH: Final = "/api/v1/byoc"
DEFAULT_TIMEOUT: Final = 120.0
#: The largest JSON answer decoded, in bytes after decompression (64 MiB).
DEFAULT_MAX_JSON_BYTES: Final = 64 * 1024 * 1024
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

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})

Parser = Callable[[Any, str, str], Any]


def config_file_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the sentinelhub-py TOML file is (it may not exist)."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "sentinelhub" / "config.toml"


# --- parsers: (value, label, source) -> checked value; label names the field in errors ---------


def _source_error(source: str, name: str, problem: str) -> ValueError:
    return ValueError(f"{name} ({source}): {problem}")


def _as_str(value: Any, name: str, source: str) -> str:
    if not isinstance(value, str):
        raise _source_error(source, name, f"expected a string, got {value!r}")
    return value


def _text(value: Any, name: str, source: str) -> str:
    return _as_str(value, name, source).strip()


def _optional_text(value: Any, name: str, source: str) -> str | None:
    if value is None:
        return None
    return _text(value, name, source) or None


def _seconds(value: Any, name: str, source: str) -> float:
    if isinstance(value, bool):
        raise _source_error(source, name, f"expected a number of seconds, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _source_error(source, name, f"expected a number of seconds, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise _source_error(source, name, f"must be a positive number of seconds, got {value!r}")
    return number


def _whole(value: Any, name: str, source: str, minimum: int) -> int:
    if isinstance(value, bool):
        raise _source_error(source, name, f"expected a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _source_error(source, name, f"expected a whole number, got {value!r}") from None
    if number < minimum or (isinstance(value, float) and value != number):
        raise _source_error(source, name, f"must be a whole number >= {minimum}, got {value!r}")
    return number


def _count(value: Any, name: str, source: str) -> int:
    return _whole(value, name, source, 0)


def _attempts(value: Any, name: str, source: str) -> int:
    return _whole(value, name, source, 1)


def _bytes(value: Any, name: str, source: str) -> int:
    return _whole(value, name, source, 1)


def _flag(value: Any, name: str, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _source_error(source, name, f"expected a boolean such as 1 or 0, got {value!r}")


def _url(value: Any, name: str, source: str) -> str:
    text = _as_str(value, name, source)
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _source_error(
            source, name, f"must be an http(s) URL such as 'https://host', got {text!r}"
        )
    return url


def _base_path(value: Any, name: str, source: str) -> str:
    text = _as_str(value, name, source)
    path = "/" + text.strip().strip("/")
    if "//" in path or "?" in path or "#" in path or " " in path:
        raise _source_error(source, name, f"must be a URL path such as '/byoc/v1', got {text!r}")
    return path


def _deployment(value: Any, name: str, source: str) -> Deployment:
    if isinstance(value, Deployment):
        return value
    key = _as_str(value, name, source).strip().lower()
    found = DEPLOYMENTS.get(key)
    if found is None:
        raise _source_error(
            source, name, f"unknown deployment {value!r}; known: {', '.join(sorted(DEPLOYMENTS))}"
        )
    return found


def _rate_limit(value: Any, name: str, source: str) -> RateLimit | None:
    if isinstance(value, RateLimit):
        return value if value.limits else None
    text = _as_str(value, name, source).strip()
    if text.lower() in ("", "none", "off", "unlimited"):
        return None
    try:
        return RateLimit.parse(text)
    except ValueError as exc:
        raise _source_error(source, name, str(exc)) from None


# --- what a setting turns into when it is not stored as itself --------------------------------


def _legacy_token_url(url: str) -> dict[str, Any]:
    token_url = url + "/oauth/token"
    warnings.warn(
        f"sh_auth_base_url is deprecated: set sh_token_url (it is now {token_url!r})",
        DeprecationWarning,
        stacklevel=4,
    )
    return {"sh_token_url": token_url}


def _deployment_urls(deployment: Deployment) -> dict[str, Any]:
    return {"sh_base_url": deployment.base_url, "sh_token_url": deployment.token_url}


Kind = Literal["value", "alias", "retry", "profile"]


@dataclass(frozen=True)
class Setting:
    """One row of the settings table.

    Attributes:
        name: the attribute and constructor argument.
        env: the environment variable, if any.
        toml: the keys read from a sentinelhub-py TOML profile (sentinelhub-py's names).
        parse: ``parse(value, label, source)`` checks a raw value; errors name ``label``.
        default: the value when no source gives one (``kind == "value"`` only).
        default_doc: the default as the docs show it.
        doc: one line for the docs.
        kind: ``value`` is stored as an attribute; ``alias`` turns into other settings
            (``into``) within its own source, so an explicit setting of the same source wins;
            ``retry`` changes the retry policy (``into`` gives the `RetryPolicy` fields);
            ``profile`` chooses the TOML profile.
        into: see ``kind``.
        argument: the constructor takes it.
        secret: masked in ``repr``, ``str`` and ``to_dict``.
        over_policy: a ``retry`` setting that applies on top of an explicit ``retry=`` policy from
            every source (otherwise only its argument does).
    """

    name: str
    env: str | None
    toml: tuple[str, ...]
    parse: Parser
    default: Any
    default_doc: str
    doc: str
    kind: Kind = "value"
    into: Callable[[Any], dict[str, Any]] | None = None
    argument: bool = True
    secret: bool = False
    over_policy: bool = False


#: Every setting of `SHConfig`, in the order the docs list them. Within one source, a setting
#: given as itself beats one derived from an alias (an explicit URL beats a deployment name,
#: ``sh_token_url`` beats ``sh_auth_base_url``, ``timeout`` beats ``download_timeout_seconds``).
SETTINGS: Final[tuple[Setting, ...]] = (
    Setting("sh_client_id", "SH_CLIENT_ID", ("sh_client_id",), _text, "", '""', "OAuth client id."),
    Setting(
        "sh_client_secret",
        "SH_CLIENT_SECRET",
        ("sh_client_secret",),
        _text,
        "",
        '""',
        "OAuth client secret; never shown by repr, str or to_dict.",
        secret=True,
    ),
    Setting(
        "sh_base_url",
        "SH_BASE_URL",
        ("sh_base_url",),
        _url,
        DEPLOYMENTS["main"].base_url,
        DEPLOYMENTS["main"].base_url,
        "Where the services are.",
    ),
    Setting(
        "sh_token_url",
        "SH_TOKEN_URL",
        ("sh_token_url",),
        _url,
        _MISSING,
        "by sh_base_url",
        "The OAuth token endpoint; by default the one of the known deployment at sh_base_url "
        "(CDSE has its own identity service), else the main deployment's.",
    ),
    Setting(
        "sh_auth_base_url",
        "SH_AUTH_BASE_URL",
        ("sh_auth_base_url",),
        _url,
        None,
        "-",
        "Deprecated (sentinelhub-py < 3.9): sets sh_token_url to this + '/oauth/token'.",
        kind="alias",
        into=_legacy_token_url,
    ),
    Setting(
        "sh_token",
        "SH_TOKEN",
        ("sh_token",),
        _optional_text,
        None,
        "None",
        "A pre-issued access token, sent as is and never refreshed; never shown.",
        secret=True,
    ),
    Setting(
        "deployment",
        "SH_DEPLOYMENT",
        ("deployment",),
        _deployment,
        None,
        "-",
        f"A known deployment by name ({', '.join(DEPLOYMENTS)}): sets both URLs. Reading it "
        "gives the name of the deployment at sh_base_url, or None.",
        kind="alias",
        into=_deployment_urls,
    ),
    Setting(
        "timeout",
        "SH_TIMEOUT",
        ("timeout",),
        _seconds,
        DEFAULT_TIMEOUT,
        f"{DEFAULT_TIMEOUT}",
        "Seconds per request.",
    ),
    Setting(
        "download_timeout_seconds",
        None,
        ("download_timeout_seconds",),
        _seconds,
        None,
        "-",
        "sentinelhub-py's name for timeout.",
        kind="alias",
        into=lambda seconds: {"timeout": seconds},
    ),
    Setting(
        "max_retries",
        "SH_MAX_RETRIES",
        ("max_retries",),
        _count,
        None,
        f"{RetryPolicy().max_attempts - 1}",
        "Retries after the first attempt: retry.max_attempts = max_retries + 1.",
        kind="retry",
        into=lambda retries: {"max_attempts": retries + 1},
    ),
    Setting(
        "max_download_attempts",
        None,
        ("max_download_attempts",),
        _attempts,
        None,
        "-",
        "sentinelhub-py's name for retry.max_attempts (the first attempt included).",
        kind="alias",
        into=lambda attempts: {"max_retries": attempts - 1},
    ),
    Setting(
        "retry_max_wait",
        "SH_RETRY_MAX_WAIT",
        ("retry_max_wait",),
        _seconds,
        None,
        f"{RetryPolicy().max_total_wait}",
        "retry.max_total_wait: the waits of one call add up to at most this many seconds.",
        kind="retry",
        into=lambda seconds: {"max_total_wait": seconds},
    ),
    Setting(
        "retry_zero_backoff",
        "SH_RETRY_ZERO_BACKOFF",
        (),
        _flag,
        None,
        "off",
        "1 sets retry.backoff = 0: no waiting between attempts at all (for tests).",
        kind="retry",
        into=lambda on: {"backoff": 0.0} if on else {},
        argument=False,
        over_policy=True,
    ),
    Setting(
        "max_json_bytes",
        "SH_MAX_JSON_BYTES",
        ("max_json_bytes",),
        _bytes,
        DEFAULT_MAX_JSON_BYTES,
        f"{DEFAULT_MAX_JSON_BYTES} (64 MiB)",
        "The largest JSON answer read, in bytes once decompressed; a larger one is refused "
        "(ResponseTooLargeError) before it fills memory. File downloads are not limited.",
    ),
    Setting(
        "rate_limit",
        "SH_RATE_LIMIT",
        ("rate_limit",),
        _rate_limit,
        None,
        "None",
        "The account's rate limits, for a client-side budget shared by every client, thread "
        "and task of the process: a RateLimit, or text such as 'requests=600/min pu=300/min' "
        "(see the scaling page). None: requests are not paced.",
    ),
    Setting(
        "shared_token_cache",
        "SH_SHARED_TOKEN_CACHE",
        ("shared_token_cache",),
        _flag,
        True,
        "on",
        "Keep OAuth tokens in a file under the user cache folder (XDG_CACHE_HOME, else "
        "~/.cache/sentinelhub-client; 0600, locked, keyed by a hash of token URL and client "
        "id, never the secret), so processes on one machine share one token; 0 turns it off.",
    ),
    Setting(
        "byoc_base_path",
        "SH_BYOC_BASE_PATH",
        ("byoc_base_path",),
        _base_path,
        DEFAULT_BYOC_BASE_PATH,
        DEFAULT_BYOC_BASE_PATH,
        "Path of the BYOC API on the host; /byoc/v1 also works.",
    ),
    Setting(
        "profile",
        "SH_PROFILE",
        (),
        _text,
        DEFAULT_PROFILE,
        DEFAULT_PROFILE,
        "The TOML profile to read; naming one that does not exist is an error.",
        kind="profile",
    ),
)

_BY_NAME: Final[Mapping[str, Setting]] = {s.name: s for s in SETTINGS}
_BY_TOML: Final[Mapping[str, Setting]] = {key: s for s in SETTINGS for key in s.toml}

#: sentinelhub-py settings that have no meaning here, with the reason. A TOML profile may hold
#: them (sentinelhub-py shares the file) and they are skipped there; setting one on `SHConfig`
#: is refused with the reason.
SENTINELHUB_PY_UNUSED: Final[Mapping[str, str]] = {
    "instance_id": "it configures OGC (WMS/WCS/WFS) requests, which this client does not make",
    "geopedia_wms_url": "Geopedia is not supported",
    "geopedia_rest_url": "Geopedia is not supported",
    "aws_access_key_id": "this client reads no AWS buckets itself",
    "aws_secret_access_key": "this client reads no AWS buckets itself",
    "aws_session_token": "this client reads no AWS buckets itself",
    "aws_metadata_url": "this client reads no AWS buckets itself",
    "aws_s3_l1c_bucket": "this client reads no AWS buckets itself",
    "aws_s3_l2a_bucket": "this client reads no AWS buckets itself",
    "opensearch_url": "OpenSearch is not supported",
    "max_wfs_records_per_query": "it configures WFS paging; BYOC listings take count=",
    "max_opensearch_records_per_query": "OpenSearch is not supported",
    "number_of_download_processes": "downloads take max_workers= per call",
    "download_sleep_time": "waits come from the retry policy: SHConfig(retry=RetryPolicy("
    "backoff=...))",
}


class UnknownSettingError(AttributeError, ValueError):
    """A name that is not a setting of `SHConfig` (an `AttributeError` and a `ValueError`)."""


def _unknown(name: str) -> UnknownSettingError:
    reason = SENTINELHUB_PY_UNUSED.get(name)
    if reason is not None:
        return UnknownSettingError(
            f"{name}: SHConfig does not take this sentinelhub-py setting: {reason}"
        )
    known = ", ".join(s.name for s in SETTINGS if s.kind != "profile")
    return UnknownSettingError(f"{name}: SHConfig has no such setting (settings: {known}, retry)")


def _layer(
    raw: Mapping[str, Any], source: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Check the values of one source and expand its aliases.

    ``raw`` maps setting names to values (``None`` means "not given"); ``labels`` names them in
    errors (the environment names its variables).
    """
    out: dict[str, Any] = {}
    for setting in SETTINGS:
        value = raw.get(setting.name)
        if value is not None:
            label = labels.get(setting.name, setting.name) if labels else setting.name
            out[setting.name] = setting.parse(value, label, source)
    for setting in SETTINGS:
        if setting.kind == "alias" and setting.name in out:
            assert setting.into is not None
            for name, value in setting.into(out.pop(setting.name)).items():
                out.setdefault(name, value)
    return out


def _environment_layer(env: Mapping[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for setting in SETTINGS:
        if setting.env and setting.kind != "profile" and env.get(setting.env, "").strip():
            raw[setting.name] = env[setting.env]
            labels[setting.name] = setting.env
    return _layer(raw, "environment", labels)


def _load_profile(path: Path, profile: str, explicit: bool) -> dict[str, Any]:
    """The settings of one profile, by setting name (keys this client does not use skipped)."""
    if not path.is_file():
        if explicit:
            raise ValueError(
                f"profile: no profile {profile!r} because {path} does not exist; "
                "create it with sentinelhub-py or drop the profile argument / SH_PROFILE"
            )
        return {}
    import tomllib  # only a profile file needs the parser

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
    return {_BY_TOML[key].name: value for key, value in table.items() if key in _BY_TOML}


def _pick(layers: list[dict[str, Any]], name: str, default: Any = None) -> Any:
    for layer in layers:
        if name in layer:
            return layer[name]
    return default


def _render_table() -> str:
    """The settings table, as ``help(SHConfig)`` shows it."""
    rows = [("setting", "environment", "TOML key", "default")]
    rows += [(s.name, s.env or "-", ", ".join(s.toml) or "-", s.default_doc) for s in SETTINGS]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    rule = "  ".join("=" * w for w in widths)

    def line(row: tuple[str, str, str, str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()

    table = [rule, line(rows[0]), rule, *(line(row) for row in rows[1:]), rule]
    notes = [
        textwrap.fill(f"{s.name}: {s.doc}", width=92, subsequent_indent="    ") for s in SETTINGS
    ]
    return "\n".join(["Settings:", "", *table, "", *notes])


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


class SHConfig:
    """Settings for every Sentinel Hub service client.

    ``SHConfig()`` resolves each setting from explicit arguments, the environment, a TOML profile
    and the defaults, in that order. Attributes can be changed afterwards
    (``config.sh_client_id = ...``) and are checked when set; a name that is not a setting is
    refused (`UnknownSettingError`). Neither ``repr`` nor ``str`` shows the secret or the token.

    Args:
        profile: the TOML profile to read (default: ``SH_PROFILE``, else ``default-profile``).
        use_defaults: ignore the environment and the TOML file (explicit arguments still apply).
        retry: the whole retry policy (`RetryPolicy`); an explicit policy beats the retry
            settings of the environment and the file, while ``max_retries``,
            ``max_download_attempts`` and ``retry_max_wait`` given as arguments and
            ``SH_RETRY_ZERO_BACKOFF`` apply on top of it.
        environ: the environment to read (default ``os.environ``), mostly for tests.
        others: the settings of the table below.

    """

    sh_client_id: str
    sh_client_secret: str
    sh_base_url: str
    sh_token_url: str
    sh_token: str | None
    timeout: float
    retry: RetryPolicy
    max_json_bytes: int
    rate_limit: RateLimit | None
    shared_token_cache: bool
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
        download_timeout_seconds: float | None = None,
        max_retries: int | None = None,
        max_download_attempts: int | None = None,
        retry_max_wait: float | None = None,
        retry: RetryPolicy | None = None,
        max_json_bytes: int | None = None,
        rate_limit: RateLimit | str | None = None,
        shared_token_cache: bool | None = None,
        byoc_base_path: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        # The parameters above are the table's settings (a test checks that they match); read
        # them by name so that nothing below repeats a setting.
        arguments = {
            name: value
            for name, value in locals().items()
            if name in _BY_NAME and name != "profile"
        }
        env = os.environ if environ is None else environ
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ValueError(f"retry: expected a RetryPolicy, got {retry!r}")
        explicit = _layer(arguments, "argument")
        layers = [explicit]
        chosen_profile = _text(profile, "profile", "argument") if profile else DEFAULT_PROFILE
        if not use_defaults:
            layers.append(_environment_layer(env))
            explicit_profile = profile or env.get("SH_PROFILE", "").strip() or None
            chosen_profile = explicit_profile or DEFAULT_PROFILE
            path = config_file_path(env)
            table = _load_profile(path, chosen_profile, explicit_profile is not None)
            layers.append(_layer(table, f"{path} [{chosen_profile}]"))

        # An explicit policy beats the retry settings of the environment and the file.
        policy = retry if retry is not None else RetryPolicy()
        for setting in SETTINGS:
            if setting.kind == "retry":
                assert setting.into is not None
                sources = layers if retry is None or setting.over_policy else [explicit]
                value = _pick(sources, setting.name)
                if value is not None:
                    policy = policy.replace(**setting.into(value))

        object.__setattr__(self, "profile", chosen_profile)
        object.__setattr__(self, "retry", policy)
        for setting in SETTINGS:
            if setting.kind == "value":
                object.__setattr__(self, setting.name, _pick(layers, setting.name, setting.default))
        if self.sh_token_url is _MISSING:
            known = next((d for d in DEPLOYMENTS.values() if d.base_url == self.sh_base_url), None)
            object.__setattr__(self, "sh_token_url", known.token_url if known else MAIN_TOKEN_URL)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "retry":
            if not isinstance(value, RetryPolicy):
                raise ValueError(f"retry (attribute): expected a RetryPolicy, got {value!r}")
            object.__setattr__(self, name, value)
            return
        setting = _BY_NAME.get(name)
        if setting is None:
            raise _unknown(name)
        self._assign(setting, setting.parse(value, name, "attribute"))

    def _assign(self, setting: Setting, value: Any) -> None:
        if setting.kind == "alias":
            assert setting.into is not None
            for name, derived in setting.into(value).items():
                self._assign(_BY_NAME[name], derived)
        elif setting.kind == "retry":
            assert setting.into is not None
            object.__setattr__(self, "retry", self.retry.replace(**setting.into(value)))
        else:
            object.__setattr__(self, setting.name, value)

    @classmethod
    def for_deployment(cls, name: str, **kwargs: Any) -> SHConfig:
        """A config for a known deployment (``main``, ``uswest``, ``creodias``, ``code-de``,
        ``cdse``); other settings are resolved as usual."""
        return cls(deployment=name, **kwargs)

    @property
    def deployment(self) -> str | None:
        """The name of the known deployment at ``sh_base_url``, if it is one (setting it sets
        both URLs)."""
        for known in DEPLOYMENTS.values():
            if known.base_url == self.sh_base_url:
                return known.name
        return None

    @deployment.setter
    def deployment(self, value: str) -> None:
        self.__setattr__("deployment", value)

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt (``retry.max_attempts - 1``)."""
        return self.retry.max_attempts - 1

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self.__setattr__("max_retries", value)

    @property
    def max_download_attempts(self) -> int:
        """sentinelhub-py's name for ``retry.max_attempts`` (the first attempt included)."""
        return self.retry.max_attempts

    @max_download_attempts.setter
    def max_download_attempts(self, value: int) -> None:
        self.__setattr__("max_download_attempts", value)

    @property
    def download_timeout_seconds(self) -> float:
        """sentinelhub-py's name for ``timeout``."""
        return self.timeout

    @download_timeout_seconds.setter
    def download_timeout_seconds(self, value: float) -> None:
        self.__setattr__("download_timeout_seconds", value)

    @property
    def retry_max_wait(self) -> float:
        """``retry.max_total_wait``."""
        return self.retry.max_total_wait

    @retry_max_wait.setter
    def retry_max_wait(self, value: float) -> None:
        self.__setattr__("retry_max_wait", value)

    @property
    def has_credentials(self) -> bool:
        """True when a token can be had: a pre-issued one, or a client id and secret."""
        return bool(self.sh_token or (self.sh_client_id and self.sh_client_secret))

    def copy(self, **changes: Any) -> SHConfig:
        """A copy, with some settings changed (checked as when set)."""
        new = object.__new__(SHConfig)
        for name, value in vars(self).items():
            object.__setattr__(new, name, value)
        for name, value in changes.items():
            setattr(new, name, value)
        return new

    def to_dict(self, *, mask_secrets: bool = True) -> dict[str, Any]:
        """The stored settings and the retry policy as a dict; the secret and the token are
        masked unless asked otherwise."""
        out: dict[str, Any] = {"profile": self.profile}
        for setting in SETTINGS:
            if setting.kind == "value":
                value = getattr(self, setting.name)
                out[setting.name] = "***" if setting.secret and mask_secrets and value else value
        out["retry"] = self.retry
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


SHConfig.__doc__ = (SHConfig.__doc__ or "").rstrip() + "\n\n" + _indent(_render_table(), "    ")
