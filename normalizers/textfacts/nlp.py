"""The text entities as a Korean spaCy pipeline: an adapter at the edge, loaded only when asked for.

The normalisers read typed `Entity` values (`normalizers.textfacts.entities`)
directly; this module gives the same entities to anyone who works with spaCy
(`get_nlp()(text).ents`, `DocBin`, their own components after ours). It is
imported only by code that asks for spaCy, so a batch run never pays for
`import spacy`.

`spacy.blank("ko")` needs MeCab, which is not installed, so the pipeline is
`spacy.blank("ko")` with our own tokenizer (`planextract.RuleTokenizer.v1`)
and one component, `planextract_entities`, that sets `doc.ents`. The
tokenizer runs the finders first and cuts tokens at every entity boundary,
so each entity is a real `Span` and the text is tokenized once; the typed
`Entity` rides on `span._.entity` (one extension, not one per value), and
`doc_to_entities` turns a `Doc` back into `Entity` values. Lexical
attributes (`like_num`, `shape_`, …) are not computed: nothing here reads
them, and computing them for every new word costs about a third of the time.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import accumulate, pairwise

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from normalizers.textfacts.entities import LABELS, Entity, check_labels, find_entities

EXTENSION = "entity"
USER_DATA_KEY = "planextract_entities"
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*|[가-힣]+|[A-Za-z]+|\S)( (?! ))?|(\s+)")


class RuleTokenizer:
    """Regex-first tokenizer: finds the entities, then tokenizes so that each starts and ends a token.

    Tokens are numbers, Hangul runs, Latin runs and single symbols; one space
    trails a token, other whitespace is a token. The entities found are kept
    in `doc.user_data[USER_DATA_KEY]` for the `planextract_entities`
    component (as spaCy's MeCab tokenizer for Korean keeps its tags there).
    """

    def __init__(self, vocab, labels: Iterable[str] = LABELS):
        self.vocab = vocab
        self.labels = check_labels(labels)

    def __call__(self, text: str) -> Doc:
        entities = find_entities(text, self.labels)
        doc = Doc(self.vocab, *_words_and_spaces(text, [x for e in entities for x in (e.start, e.end)]))
        doc.user_data[USER_DATA_KEY] = tuple(entities)
        return doc


def _words_and_spaces(text: str, cuts: Iterable[int] = ()) -> tuple[list[str], list[bool]]:
    """Tokens of `text`, split further at every offset in `cuts`, and their trailing-space flags."""
    found = _TOKEN.findall(text)
    words = [tok or ws for tok, _, ws in found]
    spaces = [bool(space) for _, space, _ in found]
    starts = [0, *accumulate(len(w) + s for w, s in zip(words, spaces))]
    inside: dict[int, list[int]] = {}
    for cut in set(cuts):
        i = bisect_right(starts, cut) - 1
        if i < len(words) and starts[i] < cut < starts[i] + len(words[i]):
            inside.setdefault(i, []).append(cut - starts[i])
    for i in sorted(inside, reverse=True):
        edges = [0, *sorted(inside[i]), len(words[i])]
        words[i:i + 1] = [words[i][a:b] for a, b in pairwise(edges)]
        spaces[i:i + 1] = [False] * (len(edges) - 2) + [spaces[i]]
    return words, spaces


@spacy.registry.tokenizers("planextract.RuleTokenizer.v1")
def create_rule_tokenizer(labels: Sequence[str] = LABELS) -> Callable[[Language], RuleTokenizer]:
    """The registered tokenizer factory; `labels` choose the finders that cut tokens."""
    return lambda nlp: RuleTokenizer(nlp.vocab, labels)


class EntitySetter:
    """Pipeline component: `doc.ents` from the tokenizer's entities, each `Entity` on `span._.entity`."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for e in doc.user_data.get(USER_DATA_KEY, ()):
            span = doc.char_span(e.start, e.end, label=e.label)
            if span is None:   # the tokenizer cuts at every entity edge, so this cannot happen
                raise ValueError(f"entity {e.label} {e.start}-{e.end} does not align with tokens")
            span._.set(EXTENSION, e)
            spans.append(span)
        doc.ents = spans
        return doc


@Language.factory("planextract_entities")
def make_entity_setter(nlp: Language, name: str) -> EntitySetter:
    """The registered component factory."""
    return EntitySetter()


@cache
def get_nlp(labels: tuple[str, ...] = LABELS) -> Language:
    """The pipeline, built once per label set: `RuleTokenizer` + `planextract_entities`.

    Texts longer than spaCy's `max_length` (1,000,000 characters) are
    refused by spaCy; `entities_by_text` reads texts of any size without it.
    """
    if not Span.has_extension(EXTENSION):
        Span.set_extension(EXTENSION, default=None)
    tokenizer = {"@tokenizers": "planextract.RuleTokenizer.v1", "labels": list(labels)}
    nlp = spacy.blank("ko", config={"nlp": {"tokenizer": tokenizer}})
    nlp.vocab.lex_attr_getters = {}  # type: ignore[attr-defined]
    nlp.add_pipe("planextract_entities")
    return nlp


def doc_to_entities(doc: Doc) -> list[Entity]:
    """The typed entities of a processed `Doc` (what the normalisers read), in text order."""
    return [span._.get(EXTENSION) for span in doc.ents if span._.get(EXTENSION) is not None]

