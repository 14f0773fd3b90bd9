"""SHConfig: explicit argument > environment > TOML profile > default, deployments, the legacy
auth URL, validation, and secrets kept out of repr. Never touches the real home folder."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest
from sentinelhub_client import DEPLOYMENTS, RetryPolicy, SHConfig
from sentinelhub_client._core.config import (
    CDSE_TOKEN_URL,
    MAIN_TOKEN_URL,
    SENTINELHUB_PY_UNUSED,
    SETTINGS,
    Setting,
    UnknownSettingError,
    config_file_path,
)


def write_profiles(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xdg" / "sentinelhub" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


PROFILES = """
[default-profile]
sh_client_id = "file-id"
sh_client_secret = "file-secret"
sh_base_url = "https://file.example.com"
download_timeout_seconds = 30
max_retries = 2
instance_id = "ignored: a sentinelhub-py setting we do not use"
max_wfs_records_per_query = 100

[other]
sh_client_id = "other-id"
sh_token_url = "https://auth.example.com/token"
"""


def test_defaults() -> None:
    config = SHConfig()
    assert config.sh_client_id == ""
    assert config.sh_client_secret == ""
    assert config.sh_base_url == "https://services.sentinel-hub.com"
    assert config.sh_token_url == MAIN_TOKEN_URL
    assert config.sh_token is None
    assert config.timeout == 120.0
    assert config.retry == RetryPolicy()
    assert config.max_retries == 4
    assert config.byoc_base_path == "/api/v1/byoc"
    assert config.profile == "default-profile"
    assert config.deployment == "main"
    assert not config.has_credentials


def test_the_file_profile_is_read_and_unknown_keys_ignored(tmp_path: Path) -> None:
    write_profiles(tmp_path, PROFILES)
    config = SHConfig()
    assert config.sh_client_id == "file-id"
    assert config.sh_base_url == "https://file.example.com"
    assert config.timeout == 30.0
    assert config.retry.max_attempts == 3


def test_environment_beats_the_file_and_arguments_beat_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(tmp_path, PROFILES)
    monkeypatch.setenv("SH_CLIENT_ID", "env-id")
    monkeypatch.setenv("SH_TIMEOUT", "12.5")
    monkeypatch.setenv("SH_MAX_RETRIES", "0")
    config = SHConfig()
    assert config.sh_client_id == "env-id"
    assert config.sh_client_secret == "file-secret"  # only the file has it
    assert config.timeout == 12.5
    assert config.retry.max_attempts == 1
    explicit = SHConfig(sh_client_id="arg-id", timeout=5, max_retries=7)
    assert explicit.sh_client_id == "arg-id"
    assert explicit.timeout == 5.0
    assert explicit.retry.max_attempts == 8


def test_the_profile_comes_from_the_argument_or_sh_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(tmp_path, PROFILES)
    assert SHConfig("other").sh_client_id == "other-id"
    assert SHConfig("other").sh_token_url == "https://auth.example.com/token"
    monkeypatch.setenv("SH_PROFILE", "other")
    assert SHConfig().sh_client_id == "other-id"
    assert SHConfig().profile == "other"


def test_a_missing_profile_named_explicitly_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"profile: .*does not exist"):
        SHConfig("nope")
    write_profiles(tmp_path, PROFILES)
    with pytest.raises(ValueError, match=r"has no profile .nope. .*default-profile, other"):
        SHConfig("nope")


def test_home_is_the_fallback_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert config_file_path() == tmp_path / "home" / ".config" / "sentinelhub" / "config.toml"


def test_the_file_is_never_created(tmp_path: Path) -> None:
    SHConfig()
    SHConfig(sh_client_id="x")
    assert not config_file_path().exists()
    assert not (tmp_path / "xdg").exists()


def test_use_defaults_ignores_environment_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(tmp_path, PROFILES)
    monkeypatch.setenv("SH_CLIENT_ID", "env-id")
    config = SHConfig(use_defaults=True, sh_client_secret="s")
    assert config.sh_client_id == ""
    assert config.sh_client_secret == "s"


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_deployments_by_name(name: str) -> None:
    config = SHConfig.for_deployment(name)
    assert config.sh_base_url == DEPLOYMENTS[name].base_url
    assert config.sh_token_url == DEPLOYMENTS[name].token_url
    assert config.deployment == name
    assert SHConfig(deployment=name.upper()).sh_base_url == DEPLOYMENTS[name].base_url


def test_cdse_has_its_own_token_url_even_when_only_the_base_url_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert SHConfig(deployment="cdse").sh_token_url == CDSE_TOKEN_URL
    monkeypatch.setenv("SH_BASE_URL", "https://sh.dataspace.copernicus.eu/")
    config = SHConfig()
    assert config.sh_base_url == "https://sh.dataspace.copernicus.eu"
    assert config.sh_token_url == CDSE_TOKEN_URL


def test_an_explicit_url_beats_the_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SH_DEPLOYMENT", "uswest")
    assert SHConfig().sh_base_url == "https://services-uswest2.sentinel-hub.com"
    config = SHConfig(deployment="cdse", sh_token_url="https://my.idp/token")
    assert config.sh_base_url == "https://sh.dataspace.copernicus.eu"
    assert config.sh_token_url == "https://my.idp/token"


def test_the_legacy_auth_base_url() -> None:
    with pytest.warns(DeprecationWarning, match="sh_token_url"):
        config = SHConfig(sh_auth_base_url="https://services.sentinel-hub.com/")
    assert config.sh_token_url == "https://services.sentinel-hub.com/oauth/token"


def test_the_zero_backoff_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SH_RETRY_ZERO_BACKOFF", "1")
    assert SHConfig().retry.backoff == 0
    assert SHConfig(retry=RetryPolicy(max_attempts=2)).retry == RetryPolicy(
        max_attempts=2, backoff=0
    )


def test_an_explicit_policy_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SH_MAX_RETRIES", "9")
    monkeypatch.setenv("SH_RETRY_MAX_WAIT", "1")
    policy = RetryPolicy(max_attempts=2, max_total_wait=50)
    assert SHConfig(retry=policy).retry == policy
    assert SHConfig(retry=policy, max_retries=0).retry.max_attempts == 1
    assert SHConfig().retry.max_total_wait == 1.0


def test_byoc_base_path_is_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SHConfig(byoc_base_path="byoc/v1/").byoc_base_path == "/byoc/v1"
    monkeypatch.setenv("SH_BYOC_BASE_PATH", "/byoc/v1")
    assert SHConfig().byoc_base_path == "/byoc/v1"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sh_base_url": "services.sentinel-hub.com"}, "sh_base_url"),
        ({"sh_token_url": "ftp://x"}, "sh_token_url"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": "soon"}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"deployment": "mars"}, "deployment"),
        ({"byoc_base_path": "/a//b"}, "byoc_base_path"),
        ({"sh_client_id": 5}, "sh_client_id"),
    ],
)
def test_bad_values_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field} "):
        SHConfig(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SH_TIMEOUT", "-3"), ("SH_MAX_RETRIES", "many"), ("SH_RETRY_ZERO_BACKOFF", "perhaps")],
)
def test_bad_environment_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"^{variable} \\(environment\\)"):
        SHConfig()


def test_bad_file_values_name_the_file(tmp_path: Path) -> None:
    path = write_profiles(tmp_path, '[default-profile]\ntimeout = "never"\n')
    with pytest.raises(ValueError, match=f"timeout \\({path}"):
        SHConfig()
    write_profiles(tmp_path, "[default-profile\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        SHConfig()


def test_attributes_are_checked_when_set() -> None:
    config = SHConfig()
    config.sh_client_id = "  id  "
    assert config.sh_client_id == "id"
    with pytest.raises(ValueError, match="sh_base_url"):
        config.sh_base_url = "nope"
    with pytest.raises(ValueError, match="timeout"):
        config.timeout = -1


def test_secrets_stay_out_of_repr_and_str() -> None:
    config = SHConfig(sh_client_id="visible-id", sh_client_secret="hidden-secret", sh_token="tok")
    for text in (repr(config), str(config), str(config.to_dict())):
        assert "hidden-secret" not in text
        assert "'tok'" not in text
        assert "visible-id" in text
    assert config.to_dict(mask_secrets=False)["sh_client_secret"] == "hidden-secret"


def test_copy_changes_some_settings() -> None:
    config = SHConfig(sh_client_id="a", sh_client_secret="b")
    other = config.copy(sh_base_url="http://127.0.0.1:8000")
    assert other.sh_base_url == "http://127.0.0.1:8000"
    assert config.sh_base_url == "https://services.sentinel-hub.com"
    assert other.sh_client_secret == "b"
    with pytest.raises(ValueError, match="no such setting"):
        config.copy(colour="blue")


# --- the settings table ------------------------------------------------------------------------


def test_every_setting_is_in_the_table_and_the_signature_matches_it() -> None:
    parameters = set(inspect.signature(SHConfig).parameters)
    takes = {s.name for s in SETTINGS if s.argument}
    assert takes <= parameters
    assert parameters - takes == {"use_defaults", "retry", "environ"}
    assert set(SHConfig.__annotations__) - {"retry"} == {
        s.name for s in SETTINGS if s.kind in ("value", "profile")
    }


def test_the_table_is_in_the_class_docstring() -> None:
    doc = SHConfig.__doc__ or ""
    for setting in SETTINGS:
        row = next(line for line in doc.splitlines() if line.strip().startswith(setting.name + " "))
        assert (setting.env or "-") in row
        assert setting.default_doc in row
        for key in setting.toml:
            assert key in row
        assert f"{setting.name}: {setting.doc.split()[0]}" in doc


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.env], ids=lambda s: s.name)
def test_every_environment_variable_is_read(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each variable of the table reaches the config; a bad value names the variable."""
    assert setting.env is not None
    good = {
        "sh_client_id": "x",
        "sh_client_secret": "x",
        "sh_token": "x",
        "sh_base_url": "http://h.example",
        "sh_token_url": "http://h.example/t",
        "sh_auth_base_url": "http://h.example",
        "deployment": "cdse",
        "timeout": "7",
        "max_retries": "2",
        "retry_max_wait": "9",
        "retry_zero_backoff": "yes",
        "byoc_base_path": "/byoc/v1",
        "max_json_bytes": "1048576",
        "rate_limit": "requests=600/min pu=300/min",
        "shared_token_cache": "0",
        "profile": "p",
    }[setting.name]
    monkeypatch.setenv(setting.env, good)
    if setting.name == "profile":
        write_profiles(Path(os.environ["XDG_CONFIG_HOME"]).parent, '[p]\nsh_client_id = "p-id"\n')
        assert SHConfig().sh_client_id == "p-id"
        return
    if setting.name == "sh_auth_base_url":
        with pytest.warns(DeprecationWarning, match="sh_token_url"):
            assert SHConfig().sh_token_url == "http://h.example/oauth/token"
        return
    config = SHConfig()
    assert config != SHConfig(use_defaults=True)
    if setting.name not in ("sh_client_id", "sh_client_secret", "sh_token", "byoc_base_path"):
        monkeypatch.setenv(setting.env, "not a value: {}")
        with pytest.raises(ValueError, match=f"^{setting.env} \\(environment\\)"):
            SHConfig()


