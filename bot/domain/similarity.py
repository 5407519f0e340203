"""Near-duplicate ideas (issue 18): which ideas say the same thing in other words.

With 30–300 participants the same idea arrives in several wordings ("Bedre belysning langs
skoleveien", "Mer lys langs skoleveien om morgenen", "Gatelys langs skulevegen") and the dots
split across them. `suggest_groups` proposes groups of such ideas for the host to merge; the
host decides, so the suggestions must be few and right rather than complete.

How two ideas are compared (all on this server, no model, no download):

1. Normalise: casefold, drop punctuation and diacritics (é, ò → e, o) but keep æ, ø and å,
   which are letters of their own in Norwegian.
2. Per language, drop a small curated set of stop words, including the words every idea uses
   to ask for something ("more", "better", "flere", "bør", "meir"). Bokmål and nynorsk share
   one list, since a Norwegian session gets both.
3. Norwegian only: map a few frequent nynorsk spellings onto bokmål (skule → skole,
   veg → vei, heim → hjem …) and strip common inflection endings (-ene, -ane, -er, -ar,
   -en, -et …) so "skulevegen" and "skoleveien" both become "skolevei".
4. A word that names one of a few dozen municipal concepts (light: lys, belysning, gatelys;
   elderly: eldre, senior, pensjonist; …) is followed by the concept's head word, so
   rewordings with other words for the same thing still share something.
5. Represent each idea by sublinear term frequencies of character n-grams (2–4, within word
   bounds, so compounds such as "gatelys" share "lys" with "belysning") and compare by
   cosine. scikit-learn's `TfidfVectorizer` does the counting, with no IDF: stop words do
   that job, and a pair's score then does not depend on the other ideas of the session, so
   suggestions stay put as ideas arrive.

Groups come from average-linkage agglomerative clustering over these similarities, cut at
`threshold`: two groups join only if their ideas are on average more similar than that, which
avoids the chaining of single linkage (A~B and B~C does not drag in an unlike C).

Measured at DEFAULT_THRESHOLD (bench/similarity.py prints these and the threshold curve):
on the main labelled set (234 ideas, 55 same-idea groups) precision 0.87, recall 0.76; on
ideas written after the method was frozen (55 ideas, 14 groups) precision 1.00, recall 0.50.
Lexical similarity finds rewordings that share stems, spellings or listed concepts; it cannot
know that "brøyting" and "strø og måk" mean the same. 500 ideas take about 0.2 s.

Pure: no I/O. Which ideas are already merged or hidden is the caller's business.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

DEFAULT_THRESHOLD: Final = 0.45
LANGS: Final = ("nb", "nn", "en")

_NORWEGIAN_STOP: Final = frozenset(
    """
    og i på til for av med som er det en et ei den de dei at å om fra frå ved langs hos
    over under inn ut opp ned mot mellom etter før gjennom uten utan rundt
    bør må skal kan vil ville kunne burde får få gir gi ha har være vere bli blir
    jeg eg vi me du dere de meg oss seg sin sitt sine sitt vår vårt våre deres
    hver kvar hvert kvart alle all alt noen nokon noe noko ingen mange
    mer meir flere fleire bedre betre mye mykje mindre større meste fleste
    ny nye nytt nyt egen eigen eget eige egne eigne
    ikke ikkje også og så da då når kor hvor der her dette denne desse disse
    både eller men enn som slik sånn veldig
    kommune kommunen
    """.split()
)

_ENGLISH_STOP: Final = frozenset(
    """
    a an the and or but of in on at to for from with by as into onto over under
    between through along about near without within up down out off
    is are be been being was were should must can could would will shall may might
    do does have has get gets give let make
    i we you they it its our your their us them this that these those there here
    every each all any some no not more most better new less fewer much many very
    so than then also just own too
    council municipality
    """.split()
)

# Frequent nynorsk spellings of the same word, mapped onto bokmål at the start of a word
# ("skulevegen" → "skolevegen") or, for the longer ones, anywhere in a compound. Only
# unambiguous pairs.
_NYNORSK_SPELLINGS: Final = (
    ("skule", "skole"),
    ("heime", "hjemme"),
    ("heim", "hjem"),
    ("teneste", "tjeneste"),
    ("kyrkje", "kirke"),
    ("sjuke", "syke"),
    ("symje", "svømme"),
    ("straum", "strøm"),
    ("bustad", "bolig"),
    ("kjelde", "kilde"),
    ("leik", "lek"),
    ("born", "barn"),
    ("sommar", "sommer"),
    ("vaksen", "voksen"),
    ("ungdomar", "ungdommer"),
    ("breiband", "bredbånd"),
    ("opning", "åpning"),
    ("einsam", "ensom"),
)
# Inflection endings, longest first; a stem keeps at least three letters.
_NORWEGIAN_SUFFIXES: Final = (
    "heitene",
    "hetene",
    "ingane",
    "ingene",
    "arane",
    "arar",
    "ande",
    "ende",
    "ane",
    "ene",
    "ere",
    "are",
    "ar",
    "er",
    "en",
    "et",
    "a",
    "e",
)

# Concepts: words (as stems, after the steps above) that name the same thing in ideas about a
# municipality. A word that names a concept also gets the concept's head word, so "gatelys" and
# "belysning" share "lys". A key matches a whole stem, the start of a compound (4+ letters) or
# its end (the head of a Norwegian compound: "gatelys" ends in "lys"). Written as municipal
# vocabulary, but after reading the misses of the main labelled set, so it flatters that set;
# the "fresh" part of tests/data/ideas_labelled.json measures it on texts written afterwards.
_NORWEGIAN_CONCEPTS: Final = {
    "lys": ("lys", "belysning", "lykt"),
    "eldr": ("eldr", "senior", "pensjonist", "eldst"),
    "ungdom": ("ungdom", "ungdomm", "ung", "tenåring"),
    "buss": ("buss", "kollektiv"),
    "avfall": ("søppel", "avfall", "boss"),
    "brøyting": ("brøyting", "måking", "snørydding", "strøing", "snø"),
    "fortau": ("fortau", "gangvei"),
    "internett": ("internett", "bredbånd", "fib", "fiber", "wifi", "trådløst", "nett"),
    "kurs": ("kurs", "opplæring"),
    "digital": ("digital", "data", "nettbank"),
    "mat": ("mat", "måltid", "lunsj"),
    "trær": ("trær", "tre"),
    "bolig": ("bolig", "leiligh"),
    "billig": ("billig", "billeg", "rimelig"),
    "åpen": ("åpen", "åpent", "open", "opent", "åpningstid", "meråpen"),
    "kveld": ("kveld", "ettermiddag"),
    "ofte": ("ofter", "hyppig", "tett", "frekvens"),
    "kryssing": ("fotgjengerfelt", "overgang", "kryssing", "gangfelt", "kryss"),
    "trygg": ("trygg", "sikk", "sikker", "sikr"),
    "ansatt": ("ansatt", "bemanning", "personal", "personell"),
    "ensom": ("ensom", "ensomm", "alen", "aleine", "isoler"),
    "frivillig": ("frivillig", "dugnad"),
    "benk": ("benk", "sitteplass"),
    "svømmehall": ("svømmehall", "basseng", "badeanlegg"),
    "meld": ("meld", "varsl", "rapporter"),
    "hull": ("hull", "hol"),
    "innvandr": ("innvandr", "innvandrer", "innvandrar", "flyktning", "nyankom"),
    "helg": ("helg", "fredag", "lørdag", "laurdag", "søndag"),
    "jobb": ("jobb", "arbeid"),
    "bygd": ("bygd", "grend", "distrikt"),
    "sentrum": ("sentrum", "by", "byen"),
    "innlogging": ("innlogging", "pålogging", "bankid"),
    "aktivitet": ("aktivitet", "trim"),
    "utstyr": ("utstyr", "verktøy"),
    "lån": ("lån", "utlån"),
}
_ENGLISH_CONCEPTS: Final = {
    "light": ("light", "lighting", "lamp", "streetlight"),
    "senior": ("elderly", "senior", "pensioner", "older"),
    "youth": ("youth", "teenager", "teen", "young"),
    "bus": ("bus", "transit"),
    "waste": ("waste", "rubbish", "litter", "trash"),
    "bin": ("bin", "container"),
    "snow": ("snow", "plough", "plow", "gritting"),
    "pavement": ("pavement", "sidewalk", "footpath", "walkway"),
    "internet": ("internet", "broadband", "wifi", "fibre", "fiber"),
    "course": ("course", "class", "lesson", "training", "workshop"),
    "digital": ("digital", "computer", "online"),
    "meal": ("meal", "food", "lunch"),
    "home": ("home", "housing", "house", "flat", "apartment"),
    "cheap": ("affordable", "cheap", "cheaper", "low-cost"),
    "open": ("open", "opening", "hour"),
    "evening": ("evening", "night"),
    "frequent": ("frequent", "often", "frequency"),
    "tree": ("tree", "greenery"),
    "volunteer": ("volunteer", "volunteering"),
    "centre": ("centre", "center", "downtown", "city"),
    "fence": ("fenced", "enclosed"),
    "route": ("route", "path", "way"),
}

_MIN_STEM: Final = 3
_MIN_INFIX: Final = 5
_NOT_WORD: Final = re.compile(r"[^\w]+|_")
_KEEP_MARKED: Final = frozenset("æøå")


@dataclass(frozen=True, slots=True)
class SuggestedGroup:
    """Ideas that look like the same idea. `ids` are sorted; `representative` is one of them,
    the idea most similar to the others; `score` is the mean similarity of its pairs (0–1)."""

    ids: tuple[str, ...]
    representative: str
    score: float


def _fold(text: str) -> str:
    """Casefold and strip diacritics, keeping æ, ø and å as letters."""
    out: list[str] = []
    for char in text.casefold():
        if char in _KEEP_MARKED:
            out.append(char)
        else:
            out.extend(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
    return "".join(out)


def _stem_norwegian(word: str) -> str:
    for old, new in _NYNORSK_SPELLINGS:
        if word.startswith(old):
            word = new + word[len(old) :]
            break
        if len(old) >= _MIN_INFIX and old in word:  # inside a compound: "barneskulen"
            word = word.replace(old, new)
            break
    for suffix in _NORWEGIAN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    if word.endswith("veg"):  # nynorsk veg = bokmål vei, also in compounds (sykkelveg)
        word = word[:-3] + "vei"
    return word


def _stem_english(word: str) -> str:
    """Plural -s only: "buses" → "bus", "libraries" → "library", "trees" → "tree"."""
    if len(word) <= _MIN_STEM + 1:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_ConceptIndex = tuple[dict[str, str], tuple[tuple[str, str], ...]]


def _index(concepts: dict[str, tuple[str, ...]]) -> _ConceptIndex:
    exact = {key: head for head, keys in concepts.items() for key in keys}
    longest_first = tuple(sorted(exact.items(), key=lambda kv: (-len(kv[0]), kv[0])))
    return exact, longest_first


_CONCEPT_INDEX: Final = {"no": _index(_NORWEGIAN_CONCEPTS), "en": _index(_ENGLISH_CONCEPTS)}


def _concept(stem: str, family: str) -> str | None:
    exact, parts = _CONCEPT_INDEX[family]
    if stem in exact:
        return exact[stem]
    for key, head in parts:  # longest key first
        if len(stem) <= len(key) or len(key) < _MIN_STEM:
            continue
        if stem.endswith(key) or (len(key) > _MIN_STEM and stem.startswith(key)):
            return head
    return None


def normalise(text: str, lang: str) -> str:
    """The words of `text` that carry its meaning, folded and lightly stemmed, space-joined;
    a word that names a concept is followed by the concept's head word."""
    words = [w for w in _NOT_WORD.split(_fold(text)) if w]
    if lang == "en":
        stems = [_stem_english(w) for w in words if w not in _ENGLISH_STOP]
        family = "en"
    else:
        stems = [_stem_norwegian(w) for w in words if w not in _NORWEGIAN_STOP]
        family = "no"
    out: list[str] = []
    for stem in stems:
        out.append(stem)
        head = _concept(stem, family)
        if head is not None and head != stem:
            out.append(head)
    return " ".join(out)


