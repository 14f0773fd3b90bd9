"""SHConfig: explicit argument > environment > TOML profile > default, deployments, the legacy
auth URL, validation, and secrets kept out of repr. Never touches the real home folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentinelhub_client import DEPLOYMENTS, RetryPolicy, SHConfig
from sentinelhub_client._core.config import CDSE_TOKEN_URL, MAIN_TOKEN_URL, config_file_path


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
