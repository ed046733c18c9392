"""Finding mentions of the warehouse's research in the pages of a decision paper (pure).

Rules:
- What can be mentioned is a ``Target``: a project (its register id and title), a project's
  output (its title) or a researcher organisation (its name, without "Ltd" and the like).
- Four kinds of match, each with a score from 0 to 1:
  ``id`` a project id as a whole word (1.0); ``title`` the whole title or name, ignoring case,
  punctuation and line breaks (0.95 for titles, 0.9 for names); ``near-title`` a passage within
  a few edits of a title of at least ``MIN_FUZZY_WORDS`` words (rapidfuzz's best partial
  alignment, its whole words then scored 0.9 x their ratio to the title), which must also
  contain every *distinguishing* word of the title (proper nouns after the first word, and
  numbers): "Food insecurity in Northgate" never matches a passage about Southgate;
  ``acronym`` an acronym the register gives in brackets (0.8), or the initials of a name of
  three or more words, used in capitals as a whole word (0.7 for four letters or more, 0.5 for
  three), unless the paper spells that acronym out as something else.
- A title that several targets share (two projects both called "What carers say about
  loneliness") makes a candidate of each, scored ``SHARED_TITLE_FACTOR`` lower: the reviewer
  tells which one the paper means.
- On one page, a near-title passage that overlaps a better match of another target of the same
  kind (with another title) is not counted: the closer title explains it.
- Each target keeps its best mention in the paper (highest score, then the earliest page), with
  the sentence around it as the snippet. Only mentions scoring at least ``QUEUE_THRESHOLD``
  become candidates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

QUEUE_THRESHOLD = 0.6
NEAR_TITLE_CUTOFF = 88.0  # rapidfuzz ratio (0-100) a near-title passage needs
MIN_FUZZY_WORDS = 4  # shorter titles match only exactly
MIN_TOKEN_SHARE = 0.7  # share of a title's words a page must hold before it is aligned
SNIPPET_CHARS = 240
# A full stop ends a sentence, except after "ref.", "no.", "para." and the like.
_SENTENCE_END = re.compile(r"(?<!\bref)(?<!\bno)(?<!\bpara)(?<!\bp)(?<!\bpp)[.!?]\s|\n\s*\n")
SHARED_TITLE_FACTOR = 0.75  # a title several projects share names none of them for sure
_SCORES = {"id": 1.0, "title": 0.95, "name": 0.9, "explicit-acronym": 0.8}
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
_LEGAL_SUFFIXES = re.compile(
    r"\b(ltd|limited|plc|cic|llp|cio|inc|co-operative ltd|community interest company)\.?$",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "how", "in", "into", "of", "on", "or"}
    | {"s", "the", "to", "what", "who", "why", "with"}
)
_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’&-]*\s+(?:(?:of|and|for|the|in|on|&)\s+)*){1,8}[A-Z][\w'’&-]*)\s*\(([A-Z]{2,8})\)"
)


@dataclass(frozen=True)
class Target:
    """Something a paper can mention. ``target_id`` is unique within ``kind``; ``project_id``
    is the project a confirmed mention cites."""

    kind: str  # project, output or organisation
    target_id: str
    label: str
    project_id: str | None
    ids: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """The best mention of one target in one paper."""

    target: Target
    match_kind: str
    matched_text: str
    score: float
    page: int
    snippet: str


@dataclass(frozen=True)
class _Hit:
    target: Target
    match_kind: str
    start: int
    end: int
    score: float


class _Normalised:
    """A page lower-cased with every run of non-word characters made one space, with the
    position in the original text of each character kept."""

    def __init__(self, text: str) -> None:
        chars: list[str] = [" "]
        where: list[int] = [0]
        for index, char in enumerate(text):
            if char.isalnum():
                chars.append(char.lower())
                where.append(index)
            elif chars[-1] != " ":
                chars.append(" ")
                where.append(index)
        chars.append(" ")
        where.append(len(text))
        self.text = "".join(chars)
        self.where = where
        self.words = frozenset(self.text.split())

    def original(self, start: int, end: int) -> tuple[int, int]:
        return self.where[start], self.where[max(start, end - 1)] + 1


def normalise(text: str) -> str:
    """Lower case, words separated by single spaces, no punctuation."""
    return " ".join(word.lower() for word in _WORD.findall(text))


def organisation_label(name: str) -> str:
    """An organisation's name as papers write it: without "Ltd", "CIC" and the like."""
    return _LEGAL_SUFFIXES.sub("", name.strip()).strip(" ,.") or name


