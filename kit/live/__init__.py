"""What a room sees live: scenes displayed in the notebook, the chart board, the panel.

:mod:`kit.live.display` shows a scene in a running notebook (charts as SVG drawn in the
kernel), :mod:`kit.live.board` draws a panel's charts in the browser, and
:mod:`kit.live.panel` builds a story's panel from its scenes.
"""
