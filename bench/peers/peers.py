"""What users would pick instead of ahnb, on the same workload: conversions and timed tasks.

Called by bench/peers/run.sh inside a virtual environment with the peers installed:

    python peers.py convert LOGS OUT          write OUT/tb (tensorboardX event files),
                                              OUT/dvc (a DVC project of DVCLive folders)
    python peers.py tb-accumulator OUT/tb     TensorBoard's EventAccumulator over every run
    python peers.py tbparse OUT/tb            tbparse.SummaryReader(...).scalars
    python peers.py convert-tb LOGS TB        the workload as tensorboardX event files, one folder
                                              per run under its project (TB/<project>/<run>/),
                                              params as the hparams plugin (for bench/tensorboard.sh)
    python peers.py rustboard TB              TensorBoard's Rust data server (tensorboard-data-server)
                                              loading TB once; prints the seconds from its start
                                              to the end of its first load cycle
    python peers.py dvclive-report OUT/dvc    DVCLive's HTML report of every run
    python peers.py pandas LOGS SITE          pandas + matplotlib: a summary table and PNG charts

Conversions are not timed. Every timed task prints one line saying what it produced, so that the
comparison in docs/BENCHMARKS.md can say what each peer does and does not do.
"""

import json
import math
import os
import sys
import time
from pathlib import Path

PNG_DPI = 100


def read_run(path):
    """One ahnb log: header dict, {metric: ([steps], [values])}, end dict. Python's json reads the
    bare NaN that the workload (like Python's json.dumps) writes; a cut last line is skipped."""
    header, end, series = {}, {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            kind = record.get("type")
            if kind == "header":
                header = record
            elif kind == "end":
                end = record
            elif kind == "metrics":
                step = record["step"]
                for name, value in record["metrics"].items():
                    steps, values = series.setdefault(name, ([], []))
                    steps.append(step)
                    values.append(value)
    return header, series, end


def log_files(logs):
    return sorted(Path(logs).rglob("*.jsonl"))


def convert(logs, out):
    from tensorboardX import SummaryWriter

    out = Path(out)
    tb, dvc = out / "tb", out / "dvc"
    dvc.mkdir(parents=True, exist_ok=True)
    started = time.time()
    names = []
    for path in log_files(logs):
        header, series, _ = read_run(path)
        name = header.get("run", path.stem)
        names.append(name)
        writer = SummaryWriter(logdir=str(tb / name))
        for metric, (steps, values) in series.items():
            for step, value in zip(steps, values):
                writer.add_scalar(metric, value, step)
        writer.close()

        # What DVCLive's Live.log_metric/next_step leave on disk, written directly (Live itself
        # rewrites its files at every step and took 5 minutes a run): one TSV per metric under
        # plots/metrics/, the last values in metrics.json, the params in params.yaml.
        run_dir = dvc / "runs" / name
        (run_dir / "plots" / "metrics").mkdir(parents=True, exist_ok=True)
        last = {}
        for metric, (steps, values) in series.items():
            rows = [f"step\t{metric}"] + [f"{s}\t{v!r}" for s, v in zip(steps, values) if v is not None]
            (run_dir / "plots" / "metrics" / f"{metric}.tsv").write_text("\n".join(rows) + "\n")
            last[metric] = values[-1]
        last["step"] = max((s[-1] for s, _ in series.values() if s), default=0)
        (run_dir / "metrics.json").write_text(json.dumps(last, indent=4))
        params = {k: v for k, v in header.get("params", {}).items() if not isinstance(v, dict)}
        (run_dir / "params.yaml").write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in params.items()))
    # One DVC plot per metric overlaying every run, like ahnb's project charts.
    metrics = sorted({p.stem for p in (dvc / "runs").glob("*/plots/metrics/*.tsv")})
    lines = ["plots:"]
    for metric in metrics:
        lines.append(f"  - {metric}:")
        lines.append("      x: step")
        lines.append("      y:")
        for name in names:
            lines.append(f"        runs/{name}/plots/metrics/{metric}.tsv: {metric}")
    (dvc / "dvc.yaml").write_text("\n".join(lines) + "\n")
    print(f"converted {len(names)} runs in {time.time() - started:.1f} s to {tb} and {dvc}")


def convert_tb_run(job):
    from tensorboardX import SummaryWriter
    from tensorboardX.summary import hparams

    path, target = job
    header, series, _ = read_run(path)
    writer = SummaryWriter(logdir=str(target), flush_secs=3600)
    params = {k: v for k, v in header.get("params", {}).items() if isinstance(v, (int, float, str, bool))}
    if params:
        exp, ssi, _ = hparams(params, {})
        writer._get_file_writer().add_summary(exp)
        writer._get_file_writer().add_summary(ssi)
    for metric, (steps, values) in series.items():
        for step, value in zip(steps, values):
            if value is not None:
                writer.add_scalar(metric, value, step)
    writer.close()
    return sum(len(s) for s, _ in series.values())


def convert_tb(logs, tb):
    from multiprocessing import Pool

    started = time.time()
    jobs = []
    for path in log_files(logs):
        header, _, _ = read_run(path)
        jobs.append((path, Path(tb) / path.parent.name / header.get("run", path.stem)))
    with Pool() as pool:
        points = sum(pool.map(convert_tb_run, jobs))
    print(f"converted {len(jobs)} runs ({points} points) in {time.time() - started:.1f} s to {tb}")


