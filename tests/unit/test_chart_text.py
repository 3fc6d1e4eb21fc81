"""Names from configs and DfE files are drawn as the characters typed, never as Matplotlib maths.

On a84b52b "$2m then $3m" in a label was typeset as maths (italic "2m then", the dollars gone) and a stray
``$\\frac{`` in a comparator name stopped the build with Matplotlib's ``ParseSyntaxException`` traceback.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.text import Text

from helpers.present import style


def test_dollars_are_text_not_maths() -> None:
    style.use_style()
    label = Text(0, 0, "Budget $2m then $3m")
    assert label._preprocess_math(label.get_text()) == ("Budget $2m then $3m", False)


def test_maths_syntax_in_a_name_draws_without_error() -> None:
    style.use_style()
    fig, ax = plt.subplots()
    ax.plot([2023, 2024], [1, 2], label="Group $\\frac{$ councils")
    ax.set_title("Costs $2m then $3m")
    ax.legend()
    png = style.png_bytes(fig)
    assert png.startswith(b"\x89PNG")


def test_style_keeps_maths_off_after_a_kernel_reset() -> None:
    """The kernel pool resets Matplotlib (``rcdefaults``) then re-applies the pack style between notebooks."""
    import matplotlib

    matplotlib.rcdefaults()
    assert matplotlib.rcParams["text.parse_math"] is True
    style.use_style()
    assert matplotlib.rcParams["text.parse_math"] is False and matplotlib.rcParams["text.usetex"] is False
