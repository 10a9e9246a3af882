"""``model.as_data`` (the model's dicts without a deep copy of every string) against its definition,
``dataclasses.asdict`` (hypothesis)."""

from __future__ import annotations

import collections
import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fairreview import model

TEXT = st.text(st.characters(blacklist_categories=["Cs"]) | st.sampled_from(["\udcb9", "\x1b", "\\", '"']), max_size=8)


@dataclasses.dataclass
class _Odd:
    """Values the model does not hold today, so the fallback is checked too."""

    pair: tuple[int, str] = (1, "a")
    named: Any = None
    mapping: dict[Any, Any] = dataclasses.field(default_factory=dict)
    other: Any = None


MODEL_TYPES = [model.Sentence, model.Clause, model.Outline, model.SupersededLaw, model.PrecedentMatch,
               model.DecisionRecord, model.NoteRecord, model.FindingReview, model.Finding, model.Meta,
               model.Assessment, model.ReviewCounts, model.FinalVerdict, model.DocumentReview]


@given(st.one_of(*[st.from_type(t) for t in MODEL_TYPES]))
def test_as_data_is_asdict_for_the_model(value: Any) -> None:
    got, expected = model.as_data(value), dataclasses.asdict(value)
    assert got == expected and repr(got) == repr(expected)


Pair = collections.namedtuple("Pair", "a b")


@given(st.builds(_Odd, pair=st.tuples(st.integers(), TEXT), named=st.builds(Pair, TEXT, st.lists(st.integers())),
                 mapping=st.dictionaries(st.one_of(TEXT, st.integers()), st.lists(TEXT)),
                 other=st.one_of(st.none(), st.sets(st.integers()), st.from_type(model.Meta))))
def test_as_data_is_asdict_for_other_values(value: _Odd) -> None:
    got, expected = model.as_data(value), dataclasses.asdict(value)
    assert got == expected and repr(got) == repr(expected)
    assert type(got["pair"]) is tuple and type(got["named"]) is Pair
