"""The Layers views in a notebook, as an anywidget.

    from tinytorch_widget import LayersWidget
    w = LayersWidget(view="editor,dropout", state="batch=8")
    w              # the views, live, in the output cell
    w.net          # later, in another cell: the network the student built

The front end is ``assets/tinytorch-widget.mjs`` of the built site (the
AnyWidget module of web/widget.js: the core and both WebAssembly builds
inlined), read from the ``assets`` folder next to this file, so keep this file
in ``dist/site`` (where scripts/build-site.mjs puts it). Needs the
``anywidget`` package (``pip install anywidget``); the network parser below
works without it.

Traits (all synced with the browser): ``view`` (a view name or several joined
by commas), ``state`` (the state as an embed's query, e.g.
``"net=L784-64,R,D0.5,L64-10&batch=4"``; the widget writes the student's
edits back here), ``group`` (widgets of one page with the same group keep one
state), ``theme`` (``"dark"``, ``"light"`` or ``""``) and ``assets`` (a URL
of the site's assets folder, for the cost view's scalar build, the Build
editor and the training images).
"""

import pathlib
from urllib.parse import parse_qs

__all__ = ["LayersWidget", "parse_net", "KINDS"]

# The URL letter of each layer kind (web/kinds.js KINDS; a test checks they agree).
KINDS = {"L": "linear", "R": "relu", "S": "sigmoid", "T": "tanh", "G": "gelu", "X": "softmax", "D": "dropout"}

#: The network of the lesson's page when ``state`` names none (web/state.js DEFAULT_NET).
DEFAULT_NET = "L784-256,R,D0.5,L256-128,R,D0.3,L128-10"


def parse_net(text):
    """``"L784-64,R,D0.5,L64-10n"`` -> layer specs as the page keeps them
    (``{"kind": "linear", "in": 784, "out": 64, "bias": True}``, ``{"kind":
    "dropout", "p": 0.5}``, ``{"kind": "relu"}``; ``n``: no bias)."""
    layers = []
    for i, part in enumerate(filter(None, str(text).split(","))):
        kind = KINDS.get(part[:1])
        rest = part[1:]
        if kind is None:
            raise ValueError(f"layer {i + 1}: unknown kind {part[:12]!r}")
        if kind == "linear":
            bias = not rest.endswith("n")
            a, _, b = rest.rstrip("n").partition("-")
            if not (a.isdigit() and b.isdigit()):
                raise ValueError(f"layer {i + 1}: a Linear is written L<in>-<out>, got {part[:20]!r}")
            layers.append({"kind": kind, "in": int(a), "out": int(b), "bias": bias})
        elif kind == "dropout":
            layers.append({"kind": kind, "p": float(rest)})
        else:
            if rest:
                raise ValueError(f"layer {i + 1}: {part[:12]!r} takes no argument")
            layers.append({"kind": kind})
    return layers


def _state_dict(state):
    return {k: v[0] for k, v in parse_qs(str(state).lstrip("#").removeprefix("tt:"), keep_blank_values=True).items()}


try:
    import anywidget
    import traitlets
except ImportError:  # the parser above still works
    anywidget = None

if anywidget is not None:

    class LayersWidget(anywidget.AnyWidget):
        """Views of the Layers lesson, live in an output cell (see the module's doc)."""

        _esm = pathlib.Path(__file__).with_name("assets") / "tinytorch-widget.mjs"
        view = traitlets.Unicode("dropout").tag(sync=True)
        state = traitlets.Unicode("").tag(sync=True)
        group = traitlets.Unicode("").tag(sync=True)
        theme = traitlets.Unicode("").tag(sync=True)
        assets = traitlets.Unicode("").tag(sync=True)

        @property
        def net(self):
            """The network shown now (the student's edits included), as layer specs."""
            return parse_net(_state_dict(self.state).get("net", DEFAULT_NET))

        def value(self, key, default=None):
            """One key of the state as its URL text (``w.value("batch")`` -> ``"8"``), or ``default``."""
            return _state_dict(self.state).get(key, default)

else:

    class LayersWidget:  # noqa: D101 - says what is missing when used
        def __init__(self, *args, **kwargs):
            raise ImportError("LayersWidget needs the anywidget package: pip install anywidget")