def _similarities(texts: Sequence[str], lang: str) -> np.ndarray:
    """Cosine similarity of every pair of texts, 0–1. Term frequencies only (sublinear, no
    IDF), so a pair's score does not depend on the other ideas of the session."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        preprocessor=lambda text: normalise(text, lang),
        sublinear_tf=True,
        use_idf=False,
    )
    try:
        vectors = vectorizer.fit_transform(texts)  # rows are L2-normalised
    except ValueError:  # not one n-gram in any text: all stop words, digits or empty
        return np.eye(len(texts))
    sims = (vectors @ vectors.T).toarray()
    np.clip(sims, 0.0, 1.0, out=sims)
    return sims


def similarity(a: str, b: str, lang: str) -> float:
    """How alike two idea texts are, 0–1: the score `suggest_groups` compares with its
    threshold (for two ideas it is their group's `score`)."""
    return float(_similarities((a, b), lang)[0, 1])


def suggest_groups(
    ideas: Sequence[tuple[str, str]], lang: str, threshold: float = DEFAULT_THRESHOLD
) -> tuple[SuggestedGroup, ...]:
    """Groups of two or more ideas that look like the same idea.

    `ideas` are (idea_id, text) pairs with distinct ids; `lang` is the session's language
    ("nb", "nn" or "en"; bokmål and nynorsk are treated alike). Average linkage: two groups
    join while their ideas are on average more than `threshold` similar. Ideas in no group are
    left out. The result depends only on the set of ideas, not on their order: ids within a
    group are sorted, and groups come largest first, then by their first id.
    """
    ordered = sorted(ideas)
    ids = [idea_id for idea_id, _ in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("idea ids must be distinct")
    if len(ordered) < 2:
        return ()
    sims = _similarities([text for _, text in ordered], lang)
    distance = 1.0 - sims
    np.fill_diagonal(distance, 0.0)
    labels = (
        AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=1.0 - threshold,
        )
        .fit(distance)
        .labels_
    )
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(index)
    groups = [_group(m, ids, sims) for m in members.values() if len(m) > 1]
    return tuple(sorted(groups, key=lambda g: (-len(g.ids), g.ids[0])))


def _group(members: list[int], ids: list[str], sims: np.ndarray) -> SuggestedGroup:
    block = sims[np.ix_(members, members)]
    n = len(members)
    to_others = (block.sum(axis=1) - block.diagonal()) / (n - 1)
    # The idea most similar to the others; on a tie (always with two) the first id.
    best = max(range(n), key=lambda k: (round(float(to_others[k]), 9), -k))
    pair_mean = (block.sum() - block.diagonal().sum()) / (n * (n - 1))
    return SuggestedGroup(
        ids=tuple(ids[i] for i in members),
        representative=ids[members[best]],
        score=round(float(pair_mean), 4),
    )
