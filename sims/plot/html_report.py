"""The self-contained HTML report of `echolab validate`.

report.html holds everything it shows: each figure is embedded as a data URI
(base64), so that the file can be mailed or archived alone. It names the
echolab version, the commit it was built from and the date of the run, lists
the checks with their verdicts, then shows each check's figure with its
paragraph, and last the robustness heat maps (robustness/heatmaps).

The text comes from RUN_DIR/summary.json, written by the validation:
  echolab_version, build_git_commit, date_utc
  report: {title, introduction, check_order: [id...]}
  checks: {id: {title, passed, paragraph, ...}}
"""
import base64
import html
import json
import os

import figure_output

MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.45; color: #222; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3em 0.7em; }
.pass { color: #176f2c; font-weight: bold; } .fail { color: #b00020; font-weight: bold; }
.missing { color: #b00020; } .run { color: #555; font-size: 0.9em; }
img { max-width: 100%; border: 1px solid #ddd; } section { margin-top: 2.5em; }
"""
HEATMAP_PARAGRAPH = (
    "The echo's error over every pair of knobs that the robustness study varies, where they "
    "form a full grid: each panel fixes the other knobs at the values named in its title, so "
    "that its cells compare like with like. All panels share one logarithmic colour scale; the "
    "value in a cell is the geometric mean over seeds. Grey cells were not run, red ones "
    "failed.")


def data_uri(path):
    """The file at `path` as a data URI, or None when it is missing."""
    try:
        with open(path, "rb") as stream:
            payload = base64.b64encode(stream.read()).decode("ascii")
    except FileNotFoundError:
        return None
    extension = os.path.splitext(path)[1].lstrip(".")
    return f"data:{MIME_TYPES[extension]};base64,{payload}"


def figure(run_dir, stem, title, file_format):
    uri = data_uri(figure_output.embeddable_image(run_dir, stem, file_format))
    if uri is None:
        return (f'<p class="missing">The figure {html.escape(stem)} was not drawn; '
                f'redraw it with <code>echolab plot {html.escape(run_dir)}</code>.</p>')
    return f'<img src="{uri}" alt="{html.escape(title)}">'


def verdict(passed):
    return ("pass", "passed") if passed else ("fail", "FAILED")


def sections(summary, run_dir, file_format):
    parts = []
    for check_id in summary["report"]["check_order"]:
        check = summary["checks"][check_id]
        css, word = verdict(check["passed"])
        parts.append(
            f'<section id="{html.escape(check_id)}"><h2>{html.escape(check["title"])}</h2>\n'
            f'{figure(run_dir, check_id, check["title"], file_format)}\n'
            f'<p><span class="{css}">{word.capitalize()}.</span> '
            f'{html.escape(check["paragraph"])}</p></section>')
    heatmaps = os.path.join("robustness", "heatmaps")
    if os.path.exists(figure_output.embeddable_image(run_dir, heatmaps, file_format)):
        title = "(i) Robustness heat maps: echo error over two knobs"
        parts.append(f'<section id="heatmaps"><h2>{title}</h2>\n'
                     f'{figure(run_dir, heatmaps, title, file_format)}\n'
                     f'<p>{html.escape(HEATMAP_PARAGRAPH)}</p></section>')
    return parts


def write_report(run_dir, file_format):
    """Writes RUN_DIR/report.html from summary.json and the drawn figures."""
    with open(os.path.join(run_dir, "summary.json")) as stream:
        summary = json.load(stream)
    report = summary["report"]
    rows = []
    for check_id in report["check_order"]:
        check = summary["checks"][check_id]
        css, word = verdict(check["passed"])
        rows.append(f'<tr><td><a href="#{html.escape(check_id)}">{html.escape(check["title"])}'
                    f'</a></td><td class="{css}">{word}</td></tr>')
    title = html.escape(report["title"])
    page = "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<p class="run">echolab {html.escape(summary["echolab_version"])}, commit '
        f'{html.escape(summary["build_git_commit"])}, run on '
        f'{html.escape(summary.get("date_utc", "an unrecorded date"))}</p>',
        f'<p>{html.escape(report["introduction"])}</p>',
        "<table><tr><th>check</th><th>verdict</th></tr>", *rows, "</table>",
        *sections(summary, run_dir, file_format),
        "</body></html>", ""])
    # Written whole or not at all: a temporary file renamed over the report.
    path = os.path.join(run_dir, "report.html")
    with open(path + ".partial", "w", encoding="utf-8") as stream:
        stream.write(page)
    os.replace(path + ".partial", path)
