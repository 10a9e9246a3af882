"""The rules of a Dask run, held on every worker by a worker plugin (imported only when Dask is used).

A plugin rather than data scattered to the workers: the scheduler gives a plugin to every worker that joins,
also to one that a nanny started in place of a worker that died (memory over its limit, a crashing reader, a
restart after a document ran past its time). Scattered data lives only in the worker processes that hold it;
when the only one dies, every batch still to run loses its rules.
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin, get_worker

from .work import EngineSpec


def plugin_name(token: str) -> str:
    """One plugin per run: two analysts' scans on one cluster keep their own rules."""
    return f"fairreview-rules-{token}"


class RulesPlugin(WorkerPlugin):
    def __init__(self, spec: EngineSpec):
        self.spec = spec
        self.name = plugin_name(spec.token)

    def setup(self, worker: Any) -> None:
        pass  # the Engine is built when the first batch of the run needs it (cluster._engine)


def spec_on_this_worker(token: str) -> EngineSpec:
    """The rules registered for the run ``token``."""
    plugin = get_worker().plugins.get(plugin_name(token))
    if not isinstance(plugin, RulesPlugin) or plugin.spec.token != token:
        raise RuntimeError("Dask 工作节点上没有本次排查的规则（排查已结束或已取消）")
    return plugin.spec