# --- sentinelhub-py's names ---------------------------------------------------------------------


def test_download_timeout_seconds_is_the_timeout(tmp_path: Path) -> None:
    assert SHConfig(download_timeout_seconds=12).timeout == 12.0
    config = SHConfig()
    config.download_timeout_seconds = 33
    assert config.timeout == 33.0
    assert config.download_timeout_seconds == 33.0
    # Within one source the own name wins over sentinelhub-py's.
    assert SHConfig(timeout=5, download_timeout_seconds=50).timeout == 5.0
    write_profiles(tmp_path, "[default-profile]\ndownload_timeout_seconds = 44.5\n")
    assert SHConfig().timeout == 44.5
    assert SHConfig(timeout=1).timeout == 1.0
    with pytest.raises(ValueError, match=r"^download_timeout_seconds "):
        SHConfig(download_timeout_seconds=0)
    with pytest.raises(ValueError, match=r"^download_timeout_seconds "):
        config.download_timeout_seconds = -2


def test_max_download_attempts_counts_the_first_attempt(tmp_path: Path) -> None:
    assert SHConfig(max_download_attempts=3).retry.max_attempts == 3
    assert SHConfig(max_download_attempts=1).max_retries == 0
    config = SHConfig()
    config.max_download_attempts = 2
    assert config.retry.max_attempts == 2
    assert config.max_download_attempts == 2
    assert config.max_retries == 1
    assert SHConfig(max_retries=6, max_download_attempts=2).retry.max_attempts == 7
    write_profiles(tmp_path, "[default-profile]\nmax_download_attempts = 6\n")
    assert SHConfig().retry.max_attempts == 6
    policy = RetryPolicy(max_attempts=9)
    assert SHConfig(retry=policy).retry.max_attempts == 9  # the file yields to an explicit policy
    assert SHConfig(retry=policy, max_download_attempts=2).retry.max_attempts == 2
    with pytest.raises(ValueError, match=r"^max_download_attempts .*>= 1"):
        SHConfig(max_download_attempts=0)


