"""Kernel-free scenes: the stories' sliders answered in the browser, with no Python behind them.

* :mod:`kit.kernelfree.specs` builds Vega-Lite specs whose sliders are Vega
  parameters: closed forms as Vega expressions, simulations read from a grid;
* :mod:`kit.kernelfree.grids` precomputes the stories' own seeded simulations on a
  grid over the sliders;
* :mod:`kit.kernelfree.embed` makes a scene's kernel-free form an HTML fragment for
  any page (the site, a handout, the presenter) and draws it there;
* :mod:`kit.kernelfree.site` writes the kernel-free deck as static files
  (``kit export-site DIR``).
"""
