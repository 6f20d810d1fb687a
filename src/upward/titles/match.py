"""Matching a normalised title to SOC occupations: exact key, then character n-gram similarity, then evidence.

For each title the candidates are scored in three steps (docs/titles.md has the figures behind
each choice):

1. **Similarity** of the title to every vocabulary form: 1 for a form with the same exact key
   (the same words in any order), else the n-gram cosine (`ngrams.NgramIndex`). A part of a
   title ("Patient Care Tech" of "CNA / Patient Care Tech") counts `PART_FACTOR` of the whole,
   so the whole title wins when it matches as well.
2. **Evidence** among the occupations one form points at: each (form, occupation) has its
   evidence weight (vocabulary.py) times national employment to the power `EMPLOYMENT_POWER`; its
   share among the form's occupations is added, times `EVIDENCE_BONUS`, to the similarity. The
   bonus is small, so evidence decides between occupations that match equally well and never
   lifts a poor match over a good one.
3. **Confidence** of the best occupation: its share of a softmax over the candidates' scores
   (temperature `TEMPERATURE`) times its similarity. A title that matches one occupation's form
   exactly has confidence 1; "Forklift Operator", listed by O*NET under three occupations but
   with most of its evidence on 53-7051, keeps most of it; a title whose words only recur inside
   longer titles of many occupations ("Associate", "Employee") is capped by how that evidence
   spreads (`_generic_share`); parts of a title that each code to the same occupation on their
   own ("CNA / Patient Care Tech") add up as a noisy-or.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from upward.titles import normalise as norm
from upward.titles.ngrams import NgramIndex
from upward.titles.vocabulary import Vocabulary

PART_FACTOR = 0.92
EVIDENCE_BONUS = 0.04
EMPLOYMENT_POWER = 0.5
#: How fast a candidate's share falls with its score's distance from the best (a softmax temperature).
TEMPERATURE = 0.02
#: Similarity kept when the title's head word (the occupation noun) differs from the form's.
HEAD_FACTOR = 0.85
#: Forms retrieved per query form before scoring by occupation.
NEIGHBOURS = 20


@dataclass
class Candidate:
    soc: str
    title: str
    score: float


@dataclass
class Coded:
    """One input title coded: the best SOC (None with a reason when there is none), its confidence and the candidates."""

    input: str | None
    soc: str | None
    soc_title: str | None
    confidence: float
    candidates: list[Candidate] = field(default_factory=list)
    matched: str | None = None  # the vocabulary form the best SOC was matched through
    reason: str | None = None

    def as_dict(self) -> dict:
        out = {
            "input": self.input,
            "soc": self.soc,
            "soc_title": self.soc_title,
            "confidence": self.confidence,
            "candidates": [{"soc": c.soc, "title": c.title, "score": c.score} for c in self.candidates],
        }
        if self.matched is not None:
            out["matched"] = self.matched
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def _words(form: str) -> set[str]:
    return set(form.split()) - norm.JOINING


class Coder:
    """Codes job titles to SOC 2018 with the vocabulary it was built from."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        e = vocab.entries.sort_values(["form", "soc"], kind="mergesort")
        form_col = e["form"].tolist()
        soc_col = e["soc"].tolist()
        # forms in order; each form's entries are rows starts[i]:starts[i + 1] of the entry lists
        change = np.flatnonzero(np.array([True] + [a != b for a, b in zip(form_col[1:], form_col[:-1])]))
        self.forms: list[str] = [form_col[i] for i in change]
        starts = np.append(change, len(form_col))
        emp = np.array([vocab.employment.get(s, 1.0) for s in soc_col])
        evidence = e["weight"].to_numpy(float) * emp**EMPLOYMENT_POWER
        totals = np.add.reduceat(evidence, change)
        share = evidence / np.repeat(totals, np.diff(starts))
        # per form: (soc, share of the form's evidence) and (soc, evidence)
        self.form_socs = [list(zip(soc_col[a:b], share[a:b].tolist())) for a, b in zip(starts[:-1], starts[1:])]
        self.form_evidence = [list(zip(soc_col[a:b], evidence[a:b].tolist())) for a, b in zip(starts[:-1], starts[1:])]
        self.by_key: dict[str, list[int]] = {}
        for i, k in enumerate(e["key"].iloc[change].tolist()):
            self.by_key.setdefault(k, []).append(i)
        self.heads = [norm.head(f) for f in self.forms]
        self.index = NgramIndex(self.forms)
        by_word = self.index.doc_words.tocsc()
        self.word_forms = {w: by_word.indices[by_word.indptr[j] : by_word.indptr[j + 1]] for w, j in self.index.words.items()}

    def code(self, titles: list[str | None], top: int = 5) -> list[Coded]:
        """Code each title (input order kept); `top` candidates are listed for each."""
        titles = list(titles)
        distinct = list(dict.fromkeys(t for t in titles if isinstance(t, str)))  # a file repeats its titles
        variants = {t: norm.variants(t) for t in distinct}
        unique = list(dict.fromkeys(v for vs in variants.values() for v in vs))
        found: dict[str, list[tuple[int, float]]] = {}
        if unique:
            idx, scores = self.index.search(unique, NEIGHBOURS)
            for u, form in enumerate(unique):
                hits = {int(i): float(s) for i, s in zip(idx[u], scores[u]) if i >= 0}
                for i in self.by_key.get(norm.key(form), ()):
                    hits[i] = 1.0
                found[form] = sorted(hits.items(), key=lambda h: -h[1])
        coded = {t: self._one(t, vs, found, top) for t, vs in variants.items()}
        return [coded[t] if isinstance(t, str) else self._one(t, [], found, top) for t in titles]

    def _one(self, title, forms: list[str], found, top: int) -> Coded:
        if title is None or (isinstance(title, float) and math.isnan(title)) or not str(title).strip():
            return Coded(None if title is None or isinstance(title, float) else title, None, None, 0.0, reason="empty title")
        if not forms:
            return Coded(title, None, None, 0.0, reason="no occupational words left after removing seniority, shift, schedule, place and numbering")
        best: dict[str, tuple[float, float, str, float]] = {}  # soc → (score, evidence share, via form, similarity)
        for j, form in enumerate(forms):
            factor = 1.0 if j == 0 else PART_FACTOR
            head = norm.head(form)
            for i, sim in found[form]:
                f = factor if (sim >= 1.0 or self.heads[i] == head) else factor * HEAD_FACTOR
                for soc, share in self.form_socs[i]:
                    s = f * sim + EVIDENCE_BONUS * share
                    if soc not in best or s > best[soc][0]:
                        best[soc] = (s, share, self.forms[i], f * sim)
        if not best:
            return Coded(title, None, None, 0.0, reason="no title in the vocabulary shares a word or word piece with it")
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        scores = np.array([v[0] for _, v in ranked])
        odds = np.exp((scores - scores[0]) / TEMPERATURE)
        shares = odds / odds.sum()
        soc, (_, _, via, sim) = ranked[0]
        raw = [min(1.0, v[3]) * float(p) for (_, v), p in zip(ranked[:top], shares[:top])]
        # the ranking is by the full score (with evidence), the shown score by similarity × share: a
        # candidate listed lower never shows more than the one above it
        raw = list(np.minimum.accumulate(raw)) if raw else raw
        confidence = raw[0]
        if sim < 1.0:
            confidence = min(confidence, sim * self._generic_share(forms[0], soc))
        # a generic title lowers every candidate alike, so the first candidate's score is the confidence
        scale = confidence / raw[0] if raw[0] > 0 else 0.0
        cands = [Candidate(c, self.vocab.soc_titles.get(c, ""), round(r * scale, 3)) for (c, _), r in zip(ranked[:top], raw)]
        agreeing = self._agreeing_parts(title, forms, found, soc) if len(forms) > 2 else []
        if len(agreeing) >= 2:
            # two names of one job ("CNA / Patient Care Tech"): parts that each code to the same occupation
            # are independent evidence for it, combined as a noisy-or of their confidences (× PART_FACTOR)
            miss = 1.0
            for c in agreeing:
                miss *= 1.0 - PART_FACTOR * c
            confidence = max(confidence, 1.0 - miss)
            cands[0] = Candidate(cands[0].soc, cands[0].title, round(confidence, 3))
        return Coded(title, soc, self.vocab.soc_titles.get(soc), round(confidence, 3), cands, matched=via)

    def _agreeing_parts(self, title, forms: list[str], found, soc: str) -> list[float]:
        """The confidences of the title's parts (forms after the first) whose own best code is `soc`."""
        out = []
        for part in forms[1:]:
            coded = self._one(title, [part], found, 1)
            if coded.soc == soc:
                out.append(coded.confidence)
        return out

    def _generic_share(self, form: str, soc: str) -> float:
        """`soc`'s share of the evidence of every vocabulary form holding all the title's words.

        A title that is not itself in the vocabulary but whose words all recur inside longer
        titles ("Employee" in "Office Employee", "Farm Employee", "Government Employee" …) says
        less than any of them; how its words spread over occupations is then the measure of how
        much it says. 1 when no form holds all its words (a misspelling, a new title).
        """
        words_ = sorted(_words(form), key=lambda w: len(self.word_forms.get(w, ())))
        if not words_ or any(w not in self.word_forms for w in words_):
            return 1.0
        ids = np.unique(self.word_forms[words_[0]])
        for w in words_[1:]:
            ids = np.intersect1d(ids, self.word_forms[w])
            if len(ids) < 2:
                return 1.0
        if len(ids) < 2:
            return 1.0
        total, mine = 0.0, 0.0
        for i in ids:
            for s, ev in self.form_evidence[i]:
                total += ev
                if s == soc:
                    mine += ev
        return mine / total if total else 1.0