def test_max_retries_is_settable_everywhere(tmp_path: Path) -> None:
    config = SHConfig()
    config.max_retries = 0
    assert config.retry.max_attempts == 1
    assert config.copy(max_retries=3).retry.max_attempts == 4
    assert config.retry.max_attempts == 1
    with pytest.raises(ValueError, match=r"^max_retries "):
        config.max_retries = -1
    write_profiles(tmp_path, "[default-profile]\nmax_retries = 8\n")
    assert SHConfig().max_retries == 8


def test_retry_max_wait_and_deployment_as_attributes() -> None:
    config = SHConfig(retry_max_wait=7)
    assert config.retry.max_total_wait == 7.0
    config.retry_max_wait = 2
    assert config.retry.max_total_wait == 2.0
    config.deployment = "cdse"
    assert config.sh_base_url == DEPLOYMENTS["cdse"].base_url
    assert config.sh_token_url == CDSE_TOKEN_URL
    assert config.deployment == "cdse"
    with pytest.raises(ValueError, match=r"^deployment .*known: cdse"):
        config.deployment = "mars"


@pytest.mark.parametrize("name", sorted(SENTINELHUB_PY_UNUSED))
def test_sentinelhub_py_settings_without_meaning_here_are_refused(name: str) -> None:
    config = SHConfig()
    with pytest.raises(UnknownSettingError, match=f"^{name}: SHConfig does not take"):
        setattr(config, name, "x")
    with pytest.raises(ValueError, match=f"^{name}: .*sentinelhub-py"):
        config.copy(**{name: 1})
    assert name not in vars(config)


