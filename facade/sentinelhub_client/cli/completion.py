"""``shc completion``: the shell completion script, as click makes it."""

from __future__ import annotations

import click

__all__ = ["command"]

#: The variable click's completion reads: ``_SHC_COMPLETE=bash_source shc`` prints the script.
COMPLETE_VAR = "_SHC_COMPLETE"


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def command(ctx: click.Context, shell: str) -> None:
    """Print the completion script of SHELL. Load it from your shell's startup file:

    \b
        bash:  eval "$(shc completion bash)"      (in ~/.bashrc)
        zsh:   eval "$(shc completion zsh)"       (in ~/.zshrc)
        fish:  shc completion fish | source       (in ~/.config/fish/completions/shc.fish)

    The same script comes from ``_SHC_COMPLETE=bash_source shc`` (zsh_source, fish_source).
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root().command
    completion_class = get_completion_class(shell)
    assert completion_class is not None  # the choice lists click's own shells
    click.echo(completion_class(root, {}, "shc", COMPLETE_VAR).source())