def rustboard(tb):
    import subprocess

    import tensorboard_data_server

    started = time.perf_counter()
    # --reload once: one load cycle, which -v reports as "Finished load cycle (<its own time>)";
    # the server then keeps serving, so it is stopped as soon as that line is seen.
    server = subprocess.Popen(
        [tensorboard_data_server.server_binary(), "--logdir", str(tb), "--reload", "once",
         "--port", "0", "-v"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    own = None
    for line in server.stderr:
        if "Finished load cycle" in line:
            own = line.rsplit("(", 1)[-1].rstrip(")\n")
            break
    elapsed = time.perf_counter() - started
    server.kill()
    server.wait()
    if own is None:
        sys.exit("rustboard exited before finishing its load cycle")
    print(f"rustboard: loaded in {elapsed:.3f} s from start ({own} by its own count); no output written")


def tb_accumulator(tb):
    from tensorboard.backend.event_processing import event_accumulator

    scalars = 0
    runs = sorted(p for p in Path(tb).iterdir() if p.is_dir())
    for run in runs:
        # size_guidance 0 keeps every scalar (TensorBoard's default samples 1,000 per tag).
        acc = event_accumulator.EventAccumulator(str(run), size_guidance={"scalars": 0})
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            scalars += len(acc.Scalars(tag))
    print(f"EventAccumulator: {len(runs)} runs, {scalars} scalars in memory; no output written")


def tbparse(tb):
    from tbparse import SummaryReader

    frame = SummaryReader(str(tb), extra_columns={"dir_name"}).scalars
    print(f"tbparse: a DataFrame of {len(frame)} rows x {len(frame.columns)} columns; no output written")


def dvclive_report(dvc):
    from dvclive import Live

    runs = sorted(p for p in (Path(dvc) / "runs").iterdir() if p.is_dir())
    for run in runs:
        # resume=True reopens the run as it was left; make_report() renders its report.html
        # (one Vega-Lite plot per metric, the metrics and the params).
        with Live(dir=str(run), resume=True, report="html", save_dvc_exp=False, dvcyaml=None) as live:
            live.make_report()
    total = sum((r / "report.html").stat().st_size for r in runs)
    print(f"DVCLive: {len(runs)} report.html files, {total / 1e6:.1f} MB")


def pandas_report(logs, site):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    site = Path(site)
    (site / "runs").mkdir(parents=True, exist_ok=True)
    rows, frames = [], {}
    for path in log_files(logs):
        header, series, end = read_run(path)
        name = header.get("run", path.stem)
        frame = pd.DataFrame(
            {m: pd.Series(v, index=s, dtype="float64") for m, (s, v) in series.items()}
        ).sort_index()
        frames[name] = frame
        row = {"run": name, "status": end.get("status", "incomplete"), "steps": len(frame)}
        row.update({f"param.{k}": v for k, v in header.get("params", {}).items() if not isinstance(v, dict)})
        for metric in frame.columns:
            column = frame[metric].replace([math.inf, -math.inf], math.nan)
            row[f"{metric}.last"] = column.dropna().iloc[-1] if column.notna().any() else math.nan
            row[f"{metric}.min"] = column.min()
            row[f"{metric}.max"] = column.max()
        rows.append(row)
    table = pd.DataFrame(rows)
    metrics = sorted({m for f in frames.values() for m in f.columns})
    images = []
    for metric in metrics:  # project charts: every run on one chart per metric
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for frame in frames.values():
            if metric in frame:
                ax.plot(frame.index, frame[metric], linewidth=0.8)
        ax.set_title(metric)
        ax.set_xlabel("step")
        fig.savefig(site / f"{metric}.png", dpi=PNG_DPI)
        plt.close(fig)
        images.append(f"{metric}.png")
    for name, frame in frames.items():  # a page per run: one figure with a panel per metric
        columns = list(frame.columns)
        fig, axes = plt.subplots(math.ceil(len(columns) / 3), 3, figsize=(12, 6), squeeze=False)
        for ax, metric in zip(axes.flat, columns):
            ax.plot(frame.index, frame[metric], linewidth=0.8)
            ax.set_title(metric)
        fig.tight_layout()
        fig.savefig(site / "runs" / f"{name}.png", dpi=PNG_DPI)
        plt.close(fig)
        (site / "runs" / f"{name}.html").write_text(
            f"<h1>{name}</h1><img src='{name}.png'>" + frame.describe().to_html()
        )
    body = "".join(f"<img src='{i}'>" for i in images) + table.to_html(index=False)
    (site / "index.html").write_text(f"<!doctype html><title>runs</title>{body}")
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(
        f"pandas+matplotlib: {len(frames)} runs, {len(images)} project charts, {len(frames)} run pages, "
        f"{total / 1e6:.1f} MB"
    )


def main():
    command, *args = sys.argv[1:]
    tasks = {
        "convert": convert,
        "tb-accumulator": tb_accumulator,
        "tbparse": tbparse,
        "convert-tb": convert_tb,
        "rustboard": rustboard,
        "dvclive-report": dvclive_report,
        "pandas": pandas_report,
    }
    if command not in tasks:
        sys.exit(f"unknown command {command!r}; one of {', '.join(tasks)}")
    tasks[command](*args)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
