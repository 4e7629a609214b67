"""The lexicon (seed sentiment_lexicon) applied with negation, accent- and case-insensitively.

A comment is normalised (lower case, accents dropped, "n't" spelled " not") and cut into tokens:
words, and every other non-space character on its own (an emoji, a punctuation mark). A lexicon
term is one or more words (or an emoji); each of its words matches a comment word that starts
with it, so the stem 'encant' matches encantó and encantada. Longer terms match first and use up
their words ("nunca mais compro" is one negative term, not "compro" negated). A term preceded,
within NEGATION_WINDOW words and in the same clause, by a negator of its language (kind
'negator': não, nem, nunca, no, sin, not, never ...) has its polarity flipped: "não recomendo"
and "no me gustó" are negative, "sem defeito" and "nada que reclamar" positive. A clause ends at
punctuation or a contrast word (mas, pero, but ...), so "não chegou rápido, mas é lindo" negates
only the first half.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# how many words before a term a negator still reaches ("não foi nada bom": 3)
NEGATION_WINDOW = 3
# words that end a clause, like punctuation: a negator before them does not reach past them
# (per language: Spanish "más" loses its accent and would read as Portuguese "mas")
CLAUSE_BREAKS = {"pt": {"mas", "porem", "contudo", "entretanto"}, "es": {"pero", "aunque", "sino"},
                 "en": {"but", "however", "although", "though"}}
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")


def normalise(text: str | None) -> str:
    """Lower case, without accents or emoji variation selectors, "n't" as " not"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\ufe0f")
    return re.sub(r"n['’]t\b", " not", stripped)


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(normalise(text))


@dataclass
class Lexicon:
    """Terms per language (language 'any' applies to all), as token tuples with their polarity."""
    terms: dict[str, list[tuple[tuple[str, ...], int]]] = field(default_factory=dict)
    negators: dict[str, set[str]] = field(default_factory=dict)
    _index: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_rows(cls, rows: list[dict]) -> "Lexicon":
        """Rows of the seed: language, term, kind ('sentiment' or 'negator'), polarity."""
        lexicon = cls()
        for row in rows:
            language, term = str(row["language"]).strip().lower(), tokens(row["term"])
            if not term:
                continue
            if str(row.get("kind") or "sentiment").strip().lower() == "negator":
                lexicon.negators.setdefault(language, set()).update(term)
            else:
                lexicon.terms.setdefault(language, []).append((tuple(term), int(row["polarity"])))
        return lexicon

    def index(self, language: str | None) -> dict[str, list[tuple[tuple[str, ...], int]]]:
        """The terms of a language and of 'any', by their first word."""
        key = language or ""
        if key not in self._index:
            index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
            for term, polarity in self.terms.get(key, []) + (self.terms.get("any", []) if key != "any" else []):
                index.setdefault(term[0], []).append((term, polarity))
            self._index[key] = index
        return self._index[key]

    def knows(self, language: str | None) -> bool:
        return bool(self.terms.get(language or ""))


@dataclass
class LexiconScore:
    polarity_sum: int
    terms_found: int
    positive: int
    negative: int

    @property
    def balance(self) -> float:
        """(positive - negative) / matched polarity, in [-1, 1]; 0 when no term matched."""
        total = self.positive + self.negative
        return 0.0 if total == 0 else (self.positive - self.negative) / total


def score_text(lexicon: Lexicon, text: str | None, language: str | None) -> LexiconScore:
    words = tokens(text)
    index = lexicon.index(language)
    negators = lexicon.negators.get(language or "", set()) | lexicon.negators.get("any", set())
    candidates = []  # (size, start, polarity) of every term that matches at start
    for start, word in enumerate(words):
        for length in range(1, len(word) + 1):
            for term, polarity in index.get(word[:length], ()):
                size = len(term)
                if start + size <= len(words) and all(
                        words[start + k].startswith(term[k]) if term[k].isalnum() else words[start + k] == term[k]
                        for k in range(1, size)):
                    candidates.append((size, start, polarity))
    used = [False] * len(words)
    matches = []
    for size, start, polarity in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if any(used[start:start + size]):
            continue
        for k in range(size):
            used[start + k] = True
        matches.append((start, polarity))
    breaks = CLAUSE_BREAKS.get(language or "", set())
    positive = negative = 0
    for start, polarity in matches:
        # an emoji is not negated; a word is, by a negator before it that no other term stands between
        negated = words[start].isalnum() and _negated(words, used, start, negators, breaks)
        signed = -polarity if negated else polarity
        if signed > 0:
            positive += signed
        else:
            negative -= signed
    found = len(matches)
    return LexiconScore(positive - negative, found, positive, negative)


def _negated(words: list[str], used: list[bool], start: int, negators: set[str], breaks: set[str]) -> bool:
    """A negator within NEGATION_WINDOW words before `start`, in the same clause, with no word of
    another matched term between (a negator reaches the next term only)."""
    seen = 0
    position = start - 1
    while position >= 0 and seen < NEGATION_WINDOW:
        word = words[position]
        if not word.isalnum() or word in breaks or used[position]:
            return False
        if word in negators:
            return True
        seen += 1
        position -= 1
    return False
