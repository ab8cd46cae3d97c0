// A scene fits its screen: a projector of 1024x768 (or 1280x720) shows the whole slide,
// with nothing below the fold or under the deck's bar. A slide that would overflow is set
// one step snugger at a time until it fits (data-fit 1 to 9 in deck.css), the layout before
// the type, so that at 1280 wide body text and labels stay 24 px where they can: tighter
// headings and spacing, each control in one row, lower charts, its parts in two columns of
// the screen's height (a paragraph whole in one column if the slide still fits so), charts
// lower still, body text of 21 and 18 px, and last the controls beside the chart with 21 and
// 18 px text. A room should not follow a sentence from one column to the next: a step that
// fits only so gives way to a later one in two columns that keeps every paragraph whole, if
// that one's text is no smaller at 1280 wide, and one step smaller at most (21 px) below. A chart is drawn at its holder's size (board.js), never with its plot below
// its least (data-least), and a fitted slide's room left below a chart goes to it. A slide
// that fits at no step takes the one that hides nothing beside the screen and scrolls least.
// A phone's one column scrolls instead. The slide is fitted again whenever it changes size:
// its charts drawn, a sentence rewritten by a slider, the window resized.
(function () {
  "use strict";
  const SNUGGEST = 9; // 8 and 9: step 3's layout with 21 and 18 px text (deck.css)
  const COLUMNS = 4; // deck.css: from this step on, two columns of the screen's height
  const NEWSPAPER = 7; // deck.css: the last step in two columns, 8 and 9 are side by side
  const CAPPED = 3; // deck.css: from this step on, charts lower than they would be drawn
  const KEEP_TYPE = 1280; // from this width on, a whole paragraph costs no smaller type
  const WHOLE_TYPE = 21; // below it, one step smaller at most (px), to keep them whole
  const columns = window.matchMedia("(min-width: 821px)"); // deck.css: one column below
  let watched = null;
  let observer = null;

  function screenBottom() {
    const bar = document.querySelector(".kit-deck-bar");
    return bar ? bar.getBoundingClientRect().top : window.innerHeight;
  }

  // How far the slide's parts go past the screen: px below its bottom (the coach scrolls to
  // them), and whether any stand beside its right edge (a third column nobody can reach)
  function overshoot(slide) {
    const content = slide.querySelector(".kit-slide");
    if (!content) return { below: 0, beside: false };
    const bottom = screenBottom();
    const right = content.getBoundingClientRect().right + 8; // widgets stand 2-4 px out
    const boxes = Array.from(content.querySelectorAll("*"))
      .map((part) => part.getBoundingClientRect())
      .filter((box) => box.height > 0 && box.width > 0);
    return {
      below: Math.max(0, ...boxes.map((box) => Math.ceil(box.bottom - bottom))),
      beside: boxes.some((box) => box.right > right),
    };
  }

  const overflowing = (over) => over.below > 0 || over.beside;
  const overflows = (slide) => overflowing(overshoot(slide));

  // The step to fall back to when none fits (tried: [step, its overshoot] each): none beside
  // the screen if it can, then the least below it, then the larger text (the lower step).
  function leastOverflowing(tried) {
    const worse = ([step, over], [other, than]) =>
      over.beside - than.beside || over.below - than.below || step - other;
    return tried.reduce((best, step) => (worse(step, best) < 0 ? step : best))[0];
  }

  // A chart capped lower than its own drawing (deck.css, from step 3) takes the room its
  // fitted slide leaves below the last part of its column: board.js draws it that tall.
  function roomForCharts(slide) {
    const bottom = screenBottom() - 4;
    const parts = Array.from(slide.querySelectorAll(".kit-slide *"))
      .map((part) => part.getBoundingClientRect())
      .filter((box) => box.height > 0 && box.width > 0);
    for (const holder of slide.querySelectorAll(".kit-slide-charts .kit-out[data-natural]")) {
      const box = holder.getBoundingClientRect();
      const column = parts.filter((part) => part.left >= box.left - 2 && part.left < box.right);
      const spare = Math.floor(bottom - Math.max(...column.map((part) => part.bottom)));
      // a little less if the parts' margins below would push the last into a third column
      for (let more = spare; more >= 8; more -= 16) {
        holder.style.setProperty("--kit-chart-cap", `${Math.floor(box.height) + more}px`);
        if (!overflows(slide)) break;
        holder.style.removeProperty("--kit-chart-cap");
      }
    }
  }

  // A chart's holder never lower than the chart drawn with its least plot (board.js gives
  // that size for each way of placing its legends, data-least, in the order it tries them):
  // the lowest of the ways as narrow as the holder at this step, else the narrowest.
  function chartFloors(slide) {
    for (const holder of slide.querySelectorAll(".kit-slide-charts .kit-out[data-least]")) {
      const sizes = holder.dataset.least.split(" ").map((size) => size.split("x").map(Number));
      const room = holder.clientWidth;
      const within = sizes.filter(([width]) => width <= room);
      const narrowest = sizes.reduce((least, size) => (size[0] < least[0] ? size : least));
      const height = within.length ? Math.min(...within.map((size) => size[1])) : narrowest[1];
      holder.style.setProperty("--kit-chart-least", `${height}px`);
    }
  }

  // In two columns, a paragraph whole in one column (data-whole, deck.css) if the slide
  // still fits so: a reader then never follows a sentence from one column to the next.
  function wholeParagraphs(slide, level) {
    if (level < COLUMNS || level > NEWSPAPER) return;
    slide.dataset.whole = "";
    if (overflows(slide)) delete slide.dataset.whole;
  }

  // Whether a paragraph reads on from one column to the next at this step
  const splitting = (slide, level) =>
    level >= COLUMNS && level <= NEWSPAPER && slide.dataset.whole === undefined;

  // The slide's smallest body text, in px
  function bodyText(slide) {
    const sizes = Array.from(
      slide.querySelectorAll(".kit-words p, .kit-words li, .kit-slide-text p"),
    )
      .filter((part) => part.getClientRects().length)
      .map((part) => parseFloat(getComputedStyle(part).fontSize));
    return sizes.length ? Math.min(...sizes) : Infinity;
  }

  function fit(slide) {
    if (!slide || slide.hidden) return;
    const scroller = document.getElementById("rendered_cells");
    const scrolled = scroller ? scroller.scrollTop : 0;
    if (scroller) scroller.scrollTop = 0; // measured from the slide's top
    let level = 0;
    slide.dataset.fit = "0";
    delete slide.dataset.whole;
    slide.querySelectorAll(".kit-slide-charts .kit-out").forEach((holder) => {
      holder.style.removeProperty("--kit-chart-cap");
    });
    const content = slide.querySelector(".kit-slide");
    // the columns' height, from the slide's top at this step (a fitted slide starts higher)
    const columnHeight = () => {
      if (!content) return;
      const height = screenBottom() - content.getBoundingClientRect().top - 4;
      slide.style.setProperty("--kit-fit-height", `${Math.floor(height)}px`);
      chartFloors(slide); // the holders' widths at this step
    };
    columnHeight();
    // one step: its layout, its columns' height, its paragraphs whole if it fits so
    const stepTo = (step) => {
      slide.dataset.fit = String(step);
      delete slide.dataset.whole;
      columnHeight();
      wholeParagraphs(slide, step);
      return overshoot(slide);
    };
    const tried = [];
    let over = overshoot(slide);
    // A step that fits only with a paragraph split across the columns is kept in reserve:
    // of the later steps in two columns that fit with every paragraph whole, the one with
    // the largest text goes first, if its text is no smaller than the screen allows for
    // that (none smaller at 1280 wide, 21 px below). The controls beside the chart (8, 9)
    // are not among them: a long Dutch label runs under its readout there.
    let reserve = null;
    let whole = null;
    for (let step = 0; columns.matches && step <= SNUGGEST; step += 1) {
      if (step > 0) over = stepTo(step);
      level = step;
      if (overflowing(over)) tried.push([step, over]);
      else if (splitting(slide, step)) reserve = reserve || { step, text: bodyText(slide) };
      else if (reserve === null) break; // the first step that fits, every paragraph whole
      else if (step <= NEWSPAPER) {
        const text = bodyText(slide);
        const least = window.innerWidth >= KEEP_TYPE ? reserve.text : WHOLE_TYPE;
        if (text >= least && (whole === null || text > whole.text)) whole = { step, text };
      }
      if (reserve !== null && step >= NEWSPAPER) break;
    }
    if (reserve !== null) {
      level = (whole || reserve).step;
      over = stepTo(level);
    }
    // No step fits: the one that hides least. Two newspaper columns that overflow hide a
    // third beside the screen, so a layout that scrolls a little goes first (the controls
    // beside the chart at 18 px, or one column at 24 px, whichever scrolls less).
    if (overflowing(over)) {
      tried.push([level, over]);
      const best = leastOverflowing(tried);
      if (best !== level) {
        slide.dataset.fit = String(best);
        delete slide.dataset.whole;
        columnHeight();
      }
    }
    if (Number(slide.dataset.fit) >= CAPPED) roomForCharts(slide);
    if (scroller) scroller.scrollTop = scrolled;
  }

  function watch(slide) {
    if (slide === watched) return fit(slide);
    watched = slide;
    if (observer) observer.disconnect();
    fit(slide);
    if (!window.ResizeObserver) return;
    // the slide grows or shrinks (built, charts drawn, words rewritten): fitted again; a
    // fit ends at the sizes last observed, so it does not call for another
    observer = new ResizeObserver(() => fit(watched));
    observer.observe(slide);
  }

  window.addEventListener("kit-reveal", (event) => watch(event.detail.slide));
  window.addEventListener("resize", () => fit(watched));
  columns.addEventListener("change", () => fit(watched));
  window.kitFit = fit; // for the tests and the console
  const shown = document.querySelector(".kit-deck-slide.kit-current");
  if (shown) watch(shown); // shown before this script ran
})();
