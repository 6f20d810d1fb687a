"""Character n-gram TF-IDF over normalised titles, with a fast candidate search.

Why character n-grams: job titles are short, misspelt ("Forklfit"), abbreviated and inflected
("Nurses", "Nursing"), and word order varies ("Manager, Sales"); three- and four-letter pieces of
each word (with the word's edges, " nu", "nur", "urse", "se ") match through all of that, where
whole words would not. Pieces never cross a word boundary, so word order does not matter.

Why not scikit-learn's TfidfVectorizer: its analyser runs in Python over every string, which
takes about 2.5 s for the 48,000 vocabulary forms on this machine and would be the whole cold
start. Titles share few words (about 15,000 distinct), so the pieces are computed once per
distinct word and a title's vector is the sum of its words' vectors (one sparse product). The
weighting is the textbook one scikit-learn also uses: sublinear term frequency (1 + log tf),
smoothed inverse document frequency log((1 + N) / (1 + df)) + 1, rows scaled to unit length, so
the dot product of two rows is their cosine similarity.

Search is two steps. Candidates: the product of the queries with the vocabulary over the
*selective* pieces only (those in at most `max_df` of the forms: a piece such as "er " that half
of all titles contain costs the most and tells the least). Scores: the exact cosine over every
piece for those candidates. The first step never drops a form that shares a selective piece
with the query, so a title loses a candidate only if all its shared pieces are common ones.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

NGRAM_SIZES = (3, 4)
#: Below this many candidates from the selective pieces, a query is searched over every piece.
MIN_CANDIDATES = 5


def _pieces(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + n] for n in NGRAM_SIZES for i in range(len(padded) - n + 1)]


def _word_cells(forms: list[str]) -> tuple[dict[str, int], list[int], list[int]]:
    """Each distinct word's column, and the (form, word) cells of a forms × words count matrix."""
    words: dict[str, int] = {}
    rows, cols = [], []
    for i, form in enumerate(forms):
        for w in form.split():
            rows.append(i)
            cols.append(words.setdefault(w, len(words)))
    return words, rows, cols


class NgramIndex:
    """TF-IDF rows of the vocabulary forms; `search` returns the best forms for each query."""

    def __init__(self, forms: list[str], max_df: float = 0.02):
        self.n_forms = len(forms)
        words, rows, cols = _word_cells(forms)
        self.pieces: dict[str, int] = {}
        self._word_rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        word_matrix = self._word_matrix(list(words), grow=True)
        doc_words = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(forms), len(words)))
        #: the forms' words: `words` word → column of `doc_words` (forms × words counts)
        self.words, self.doc_words = words, doc_words
        counts = (doc_words @ word_matrix).tocsr()
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=len(self.pieces))
        self.idf = (np.log((1 + self.n_forms) / (1 + df)) + 1).astype(np.float32)
        self.matrix = self._weigh(counts)
        selective = (df <= max(1, max_df * self.n_forms)).astype(np.float32)
        self._selective = sp.diags(selective)
        self._candidates_t = (self.matrix @ self._selective).T.tocsr()
        self._common = np.flatnonzero(selective == 0)
        self._common_matrix = self.matrix[:, self._common].tocsr()

    def _word_matrix(self, words: list[str], grow: bool) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for r, w in enumerate(words):
            ids: dict[int, int] = {}
            for p in _pieces(w):
                c = self.pieces.get(p)
                if c is None:
                    if not grow:
                        continue
                    c = self.pieces[p] = len(self.pieces)
                ids[c] = ids.get(c, 0) + 1
            rows.extend([r] * len(ids))
            cols.extend(ids)
            vals.extend(ids.values())
        return sp.csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=(len(words), len(self.pieces)))

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        m = counts.astype(np.float32, copy=True)
        m.data = (1 + np.log(m.data)) * self.idf[m.indices]
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sp.diags(1 / norms).astype(np.float32) @ m

    def vectors(self, forms: list[str]) -> sp.csr_matrix:
        """TF-IDF rows for new forms (pieces the vocabulary never saw carry no weight)."""
        words, rows, cols = _word_cells(forms)
        word_matrix = self._word_matrix(list(words), grow=False)
        doc_words = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(forms), len(words)))
        counts = (doc_words @ word_matrix).tocsr()
        counts.sum_duplicates()
        return self._weigh(counts)

    def search(self, forms: list[str], k: int = 40) -> tuple[np.ndarray, np.ndarray]:
        """For each query form, the indices of the `k` most similar vocabulary forms and their cosines.

        Rows are padded with index -1 and score 0 where fewer than `k` forms share a piece.
        """
        q = self.vectors(forms)
        n = len(forms)
        idx = np.full((n, k), -1, dtype=np.int64)
        scores = np.zeros((n, k), dtype=np.float32)
        rough = (q @ self._candidates_t).tocsr()
        _top_into(idx, scores, rough, np.arange(n), k)
        # the exact cosine of a candidate is its selective part (above) plus its common part (below)
        cand = self._common_matrix[np.maximum(idx.ravel(), 0)]
        per_pair = np.diff(cand.indptr)
        owner = np.repeat(np.arange(n), k)
        q_common = q[:, self._common].toarray()
        prod = cand.data * q_common[np.repeat(owner, per_pair), cand.indices]
        common = np.zeros(n * k, dtype=np.float32)
        has = per_pair > 0
        if prod.size:
            common[has] = np.add.reduceat(prod, cand.indptr[:-1][has])
        scores += common.reshape(n, k)
        # a query made only of common pieces ("Worker") shares few selective pieces with anything:
        # its candidates come from every piece (rare, so the cost stays small), scored exactly at once
        thin = np.flatnonzero(np.diff(rough.indptr) < MIN_CANDIDATES)
        if len(thin):
            _top_into(idx, scores, (self.matrix @ q[thin].T).T.tocsr(), thin, k)
        scores[idx < 0] = 0
        order = np.argsort(-scores, axis=1, kind="stable")
        return np.take_along_axis(idx, order, axis=1), np.take_along_axis(scores, order, axis=1)



def _top_into(idx: np.ndarray, scores: np.ndarray, found: sp.csr_matrix, rows: np.ndarray, k: int) -> None:
    """Write each row's `k` best columns of `found` and their values into `idx[rows]`, `scores[rows]` (unordered)."""
    for r, row in enumerate(rows):
        lo, hi = found.indptr[r], found.indptr[r + 1]
        idx[row] = -1
        scores[row] = 0
        if hi == lo:
            continue
        data, cols = found.data[lo:hi], found.indices[lo:hi]
        if hi - lo > k:
            top = np.argpartition(-data, k - 1)[:k]
            data, cols = data[top], cols[top]
        idx[row, : len(cols)] = cols
        scores[row, : len(cols)] = data
