"""The registry of span providers: one function per label, registered by name (as spaCy registers its
components), so that a user's code can add or replace a provider without touching the matcher.

A provider may also register its *needs* (:mod:`.needs`): what a sentence must hold for it to find a span of
some kinds there. The matcher skips a sentence that lacks them without running the provider; a provider
registered without needs is simply run wherever a rule's other words are found.
"""

from __future__ import annotations

from collections.abc import Callable

from .classes import TermClass
from .needs import Need, class_need
from .orgs import gov_needs, gov_provider, org_needs, org_provider
from .places import place_need, place_provider
from .spans import Provider, SentenceView, Span

Factory = Callable[[dict[str, TermClass]], Provider]
#: (kinds or None for all, exclude the kinds, the term classes) → needs, every one of which must be met;
#: None when nothing can be said
Needs = Callable[[frozenset[str] | None, bool, dict[str, TermClass]], tuple[Need, ...] | None]

#: label → factory(classes) → provider
_FACTORIES: dict[str, Factory] = {}
_NEEDS: dict[str, Needs] = {}


def register(label: str, needs: Needs | None = None) -> Callable[[Factory], Factory]:
    def deco(factory: Factory) -> Factory:
        _FACTORIES[label] = factory
        _NEEDS.pop(label, None)
        if needs is not None:
            _NEEDS[label] = needs
        return factory

    return deco


def span_needs(label: str, kinds: frozenset[str] | None, exclude: bool,
               classes: dict[str, TermClass]) -> tuple[Need, ...] | None:
    """What a sentence must hold for the provider of ``label`` to find a span of ``kinds`` in it."""
    needs = _NEEDS.get(label)
    return needs(kinds, exclude, classes) if needs is not None else None


def _terms_provider(label: str, class_name: str) -> Callable[[dict[str, TermClass]], Provider]:
    def factory(classes: dict[str, TermClass]) -> Provider:
        cls = classes.get(class_name)

        def provide(view: SentenceView) -> list[Span]:
            if cls is None:
                return []
            out: list[Span] = []
            pos = 0
            text = view.text
            while (m := cls.regex.search(text, pos)) is not None:
                out.append(Span(m.start(), m.end(), label, class_name, m.group(0)))
                pos = m.end()
            return out

        return provide

    return factory


def _class_needs(class_name: str) -> Needs:
    def needs(kinds: frozenset[str] | None, exclude: bool, classes: dict[str, TermClass]) -> tuple[Need, ...] | None:
        cls = classes.get(class_name)
        return (class_need(cls),) if cls is not None else (Need(),)  # no class: the provider finds nothing

    return needs


def _place_needs(kinds: frozenset[str] | None, exclude: bool, classes: dict[str, TermClass]) -> tuple[Need, ...] | None:
    need = place_need(kinds, exclude)
    return (need,) if need is not None else None


register("PLACE", _place_needs)(lambda classes: place_provider)
register("ORG", lambda kinds, exclude, classes: org_needs(kinds, exclude))(lambda classes: org_provider)
register("GOV", lambda kinds, exclude, classes: gov_needs(kinds, exclude))(lambda classes: gov_provider)
register("PARTY", _class_needs("party"))(_terms_provider("PARTY", "party"))
register("ROLE", _class_needs("role"))(_terms_provider("ROLE", "role"))


def build_providers(classes: dict[str, TermClass]) -> dict[str, Provider]:
    return {label: factory(classes) for label, factory in _FACTORIES.items()}
