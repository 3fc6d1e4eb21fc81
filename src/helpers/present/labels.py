"""What the pack calls its pages and variants: page file names, variant labels, the running header.

Shared by the HTML pages, the print page and the Word documents, so each says the same; it sits below both
(``present``), so the Word writers never reach up into the build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpers.config import PackConfig

#: The notebook whose page is the pack's front page (``index.html``).
FRONT_PAGE = "08_inspection_readiness"
#: The banner each variant's pages carry ("" for none).
VARIANT_LABELS = {"public": "", "restricted": "Restricted: not for publication",
                  "reviewer": "Reviewer version: not for publication"}
#: What the running header of every PDF page calls each variant.
VARIANT_NAMES = {"public": "Public version", "restricted": "Restricted version", "reviewer": "Reviewer version"}


def page_file(name: str) -> str:
    """The HTML file name of a notebook's page (the front page is ``index.html``)."""
    return "index.html" if name == FRONT_PAGE else f"{name}.html"


def page_files(names: list[str]) -> list[str]:
    """The pack's pages in reading order: ``index.html`` (the front page, or the contents page of a pack built
    without it), the other notebooks' pages in build order, the glossary."""
    return ["index.html"] + [page_file(n) for n in names if n != FRONT_PAGE] + ["glossary.html"]


def la_name(cfg: PackConfig) -> str:
    """The council as the pack names it: its name, else its code, else its DfE number."""
    return cfg.la.name or cfg.la.code or cfg.la.old_code or ""


def period_text(cfg: PackConfig) -> str:
    """The period end as the pack writes it (``30 September 2025``)."""
    return cfg.period_end.strftime("%d %B %Y").lstrip("0")


def running_header(cfg: PackConfig, variant: str) -> dict[str, str]:
    """What the top margin of every PDF page says: council and period (left), variant and publication status
    (right), synthetic data (centre, demo only)."""
    la, period = la_name(cfg), period_text(cfg)
    right = VARIANT_NAMES[variant] + ("" if variant == "public" else " · NOT FOR PUBLICATION")
    return {"left": f"{la} · data to {period}" if la else f"Data to {period}", "right": right,
            "center": "Synthetic demonstration data" if cfg.synthetic else ""}


def page_label(cfg: PackConfig, variant: str) -> str:
    """The running header as one line of text (the Word documents' header, messages and tests)."""
    h = running_header(cfg, variant)
    return " · ".join(v for v in (h["left"], h["center"], h["right"]) if v)


def nav_label(name: str, given: str | None = None) -> str:
    """A notebook's label in the navigation: ``given`` (its ``metadata.evidence_pack.nav_label``), else its name
    in words (``07_new_page`` → ``New page``)."""
    return given or name.split("_", 1)[-1].replace("_", " ").capitalize()
