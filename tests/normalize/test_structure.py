"""Commands are found wherever bash would run them."""

from __future__ import annotations

from tests.normalize.conftest import names


def test_lists_and_pipelines_yield_every_command(sh) -> None:
    """`&&`, `||`, `;` and `|` each separate commands."""
    assert names(sh("a && b || c; d | e |& f")) == ["a", "b", "c", "d", "e", "f"]


def test_compound_statements_are_searched(sh) -> None:
    """Commands inside if/for/while/case/functions/groups are found."""
    line = (
        "if true; then rm a; fi; for i in 1; do rm b; done; while false; do rm c; done; "
        "case x in x) rm d;; esac; f() { rm e; }; { rm g; }"
    )
    assert names(sh(line)).count("rm") == 6


def test_substitutions_are_searched(sh) -> None:
    """Command substitution, backticks and process substitution hide commands too."""
    parsed = sh("echo $(id) `whoami` <(uname) >(tee out)")
    assert {"id", "whoami", "uname", "tee"} <= set(names(parsed))
    assert "/work/repo/out" in parsed.writes


def test_assignment_substitutions_are_searched(sh) -> None:
    """A substitution in a variable assignment or declaration still runs."""
    assert "rm" in names(sh("export A=$(rm -rf /x); B=`rm y`"))


def test_subshell_cd_does_not_leak(sh) -> None:
    """A `cd` inside a subshell does not move relative paths outside it."""
    parsed = sh("(cd /etc && cat passwd); cat passwd")
    assert parsed.reads == ("/etc/passwd", "/work/repo/passwd")


def test_cd_moves_later_relative_paths(sh) -> None:
    """A literal `cd DIR` changes what later relative paths resolve against."""
    assert sh("cd /etc && rm shadow").writes == ("/etc/shadow",)


def test_dynamic_cd_makes_paths_relative(sh) -> None:
    """After `cd "$X"` the working directory is unknown and relative paths stay relative."""
    assert sh('cd "$X" && rm f').writes == ("f",)


def test_bash_c_string_is_parsed(sh) -> None:
    """`bash -c` runs its string: the inner commands replace the carrier."""
    parsed = sh("sudo bash -c 'rm -rf /srv; curl x.io'")
    assert names(parsed) == ["rm", "curl"]
    assert parsed.commands[0].wrappers == ("sudo", "bash -c")


def test_combined_shell_flags_are_recognised(sh) -> None:
    """`sh -ec`, `bash -lc` and `zsh -c` all take a command string."""
    for shell in ("sh -ec", "bash -lc", "zsh -c", "dash -c"):
        assert names(sh(f"{shell} 'rm x'")) == ["rm"]


def test_heredoc_fed_to_shell_is_parsed(sh) -> None:
    """A here-doc fed to a shell is shell code and its commands are found."""
    parsed = sh("bash <<'EOF'\nrm -rf ~/important\nEOF")
    assert names(parsed) == ["rm"]
    assert parsed.writes == ("/home/agent/important",)


def test_heredoc_piped_into_shell_is_parsed(sh) -> None:
    """`cat <<EOF | sh` runs the here-doc as shell code."""
    parsed = sh("cat <<EOF | sh\nrm -rf /data\nEOF")
    assert "rm" in names(parsed)
    assert "/data" in parsed.writes


def test_redirection_after_heredoc_is_a_write(sh) -> None:
    """`cat <<EOF > FILE` writes FILE (the grammar nests the redirection in the here-doc)."""
    parsed = sh("cat <<'EOF' > ~/.bashrc\nx\nEOF")
    assert parsed.writes == ("/home/agent/.bashrc",)


def test_redirection_after_heredoc_binds_to_the_carried_commands(sh) -> None:
    """`bash <<EOF > FILE`: the here-doc's commands write FILE."""
    parsed = sh("bash <<EOF >> ~/.profile\necho x\nEOF")
    assert parsed.commands[0].writes == ("/home/agent/.profile",)


def test_herestring_fed_to_shell_is_parsed(sh) -> None:
    """A here-string fed to a shell is parsed as shell."""
    assert names(sh('bash <<< "rm -rf /x"')) == ["rm"]


def test_echo_piped_to_shell_is_parsed(sh) -> None:
    """`echo CMD | sh` runs CMD: it is parsed as shell."""
    parsed = sh("echo 'rm -rf /tmp/z' | sh")
    assert parsed.commands[-1].name == "rm"
    assert parsed.commands[-1].wrappers == ("sh <stdin",)


def test_literal_eval_is_parsed(sh) -> None:
    """`eval` of literal words is parsed like the shell would."""
    parsed = sh("eval 'rm -rf /q'")
    assert names(parsed) == ["rm"]
    assert parsed.code == ()


def test_find_exec_becomes_a_command(sh) -> None:
    """`find … -exec CMD {} \\;` yields CMD acting on everything under the root."""
    parsed = sh("find /srv -name '*.log' -exec rm -f {} \\;")
    rm = parsed.commands[1]
    assert rm.name == "rm"
    assert rm.wrappers == ("find -exec",)
    assert rm.writes == ("/srv/**",)


def test_find_delete_writes_the_root(sh) -> None:
    """`find ROOT -delete` deletes under ROOT."""
    assert sh("find build -delete").writes == ("/work/repo/build",)


def test_nesting_is_depth_limited(sh) -> None:
    """Deeply nested `sh -c` strings stop being parsed and become unparsed code."""
    line = "rm x"
    for _ in range(10):
        line = "sh -c " + repr(line).replace("\\'", "'\"'\"'")
    parsed = sh(line)
    assert "unparsed" in [c.kind for c in parsed.code]


def test_command_text_is_the_source_slice(sh) -> None:
    """`Command.text` is the source of the command, wrappers included."""
    assert sh("a; sudo rm -rf /x").commands[1].text == "sudo rm -rf /x"


def test_syntax_errors_are_unparsed_but_commands_kept(sh) -> None:
    """A broken line gives `unparsed` code and an error, and what parses is still found."""
    parsed = sh("rm -rf /x; if ((( ]]")
    assert "rm" in names(parsed)
    assert "unparsed" in [c.kind for c in parsed.code]
    assert parsed.errors


def test_declarations_are_commands(sh) -> None:
    """`export`, `local` and `unset` appear as commands, and their substitutions run."""
    parsed = sh("export PATH=/tmp:$PATH X=$(id); unset HISTFILE")
    assert [c.name for c in parsed.commands] == ["id", "export", "unset"]
    assert parsed.commands[1].argv == ("export", "PATH=/tmp:$PATH", "X=$(id)")


def test_command_count_is_capped(sh) -> None:
    """A line with thousands of commands is cut off and reported as unparsed."""
    parsed = sh(" | ".join(["cat"] * 5000))
    assert len(parsed.commands) == 1000
    assert "unparsed" in [c.kind for c in parsed.code]
    assert parsed.errors
