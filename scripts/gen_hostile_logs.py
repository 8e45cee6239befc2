#!/usr/bin/env python3
"""Writes the hostile log folders that tests/hostile.rs and tests/browser/hostile.test.mjs build.

    python3 scripts/gen_hostile_logs.py [OUT] [--set all|stress|payloads]

OUT (default tests/fixtures/hostile, git-ignored) receives:

    OUT/logs/      the LOGS folder: one project folder per family of cases, beside a project of
                   healthy runs (`good/`) that must come through every build intact
    OUT/outside/   files beside LOGS that a log or a link tries to reach; they must never be read

`stress` holds the cases about bytes, sizes, numbers, names, files and links; `payloads` the
script payloads for the browser test (names, parameters, notes, media, file names that would set
`window.__pwned` or open a dialog if any of them ran). `all` (the default) writes both. `cost`
(not in `all`, 130 MB) the wide projects and big texts whose build time and memory are measured.

Everything is generated, never committed: the 50 MB line alone would bloat the repository. The
output is the same on every run (no randomness, no clock), so failures reproduce. The cases are
described, with what ahnb must do with each, in docs/robustness.md.
"""

import argparse
import gzip
import json
import os
import shutil
import stat
import sys

# The script every payload tries to run. A dialog (alert) is caught by the browser test too.
PWN = "window.__pwned=1"


def line(record):
    return json.dumps(record, ensure_ascii=False, allow_nan=True) + "\n"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    kwargs = {} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(path, mode, **kwargs) as f:
        f.write(data)


def healthy_run(project, run, steps=5, seed=1):
    """A complete run: header, `steps` metrics records, end."""
    out = [line({"type": "header", "project": project, "run": run, "params": {"lr": 0.01, "seed": seed}, "seed": seed})]
    for step in range(1, steps + 1):
        out.append(line({"type": "metrics", "step": step, "metrics": {"loss": round(1.0 / step, 6), "val_accuracy": round(0.5 + step / 100, 6)}}))
    out.append(line({"type": "end", "status": "finished"}))
    return "".join(out)


def good(logs):
    """Healthy runs: every build of the hostile folder must show them exactly."""
    for i in (1, 2, 3):
        write(f"{logs}/good/good-{i}.jsonl", healthy_run("good", f"good-{i}", steps=5, seed=i))


def bytes_cases(logs):
    """Invalid UTF-8, NUL bytes, an over-long line, deep nesting."""
    ok1 = line({"type": "metrics", "step": 1, "metrics": {"loss": 1.0}}).encode()
    ok2 = line({"type": "metrics", "step": 2, "metrics": {"loss": 0.5}}).encode()
    end = line({"type": "end", "status": "finished"}).encode()
    write(f"{logs}/bytes/invalid-utf8.jsonl",
          ok1 + b'{"type":"metrics","step":5,"metrics":{"lo\xff\xfess":0.1}}\n' + ok2 + end)
    # A raw NUL outside a string, a raw NUL inside a string (JSON forbids both), and an escaped
    # NUL inside a name (valid JSON: kept as text).
    write(f"{logs}/bytes/nul-bytes.jsonl",
          ok1 + b'{"type":"metrics",\x00"step":3}\n'
          + b'{"type":"note","text":"a\x00b"}\n'
          + b'{"type":"metrics","step":4,"metrics":{"nul\\u0000name":4.0}}\n' + ok2 + end)
    # A 50 MB line between good ones: longer than the 16 MiB limit, skipped without being stored.
    with open(f"{logs}/bytes/long-line.jsonl", "wb") as f:
        f.write(ok1)
        f.write(b'{"type":"note","step":1,"text":"')
        chunk = b"x" * (1 << 20)
        for _ in range(50):
            f.write(chunk)
        f.write(b'"}\n')
        f.write(ok2 + end)
    # JSON nested 100,000 deep, as an array and as objects; and 100 deep (accepted).
    deep = 100_000
    write(f"{logs}/bytes/deep.jsonl",
          ok1
          + b'{"type":"metrics","step":3,"metrics":{"x":' + b"[" * deep + b"]" * deep + b"}}\n"
          + b'{"type":"header","params":' + b'{"a":' * deep + b"1" + b"}" * deep + b"}\n"
          + b'{"type":"metrics","step":4,"junk":' + b"[" * 100 + b"]" * 100 + b',"metrics":{"loss":0.75}}\n'
          + b'{"unclosed":' + b"[" * deep + b"\n"
          + ok2 + end)


