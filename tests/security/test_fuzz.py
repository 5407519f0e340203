"""Bad input, fuzzed (issue 8, SPEC §5): arbitrary JSON bodies, mangled activities, card
payloads with the bot's real verbs and random fields, arbitrary command text. Whatever comes
in: never HTTP 5xx, and never an ERROR record (request_failed, turn_failed, turn_error): an
exception would have to surface as one of those, so every input got a plain answer.

The app runs once for the module on its own loop (tests/security/live.py); each example is
one or a few real requests to it. Sessions stand ready in every phase, one per channel, and
card payloads start from the data of a card the bot really sent there, then get mangled.
`--hypothesis-show-statistics` shows which answers the card payloads reached.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.domain.commands import WORDS
from bot.service.handlers import ROUTES
from tests.fakes.activities import BOT_ID, BOT_NAME, Conversation, Person
from tests.fakes.cards import texts
from tests.security.live import HOST, PEOPLE, Live

STRANGER = Person("Fuzz Fremmed")
# Fields card actions read (besides those of the cards and forms the bot really sends).
FIELDS = ("idea", "role", "department", "delta", "round", "page", "card", "template", "g")
PLACES = ("setup", *(f"step:{n}" for n in range(8)), "ended")
SETTINGS = settings(
    deadline=None,
    database=None,  # nothing written into the repo; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- strategies ------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and ±Infinity too: Python's json writes and reads them
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
RESERVED = {"action", "sid", "rev"}  # drawn on their own


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], tenths: int = 8) -> Any:
    """`good` in about `tenths` of ten draws, else `bad` (a plain `|` would be half and half)."""
    return st.integers(0, 9).flatmap(lambda i: good if i < tenths else bad)


not_text = json_values.filter(lambda v: not isinstance(v, str))
# Strings that are no URL, or no URL of a connector: nothing to resolve, nothing to wait for.
odd_urls = st.sampled_from(["", "not a url", "ftp://127.0.0.1/x", "http://", "/v3", "127.0.0.1"])


def place_for(live: Live, name: str) -> Conversation:
    return Conversation(service_url=live.service_url, channel=f"19:fuzz-{name}@thread.tacv2")


def prepared_place(live: Live, data: st.DataObject) -> tuple[str, Conversation]:
    """A place drawn from PLACES, its session brought to the state the place names."""
    where = data.draw(st.sampled_from(PLACES), label="place")
    place = place_for(live, where)
    live.prepare(place, where)
    return where, place


_DROP = object()


def _set(activity: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node: Any = activity
    for key in path[:-1]:
        if not isinstance(node, dict):
            return
        node = node.setdefault(key, {}) if isinstance(node.get(key), dict) else node.get(key)
    if isinstance(node, dict):
        if value is _DROP:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value


PATHS = [
    ("type",),
    ("id",),
    ("name",),
    ("text",),
    ("textFormat",),
    ("locale",),
    ("timestamp",),
    ("localTimestamp",),
    ("channelId",),
    ("serviceUrl",),
    ("deliveryMode",),
    ("replyToId",),
    ("from",),
    ("from", "id"),
    ("from", "aadObjectId"),
    ("from", "name"),
    ("from", "role"),
    ("recipient",),
    ("recipient", "id"),
    ("conversation",),
    ("conversation", "id"),
    ("conversation", "conversationType"),
    ("conversation", "tenantId"),
    ("conversation", "isGroup"),
    ("channelData",),
    ("channelData", "tenant"),
    ("channelData", "tenant", "id"),
    ("channelData", "channel"),
    ("channelData", "team"),
    ("channelData", "eventType"),
    ("entities",),
    ("attachments",),
    ("membersAdded",),
    ("membersRemoved",),
    ("value",),
    ("value", "action"),
    ("value", "action", "verb"),
    ("value", "action", "data"),
    ("value", "trigger"),
]


@st.composite
def mangled_activities(draw: st.DrawFn, service_url: str) -> dict[str, Any]:
    """A Teams-shaped activity with a few fields replaced by anything, or dropped."""
    place = Conversation(service_url=service_url, channel="19:fuzz-mangled@thread.tacv2")
    person = draw(st.sampled_from([HOST, *PEOPLE, STRANGER]))
    kind = draw(st.sampled_from(["message", "invoke", "bot_added"]))
    if kind == "message":
        activity = place.message(person, draw(st.sampled_from(["start Fuzz", "hjelp", "neste"])))
    elif kind == "invoke":
        activity = place.invoke(person, {"action": draw(st.sampled_from(sorted(ROUTES)))})
    else:
        activity = place.bot_added(person)
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=5, unique=True)):
        if path == ("serviceUrl",):
            value = draw(odd_urls | st.just(_DROP) | not_text)
        else:
            value = draw(st.just(_DROP) | json_values)
        _set(activity, path, value)
    return activity


commands = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda word, rest, case: (word.upper() if case else word) + " " + rest,
        st.sampled_from(sorted(WORDS)),
        st.text(max_size=300),
        st.booleans(),
    ),
    st.builds(
        lambda word, n: f"{word} {n}",
        st.sampled_from(sorted(WORDS)),
        st.integers(-(10**30), 10**30) | st.floats().map(str),
    ),
    st.sampled_from(["<at>Digikok</at>", "<at></at>", "<at>" * 50, "**start**", "\u202estart"]),
    st.text(alphabet=string.whitespace, max_size=20),
    not_text,  # text of the wrong type
)


# -- the app -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    app = Live(redis_url, Path(tmp_path_factory.mktemp("fuzz")))
    app.start()
    try:
        yield app
    finally:
        app.stop()


def check(live: Live, status: int, answer: Any, what: Any) -> None:
    # Taken first: a failed example leaves none to the next.
    errors = live.errors.take()
    shown = json.dumps(what, ensure_ascii=False, default=repr)[:3000]
    assert status < 500 or (status == 501 and _other_invoke(what)), (status, answer, shown)
    assert errors == [], (errors, shown)


def _other_invoke(activity: Any) -> bool:
    """The SDK answers 501 Not Implemented to an invoke it has no handler for (its name is
    not adaptiveCard/action): Teams' own answer for an unknown invoke, not a failure."""
    return (
        isinstance(activity, dict)
        and activity.get("type") == "invoke"
        and activity.get("name") != "adaptiveCard/action"
    )


