"""The registry of span providers: one function per label, registered by name (as spaCy registers its
components), so that a user's code can add or replace a provider without touching the matcher."""

from __future__ import annotations

from collections.abc import Callable

from .classes import TermClass
from .orgs import gov_provider, org_provider
from .places import place_provider
from .spans import Provider, SentenceView, Span

#: label → factory(classes) → provider
_FACTORIES: dict[str, Callable[[dict[str, TermClass]], Provider]] = {}


def register(label: str) -> Callable[[Callable[[dict[str, TermClass]], Provider]], Callable[[dict[str, TermClass]], Provider]]:
    def deco(factory: Callable[[dict[str, TermClass]], Provider]) -> Callable[[dict[str, TermClass]], Provider]:
        _FACTORIES[label] = factory
        return factory

    return deco


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


register("PLACE")(lambda classes: place_provider)
register("ORG")(lambda classes: org_provider)
register("GOV")(lambda classes: gov_provider)
register("PARTY")(_terms_provider("PARTY", "party"))
register("ROLE")(_terms_provider("ROLE", "role"))


def build_providers(classes: dict[str, TermClass]) -> dict[str, Provider]:
    return {label: factory(classes) for label, factory in _FACTORIES.items()}
