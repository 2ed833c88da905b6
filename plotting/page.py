"""index.html: every image, and per run its scenario, outcome and headline numbers."""
from html import escape

from .common import fmt_bytes, fmt_ns

STYLE = """body{font-family:sans-serif;margin:1.5em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f0f0f0}td.l,th.l{text-align:left}.ok{color:#070}.bad{color:#b00;font-weight:bold}
figure{margin:1em 0}img{max-width:100%;border:1px solid #ddd}figcaption{font-size:90%;color:#555}
section{border-top:1px solid #aaa;margin-top:1.5em}"""


def _num(v, digits=None):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}" if digits is not None else f"{v:,}"


def _outcome(run):
    s = run.summary
    outcome, expect = s.get("outcome", "?"), s.get("expect", "any")
    good = outcome == "ok" if expect == "any" else outcome == expect
    text = outcome + (f" (expected {expect})" if expect != "any" else "")
    return f'<span class="{"ok" if good else "bad"}">{escape(text)}</span>'


def _figure(img):
    return (f'<figure><a href="{escape(img.base)}.svg">'
            f'<img src="{escape(img.base)}.png" alt="{escape(img.title)}">'
            f'</a><figcaption>{escape(img.title)}: <a href="{escape(img.base)}.png">PNG</a> · '
            f'<a href="{escape(img.base)}.svg">SVG</a></figcaption></figure>')


def _overview(runs):
    head = ["run", "scenario", "outcome", "GPs completed", "GP p50", "GP p99", "reclaimed",
            "peak waiting objects", "peak waiting bytes"]
    rows = []
    for r in runs:
        rows.append("<tr>" + "".join([
            f'<td class="l"><a href="#{escape(r.ident)}">{escape(r.rel)}</a></td>',
            f'<td class="l">{escape(r.name)}</td>', f'<td class="l">{_outcome(r)}</td>',
            f"<td>{_num(r.metric('grace_periods.completed'))}</td>",
            f"<td>{fmt_ns(r.metric('grace_periods.latency_ns.p50'))}</td>",
            f"<td>{fmt_ns(r.metric('grace_periods.latency_ns.p99'))}</td>",
            f"<td>{_num(r.metric('reclaimed_objects'))}</td>",
            f"<td>{_num(r.metric('waiting_for_reclaim.peak_objects'))}</td>",
            f"<td>{fmt_bytes(r.metric('waiting_for_reclaim.peak_bytes'))}</td>"]) + "</tr>")
    return _table(head, rows)


def _table(head, rows):
    th = "".join(('<th class="l">' if i == 0 else "<th>") + f"{escape(h)}</th>" for i, h in enumerate(head))
    return f"<table><tr>{th}</tr>{''.join(rows)}</table>"


def _paths(run):
    head = ["reclaim path", "queued", "reclaimed", "latency p50", "latency p99", "cycles/object",
            "accesses/object"]
    rows = []
    for p, m in run.metric("paths", {}).items():
        lat = m.get("latency_ns", {})
        rows.append(f'<tr><td class="l">{escape(p)}</td><td>{_num(m.get("queued"))}</td>'
                    f'<td>{_num(m.get("reclaimed"))}</td><td>{fmt_ns(lat.get("p50"))}</td>'
                    f'<td>{fmt_ns(lat.get("p99"))}</td><td>{_num(m.get("cycles_per_object"), 1)}</td>'
                    f'<td>{_num(m.get("accesses_per_object"), 2)}</td></tr>')
    return _table(head, rows) if rows else "<p>no object reclaimed</p>"


def _run_section(run, images):
    s = run.summary
    gp = run.metric("grace_periods", {}) or {}
    w = run.metric("waiting_for_reclaim", {}) or {}
    parts = [f'<section id="{escape(run.ident)}"><h3>{escape(run.rel)} — scenario {escape(run.name)}</h3>',
             f"<p>{escape(run.scenario.get('description', '') or '(no description)')}</p>",
             f"<p>outcome {_outcome(run)} · seed {escape(str(s.get('seed', '–')))} · simulated "
             f"{fmt_ns(s.get('simulated_ns'))} · grace periods completed {_num(gp.get('completed'))}, "
             f"latency p50 {fmt_ns(gp.get('latency_ns', {}).get('p50'))}, "
             f"p99 {fmt_ns(gp.get('latency_ns', {}).get('p99'))} · peak waiting for reclaim "
             f"{_num(w.get('peak_objects'))} objects, {fmt_bytes(w.get('peak_bytes'))}</p>",
             _paths(run)]
    for f in s.get("failures", [])[:5]:
        parts.append(f'<p class="bad">{escape(str(f.get("kind")))} at {fmt_ns(f.get("time_ns"))} on CPU '
                     f'{escape(str(f.get("cpu")))}: {escape(str(f.get("message")))}</p>')
    parts += [_figure(i) for i in images]
    return "\n".join(parts) + "</section>"


def write_index(outdir, title, runs, images):
    across = [i for i in images if not i.run]
    body = [f"<h1>{escape(title)}</h1>", f"<p>{len(runs)} runs, {len(images)} figures "
            "(click a figure for its SVG).</p>", "<h2>Runs</h2>", _overview(runs)]
    if across:
        body += ["<h2>Across runs</h2>"] + [_figure(i) for i in across]
    body.append("<h2>Each run</h2>")
    body += [_run_section(r, [i for i in images if i.run == r.ident]) for r in runs]
    html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
    (outdir / "index.html").write_text(html, encoding="utf-8")