def many_metrics(logs):
    """One run logging 100,000 distinct metric names (1,000 per line)."""
    out = [line({"type": "header", "run": "many-metrics"})]
    for block in range(100):
        metrics = {f"m{block:03d}_{i:03d}": float(i) for i in range(1000)}
        out.append(line({"type": "metrics", "step": block, "metrics": metrics}))
    out.append(line({"type": "end", "status": "finished"}))
    write(f"{logs}/metrics/many-metrics.jsonl", "".join(out))


def numbers(logs):
    """Numbers at and past the edges of f64 and i64, and steps far apart."""
    rows = [
        '{"type":"header","run":"numbers"}',
        '{"type":"metrics","step":1,"metrics":{"overflow":1e400,"underflow":1e-400,"neg_zero":-0,"big_int":18446744073709551616,"neg_overflow":-1e400}}',
        '{"type":"metrics","step":2,"metrics":{"overflow":1.5,"long_int":123456789012345678901234567890,"neg_zero":-0.0}}',
        '{"type":"metrics","step":3,"metrics":{"overflow":1E+400,"neg_zero":0}}',
        '{"type":"metrics","step":1e400,"metrics":{"overflow":2.5}}',
        '{"type":"end","status":"finished","metrics":{"final":1e400}}',
    ]
    write(f"{logs}/numbers/numbers.jsonl", "\n".join(rows) + "\n")
    rows = [
        '{"type":"header","run":"steps"}',
        '{"type":"metrics","step":-9223372036854775808,"metrics":{"loss":3.0}}',
        '{"type":"metrics","step":-5,"metrics":{"loss":2.0}}',
        '{"type":"metrics","step":0,"metrics":{"loss":1.0}}',
        '{"type":"metrics","step":9223372036854775807,"metrics":{"loss":0.5}}',
        '{"type":"metrics","step":18446744073709551616,"metrics":{"loss":0.25}}',
        '{"type":"metrics","step":1.5,"metrics":{"loss":0.125}}',
        '{"type":"metrics","metrics":{"loss":0.0625}}',
        '{"type":"media","step":9223372036854775807,"name":"t","kind":"text","content":"far"}',
        '{"type":"note","step":-9223372036854775808,"text":"far back"}',
    ]
    write(f"{logs}/numbers/steps.jsonl", "\n".join(rows) + "\n")
    # Times at the edges: far past, far future, not finite, nonsense.
    rows = [
        '{"type":"header","run":"times","start":-1e300}',
        '{"type":"metrics","step":1,"time":1e300,"metrics":{"loss":1.0}}',
        '{"type":"metrics","step":2,"time":"9999-12-31T23:59:59Z","metrics":{"loss":0.5}}',
        '{"type":"metrics","step":3,"time":"not a time","metrics":{"loss":0.25}}',
        '{"type":"metrics","step":4,"time":1e400,"metrics":{"loss":0.125}}',
        '{"type":"end","status":"finished","time":-62135596800}',
    ]
    write(f"{logs}/numbers/times.jsonl", "\n".join(rows) + "\n")