def significant_words(label: str) -> list[str]:
    """The words of a label that are not "of", "the", "and" and the like."""
    return [w for w in _WORD.findall(label) if w.lower() not in _SMALL_WORDS]


def initials(label: str) -> str | None:
    """The initials of a label of three or more significant words ("Civic Insight Research"
    gives "CIR"), or None. A hyphenated word ("Co-operative") is one word."""
    words = [w for w in re.findall(r"[\w'’]+(?:-[\w'’]+)*", label) if w.lower() not in _SMALL_WORDS]
    return "".join(w[0].upper() for w in words) if len(words) >= 3 else None


def bracketed_acronyms(label: str) -> tuple[str, ...]:
    """Acronyms a label gives itself in brackets: "Lived Experience Panel (LEP)"."""
    return tuple(re.findall(r"\(([A-Z][A-Z0-9&]{1,9})\)", label))


def find_mentions(
    pages: Sequence[str], targets: Iterable[Target], threshold: float = QUEUE_THRESHOLD
) -> list[Mention]:
    """The best mention of each target in the pages (page 1 first), scoring ``threshold`` or
    more, best first."""
    targets = list(targets)
    sharing = Counter((t.kind, normalise(_without_brackets(t.label))) for t in targets)
    best: dict[tuple[str, str], Mention] = {}
    definitions = _acronym_definitions(pages)
    for page_no, text in enumerate(pages, start=1):
        page = _Normalised(text)
        for hit in _resolve(_hits(text, page, targets, definitions)):
            score = hit.score
            if hit.match_kind in ("title", "near-title") and (
                sharing[(hit.target.kind, normalise(_without_brackets(hit.target.label)))] > 1
            ):
                score *= SHARED_TITLE_FACTOR
            if score < threshold:
                continue
            start, end = page.original(hit.start, hit.end)
            if hit.match_kind in ("id", "acronym"):
                start, end = hit.start, hit.end
            mention = Mention(
                hit.target,
                hit.match_kind,
                " ".join(text[start:end].split()),
                round(score, 3),
                page_no,
                snippet(text, start, end),
            )
            key = (hit.target.kind, hit.target.target_id)
            if key not in best or mention.score > best[key].score:
                best[key] = mention
    return sorted(best.values(), key=lambda m: (-m.score, m.page, m.target.label))


def snippet(text: str, start: int, end: int) -> str:
    """The sentence (or line block) around ``text[start:end]``, at most about
    ``SNIPPET_CHARS`` either side, on one line."""
    left = max(0, start - SNIPPET_CHARS)
    before = text[left:start]
    stops = [m.end() for m in _SENTENCE_END.finditer(before)]
    if stops:
        left += stops[-1]
    right = min(len(text), end + SNIPPET_CHARS)
    after = text[end:right]
    stop = _SENTENCE_END.search(after + " ")
    if stop:
        right = end + stop.end()
    words = " ".join(text[left:right].split())
    prefix = "… " if left > 0 and not stops else ""
    suffix = " …" if right < len(text) and not stop else ""
    return f"{prefix}{words}{suffix}"


def _hits(
    text: str, page: _Normalised, targets: list[Target], definitions: dict[str, str]
) -> list[_Hit]:
    hits: list[_Hit] = []
    for target in targets:
        for identifier in target.ids:
            for found in re.finditer(rf"(?<![\w-]){re.escape(identifier)}(?![\w-])", text, re.I):
                hits.append(_Hit(target, "id", found.start(), found.end(), _SCORES["id"]))
        label = normalise(_without_brackets(target.label))
        if not label:
            continue
        exact = _SCORES["name"] if target.kind == "organisation" else _SCORES["title"]
        found_exact = False
        for found in re.finditer(re.escape(f" {label} "), page.text):
            hits.append(_Hit(target, "title", found.start() + 1, found.end() - 1, exact))
            found_exact = True
        if not found_exact:
            near = _near_title(page, target, label)
            if near is not None:
                hits.append(near)
        hits.extend(_acronym_hits(text, target, definitions))
    return hits


