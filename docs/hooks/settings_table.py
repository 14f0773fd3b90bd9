"""mkdocs hook: the settings table of docs/configuration.md, rendered from `SETTINGS` at build time.

The page holds the marker ``<!-- settings-table -->``; this hook replaces it with one row per
setting of ``sentinelhub_client._core.config.SETTINGS`` (the table that `SHConfig` itself reads),
so the page can never disagree with the code. A second marker, ``<!-- refused-settings -->``,
becomes the list of sentinelhub-py settings that `SHConfig` refuses, with their reasons.
"""

from __future__ import annotations

from typing import Any

TABLE_MARKER = "<!-- settings-table -->"
REFUSED_MARKER = "<!-- refused-settings -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_settings_table() -> str:
    """The Markdown table of every setting: attribute, variable, TOML key, default, meaning."""
    from sentinelhub_client._core.config import SETTINGS

    lines = [
        "| attribute | environment variable | TOML key | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for setting in SETTINGS:
        env = f"`{setting.env}`" if setting.env else "-"
        toml = ", ".join(f"`{key}`" for key in setting.toml) or "-"
        default = f"`{setting.default_doc}`" if setting.default_doc != "-" else "-"
        argument = "" if setting.argument else " (environment only)"
        lines.append(
            f"| `{setting.name}` | {env} | {toml} | {_cell(default)} | "
            f"{_cell(setting.doc)}{argument} |"
        )
    return "\n".join(lines)


def render_refused_settings() -> str:
    """The Markdown list of sentinelhub-py settings that mean nothing here, with the reason."""
    from sentinelhub_client._core.config import SENTINELHUB_PY_UNUSED

    return "\n".join(
        f"- `{name}`: {_cell(reason)}" for name, reason in SENTINELHUB_PY_UNUSED.items()
    )


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Fill the markers of any page that has them."""
    if TABLE_MARKER in markdown:
        markdown = markdown.replace(TABLE_MARKER, render_settings_table())
    if REFUSED_MARKER in markdown:
        markdown = markdown.replace(REFUSED_MARKER, render_refused_settings())
    return markdown