# -- the tests -------------------------------------------------------------------------------


@settings(SETTINGS, max_examples=150)
@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_bodies_never_fail(live: Live, body: bytes) -> None:
    status, answer = live.post_raw(body)
    check(live, status, answer, body)
    assert status >= 400 or b'"type"' in body  # only something with a type goes further


@settings(SETTINGS, max_examples=250)
@given(data=st.data())
def test_mangled_activities_never_fail(live: Live, data: st.DataObject) -> None:
    activity = data.draw(mangled_activities(live.service_url))
    status, answer = live.post(activity)
    check(live, status, answer, activity)


@settings(SETTINGS, max_examples=150)
@given(data=st.data())
def test_card_payloads_get_a_card_and_never_fail(live: Live, data: st.DataObject) -> None:
    where, place = prepared_place(live, data)
    sid, meta = live.session(place)
    offered = live.offered(sid)
    # Every draw has a fixed shape (hypothesis replays examples): what depends on the app's
    # state is picked by an index into it, not drawn from it.
    verb = data.draw(mostly(st.sampled_from(sorted(ROUTES)), st.text(max_size=12)), label="verb")
    seen = offered.get(verb) or [d for ds in offered.values() for d in ds] or [{}]
    base = seen[data.draw(st.integers(0, 10**6), label="card") % len(seen)]
    payload: Any = dict(base, action=verb)
    rev = int(meta.get("rev", "0") or 0)
    other_sid = st.sampled_from(["0000", "", sid + "x"])
    payload["sid"] = data.draw(mostly(st.just(sid), other_sid | json_values), label="sid")
    near = st.sampled_from([rev - 1, rev + 1, 0, -1, 2**63])
    payload["rev"] = data.draw(mostly(st.just(rev), near | json_values, 7), label="rev")
    fields = sorted({*live.input_ids(), *(k for d in seen for k in d), *FIELDS} - RESERVED)
    known = st.integers(0, 10**6).map(lambda i: fields[i % len(fields)])
    names = mostly(known, st.text(max_size=6))
    for name in data.draw(st.lists(names, max_size=4), label="fields"):
        value = data.draw(st.just(_DROP) | json_values | st.text(max_size=2000), label=name)
        if value is _DROP:
            payload.pop(name, None)
        else:
            payload[name] = value
    person = data.draw(st.sampled_from([HOST, HOST, *PEOPLE, STRANGER]), label="who")
    activity = place.invoke(person, {})
    envelope = data.draw(st.sampled_from(["normal"] * 12 + ["no verb", "data", "action", "value"]))
    if envelope == "normal":
        activity["value"]["action"]["data"] = payload
        activity["value"]["action"]["verb"] = verb
        activity["value"]["trigger"] = data.draw(st.sampled_from(["manual", "automatic"]) | scalars)
    elif envelope == "no verb":
        activity["value"]["action"] = {"type": "Action.Execute", "data": payload}
    elif envelope == "data":
        activity["value"]["action"]["data"] = data.draw(json_values, label="data")
    elif envelope == "action":
        activity["value"]["action"] = data.draw(json_values, label="action")
    else:
        activity["value"] = data.draw(json_values, label="value")
    status, answer = live.post(activity)
    check(live, status, answer, activity)
    assert status == 200, (status, answer)
    assert answer["statusCode"] == 200 and answer["type"].endswith("card.adaptive"), answer
    assert isinstance(answer["value"], dict) and answer["value"].get("type") == "AdaptiveCard"
    event(f"{where}: {_gist(answer['value'])}")  # --hypothesis-show-statistics: what was hit


