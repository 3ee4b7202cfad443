"""Experiments: spec errors, failure isolation, Dask, analysis (kills, stops and other faults:
tests/test_faults.py)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.config import ConfigError
from sim.experiments import execute as ex
from sim.experiments.cluster import tune_malloc
from sim.experiments.spec import load_spec

from .conftest import CONFIGS, ROOT

# A small, fast city so that hundreds of runs take seconds.
TINY = """
base: {base}
set:
  city.width: 20
  city.height: 20
  horizon_days: 12
  city.sites: [{{name: palace, x: 10, y: 10}}]
"""


def write_spec(tmp: Path, body: str, name: str = "spec.yaml") -> Path:
    path = tmp / name
    path.write_text(TINY.format(base=CONFIGS / "kazakhstan_2022.yaml") + body)
    return path


def stored(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = pd.read_parquet(out / "summary").sort_values("key").reset_index(drop=True)
    d = pd.read_parquet(out / "daily").sort_values(["key", "day"]).reset_index(drop=True)
    return s, d


def test_a_failing_run_is_recorded_and_the_rest_complete(tmp_path, monkeypatch):
    spec = write_spec(
        tmp_path,
        "name: failing\nreplications: 3\nvariants:\n  a: {}\n  b: {set: "
        "{host.forces.police.loyalty: 1.0}}\n",
    )
    real = ex.simulate

    def flaky(config, seed):
        if config.host.forces.police.loyalty == 1.0 and seed == ex.simulate.seeds[1]:
            raise RuntimeError("injected failure")
        return real(config, seed)

    from sim.runner import replication_seeds

    flaky.seeds = replication_seeds(0, 3)
    monkeypatch.setattr(ex, "simulate", flaky)
    _, out, report = ex.execute(spec, tmp_path / "out", jobs=1, progress=False)
    assert report["ran"] == 6 and report["failed"] == 1 and report["failed_total"] == 1
    errors = pd.read_parquet(out / "errors")
    assert errors["error"].tolist() == ["RuntimeError: injected failure"]
    assert "Traceback" in errors["traceback"].iloc[0] and errors["point_name"].iloc[0] == "b"
    assert len(pd.read_parquet(out / "summary")) == 5
    # a failed run is recorded, so running again does not repeat it
    _, _, again = ex.execute(spec, tmp_path / "out", jobs=1, progress=False)
    assert again["ran"] == 0 and again["failed_total"] == 1


def test_stored_tables_hold_what_run_one_returns(tmp_path):
    # Ukraine has no CSTO allies: its rows have no values in Kazakhstan's ally columns.
    spec = write_spec(
        tmp_path,
        f"name: same\nreplications: 2\nvariants:\n  kaz: {{}}\n"
        f"  ukr: {{config: {CONFIGS / 'ukraine_2022.yaml'}}}\n",
    )
    _, out, _ = ex.execute(spec, tmp_path / "o", jobs=1, progress=False)
    from sim.experiments.design import build_points, build_runs
    from sim.records import summary_frame
    from sim.runner import run_one

    points = build_points(load_spec(spec), spec)
    runs = [(r, *run_one(r.config, r.seed)) for r in build_runs(load_spec(spec), spec, points)]
    ids = lambda r: {"key": r.key, "point": r.point, "rep": r.rep}  # noqa: E731
    daily = pd.concat([d.assign(**ids(r)) for r, d, _, _ in runs], ignore_index=True)
    summary = summary_frame(
        [
            {
                "rep": r.rep,
                "seed": r.seed,
                **s,
                "key": r.key,
                "point": r.point,
                "point_name": points[r.point].name,
            }
            for r, _, s, _ in runs
        ]
    )
    decisions = pd.DataFrame([{**ids(r), **row} for r, _, _, log in runs for row in log])
    daily = daily[["key", "point", "rep", *daily.columns[:-3]]]  # the store puts a run's ids first
    for table, expected, order in (
        ("daily", daily, ["key", "day"]),
        ("summary", summary, ["key"]),
        ("decisions", decisions, ["key", "day"]),
    ):
        got = pd.read_parquet(out / table)
        assert list(got.columns) == list(expected.columns)
        pd.testing.assert_frame_equal(
            got.sort_values(order, ignore_index=True),
            expected.sort_values(order, ignore_index=True),
            check_exact=True,
        )
    assert pd.read_parquet(out / "daily")["unrest_armenia"].isna().sum() == 2 * (12 + 1)
    assert (pd.read_parquet(out / "summary").dtypes["deploy_day"]) == "Int64"


def test_grid_of_whole_and_fractional_values_loads_as_one_float_column(tmp_path):
    # values written 0 and 1 for a real parameter used to store int64 parts beside double parts
    spec = write_spec(
        tmp_path,
        "name: mixed\nreplications: 1\nbatch_size: 1\ndesign:\n  kind: grid\n  parameters:\n"
        "    west.sanctions_credibility: {values: [0, 0.5, 1]}\n",
    )
    _, out, _ = ex.execute(spec, tmp_path / "o", jobs=1, progress=False)
    summary = pd.read_parquet(out / "summary")
    assert summary["west.sanctions_credibility"].dtype == "float64"
    assert sorted(summary["west.sanctions_credibility"]) == [0.0, 0.5, 1.0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_cluster_gives_the_same_results_as_local(tmp_path):
    pytest.importorskip("distributed")
    spec = write_spec(
        tmp_path,
        "name: dask_test\nreplications: 4\ndesign:\n  kind: grid\n  parameters:\n"
        "    west.sanctions_credibility: {values: [0.0, 0.5, 1.0]}\n",
    )
    dask = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    ]
    try:
        address = f"tcp://127.0.0.1:{port}"
        procs.append(
            subprocess.Popen(
                [
                    dask,
                    "worker",
                    address,
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        )
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
            assert all(
                client.run(tune_malloc).values()
            )  # the trim setting is fixed on every worker
        assert (
            main(
                [
                    "experiment",
                    str(spec),
                    "--out",
                    str(tmp_path / "dask"),
                    "--scheduler",
                    address,
                    "--quiet",
                    "--no-plots",
                ]
            )
            == 0
        )
    finally:
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
    assert all(p.poll() is not None for p in procs)
    assert (
        main(
            [
                "experiment",
                str(spec),
                "--out",
                str(tmp_path / "local"),
                "--jobs",
                "2",
                "--quiet",
                "--no-plots",
            ]
        )
        == 0
    )
    (s1, d1), (s2, d2) = stored(tmp_path / "dask"), stored(tmp_path / "local")
    pd.testing.assert_frame_equal(s1, s2)
    pd.testing.assert_frame_equal(d1, d2)


def test_sobol_design_gives_indices_and_plot_redraws_from_store(tmp_path):
    spec = write_spec(
        tmp_path,
        """