def types(logs):
    """Values of the wrong JSON type where numbers, strings or objects belong."""
    rows = [
        '{"type":"header","run":{"a":1},"project":["x"],"params":"lr=0.1","tags":5,"seed":"one","model":[1,2],"env":7,"notes":{"x":1}}',
        '{"type":"metrics","step":1,"metrics":{"str":"abc","arr":[1,2],"obj":{"a":1},"bool":true,"ok":1.0}}',
        '{"type":"metrics","step":"two","metrics":{"ok":2.0}}',
        '{"type":"metrics","step":3,"metrics":[1,2,3]}',
        '{"type":"metrics","step":4,"metrics":"loss"}',
        '{"type":7}',
        '[1,2,3]',
        '"just a string"',
        'null',
        '{"type":"media","step":5,"name":["x"],"kind":{"a":1},"path":3}',
        '{"type":"note","step":6,"text":["not","text"]}',
        '{"type":"end","status":42,"error":{"e":1}}',
    ]
    write(f"{logs}/types/types.jsonl", "\n".join(rows) + "\n")


def shapes(logs):
    """Files with little or nothing in them, and files with no header."""
    write(f"{logs}/shapes/empty.jsonl", "")
    write(f"{logs}/shapes/blank.jsonl", "\n \n\t\r\n\n")
    write(f"{logs}/shapes/header-only.jsonl", line({"type": "header", "run": "header-only", "params": {"lr": 0.1}}))
    write(f"{logs}/shapes/headerless.jsonl",
          "".join(line({"epoch": e, "loss": 1.0 / (e + 1)}) for e in range(5)))
    write(f"{logs}/shapes/end-only.jsonl", line({"type": "end", "status": "failed", "error": "boom"}))
    write(f"{logs}/shapes/cut.jsonl", healthy_run("shapes", "cut", steps=3)[:-12])


def names(logs):
    """Run and project names that are paths, markup, direction marks, emoji, long or case twins."""
    run_names = [
        "../../../../etc/passwd",
        "/absolute/run",
        "back\\slash\\..\\..\\run",
        "<script>alert(1)</script>",
        "\u202eevil\u202c.exe",
        "emoji 🔥🚀 run",
        "L" * 300,
        "L" * 299 + "M",
        "CaseTwin",
        "casetwin",
        "index",
        "assets",
        ".hidden",
        "..",
        "",
        "   ",
    ]
    for i, name in enumerate(run_names):
        write(f"{logs}/names/run-{i:02d}.jsonl", healthy_run("names", name, steps=2))
    # Projects named by headers: path-like, case twins, reserved words.
    # Issue 12, class 7: ahnb's own top-level names with their extension, Windows device names.
    for i, project in enumerate(["../escape", "/etc", "Case", "case", "CASE", "assets", "index", "404",
                                 "index.html", "404.html", "CON", "nul.txt", "COM1.log", "LPT9"]):
        write(f"{logs}/projects/p-{i:02d}.jsonl", healthy_run(project, f"run-{i}", steps=2))
    # Issue 12, class 7: names that differ only by invisible or bidi characters (a zero-width
    # space, a right-to-left override, a byte-order mark) look the same: each gets a warning.
    for i, run in enumerate(["twin", "tw\u200bin", "\u202etwin\u202c"]):
        write(f"{logs}/lookalike/run-{i}.jsonl", healthy_run("lookalike", run, steps=2))
    write(f"{logs}/lookalike/other.jsonl", healthy_run("look\ufeffalike", "other", steps=2))
    # The same run name in two files of one project: both runs are kept.
    write(f"{logs}/dup/first.jsonl", healthy_run("dup", "same", steps=2, seed=1))
    write(f"{logs}/dup/second.jsonl", healthy_run("dup", "same", steps=3, seed=2))


def file_names(logs):
    """File names with spaces, line breaks, a tab, non-UTF-8 bytes, a leading dash."""
    body = "".join(line({"type": "metrics", "step": s, "metrics": {"loss": 1.0 / s}}) for s in (1, 2))
    for name in ["with space.jsonl", "new\nline.jsonl", "tab\there.jsonl", "-dash.jsonl", "ünïcødé.jsonl"]:
        write(f"{logs}/files/{name}", body)
    raw = os.fsencode(f"{logs}/files/") + b"latin1-\xe9.jsonl"
    with open(raw, "wb") as f:
        f.write(body.encode())


