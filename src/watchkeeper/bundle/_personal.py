"""Personal data detection with presidio-analyzer's pattern recognizers, offline.

presidio normally runs a spaCy model for named entities; none is downloaded here. The NLP
engine is a blank English spaCy pipeline (a tokenizer only), which is all the pattern
recognizers need, so names of people are not detected. E-mail domains are checked against
tldextract's bundled public-suffix snapshot instead of a list fetched at run time.
"""

from __future__ import annotations

from collections.abc import Iterable

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
)

from watchkeeper.bundle._rules import PersonalRules

__all__ = ["PersonalScanner"]

_LANGUAGE = "en"


class _OfflineEmailRecognizer(EmailRecognizer):
    """presidio's e-mail recognizer, validating domains without fetching the suffix list."""

    def __init__(self) -> None:
        super().__init__()
        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        """Accept an address whose domain ends in a known public suffix."""
        return self._extract(pattern_text).fqdn != ""


class _BlankSpacyEngine(SpacyNlpEngine):
    """A spaCy NLP engine on a blank pipeline: tokens, no model to download."""

    def load(self) -> None:
        """Build the blank pipeline instead of loading a trained model."""
        # presidio declares `nlp` as None until `load` fills it with {language: pipeline}.
        self.nlp = {_LANGUAGE: spacy.blank(_LANGUAGE)}  # type: ignore[assignment]


def _recognizers(rules: PersonalRules) -> list[EntityRecognizer]:
    return [
        _OfflineEmailRecognizer(),
        PhoneRecognizer(supported_regions=rules.phone_regions),
        IbanRecognizer(),
        CreditCardRecognizer(),
        IpRecognizer(),
    ]


def _may_hold_personal_data(text: str) -> bool:
    """Every entity recognised here has an `@` (e-mail) or digits (the rest)."""
    return "@" in text or any(c.isdigit() for c in text)


class PersonalScanner:
    """Find e-mail addresses, phone numbers, IBANs, card numbers and IP addresses in text."""

    def __init__(self, rules: PersonalRules) -> None:
        self._entities: list[str] = list(rules.entities)
        self._min_score = rules.min_score
        engine = _BlankSpacyEngine(models=[{"lang_code": _LANGUAGE, "model_name": "blank"}])
        engine.load()
        registry = RecognizerRegistry(supported_languages=[_LANGUAGE])
        for recognizer in _recognizers(rules):
            registry.add_recognizer(recognizer)
        self._analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=engine, supported_languages=[_LANGUAGE]
        )

    def scan(self, texts: Iterable[str]) -> set[str]:
        """Return the entity types found in `texts` with at least the configured score."""
        if not self._entities:
            return set()
        text = "\n".join(t for t in texts if _may_hold_personal_data(t))
        if not text:
            return set()
        results = self._analyzer.analyze(
            text=text,
            language=_LANGUAGE,
            entities=self._entities,
            score_threshold=self._min_score,
        )
        return {r.entity_type for r in results}
