"""Raw hook / MCP / SDK payloads → one action model (shell parsed, paths resolved, hosts).

Conventions a policy author can rely on (the full list is in docs/normalization.md):

- `Command.name` is the basename of the real command after quoting is resolved and wrappers
  (`sudo`, `env`, `nohup`, `timeout`, `xargs`, `sh -c` …) are peeled; `Command.wrappers`
  lists what was peeled, outermost first (``("sudo", "bash -c")``). `Command.text` is the
  source slice the command came from.
- `argv` words keep globs and `~` as written; `$HOME`/`${HOME}` are expanded; `$IFS` splits.
  Brace lists (``{a,b}``) are not expanded. Words built from other expansions keep their
  source text (``$X``) and a command name built that way gives ``CodeExec("dynamic-name")``.
- Paths are absolute and lexically normalised against `cwd` (a literal ``cd DIR`` moves it);
  with an unknown `cwd` a relative path stays relative. `~user` is a sibling of the home
  directory (``/root`` for root). Writes to ``/dev/null``, ``/dev/stdout``, ``/dev/stderr``,
  ``/dev/tty`` and ``/dev/zero`` are dropped.
- Pseudo paths: ``crontab:<user>`` (``crontab:`` for the current user) is written by
  ``crontab FILE``, ``crontab -``, ``crontab -e`` and ``crontab -r`` and read by
  ``crontab -l``.
- Hosts are lower-case, without port or user; IP addresses are kept; ``s3://b`` →
  ``b.s3.amazonaws.com``, ``gs://b`` → ``storage.googleapis.com``; a ``file://`` URL is a
  read of its path.
"""

from watchkeeper.normalize._action import Action, CodeExec, Command, ShellParse
from watchkeeper.normalize._normalizer import MAX_COMMAND_CHARS, Normalizer

__all__ = ["MAX_COMMAND_CHARS", "Action", "CodeExec", "Command", "Normalizer", "ShellParse"]
