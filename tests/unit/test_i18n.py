"""Every catalogue has every key with the same placeholders; every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import CATALOGUES, DEFAULT_LANGUAGE, Translator, language_for

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    reference = CATALOGUES[DEFAULT_LANGUAGE]
    for lang, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(reference), lang
        for key, template in catalogue.items():
            assert placeholders(template) == placeholders(reference[key]), (lang, key)
            assert template.strip(), (lang, key)


def test_every_literal_key_in_the_code_is_in_the_catalogue() -> None:
    """Any dotted lower-case literal in bot/ or cards/ is a catalogue key, a card verb or a
    file name: a key that is in no catalogue fails here, not in front of a participant."""
    from bot.service.handlers import ROUTES

    literal = re.compile(r"""["']([a-z]+(?:\.[a-z_]+)+)["']""")
    used: set[str] = set()
    for folder in ("bot", "cards"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(literal.findall(path.read_text(encoding="utf-8")))
    not_keys = set(ROUTES) | {
        "digikok.rdb",
        "digikok.secret",
        "microsoft_teams.cards",
        "aiohttp.access",
    }
    missing = {key for key in used - not_keys if key not in CATALOGUES[DEFAULT_LANGUAGE]}
    assert not missing
    assert len(used) > 40  # the scan found the keys it should


def test_locale_mapping() -> None:
    assert [language_for(x) for x in ("nb-NO", "no", "nn-NO", "en-US", "en", "de-DE", None)] == [
        "nb",
        "nb",
        "nn",
        "en",
        "en",
        "nb",
        "nb",
    ]


def test_translator_never_crashes() -> None:
    t = Translator("en")
    assert t("ideas.count", n=3) == "Ideas sent: 3"
    assert t("no.such.key") == "no.such.key"
    assert t("ideas.count") == "Ideas sent: {n}"  # missing parameter: the template, no crash


def test_keys_built_from_enums_exist() -> None:
    from bot.domain.participants import ROLES
    from bot.domain.phases import Phase
    from cards.notice import HELP_COMMANDS

    needed = {f"role.{r.value}" for r in ROLES} | {f"phase.{p.value}" for p in Phase}
    needed |= {f"phase.{p.value}.howto" for p in Phase}
    needed |= {f"help.cmd.{c}" for c in HELP_COMMANDS} | {f"help.what.{c}" for c in HELP_COMMANDS}
    for lang, catalogue in CATALOGUES.items():
        assert needed <= set(catalogue), (lang, needed - set(catalogue))


def test_one_bokmal_spelling_of_idea() -> None:
    """Issue 16, as Språkrådet recommends: idé, ideen, ideer, ideene (the accent only on the
    bare singular and in compounds such as idémyldring); nynorsk idé, ideen, idear, ideane."""
    for lang, wrong in (("nb", ("idéen", "idéer", "idéene")), ("nn", ("idéen", "idéar"))):
        for key, text in CATALOGUES[lang].items():
            for form in wrong:
                assert form not in text.casefold(), (lang, key, form)


def test_language_names_in_a_sentence_are_lower_case_in_norwegian() -> None:
    for lang in ("nb", "nn"):
        t = Translator(lang)
        said = t("language.set", name=t("language.name_nn"))
        assert said.endswith(" nynorsk."), said
    assert Translator("en")("language.name_nn") == "Norwegian Nynorsk"
