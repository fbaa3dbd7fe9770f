"""How echolab's plotting scripts read their command line and save figures.

Every script is run as  SCRIPT RUN_DIR [ARGUMENTS...] [--format png|svg|pdf]
and writes its figures into RUN_DIR in that format (default png). PNGs are
drawn at 200 dpi; SVG and PDF files carry no date, so that the same data gives
the same file. Beside a PDF a PNG preview is written, which the HTML report
embeds (a browser shows no PDF inside a page).
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FORMATS = ("png", "svg", "pdf")
PNG_DPI = 200

# Reproducible vector files: fixed element ids, no creation date; text in
# SVGs kept as text (searchable, editable) rather than drawn as paths.
matplotlib.rcParams["svg.hashsalt"] = "echolab"
matplotlib.rcParams["svg.fonttype"] = "none"
_NO_DATE = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}


def argument_parser(doc):
    """An argparse parser with RUN_DIR and --format; the script adds the rest."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", help="the output folder to draw")
    parser.add_argument("--format", choices=FORMATS, default="png",
                        help="file format of the figures (default png, 200 dpi)")
    return parser


def save(fig, run_dir, stem, file_format):
    """Writes RUN_DIR/STEM.FORMAT (and STEM.png beside a PDF), closes the
    figure and returns the path."""
    path = os.path.join(run_dir, f"{stem}.{file_format}")
    fig.savefig(path, dpi=PNG_DPI, metadata=_NO_DATE[file_format])
    if file_format == "pdf":
        fig.savefig(os.path.join(run_dir, f"{stem}.png"), dpi=PNG_DPI)
    plt.close(fig)
    return path


def embeddable_image(run_dir, stem, file_format):
    """The file of figure STEM that a web page can show: the SVG of an SVG
    run, else the PNG (a PDF run's preview)."""
    extension = "svg" if file_format == "svg" else "png"
    return os.path.join(run_dir, f"{stem}.{extension}")


def numeric_order(value):
    """Sort key that orders numbers by value and text after them (legends)."""
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def sample_style(samples, few=200):
    """Line style of a sampled trajectory: markers on every sample when there
    are at most `few` of them, so that the sampling rate is visible."""
    return {"marker": "o", "ms": 2.5} if samples <= few else {}