def _without_brackets(label: str) -> str:
    return re.sub(r"\s*\([A-Z][A-Z0-9&]{1,9}\)", "", label)


def _near_title(page: _Normalised, target: Target, label: str) -> _Hit | None:
    words = label.split()
    significant = [w for w in words if w not in _SMALL_WORDS]
    if len(significant) < MIN_FUZZY_WORDS:
        return None
    share = sum(1 for w in set(significant) if w in page.words) / len(set(significant))
    if share < MIN_TOKEN_SHARE:
        return None
    aligned = fuzz.partial_ratio_alignment(label, page.text, score_cutoff=NEAR_TITLE_CUTOFF)
    if aligned is None:
        return None
    start, end = _trimmed(
        page.text, label, *_whole_words(page.text, aligned.dest_start, aligned.dest_end)
    )
    passage = page.text[start:end].strip()
    if any(word not in passage.split() for word in _distinguishing_words(target.label)):
        return None
    # The aligned window may cut words; the whole words must still read as the title.
    ratio = fuzz.ratio(label, passage)
    if ratio < NEAR_TITLE_CUTOFF:
        return None
    return _Hit(target, "near-title", start, end, 0.9 * ratio / 100)


def _distinguishing_words(label: str) -> set[str]:
    """Words that tell one title from its neighbours: capitalised words after the first, and
    numbers."""
    words = _WORD.findall(label)
    return {
        w.lower()
        for i, w in enumerate(words)
        if (w[0].isdigit() or (i > 0 and w[0].isupper())) and w.lower() not in _SMALL_WORDS
    }


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1] != " ":
        start -= 1
    while end < len(text) and text[end] != " ":
        end += 1
    return start, end


def _trimmed(text: str, label: str, start: int, end: int) -> tuple[int, int]:
    """The passage without words at either end that are not in the title (the aligned window
    is as long as the title, so it runs on past a citation that drops a word)."""
    own = set(label.split())
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    while words and text[words[0][0] : words[0][1]] not in own:
        words.pop(0)
    while words and text[words[-1][0] : words[-1][1]] not in own:
        words.pop()
    return (words[0][0], words[-1][1]) if words else (start, end)


def _acronym_definitions(pages: Sequence[str]) -> dict[str, str]:
    """Acronyms the paper spells out, "Wider Determinants of Health (WDH)": acronym -> words."""
    found: dict[str, str] = {}
    for text in pages:
        for match in _DEFINITION.finditer(" ".join(text.split())):
            found.setdefault(match.group(2), normalise(match.group(1)))
    return found


def _acronym_hits(text: str, target: Target, definitions: dict[str, str]) -> list[_Hit]:
    hits: list[_Hit] = []
    label = normalise(_without_brackets(target.label))
    candidates = [(a, _SCORES["explicit-acronym"]) for a in target.acronyms]
    derived = initials(_without_brackets(target.label))
    if derived and derived not in target.acronyms:
        candidates.append((derived, 0.7 if len(derived) >= 4 else 0.5))
    for acronym, score in candidates:
        spelled = definitions.get(acronym)
        if spelled is not None and fuzz.ratio(spelled, label) < NEAR_TITLE_CUTOFF:
            continue  # this paper uses the letters for something else
        for found in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
            hits.append(_Hit(target, "acronym", found.start(), found.end(), score))
    return hits


def _resolve(hits: list[_Hit]) -> list[_Hit]:
    """Drop near-title passages that overlap a better hit of another target of the same kind."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: -h.score):
        if hit.match_kind == "near-title" and any(
            other.target.kind == hit.target.kind
            and other.target.target_id != hit.target.target_id
            and normalise(other.target.label) != normalise(hit.target.label)
            and other.match_kind in ("title", "near-title")
            and other.start < hit.end
            and hit.start < other.end
            for other in kept
        ):
            continue
        kept.append(hit)
    return kept