def links(logs, outside):
    """A symbolic-link loop, links out of LOGS, a dangling link, an unreadable file, a FIFO."""
    write(f"{outside}/secret.jsonl", line({"type": "header", "run": "SECRET-RUN", "params": {"token": "SECRET-TOKEN"}}))
    write(f"{outside}/secret.txt", "SECRET-TOKEN\n")
    write(f"{logs}/links/real.jsonl", healthy_run("links", "real", steps=2))
    os.symlink(".", f"{logs}/links/loop")
    os.symlink("../links", f"{logs}/links/up-loop")
    os.symlink("../../outside/secret.jsonl", f"{logs}/links/outside.jsonl")
    os.symlink("../../outside", f"{logs}/links/outside-dir")
    os.symlink("missing.jsonl", f"{logs}/links/dangling.jsonl")
    os.symlink("real.jsonl", f"{logs}/links/alias.jsonl")
    write(f"{logs}/links/locked.jsonl", healthy_run("links", "locked", steps=2))
    os.chmod(f"{logs}/links/locked.jsonl", 0)
    os.mkfifo(f"{logs}/links/fifo.jsonl")


def gzip_cases(logs):
    """A corrupt .gz, a truncated .gz, a .gz that is plain text, and a good one."""
    good_run = healthy_run("gz", "gz-good", steps=4).encode()
    write(f"{logs}/gz/good.jsonl.gz", gzip.compress(good_run, mtime=0))
    packed = gzip.compress(healthy_run("gz", "gz-truncated", steps=2000).encode(), mtime=0)
    write(f"{logs}/gz/truncated.jsonl.gz", packed[: len(packed) // 2])
    corrupt = bytearray(gzip.compress(healthy_run("gz", "gz-corrupt", steps=50).encode(), mtime=0))
    for i in range(20, min(len(corrupt) - 8, 400), 7):
        corrupt[i] ^= 0x5A
    write(f"{logs}/gz/corrupt.jsonl.gz", bytes(corrupt))
    write(f"{logs}/gz/not-gzip.jsonl.gz", good_run)
    write(f"{logs}/gz/empty.jsonl.gz", b"")


def media(logs, outside):
    """Media paths that try to leave the log's folder, and special files where media should be."""
    folder = f"{logs}/media"
    write(f"{folder}/ok.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>')
    write(f"{outside}/secret.png", "SECRET-TOKEN")
    os.symlink("../../outside/secret.png", f"{folder}/link-out.png")
    os.symlink("../../outside/secret.txt", f"{folder}/link-out.txt")
    os.mkfifo(f"{folder}/fifo.png")
    os.makedirs(f"{folder}/a-folder.png")
    records = [
        {"type": "header", "run": "media-paths"},
        {"type": "metrics", "step": 1, "metrics": {"loss": 1.0}},
    ]
    for i, path in enumerate(["../../outside/secret.png", "/etc/passwd", "C:\\Windows\\win.ini", "media/../../x.png",
                              "..", "", "\\\\server\\share\\x.png", "link-out.png", "fifo.png", "a-folder.png", "missing.png"]):
        records.append({"type": "media", "step": 1, "name": f"m{i}", "kind": "image", "path": path})
    records.append({"type": "media", "step": 1, "name": "text-out", "kind": "text", "path": "link-out.txt"})
    records.append({"type": "media", "step": 1, "name": "ok", "kind": "svg", "path": "ok.svg"})
    records.append({"type": "end", "status": "finished"})
    write(f"{folder}/media-paths.jsonl", "".join(line(r) for r in records))


def boundary(logs, outside):
    """Issue 12, classes 2 and 3: LOGS is the read boundary for every file, and a file reachable by
    several paths is read once. A README that is a link to the build's environment, a config that
    is a FIFO, a `.json` FIFO (sniffed for its format), a hard link, a link to a folder read anyway,
    and a chain of folder links that would turn one log into 131,071 paths."""
    folder = f"{logs}/boundary"
    write(f"{folder}/run.jsonl", healthy_run("boundary", "once", steps=3))
    os.link(f"{folder}/run.jsonl", f"{folder}/hard.jsonl")
    # The build's environment (tests set AHNB_CANARY=SECRET-ENV) must never reach a page.
    os.symlink("/proc/self/environ", f"{folder}/README.md")
    os.mkfifo(f"{folder}/ahnb.toml")
    os.mkfifo(f"{folder}/fifo.json")
    write(f"{logs}/boundary-linked/real.jsonl", healthy_run("boundary-linked", "linked-once", steps=2))
    os.symlink("../boundary-linked", f"{folder}/linked")
    # d00/a and d00/b lead to d01, whose a and b lead to d02, ...: 2^17 - 1 paths to d17's log.
    chain = f"{logs}/chain"
    depth = 17
    write(f"{chain}/d{depth:02d}/leaf.jsonl", healthy_run("chain", "leaf", steps=2))
    for i in range(depth):
        os.makedirs(f"{chain}/d{i:02d}", exist_ok=True)
        for branch in ("a", "b"):
            os.symlink(f"../d{i + 1:02d}", f"{chain}/d{i:02d}/{branch}")
    # A project folder whose README is a link out of LOGS, and one whose README is a FIFO.
    write(f"{logs}/readme-out/run.jsonl", healthy_run("readme-out", "r", steps=2))
    os.symlink("../../outside/secret.txt", f"{logs}/readme-out/README.md")
    write(f"{logs}/readme-fifo/run.jsonl", healthy_run("readme-fifo", "r", steps=2))
    os.mkfifo(f"{logs}/readme-fifo/README.md")


def resumed(logs):
    """Issue 12, class 5: runs resumed from a checkpoint, whose steps go back. The first attempt
    reaches loss 0.01 after step 5,000 and then crashes; resumed from step 5,000 (a 5,000-step
    rewind, longer than any window) it never gets below 0.5. The later values must win."""
    for rewind in (10, 5000):
        name = f"rewind-{rewind}"
        top = 5000 + rewind
        out = [line({"type": "header", "project": "resumed", "run": name})]
        for step in range(top):
            out.append(line({"type": "metrics", "step": step, "metrics": {"loss": 1.0 if step < 5000 else 0.01}}))
        for step in range(5000, top):
            out.append(line({"type": "metrics", "step": step, "metrics": {"loss": 0.5}}))
        out.append(line({"type": "end", "status": "finished"}))
        write(f"{logs}/resumed/{name}.jsonl", "".join(out))


def messages(logs):
    """Issue 12, class 10: inputs whose warning used to say something else than what is wrong."""
    folder = f"{logs}/messages"
    ok = line({"type": "metrics", "step": 1, "metrics": {"loss": 1.0}})
    ok2 = line({"type": "metrics", "step": 2, "metrics": {"loss": 0.5}})
    write(f"{folder}/surrogate.jsonl", '{"type":"header","run":"surrogate","params":{"x":"\\ud800"}}\n' + ok)
    write(f"{folder}/epoch.jsonl", '{"type":"metrics","step":1,"epoch":1e999,"metrics":{"loss":1}}\n')
    write(f"{folder}/cr-only.jsonl", (ok + ok2).replace("\n", "\r"))
    write(f"{folder}/nan-key.jsonl", '{"type":"metrics","step":1,"metrics":{NaN: 1, "loss": 2}}\n' + ok2)
    write(f"{folder}/bom-mid.jsonl", ok.encode() + b"\xef\xbb\xbf" + ok2.encode())
    write(f"{folder}/dotted.jsonl", '{"type":"header","run":"dotted","params":{"a.b":1,"a":{"b":2}}}\n' + ok)
    write(f"{folder}/README.md", b"# messages \xff\n")


def growing(logs):
    """A log that tests append to while a build reads it."""
    write(f"{logs}/live/growing.jsonl",
          line({"type": "header", "run": "growing"}) + line({"type": "metrics", "step": 0, "metrics": {"loss": 1.0}}))


def payloads(logs):
    """Script payloads in every place a log's text reaches a page. None may run."""
    handler = f'<img src=x onerror="{PWN}">'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PWN}"><script>{PWN}</script><rect width="5" height="5"/></svg>'
    notes = (
        f"# Notes <script>{PWN}</script>\n\n"
        f"[md link](javascript:{PWN}) [data](data:text/html,<script>{PWN}</script>) "
        f'<a href="jAvAsCrIpT:{PWN}">raw link</a> <a href="x" onclick="{PWN}">click</a>\n\n'
        f"{handler}<svg><script>{PWN}</script></svg><iframe srcdoc=\"<script>parent.{PWN}</script>\"></iframe>\n\n"
        f'<math><mtext><table><mglyph><style><img src=x onerror="{PWN}"></style></mglyph></table></mtext></math>\n\n'
        f'<details open ontoggle="{PWN}">x</details><form action="javascript:{PWN}"><button>b</button></form>\n\n'
        f'<object data="javascript:{PWN}"></object><embed src="javascript:{PWN}"><base href="javascript:{PWN}//">\n\n'
        f'<style>@import "javascript:{PWN}";</style><meta http-equiv="refresh" content="0;url=javascript:{PWN}">\n\n'
        f"![img](javascript:{PWN}) <noscript><p title=\"</noscript><img src=x onerror={PWN}>\"></noscript>\n"
    )
    name = f"</script><script>{PWN}</script>{handler}"
    project = f"<svg onload={PWN}>proj\"'&"
    header = {
        "type": "header",
        "project": project,
        "run": name,
        "params": {
            f"<b onmouseover={PWN}>key</b>": f"</script><script>{PWN}</script>",
            "nested": {f"{handler}": {"deep": f"javascript:{PWN}"}},
            "plain": 0.1,
        },
        "model": {"name": name, "layers": [{"name": handler, "type": f"<script>{PWN}</script>", "output_shape": handler, "params": 1}]},
        "env": {"host": handler, "frameworks": {handler: name}, handler: name},
        "tags": [handler, f"javascript:{PWN}"],
        "group": name,
        "seed": 1,
        "notes": notes,
        "primary_metric": f"<script>{PWN}</script>",
    }
    metric = f"</script><script>{PWN}</script>"
    records = [header]
    for step in range(1, 6):
        records.append({"type": "metrics", "step": step, "metrics": {metric: 1.0 / step, f"{handler}acc": step / 10, "loss": 1.0 / step}})
    records.append({"type": "note", "step": 2, "text": notes})
    records.append({"type": "media", "step": 1, "name": name, "kind": "html", "title": name, "description": handler,
                    "content": f"<p onmouseover=\"{PWN}\">hover</p><script>{PWN}</script>{handler}<a href=\"javascript:{PWN}\">a</a>"})
    records.append({"type": "media", "step": 1, "name": "svg-inline", "kind": "svg", "title": handler, "content": svg})
    records.append({"type": "media", "step": 2, "name": "svg-file", "kind": "svg", "path": "evil.svg"})
    records.append({"type": "media", "step": 1, "name": "text", "kind": "text", "content": f"</pre><script>{PWN}</script>{handler}"})
    records.append({"type": "media", "step": 1, "name": "html-file", "kind": "html", "path": "evil.html"})
    # Issue 12, class 1: a "png" whose slug, cut at 64 bytes, once ended in `.html` (a page of the
    # site running its script when opened); referenced twice, it must be copied once (class 3).
    cut_name = "a" * 59 + ".htmlx.png"
    for step in (1, 2):
        records.append({"type": "media", "step": step, "name": "cut-name", "kind": "image", "path": cut_name})
    # The same SVG embedded three times: inlined once per page.
    for step in (3, 4, 5):
        records.append({"type": "media", "step": step, "name": "svg-repeated", "kind": "svg", "content": svg})
    records.append({"type": "end", "status": "failed", "metrics": {metric: 1.0}, "error": f"</pre><script>{PWN}</script>{handler}"})
    body = "".join(line(r) for r in records)
    folder = f"{logs}/xss"
    write(f"{folder}/evil.svg", svg)
    write(f"{folder}/{cut_name}", f"<script>{PWN}</script><img src=x onerror=\"{PWN}\">")
    write(f"{folder}/evil.html", f"<script>{PWN}</script>{handler}<iframe src=\"javascript:{PWN}\"></iframe>")
    write(f"{folder}/README.md", notes)
    write(f"{folder}/ahnb.toml", 'primary_metric = "loss"\n')
    write(f"{folder}/payload.jsonl", body)
    # The payloads as the file name (no header names the run or project).
    bare = "".join(line({"step": s, metric: 1.0 / s}) for s in (1, 2))
    write(f"{folder}/<img src=x onerror={PWN}>.jsonl", bare)
    # A project named only by its folder, with a script in the folder name.
    write(f"{logs}/<svg onload={PWN}>/bare.jsonl", bare)


def cost(logs, runs=20, metrics=10_000, big_mb=60):
    """Issue 12, class 4: cost must grow with the input, not with products of it. `runs` runs that
    each log the same `metrics` distinct metric names and params (once 5.5 GB and 95 s for 11 MB),
    a README of `big_mb` MB, and notes of `big_mb` MB in all (in lines under the 16 MiB limit)."""
    for r in range(runs):
        params = {f"p{i:05d}": (r * 7 + i) % 13 for i in range(metrics // 10)}
        out = [line({"type": "header", "project": "wide", "run": f"wide-{r:02d}", "params": params})]
        values = {f"train/block{i // 100:03d}/layer{i % 100:02d}/grad_norm": round(((r + 1) * (i + 3)) % 97 / 97, 4) for i in range(metrics)}
        out.append(line({"type": "metrics", "step": 1, "metrics": values}))
        out.append(line({"type": "end", "status": "finished"}))
        write(f"{logs}/wide/wide-{r:02d}.jsonl", "".join(out))
    chunk = ("word " * 12 + "*emph* `code` [link](x)\n\n") * 1024
    os.makedirs(f"{logs}/big-text", exist_ok=True)
    with open(f"{logs}/big-text/README.md", "w", encoding="utf-8") as f:
        for _ in range(big_mb * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    note_line_mb = 12
    with open(f"{logs}/big-text/notes.jsonl", "w", encoding="utf-8") as f:
        f.write(line({"type": "header", "run": "big-notes"}))
        text = chunk * (note_line_mb * 1024 * 1024 // len(chunk))
        for step in range(big_mb // note_line_mb):
            f.write(line({"type": "note", "step": step, "text": text}))
        f.write(line({"type": "metrics", "step": 1, "metrics": {"loss": 1.0}}))


def generate(out, which):
    if os.path.exists(out):
        # Links and a FIFO inside: remove without following anything, after restoring permissions.
        for root, dirs, files in os.walk(out):
            for name in files:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        shutil.rmtree(out)
    logs = os.path.join(out, "logs")
    outside = os.path.join(out, "outside")
    os.makedirs(logs)
    os.makedirs(outside)
    good(logs)
    if which in ("all", "stress"):
        bytes_cases(logs)
        many_metrics(logs)
        numbers(logs)
        types(logs)
        shapes(logs)
        names(logs)
        file_names(logs)
        links(logs, outside)
        gzip_cases(logs)
        media(logs, outside)
        boundary(logs, outside)
        resumed(logs)
        messages(logs)
        growing(logs)
    if which in ("all", "payloads"):
        payloads(logs)
    if which == "cost":
        # Not part of `all`: 130 MB, for measuring (docs/robustness.md) and tests/hostile.rs.
        cost(logs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=os.path.join(here, "..", "tests", "fixtures", "hostile"))
    parser.add_argument("--set", choices=["all", "stress", "payloads", "cost"], default="all")
    args = parser.parse_args()
    generate(os.path.abspath(args.out), args.set)
    print(f"wrote {args.set} hostile logs to {os.path.abspath(args.out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