def test_unknown_attributes_are_refused_with_the_known_names() -> None:
    config = SHConfig()
    with pytest.raises(AttributeError, match=r"^sh_client_idd: SHConfig has no such setting .*"):
        config.sh_client_idd = "x"  # type: ignore[attr-defined]


def test_sentinelhub_py_keys_without_meaning_here_are_skipped_in_the_file(tmp_path: Path) -> None:
    """The file is shared with sentinelhub-py: its other keys stay there, unread."""
    lines = [f'{name} = "x"' for name in sorted(SENTINELHUB_PY_UNUSED)]
    write_profiles(tmp_path, "[default-profile]\n" + "\n".join(lines) + '\nsh_client_id = "k"\n')
    assert SHConfig().sh_client_id == "k"


def test_sentinelhub_py_names_are_its_real_attributes() -> None:
    """Every name we map or refuse is one sentinelhub-py's SHConfig has (its own field list
    is the reference; sentinelhub-py is a dev dependency)."""
    import sentinelhub

    fields = set(vars(sentinelhub.SHConfig(use_defaults=True)))
    ours = {key for s in SETTINGS for key in s.toml} - {"timeout", "deployment", "retry_max_wait"}
    ours -= {"byoc_base_path", "sh_token", "max_json_bytes", "rate_limit", "shared_token_cache"}
    assert ours <= fields
    assert set(SENTINELHUB_PY_UNUSED) <= fields
    assert fields <= ours | set(SENTINELHUB_PY_UNUSED)