name: sobol_test
replications: 1
design:
  kind: sobol
  samples: 8
  parameters:
    west.sanctions_credibility: {range: [0.0, 1.0]}
    host.forces.police.loyalty: {range: [0.2, 1.0]}
    events.0.value: {range: [0.1, 0.6]}
outcomes: [deployed, peak_unrest]
""",
    )
    assert (
        main(["experiment", str(spec), "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet"]) == 0
    )
    indices = pd.read_csv(tmp_path / "o" / "analysis" / "sobol_indices.csv")
    assert set(indices["parameter"]) == {
        "west.sanctions_credibility",
        "host.forces.police.loyalty",
        "events.0.value",
    }
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    plots = tmp_path / "o" / "plots"
    for f in plots.glob("*.png"):
        f.unlink()
    assert main(["plot", str(tmp_path / "o")]) == 0
    assert {p.name for p in plots.glob("*.png")} == {"sobol_indices.png", "tornado.png"}


def test_variants_compare_plots(tmp_path):
    spec = write_spec(
        tmp_path,
        "name: v\nreplications: 3\nvariants:\n  base: {}\n"
        f"  no request: {{config: {CONFIGS / 'kazakhstan_2022' / 'no_request.yaml'}}}\n"
        "cross:\n  russia.rule: [all_five, weighted]\n",
    )
    assert (
        main(["experiment", str(spec), "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet"]) == 0
    )
    table = pd.read_csv(tmp_path / "o" / "analysis" / "outcomes.csv", index_col=0)
    assert list(table.index) == [
        "base | rule=all_five",
        "base | rule=weighted",
        "no request | rule=all_five",
        "no request | rule=weighted",
    ]
    assert (tmp_path / "o" / "plots" / "compare.png").is_file()


def test_many_variants_wrap_into_blocks_that_share_each_series_scale():
    # the comparison figure puts at most six variants side by side (belarus_marches has 16)
    import matplotlib.pyplot as plt

    from sim.chart import wrapped_columns

    fig, columns = wrapped_columns(16, 3, 6)
    assert len(columns) == 16 and all(len(c) == 3 for c in columns)
    assert fig.axes[0].get_gridspec().get_geometry() == (9, 6)  # three blocks of three rows
    assert sum(not ax.get_visible() for ax in fig.axes) == 2 * 3  # the last block's two spare
    columns[15][1].plot([0, 1], [0, 7])  # one series' scale is every block's ...
    assert columns[0][1].get_ylim() == columns[15][1].get_ylim()
    assert columns[0][0].get_ylim() != columns[0][1].get_ylim()  # ... and no other series'
    # x labels under each column's last panel only; y labels in the first column only
    assert [c[-1].xaxis.get_tick_params()["labelbottom"] for c in columns[-6:]] == [True] * 6
    assert not columns[0][-1].xaxis.get_tick_params()["labelbottom"]
    assert columns[6][0].yaxis.get_tick_params()["labelleft"]
    assert not columns[7][0].yaxis.get_tick_params()["labelleft"]
    plt.close(fig)
    fig, columns = wrapped_columns(4, 2, 6)  # a few variants: one row of blocks, as before
    assert fig.axes[0].get_gridspec().get_geometry() == (2, 4) and len(columns) == 4
    plt.close(fig)


def test_each_variant_is_held_against_its_own_history(tmp_path):
    # variants that run different scenarios each carry their own record: the history table compares
    # each with its own facts, and the shared day axis shows dates only where all share a day 0
    from sim.experiments.analysis import point_histories, shared_calendar
    from sim.store import ResultStore

    spec = write_spec(
        tmp_path,
        "name: h\nreplications: 2\nvariants:\n  kazakhstan: {}\n"
        f"  belarus: {{config: {CONFIGS / 'belarus_2020.yaml'}}}\n"
        f"  epstein: {{config: {CONFIGS / 'epstein_2002.yaml'}}}\n",
    )
    out = tmp_path / "o"
    assert main(["experiment", str(spec), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    summary = pd.read_parquet(out / "summary")
    histories = point_histories(ResultStore(out), summary)
    assert histories["epstein"] is None
    assert str(histories["kazakhstan"].start_date) == "2022-01-02"
    assert str(histories["belarus"].start_date) == "2020-08-09"
    assert shared_calendar(histories) is None
    assert shared_calendar({"a": histories["belarus"], "b": histories["belarus"]}) is not None
    table = pd.read_csv(out / "analysis" / "history.csv")
    requests = table[table["what"] == "request"].set_index("variant")["history"]
    assert requests.to_dict() == {"kazakhstan": 3, "belarus": 6}


@pytest.mark.parametrize(
    "body,expected",
    [
        (
            "name: x\nvariants: {a: {}}\ndesign: {kind: grid, parameters: {host.legitimacy: "
            "{values: [0.5]}}}\n",
            "not both",
        ),
        ("name: x\nreplicatons: 3\nvariants: {a: {}}\n", "Did you mean 'replications'"),
        (
            "name: x\ndesign: {kind: sobel, parameters: {host.legitimacy: {range: [0, 1]}}}\n",
            "Did you mean 'sobol'",
        ),
        (
            "name: x\ndesign: {kind: lhs, parameters: {host.legitimacy: {values: [0.5]}}}\n",
            "needs `range`",
        ),
    ],
)
def test_spec_errors_are_clear(tmp_path, body, expected):
    with pytest.raises(ConfigError, match=expected):
        load_spec(write_spec(tmp_path, body))


def test_design_key_typo_names_the_point(tmp_path):
    spec = write_spec(
        tmp_path, "name: x\ndesign: {kind: grid, parameters: {host.legitimcy: {values: [0.5]}}}\n"
    )
    with pytest.raises(ConfigError, match="Did you mean 'legitimacy'"):
        ex.execute(spec, tmp_path / "o", jobs=1, progress=False)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "experiments").glob("*.yaml")), ids=lambda p: p.stem
)
def test_shipped_experiments_validate(path):
    from sim.experiments.design import build_points

    spec = load_spec(path)
    assert build_points(spec, path)


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    import dask

    spec = write_spec(tmp_path, "name: x\nreplications: 1\nvariants: {a: {}}\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = main(
            [
                "experiment",
                str(spec),
                "--out",
                str(tmp_path / "o"),
                "--scheduler",
                f"tcp://127.0.0.1:{_free_port()}",
                "--quiet",
            ]
        )
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach a Dask scheduler" in err and "Traceback" not in err