def _gist(card: dict[str, Any]) -> str:
    """A card's first words, to tell a refusal from a real answer in the statistics."""
    shown = texts(card)
    return (shown[0] if shown else "(no text)")[:40]


@settings(SETTINGS, max_examples=120)
@given(data=st.data())
def test_command_text_never_fails(live: Live, data: st.DataObject) -> None:
    where, place = prepared_place(live, data)
    text = data.draw(commands, label="text")
    person = data.draw(st.sampled_from([HOST, HOST, PEOPLE[0], STRANGER]), label="who")
    activity = place.message(person, "x", mention=data.draw(st.booleans(), label="mention"))
    activity["text"] = (
        f"<at>{BOT_NAME}</at> {text}" if isinstance(text, str) and activity["text"] != "x" else text
    )
    status, answer = live.post(activity)
    check(live, status, answer, activity)
    assert status in (200, 201), (status, answer)


# -- big and deep, within 256 KB -------------------------------------------------------------


def _deep(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _big_bodies(service_url: str) -> dict[str, bytes]:
    place = Conversation(service_url=service_url, channel="19:fuzz-big@thread.tacv2")
    message = place.message(HOST, "hjelp")
    refresh = place.invoke(HOST, {"action": "card.refresh", "sid": "0000", "rev": 1})
    idea = {"action": "idea.submit", "sid": "0000", "rev": 1}
    mentions = [
        {"type": "mention", "mentioned": {"id": f"29:{i}", "name": "x"}, "text": "x"}
        for i in range(1_000)
    ] + [{"type": "mention", "mentioned": {"id": BOT_ID}} for _ in range(2_000)]
    return {
        "array nested 120 000 deep": b"[" * 120_000 + b"]" * 120_000,
        "object nested 40 000 deep": b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
        "value nested 900 deep": _dumps(refresh | {"value": _deep(900)}),
        "channelData nested 900 deep": _dumps(message | {"channelData": _deep(900)}),
        "entities nested 900 deep": _dumps(message | {"entities": [_deep(900)]}),
        "card data nested 900 deep": _dumps(place.invoke(HOST, idea | {"idea": _deep(900)})),
        "text of 240 KB": _dumps(message | {"text": "start " + "é" * 120_000}),
        "3 000 mention entities": _dumps(message | {"entities": mentions}),
        "12 000 members added": _dumps(
            place.bot_added(HOST) | {"membersAdded": [{"id": f"29:{i}"} for i in range(12_000)]}
        ),
        "idea of 200 KB": _dumps(place.invoke(HOST, idea | {"idea": "x" * 200_000})),
    }


@pytest.mark.parametrize("name", list(_big_bodies("http://127.0.0.1")))
def test_big_and_deep_bodies_never_fail(live: Live, name: str) -> None:
    body = _big_bodies(live.service_url)[name]
    assert len(body) <= 256 * 1024
    status, answer = live.post_raw(body)
    check(live, status, answer, name)
