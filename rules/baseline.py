"""The bare durable_rules engine, for the benchmark's baseline only (bench/rules_bench.py).

`rules.decide()` is measured against the same rules run straight on the engine: through its public
`Host` API, and through the C calls `rules.runtime` makes. Those runners live here because only
`rules/` may import durable_rules; nothing in the application uses this module.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import durable_rules_engine as dre
from durable import engine as durable_engine

Runner = Callable[[list[dict[str, Any]]], list[tuple[str, int]]]


class _QuietHost(durable_engine.Host):
    def _run(self) -> None:  # no dispatcher threads behind the benchmark's back
        pass


def host_runner(definition_for: Callable[[Callable[[str], Callable[[Any], None]]], dict]) -> Runner:
    """Host.assert_facts in a fresh session, then delete_state; returns [(rule, fact id)].

    `definition_for(make_action)` gives the ruleset in durable_rules' JSON syntax; a rule named
    "catch_all" is left out of the result.
    """
    fired: list[tuple[str, int]] = []

    def make_action(name: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            fired.append((name, c.m.id))

        return action

    host = _QuietHost()
    host.register_rulesets({"bare": definition_for(make_action)})
    sids = itertools.count()

    def run(facts: list[dict[str, Any]]) -> list[tuple[str, int]]:
        sid = f"b{next(sids)}"
        batch = [{"sid": sid, "id": i, **f} for i, f in enumerate(facts)]
        fired.clear()
        host.assert_facts("bare", batch)
        host.delete_state("bare", sid)
        return [item for item in fired if item[0] != "catch_all"]

    return run


def raw_runner(definition: dict[str, Any], params: dict[str, Any] | None) -> Runner:
    """The engine's C functions directly; `params` are injected into each fact when given."""
    host = _QuietHost()
    host.register_rulesets({"raw": definition})
    handle = host.get_ruleset("raw")._handle
    sids = itertools.count()

    def run(facts: list[dict[str, Any]]) -> list[tuple[str, int]]:
        sid = f"r{next(sids)}"
        if params is not None:
            batch = [{"sid": sid, "id": i, **f, "p": params} for i, f in enumerate(facts)]
        else:
            batch = [{"sid": sid, "id": i, **f} for i, f in enumerate(facts)]
        offset = dre.assert_facts(handle, json.dumps(batch, ensure_ascii=False))[1]
        fired = []
        result = dre.start_action_for_state(handle, offset)
        messages = result[1] if result else None
        while messages:
            for name, frame in json.loads(messages).items():
                if name != "catch_all":
                    fired.append((name, frame["m"]["id"]))
            messages = dre.complete_and_start_action(handle, offset)
        dre.delete_state(handle, sid)
        return fired

    return run
