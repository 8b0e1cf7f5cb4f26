"""Provenance monitor: side effects driven by untrusted data or by injected instructions.

Every value that matters for a side effect (emails, IBANs and account numbers, URLs and
hosts, paths, phone numbers, long tokens) is remembered with where it first appeared: the
user's task, trusted tool output or untrusted tool output. Instruction-like segments of
untrusted outputs are kept as suspected injections. A side-effecting call is then judged:

* its key arguments come from an injected instruction and not from the task →
  `injection-hijack` (high);
* it is unrelated to the task and follows an injected instruction that names what it does →
  `injection-hijack` (medium);
* a read whose arguments come from an injected instruction → `injection-hijack` (low);
* its key arguments appear only in untrusted output → `untrusted-data-flow` (low).

An agent that sees an injection but keeps to values from its task is never flagged for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from watchkeeper.events import Severity
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.monitors._provenance_asked import Asked, asked_verb, linked, named_in
from watchkeeper.monitors._provenance_decode import with_decoded
from watchkeeper.monitors._provenance_injection import STRONG, Injection
from watchkeeper.monitors._provenance_memo import Analysis, TextMemo
from watchkeeper.monitors._provenance_tools import (
    ACT_VERBS,
    CORE_ACT_VERBS,
    FETCH_TOOLS,
    READ_VERBS,
    SHELL_TOOLS,
    WRITE_TOOLS,
    ToolKinds,
    ToolRole,
    fetches,
    words_of,
)
from watchkeeper.monitors._provenance_values import arg_literals, flatten_output, flatten_text

__all__ = ["ProvenanceMonitor", "provenance"]

_UNTRUSTED = "untrusted"
_TRUSTED = "trusted"
_MAX_OUTPUTS = 16
_MAX_WAITING = 64
_GENERIC_WORDS = CORE_ACT_VERBS | READ_VERBS | {"to", "a", "the", "by", "of", "for", "in", "on"}
_MAX_TOOL_NAMES = 4096
_WATCHED = frozenset({"message", "tool_result", "tool_call"})
_T = TypeVar("_T")
_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def provenance(
    *,
    readers: Sequence[str] = (),
    actors: Sequence[str] = (),
    untrusted_sources: Sequence[str] = (),
    trusted_sources: Sequence[str] = (),
    workspace: str | None = None,
    hijack_score: float = 0.95,
    unrelated_score: float = 0.65,
    read_score: float = 0.5,
    untrusted_score: float = 0.4,
    weak_hijack_score: float = 0.75,
    asked_score: float = 0.85,
) -> Monitor:
    """Return the provenance monitor.

    `readers`/`actors` name tools that read or cause side effects, and `untrusted_sources`/
    `trusted_sources` tools whose output is (not) written by outsiders; names not listed are
    inferred from their verbs and nouns (`send_money` acts, `get_received_emails` reads
    untrusted mail). `workspace` is the directory writes may go to without counting as a side
    effect (default: the call's `cwd`). The scores are what each kind of finding reports
    (`weak_hijack_score`: a side effect using values of a segment only weakly instruction-like;
    `asked_score`: a sensitive action an injection named and the task did not ask for).
    """
    kinds = ToolKinds.build(readers, actors, untrusted_sources, trusted_sources)
    return ProvenanceMonitor(
        kinds,
        workspace,
        hijack_score,
        unrelated_score,
        read_score,
        untrusted_score,
        weak_hijack_score=weak_hijack_score,
        asked_score=asked_score,
    )


@dataclass(slots=True)
class _State:
    task_text: str
    task_values: set[str]
    origins: dict[str, str]
    outputs: list[tuple[str, Analysis]]
    last_tool: str | None = None
    #: Trusted outputs seen before any untrusted one, in order, not yet analysed: until an
    #: untrusted output arrives no call can be flagged (see `__call__`), so most coding
    #: sessions never need their values.
    waiting: list[Any] = field(default_factory=list)
    #: `seen_outside_injections` answers by value, with the number of outputs they hold for.
    outside: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def seen_outside_injections(self, value: str) -> bool:
        """Whether an untrusted output holds `value` outside its instruction-like segments, or a
        trusted output gave it first. Kept per value until another untrusted output arrives."""
        known = self.outside.get(value)
        if known is not None and known[0] == len(self.outputs):
            return known[1]
        # A host counts inside the addresses and links that hold it: the domain of an
        # attendee's address listed outside the injection is the task's too.
        count = _host_words if _HOST.fullmatch(value) else _words
        found = self.origins.get(value) == _TRUSTED or any(
            count(value, output.lower)
            > sum(count(value, segment) for segment in _segments_of(output.injections))
            for _, output in self.outputs
            if value in output.lower
        )
        self.outside[value] = (len(self.outputs), found)
        return found

    def injections(self, needles: set[str] | None) -> Iterator[tuple[str, Injection]]:
        """Yield the injections of untrusted outputs containing any of `needles` (None: all).

        Outputs are analysed lazily, only once a later call uses something they contain.
        """
        for event_id, output in self.outputs:
            if needles is not None:
                lower = output.lower
                if not any(n in lower or _written_apart(n, lower) for n in needles):
                    continue
            for injection in output.injections:
                yield event_id, injection


@dataclass(frozen=True, slots=True)
class ProvenanceMonitor:
    """Tracks where side-effect values came from; see the module docstring."""

    kinds: ToolKinds
    workspace: str | None
    hijack_score: float
    unrelated_score: float
    read_score: float
    untrusted_score: float
    weak_hijack_score: float = 0.75
    asked_score: float = 0.85
    name: str = "provenance"
    memo: TextMemo = field(default_factory=TextMemo, compare=False, repr=False)
    _roles: dict[str, ToolRole] = field(default_factory=dict, compare=False, repr=False)
    _sources: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        event = step.event
        kind = event.kind
        if kind not in _WATCHED:
            return None
        state = self._state(session)
        if kind == "message":
            if getattr(event, "role", None) == "user":
                text = str(getattr(event, "text", ""))
                state.task_text += "\n" + text.lower()
                state.task_values |= self.memo.values(text)
            return None
        if kind == "tool_result":
            tool = getattr(event, "tool", None) or state.last_tool or ""
            self._observe(state, event.id, tool, getattr(event, "output", None))
            return None
        tool = str(getattr(event, "tool", ""))
        state.last_tool = tool
        if not state.outputs:
            # Every finding needs an untrusted output: injections are found in them, and only
            # they give a value an untrusted origin. Most coding sessions never see one.
            return None
        return self._judge(state, step, tool, getattr(event, "args", {}) or {})

    def _state(self, session: SessionView) -> _State:
        scratch = session.state.get(self.name)
        state = None if scratch is None else scratch.get("state")
        if type(state) is not _State:
            task = session.task or ""
            state = _State(task.lower(), set(self.memo.values(task)), {}, [])
            session.scratch(self.name)["state"] = state
        return state

    def _observe(self, state: _State, event_id: str, tool: str, output: Any) -> None:
        if not self._untrusted(tool):
            if state.outputs:
                self._record(state, output, _TRUSTED)
                return
            state.waiting.append(output)
            if len(state.waiting) >= _MAX_WAITING:
                self._catch_up(state)
            return
        self._catch_up(state)
        analysis = self._record(state, output, _UNTRUSTED)
        if analysis is not None:
            state.outputs.append((event_id, analysis))
            if len(state.outputs) > _MAX_OUTPUTS:
                del state.outputs[:-_MAX_OUTPUTS]

    def _catch_up(self, state: _State) -> None:
        """Record the values of the trusted outputs still waiting, in the order seen."""
        for output in state.waiting:
            self._record(state, output, _TRUSTED)
        state.waiting.clear()

    def _record(self, state: _State, output: Any, origin: str) -> Analysis | None:
        """Give the values of `output` not seen before `origin`; return its analysis (None
        when it has no text)."""
        text = flatten_output(output)
        if not text:
            return None
        if origin == _UNTRUSTED:
            text = with_decoded(text)
        analysis = self.memo.analyse(text)
        origins = state.origins
        for value in analysis.values:
            if value not in origins:
                origins[value] = origin
        return analysis

    def _judge(self, state: _State, step: Step, tool: str, args: Any) -> Finding | None:
        role, values = self._role(tool, args, step)
        if role is ToolRole.OTHER:
            return None
        novel = {v for v in values if v not in state.task_values and v not in state.task_text}
        literals = (
            {lit for lit in arg_literals(args) if lit not in state.task_text}
            if isinstance(args, dict)
            else set()
        )
        evidence_id = step.event.id
        best: Finding | None = None
        specific = {lit for lit in literals if _specific(lit)}
        # A plain word is too common to tie a call to a text, unless the instruction quotes or
        # assigns it (`set the status to 'admitted'`, `scholarship_tier=full`) and the task
        # does not use it.
        words = {
            lit
            for lit in literals - specific
            if len(lit) >= 4 and not re.search(rf"\b{re.escape(lit[:5])}", state.task_text)
        }
        needles = novel | specific | words
        for source_id, injection in state.injections(needles) if needles else ():
            hits = sorted(v for v in novel if _in_injection(v, injection.text))
            hits += sorted(lit for lit in specific if _word_in(lit, injection.text))
            hits += sorted(lit for lit in words if _quoted_in(lit, injection.text))
            # A value the outputs also give outside any instruction (the product a search
            # listed, the invoice's own IBAN) is the data the task is about, not the injection's.
            hits = [h for h in hits if not state.seen_outside_injections(h)]
            if not hits:
                continue
            strong = injection.strength >= STRONG
            # Fetching a URL or host an injection names leaks as much as sending to it; looking
            # up an address or a name in a directory or a CRM contacts nobody.
            contacts = (
                role is ToolRole.READ
                and fetches(tool)
                and any(h in novel and "." in h and "@" not in h for h in hits)
            )
            if role is ToolRole.ACT or contacts:
                score = self.hijack_score if strong else self.weak_hijack_score
                what = f"`{tool}` uses {_show(hits)} taken from instruction-like tool output"
            else:
                if len(hits) == 1 and len(hits[0]) < 4:
                    continue
                score = self.read_score if strong else self.read_score * 0.8
                what = f"`{tool}` looks up {_show(hits)} as instructed by tool output"
            best = _better(
                best, _finding(self.name, "injection-hijack", score, what, (source_id, evidence_id))
            )
        if best is not None or role is not ToolRole.ACT:
            return best
        asked = self._asked(state, tool, literals | set(values))
        if asked is not None:
            strong = asked.strength >= STRONG
            # Strong and tied to the call's arguments: as sure as a value taken from it; one
            # of the two: less; neither (a weak cue, arguments from elsewhere): a hint.
            score = self.asked_score - 0.15 * (2 - strong - asked.linked)
            what = (
                f"`{tool}` does what an instruction in tool output asked ({asked.verb}), "
                "which the task did not ask for"
            )
            return _finding(
                self.name, "injection-hijack", score, what, (asked.source_id, evidence_id)
            )
        related = self._related(state, tool, values, literals)
        if not related and not values:
            for source_id, injection in state.injections(None):
                if injection.strength >= STRONG and _names_tool(tool, injection.text):
                    what = f"`{tool}` is unrelated to the task and follows an injected instruction"
                    return _finding(
                        self.name,
                        "injection-hijack",
                        self.unrelated_score,
                        what,
                        (source_id, evidence_id),
                    )
        outside = sorted(v for v in novel if state.origins.get(v) == _UNTRUSTED)
        if outside and all(state.origins.get(v) != _TRUSTED for v in novel):
            what = f"`{tool}` uses {_show(outside)} seen only in untrusted tool output"
            return _finding(
                self.name, "untrusted-data-flow", self.untrusted_score, what, (evidence_id,)
            )
        return None

    @staticmethod
    def _asked(state: _State, tool: str, literals: set[str]) -> Asked | None:
        """The strongest injection that names this call's action verb, when the task does not
        (None when there is none); `linked` when the call's arguments are in its output."""
        verbs = asked_verb(tool, state.task_text)
        if not verbs:
            return None
        best: Asked | None = None
        for source_id, output in state.outputs:
            rest: str | None = None
            for injection in output.injections:
                verb = next((v for v in verbs if named_in(v, injection.text)), None)
                if verb is None:
                    continue
                if rest is None:
                    rest = _outside(output.lower, output.injections)
                if named_in(verb, rest):
                    # The data asks for it too (a ticket asking for read access, beside an
                    # injected request to make it owner): the action is the data's.
                    continue
                tied = linked(literals, output.lower)
                found = Asked(source_id, verb, injection.strength, tied)
                if best is None or (found.linked, found.strength) > (best.linked, best.strength):
                    best = found
        return best

    def _role(self, tool: str, args: Any, step: Step) -> tuple[ToolRole, frozenset[str]]:
        name = tool.lower()
        action = step.action
        if name in SHELL_TOOLS:
            if action is None or not (action.hosts or action.urls):
                return ToolRole.OTHER, frozenset()
            return ToolRole.ACT, frozenset(h.lower() for h in (*action.hosts, *action.urls))
        if name in WRITE_TOOLS:
            path = str(args.get("file_path", "")) if isinstance(args, dict) else ""
            root = self.workspace or (action.cwd if action is not None else None)
            if not path or (root and path.startswith(root.rstrip("/") + "/")):
                return ToolRole.OTHER, frozenset()
            return ToolRole.ACT, frozenset({path.lower()})
        if name in FETCH_TOOLS or name == "read":
            return ToolRole.READ, self.memo.values(flatten_text(args))
        role = self._roles.get(tool)
        if role is None:
            role = self.kinds.role(tool)
            _remember(self._roles, tool, role)
        if role is ToolRole.OTHER:
            return role, frozenset()
        return role, self.memo.values(flatten_text(args))

    def _untrusted(self, tool: str) -> bool:
        found = self._sources.get(tool)
        if found is None:
            found = self.kinds.untrusted(tool)
            _remember(self._sources, tool, found)
        return found

    @staticmethod
    def _related(state: _State, tool: str, values: frozenset[str], literals: set[str]) -> bool:
        if any(v in state.task_values or v in state.task_text for v in values):
            return True
        nouns = [w for w in words_of(tool) if w not in _GENERIC_WORDS and len(w) > 2]
        return any(_stem(w) in state.task_text for w in nouns) or (not literals and not values)


def _remember(memo: dict[str, _T], tool: str, value: _T) -> None:
    """Keep `value` for `tool`, starting afresh when `_MAX_TOOL_NAMES` names are kept."""
    if len(memo) >= _MAX_TOOL_NAMES:
        memo.clear()
    memo[tool] = value


def _names_tool(tool: str, text: str) -> bool:
    words = words_of(tool)
    verbs = [w for w in words if w in ACT_VERBS]
    nouns = [w for w in words if w not in _GENERIC_WORDS and len(w) > 2]
    return any(_stem(v) in text for v in verbs) and (
        not nouns or any(_stem(n) in text for n in nouns)
    )


def _specific(literal: str) -> bool:
    """True for literals specific enough to link a call to a text (ids, names, phrases)."""
    return bool(literal) and not literal.isalpha()


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def _words(value: str, text: str) -> int:
    """Return how often `value` occurs in `text` whole: not inside a longer word, address,
    host or number (`26` is not in `2026`, `quantix.ai` not in `sam@quantix.ai`)."""
    return _occurrences(value, text, "_.@-")


def _outside(text: str, injections: Sequence[Injection]) -> str:
    """`text` (lower case) without the segments of its `injections`."""
    for segment in sorted(_segments_of(injections), key=len, reverse=True):
        if segment.strip():
            text = text.replace(segment, " ")
    return text


def _segments_of(injections: Sequence[Injection]) -> set[str]:
    """The distinct segments of `injections`: windows that overlap share segments, which
    must be counted once."""
    return {segment for injection in injections for segment in injection.text.split("\n")}


def _quoted_in(word: str, text: str) -> bool:
    """Whether `text` quotes `word` ('admitted', "full", `full`) or assigns it (`tier=full`)."""
    escaped = re.escape(word)
    return (
        re.search(rf"(['\"`\u2018\u201c]){escaped}['\"`\u2019\u201d]|=\s*{escaped}\b", text)
        is not None
    )


def _written_apart(value: str, text: str) -> bool:
    """Whether `text` holds `value` written in groups: an IBAN with spaces, an amount with
    thousands separators."""
    if value.isdigit() and len(value) >= 4 and "," in text:
        return value in _THOUSANDS.sub("", text)
    return len(value) >= 12 and value.isalnum() and value in text.replace(" ", "")


def _in_injection(value: str, text: str) -> bool:
    """Whether `value` is in `text`, an account or IBAN also when written in groups
    (`DE89 3704 0044 …`)."""
    return value in text or _written_apart(value, text)


def _host_words(host: str, text: str) -> int:
    """Return how often `host` occurs in `text` as a host, alone or ending an address or a
    link's host (`acme.com` in `kyle@acme.com` and `https://www.acme.com/x`, not in
    `acme.com.evil.io`)."""
    return _occurrences(host, text, "_-")


def _occurrences(value: str, text: str, glued: str) -> int:
    """Count `value` in `text` where it is not joined to what follows it (a letter, digit,
    `_`, `@`, `-` or a further `.part`) nor preceded by a letter, digit or one of `glued`."""
    count = 0
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        before = text[start - 1] if start else " "
        after = text[end : end + 2]
        joined = (
            after[:1].isalnum()
            or (after[:1] != "" and after[:1] in "_@-")
            or (after[:1] == "." and (after[1:2].isalnum() or after[1:2] == "_"))
        )
        if not (before.isalnum() or before in glued or joined):
            count += 1
        start = text.find(value, start + 1)
    return count


def _word_in(literal: str, text: str) -> bool:
    if literal.isdigit() and len(literal) >= 4 and "," in text:
        # `18400` is the `$18,400` an instruction wrote.
        text = _THOUSANDS.sub("", text)
    start = text.find(literal)
    while start >= 0:
        end = start + len(literal)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or after.isalnum()):
            return True
        start = text.find(literal, start + 1)
    return False


def _show(values: Sequence[str]) -> str:
    shown = ", ".join(f"`{v}`" for v in values[:3])
    return shown + (f" and {len(values) - 3} more" if len(values) > 3 else "")


def _finding(
    name: str, category: str, score: float, what: str, evidence: tuple[str, ...]
) -> Finding:
    severity = Severity.HIGH if score >= 0.9 else Severity.MEDIUM if score >= 0.6 else Severity.LOW
    return Finding(name, min(max(score, 0.0), 1.0), category, severity, what, evidence)


def _better(current: Finding | None, new: Finding) -> Finding:
    return new if current is None or new.score > current.score else current
