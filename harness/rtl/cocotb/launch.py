"""Builds the RTL with Icarus Verilog and runs the headsim_bridge cocotb test, with cocotb's Python
runner (cocotb_tools.runner). Started by harness/rtl/cocotb/bridge.ts:

    .venv/bin/python harness/rtl/cocotb/launch.py CONFIG.json

CONFIG (JSON, absolute paths): sources, includes, top, params {NAME: int}, plusargs [str],
buildDir (content-keyed by the caller: reused when it holds sim.vvp), testDir, resultsXml,
socket, xInit ("zero" | "x"), waveFormat ("vcd" | "fst": vvp's dump format for trace.v).

The build goes to a private directory renamed into place, so concurrent launches of the same
configuration never see a half-written sim.vvp. Exit status: 0 when the bridge test passed,
1 when it failed (results.xml says why), 3 when the build failed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

from cocotb_tools.check_results import get_results
from cocotb_tools.runner import Icarus

HERE = Path(__file__).resolve().parent
TRACE_V = HERE / "trace.v"
TRACE_MODULE = "headsim_cocotb_trace"
TIMESCALE = ("1ns", "1ns")  # for modules without `timescale; the clock period is 10 ns


class HeadsimIcarus(Icarus):
    wave_format = "vcd"

    def _test_command(self):
        # Without waves=True the runner passes vvp `-none`, which disables $dumpfile/$dumpvars
        # altogether; replace it so trace.v dumps: VCD is vvp's default, -fst selects FST.
        fmt = ["-fst"] if self.wave_format == "fst" else []
        return [[b for a in cmd for b in (fmt if a == "-none" else [a])] for cmd in super()._test_command()]


def build(runner: HeadsimIcarus, cfg: dict, build_dir: Path) -> None:
    if (build_dir / "sim.vvp").exists():
        print(f"headsim launch: reusing {build_dir / 'sim.vvp'}", flush=True)
        return
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = build_dir.with_name(f".tmp-{build_dir.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        runner.build(
            sources=[*cfg["sources"], str(TRACE_V)],
            includes=cfg.get("includes", []),
            defines={"HEADSIM_TOP": cfg["top"]},
            parameters=cfg.get("params", {}),
            build_args=["-s", TRACE_MODULE],
            hdl_toplevel=cfg["top"],
            build_dir=tmp,
            always=True,
            timescale=TIMESCALE,
        )
        try:
            os.rename(tmp, build_dir)  # atomic: the first finished builder wins
        except OSError:
            if not (build_dir / "sim.vvp").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    cfg = json.loads(Path(sys.argv[1]).read_text())
    build_dir = Path(cfg["buildDir"])
    runner = HeadsimIcarus()
    runner.wave_format = cfg.get("waveFormat", "vcd")
    try:
        build(runner, cfg, build_dir)
    except (RuntimeError, SystemExit, OSError) as e:
        print(f"headsim launch: Icarus build of '{cfg['top']}' failed: {e}", file=sys.stderr, flush=True)
        return 3
    results = Path(cfg["resultsXml"])
    try:
        runner.test(
            test_module="headsim_bridge",
            hdl_toplevel=cfg["top"],
            hdl_toplevel_lang="verilog",  # set explicitly: build() may not have run in this process
            build_dir=build_dir,
            test_dir=cfg["testDir"],
            results_xml=str(results),
            plusargs=list(cfg.get("plusargs", [])),
            extra_env={"HEADSIM_SOCKET": cfg["socket"], "HEADSIM_X_INIT": cfg.get("xInit", "zero")},
            timescale=TIMESCALE,
        )
    except (RuntimeError, SystemExit) as e:
        print(f"headsim launch: simulation failed: {e}", file=sys.stderr, flush=True)
        return 1
    try:
        tests, failed = get_results(results)
    except RuntimeError as e:
        print(f"headsim launch: {e}", file=sys.stderr, flush=True)
        return 1
    if tests == 0 or failed:
        print(f"headsim launch: bridge test failed ({failed} of {tests}), see {results}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
