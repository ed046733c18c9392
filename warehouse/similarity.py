"""Similar work: a TF-IDF index over documents, and their ranking against a proposed project.

Pure: no database and no I/O; ``warehouse.queries.similar`` reads the documents.

Rules kept here:
- Text is lower-cased with accents stripped, and English stop words are dropped. The terms are
  single words and pairs of words next to each other in the text ("food", "food insecurity"),
  with no stop word or punctuation between them: "people in Kilnworth" gives no pair. A term's
  weight in a document is ``(1 + log tf) * idf``: repeating a word helps less and less, and
  words found in few documents weigh more than words found in most. Every document's weights
  are scaled to a vector of length 1.
- A document's score is the cosine similarity of its vector with the query's: 1 when both use
  the same terms in the same proportions, 0 when they share none. It is the sum, over the terms
  they share, of the two weights multiplied, so each shared term's product is its share of the
  score: that is the weight a matched term is reported with.
- Documents scoring below ``MIN_SCORE`` are left out. Equal scores keep the documents' order.
- Matched terms are the shared terms with the largest shares. A pair of words stands for its
  two single words, so "food insecurity" is not listed again as "food" and "insecurity".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    TfidfVectorizer,
    strip_accents_unicode,
)

# Measured on the demo borough: a project's own title and summary score 0.67 to 0.89 against
# it; projects on the same topic in the same ward score 0.3 (median, 0.5 at the 90th
# percentile); unrelated projects 0.08, sharing only stock phrases such as "peer researchers".
# Below this score two texts share little more than such phrases.
MIN_SCORE = 0.1
# At or above this score two texts share their distinctive words: likely the same subject, place
# and group of people, or the same project.
STRONG_SCORE = 0.5
MAX_RESULTS = 10
MAX_TERMS = 6
TEXT_COLUMN = "text"
SCORE_COLUMN = "score"
TERMS_COLUMN = "matched_terms"


# Punctuation, line breaks and quote marks end a clause; documents put each field on a line of
# its own, so a title's last word and a summary's first never make a pair.
CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’/|\n\r\t]+|'\s|\s'")
WORD = re.compile(r"(?u)\b\w\w+\b")


def terms_of(text: str) -> list[str]:
    """The terms of ``text``: its words that are not stop words, and each pair of them that
    stands side by side within one clause."""
    terms: list[str] = []
    for clause in CLAUSE_BREAK.split(strip_accents_unicode(text.lower())):
        previous: str | None = None
        for word in WORD.findall(clause):
            if word in ENGLISH_STOP_WORDS:
                previous = None
                continue
            terms.append(word)
            if previous is not None:
                terms.append(f"{previous} {word}")
            previous = word
    return terms


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=terms_of, sublinear_tf=True, dtype=np.float32)


@dataclass(frozen=True)
class SimilarityIndex:
    """Fitted TF-IDF weights of every document, one row of ``matrix`` per row of
    ``documents`` (the documents' other columns, without their text)."""

    documents: pd.DataFrame
    vectorizer: TfidfVectorizer | None
    matrix: Any  # scipy.sparse CSR matrix, documents x terms, rows of length 1
    terms: Any  # numpy array: the term of each column

    @property
    def size(self) -> int:
        """How many documents the index holds."""
        return len(self.documents)


def build_index(documents: pd.DataFrame, text_column: str = TEXT_COLUMN) -> SimilarityIndex:
    """An index of ``documents``: their ``text_column`` is weighted, every other column is kept
    to describe the results. Documents with no indexable words never match."""
    texts = documents[text_column].fillna("").astype(str).tolist() if len(documents) else []
    kept = documents.drop(columns=[text_column]).reset_index(drop=True)
    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no documents, or only stop words: nothing can match
        return SimilarityIndex(kept, None, None, np.array([], dtype=object))
    return SimilarityIndex(kept, vectorizer, matrix.tocsr(), vectorizer.get_feature_names_out())


def _top_terms(terms: list[str], shares: list[float], limit: int) -> list[tuple[str, float]]:
    """The terms with the largest shares, a pair of words standing for its single words."""
    kept: dict[str, float] = {}
    for term, share in sorted(zip(terms, shares, strict=True), key=lambda item: -item[1]):
        words = term.split()
        if len(words) == 1:
            if any(term in other.split() for other in kept if " " in other):
                continue
        else:
            if term in kept:
                continue
            for word in words:
                kept.pop(word, None)
        kept[term] = share
    ranked = sorted(kept.items(), key=lambda item: -item[1])[:limit]
    return [(term, round(share, 4)) for term, share in ranked]


def rank(
    index: SimilarityIndex,
    query: str,
    *,
    limit: int = MAX_RESULTS,
    min_score: float = MIN_SCORE,
    max_terms: int = MAX_TERMS,
) -> pd.DataFrame:
    """The documents most similar to ``query``, best first: at most ``limit``, each scoring at
    least ``min_score``. Columns: the documents' own, ``score`` (0 to 1) and ``matched_terms``
    (a list of (term, weight) pairs, largest weight first)."""
    empty = index.documents.head(0).assign(
        **{SCORE_COLUMN: pd.Series(dtype=float), TERMS_COLUMN: pd.Series(dtype=object)}
    )
    if index.vectorizer is None or not query.strip():
        return empty
    vector = index.vectorizer.transform([query]).tocsr()
    if vector.nnz == 0:
        return empty
    scores = np.asarray((index.matrix @ vector.T).toarray()).ravel()
    candidates = np.flatnonzero(scores >= min_score)
    best = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
    query_weights = dict(zip(vector.indices.tolist(), vector.data.tolist(), strict=True))
    matched = []
    for row in best:
        start, end = index.matrix.indptr[row], index.matrix.indptr[row + 1]
        columns = index.matrix.indices[start:end]
        weights = index.matrix.data[start:end]
        shared = [(int(c), float(w)) for c, w in zip(columns, weights, strict=True)]
        shared = [(c, w * query_weights[c]) for c, w in shared if c in query_weights]
        matched.append(
            _top_terms(
                [str(index.terms[c]) for c, _ in shared], [share for _, share in shared], max_terms
            )
        )
    result = index.documents.iloc[best].reset_index(drop=True)
    result[SCORE_COLUMN] = np.clip(scores[best].astype(float), 0.0, 1.0)
    result[TERMS_COLUMN] = pd.Series(matched, dtype=object)
    return result
