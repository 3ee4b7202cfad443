"""The house rules that keep the model maintainable, checked on the code itself."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import numpy as np

from sim import events
from sim.actors.host import RegimeStatus
from sim.actors.russia import RussiaState
from sim.config import config_from_dict, load_config
from sim.config.schema import Event
from sim.decision import Outcome
from sim.model import CrisisModel

SIM = Path(__file__).resolve().parents[1] / "sim"
CONFIGS = Path(__file__).resolve().parents[1] / "configs"
COMPONENT_MODULES = ["model.py", "events.py", "ledger.py", *[f"decision/{p.name}" for p in (SIM / "decision").glob("*.py")],
                     *[f"actors/{p.name}" for p in (SIM / "actors").glob("*.py")]]


def _foreign_writes(path: Path) -> list[str]:
    """Assignments to an attribute of anything but ``self`` (``self.model.host.x = ...``, ``other.y = ...``)."""
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
        for t in targets:
            while isinstance(t, ast.Subscript):
                t = t.value
            if isinstance(t, ast.Attribute) and not (isinstance(t.value, ast.Name) and t.value.id == "self"):
                bad.append(f"{path.name}:{node.lineno}: {ast.unparse(t)}")
    return bad


def test_no_component_writes_another_components_fields():
    """Components change each other only through methods with intent (docs/model.md, structure)."""
    bad = [b for m in COMPONENT_MODULES for b in _foreign_writes(SIM / m)]
    assert not bad, "write through a method of the owner instead:\n" + "\n".join(bad)


def test_the_check_catches_a_foreign_write(tmp_path):
    code = tmp_path / "x.py"
    code.write_text("class A:\n    def f(self, other):\n        self.model.host.legitimacy = 0\n"
                    "        other.army += 1\n        self.mine[0] = 1\n        self.ok = 1\n")
    assert len(_foreign_writes(code)) == 2


def test_every_event_kind_has_one_handler():
    kinds = set(typing.get_args(Event.model_fields["kind"].annotation))
    assert kinds == set(events.HANDLERS)


def test_states_are_enums():
    model = CrisisModel(load_config(CONFIGS / "kazakhstan_2022.yaml", ["horizon_days=5"]), rng=0).run()
    assert isinstance(model.host.status, RegimeStatus)
    assert isinstance(model.russia.state, RussiaState)
    assert isinstance(model.russia.outcome, Outcome)
    # outputs hold the plain values, as the README's contract lists them
    assert set(model.datacollector.model_vars["regime_status"]) <= {s.value for s in RegimeStatus}


def test_each_ally_has_its_own_stream_and_adding_one_shifts_no_one_else():
    base = load_config(CONFIGS / "kazakhstan_2022.yaml")
    data = base.model_dump(mode="python")
    fewer = dict(data, allies={**data["allies"], "members": data["allies"]["members"][:2]})
    full = CrisisModel(base, rng=7)
    less = CrisisModel(config_from_dict(fewer), rng=7)
    # the city's start and every shared component's stream do not depend on how many allies there are
    np.testing.assert_array_equal(full.city.state.hardship, less.city.state.hardship)
    assert full.russia.latent_threshold == less.russia.latent_threshold
    for a, b in zip(list(full.allies)[:2], list(less.allies), strict=True):
        assert a.name == b.name and a.stream.random() == b.stream.random()
    draws = {a.name: a.stream.random() for a in full.allies}
    assert len(set(draws.values())) == len(draws), "allies share a stream"
