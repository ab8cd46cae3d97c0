// The live chart board (kit/live.py): one div per item, class "kit-out-<name>".
//
// A new chart is drawn off screen and swapped in when ready, so a redraw never flashes
// an empty box. A chart whose spec changed only in its rows keeps its Vega view and takes
// the new rows: the SVG on screen is updated in place. A chart item comes either whole
// ("spec") or as a shape and its rows ("shape", "rows"): the shape's skeleton is sent once,
// in the model's "shapes" (kit/live/board.py), and a move that changes only numbers sends
// the rows. vegaEmbed comes from vl-convert's offline bundle, which kit/live/board.py wraps
// around this file.

// A Vega-Lite spec with its rows (inline, or in altair's top-level "datasets" under names
// that hash the rows) moved out under stable names ("kit<path>"), so that two specs with the
// same skeleton differ only in their rows: the chart on screen can then take the new rows
// instead of being built again.
function split(spec) {
  const datasets = spec.datasets || {};
  const rows = {};
  function strip(node, path) {
    if (Array.isArray(node)) return node.map((child, i) => strip(child, `${path}_${i}`));
    if (node === null || typeof node !== "object") return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "data" && value && (Array.isArray(value.values) || value.name in datasets)) {
        const { values, name, ...rest } = value;
        rows[`kit${path}`] = values || datasets[name];
        copy.data = { ...rest, name: `kit${path}` };
      } else if (["layer", "hconcat", "vconcat", "concat", "spec"].includes(key)) {
        copy[key] = strip(value, `${path}_${key}`);
      } else if (key !== "datasets" || path !== "") {
        copy[key] = value;
      }
    }
    return copy;
  }
  const skeleton = strip(spec, "");
  return { skeleton, key: JSON.stringify(skeleton), rows };
}

// A chart that unfolds step by step (the deck's months) has a Vega parameter "reveal".
function hasReveal(view) {
  try {
    view.signal("reveal");
    return true;
  } catch (error) {
    return false;
  }
}

// The step the deck shows around this board (data-reveal on its slide), or null for all.
function revealAround(el) {
  const holder = el.closest("[data-reveal]");
  return holder ? Number(holder.dataset.reveal) : null;
}

// A chart on a deck's slide is drawn at the size its holder leaves it, rather than scaled
// down by CSS, so that its labels keep their size on screen: deck.css sets --kit-chart-cap
// (the slide's fit step) and the holder's height from the chart's own (--kit-chart-natural,
// set here). Elsewhere (a notebook, a handout) a chart keeps its spec's size.
// A plot (the data's rectangle, not its axes, legends and title) is never drawn smaller than
// this share of the size its spec draws it at, and a map of squares (both axes bands) keeps
// its spec's shape: the holder is at least as tall as the chart drawn that small
// (--kit-chart-least, which fit.js sets from data-least, set here), so a slide that cannot
// give it that room does not fit, and fit.js goes on to its next step (smaller body text)
// rather than squash the chart.
const LEAST_SHARE = 0.6;

// Where a chart's legends go when a row of them is wider than its holder: as the spec says
// (in a row above the plot), stacked above it (each in its columns, or in one), or beside it.
const LEGENDS = ["row", "paired", "stacked", "beside"];
const BESIDE_GRADIENT = 120; // px: a colour scale's length beside the plot

function fitsItsHolder(el) {
  return getComputedStyle(el).getPropertyValue("--kit-chart-cap").trim() !== "";
}

// The compiled Vega spec with its legends placed one of the LEGENDS' ways.
function placeLegends(vgSpec, how) {
  if (how === "row" || !(vgSpec.legends || []).length) return vgSpec;
  for (const legend of vgSpec.legends) {
    if (how !== "paired") legend.columns = 1;
    if (how === "beside") {
      legend.orient = "right";
      legend.direction = "vertical";
      // a colour scale beside the plot no taller than a plot drawn low needs (in a row
      // above it, it keeps its length: its labels apart)
      if ("gradientLength" in legend) legend.gradientLength = BESIDE_GRADIENT;
    }
  }
  if (how === "stacked" || how === "paired") {
    vgSpec.config = { ...vgSpec.config };
    vgSpec.config.legend = {
      ...vgSpec.config.legend,
      layout: { top: { direction: "vertical", anchor: "start" } },
    };
  }
  return vgSpec;
}

function drawnSize(svg) {
  return { width: Number(svg.getAttribute("width")), height: Number(svg.getAttribute("height")) };
}

// The plot resized so that the whole drawing (axes, legends, title) fills the room, never
// larger than the spec drew it. Vega keeps the labels' type; the axes and legends may take a
// few px more or less at the new size, so it is measured again (twice at most). Returns the
// scale CSS still shows it at (1: none).
async function resizePlot(drawing, room) {
  const { view, svg, natural } = drawing;
  for (let round = 0; round < 3; round += 1) {
    const plot = { width: view.width(), height: view.height() };
    const drawn = drawnSize(svg);
    const share = {};
    for (const side of ["width", "height"]) {
      const target = Math.min(room[side], natural[side]);
      const size = plot[side] + target - drawn[side];
      share[side] = Math.max(LEAST_SHARE, Math.min(1, size / natural.plot[side]));
    }
    if (natural.banded) share.width = share.height = Math.min(share.width, share.height);
    const want = {
      width: Math.floor(natural.plot.width * share.width),
      height: Math.floor(natural.plot.height * share.height),
    };
    if (want.width === plot.width && want.height === plot.height) break;
    await view.width(want.width).height(want.height).runAsync();
  }
  const drawn = drawnSize(svg);
  return Math.min(1, room.width / drawn.width, room.height / drawn.height);
}

// The plot's least size: LEAST_SHARE of the spec's own (whole px, as Vega draws it).
function leastPlot(natural) {
  return {
    width: Math.ceil(natural.plot.width * LEAST_SHARE),
    height: Math.ceil(natural.plot.height * LEAST_SHARE),
  };
}

// A compiled chart whose x and y are both bands (a map of squares): it keeps its shape.
function banded(vgSpec) {
  const bands = (vgSpec.scales || []).filter(
    (scale) => ["x", "y"].includes(scale.name) && scale.type === "band");
  return bands.length === 2;
}

async function render({ model, el }) {
  // name -> {div, json, key, drawing, skeleton, rows, view, shown, spares}; shown: the chart
  // on screen, as embed() drew it; spares: its other legends' drawings (leastDrawings)
  const shown = new Map();
  // a holder resized (the slide fitted one step snugger, or shown): its chart drawn again
  const resized = window.ResizeObserver
    ? new ResizeObserver((changes) => {
      for (const change of changes) {
        const entry = Array.from(shown.values()).find((e) => e.div === change.target);
        if (entry && entry.shown && fitsItsHolder(el)) {
          entry.drawing = entry.drawing.then(() => fitToHolder(entry)).catch(() => {});
        }
      }
    })
    : null;

  async function reveal(view, holder) {
    const step = revealAround(el);
    if (view && hasReveal(view)) {
      view.signal("reveal", step === null ? 1e9 : step);
      await view.runAsync();
      // marks not shown yet are not read out either
      holder.querySelectorAll("[aria-label]").forEach((mark) => {
        if (mark.getAttribute("opacity") === "0") mark.setAttribute("aria-hidden", "true");
        else mark.removeAttribute("aria-hidden");
      });
    }
  }

  // the deck dispatches "kit-reveal" on window when its step changes
  const onReveal = (event) => {
    if (!event.detail || !event.detail.slide || !event.detail.slide.contains(el)) return;
    shown.forEach((entry) => {
      entry.drawing = entry.drawing.then(() => reveal(entry.view, entry.div)).catch(() => {});
    });
  };
  window.addEventListener("kit-reveal", onReveal);

  // The entry's chart drawn off screen, its legends placed `how`: its view, its SVG and the
  // size the spec draws it at.
  async function embed(entry, how) {
    let parsed = false;
    let legends = 0;
    let square = false;
    // Vega-Lite leaves named data empty, to be given at run time: give it before parsing
    const patch = (vgSpec) => {
      for (const data of vgSpec.data || []) {
        if (data.name in entry.rows) {
          data.values = entry.rows[data.name];
          parsed = parsed || Boolean(data.format && data.format.parse);
        }
      }
      legends = (vgSpec.legends || []).length;
      square = banded(vgSpec);
      return placeLegends(vgSpec, how);
    };
    const fresh = document.createElement("div");
    const { view } = await vegaEmbed(fresh, structuredClone(entry.skeleton), {
      renderer: "svg", actions: false, formatLocale: model.get("locale"), patch,
    });
    const svg = fresh.querySelector("svg");
    const natural = {
      ...drawnSize(svg), plot: { width: view.width(), height: view.height() }, banded: square,
    };
    return { how, view, svg, fresh, natural, parsed, legends };
  }

  // The chart's size with its least plot, its legends each of the LEGENDS' ways (the first
  // only, if it has none): "<width>x<height>" each, in that order.
  // The other ways' drawings are kept, drawn as the spec draws them again, for the chart's
  // first fitting to a holder with room (fitToHolder): not embedded a second time.
  async function leastDrawings(entry, drawn) {
    const least = leastPlot(drawn.natural);
    const sizes = [];
    dropSpares(entry);
    for (const how of LEGENDS) {
      if (how !== "row" && !drawn.legends) break;
      const drawing = how === drawn.how ? drawn : await embed(entry, how);
      await drawing.view.width(least.width).height(least.height).runAsync();
      const { width, height } = drawnSize(drawing.svg);
      sizes.push(`${width}x${height}`);
      const { plot } = drawing.natural;
      await drawing.view.width(plot.width).height(plot.height).runAsync(); // as the spec draws it
      if (drawing !== drawn) entry.spares.set(how, drawing);
    }
    return sizes.join(" ");
  }

  // The chart's drawing with its legends placed `how`: a spare one, or embedded afresh.
  async function drawingFor(entry, how) {
    const spare = entry.spares.get(how);
    entry.spares.delete(how);
    return spare || embed(entry, how);
  }

  function dropSpares(entry) {
    entry.spares.forEach((drawing) => drawing.view.finalize());
    entry.spares.clear();
  }

  // A chart drawn off screen takes the place of the one shown.
  async function swapIn(entry, drawing) {
    await reveal(drawing.view, drawing.fresh);
    entry.div.replaceChildren(...drawing.fresh.childNodes);
    if (entry.view && entry.view !== drawing.view) entry.view.finalize(); // and its timers
    Object.assign(entry, { view: drawing.view, shown: drawing });
  }

  // The chart drawn at its holder's size, its legends placed the first of the LEGENDS' ways
  // that CSS need not scale down (or, if none, the one it scales least); drawn: the drawing
  // to start from, shown or just embedded.
  async function fitToHolder(entry, drawn = entry.shown) {
    if (entry.div.dataset.natural === undefined && drawn.how === "row") {
      // the holder is as tall as the chart as the spec draws it, or the fit step's cap, but
      // never lower than the chart with its least plot (fit.js picks which of data-least)
      entry.div.dataset.least = await leastDrawings(entry, drawn);
      entry.div.style.setProperty("--kit-chart-natural", `${drawn.natural.height}px`);
      entry.div.dataset.natural = "";
    }
    const room = { width: entry.div.clientWidth, height: entry.div.clientHeight };
    let best = drawn;
    if (room.width && room.height) { // a hidden slide: fitted when shown
      best = null;
      const drop = (drawing) => drawing.view !== entry.view && drawing.view.finalize();
      for (const how of LEGENDS) {
        if (how !== "row" && !drawn.legends) break;
        const drawing = how === drawn.how ? drawn : await drawingFor(entry, how);
        drawing.scale = await resizePlot(drawing, room);
        if (best === null || drawing.scale > best.scale + 0.01) {
          if (best) drop(best);
          best = drawing;
        } else {
          drop(drawing);
        }
        if (best.scale > 0.99) break;
      }
      dropSpares(entry); // the ways not needed this time
    }
    if (best !== entry.shown) await swapIn(entry, best);
    if (room.width && room.height) entry.div.dataset.fitted = `${room.width}x${room.height}`;
  }

  // shape: the item's skeleton as it was when the item arrived (a later message may drop it)
  async function draw(item, entry, shape) {
    if (item.kind === "html") {
      entry.div.innerHTML = item.html;
      return;
    }
    if (item.alt) {
      // the chart's alt text: what it shows, for a screen reader (the SVG has it too)
      entry.div.setAttribute("role", "img");
      entry.div.setAttribute("aria-label", item.alt);
    }
    const { skeleton, key, rows } = shape
      ? { skeleton: structuredClone(shape), key: item.shape, rows: item.rows }
      : split(item.spec);
    const fitting = fitsItsHolder(el);
    if (entry.view && entry.key === key) {
      // same chart, new numbers: Vega recomputes and updates the SVG in place
      for (const [name, values] of Object.entries(rows)) entry.view.data(name, values);
      entry.rows = { ...entry.rows, ...rows };
      await entry.view.runAsync();
      if (fitting) {
        // new labels, wider or narrower: the same legends' place, the plot resized
        const room = { width: entry.div.clientWidth, height: entry.div.clientHeight };
        if (room.width && room.height) await resizePlot(entry.shown, room);
      }
      await reveal(entry.view, entry.div); // new marks: hide the months still to come again
    } else {
      Object.assign(entry, { skeleton, rows });
      const drawing = await embed(entry, "row");
      // rows that Vega-Lite parses on load (dates) cannot be swapped in as they come
      entry.key = drawing.parsed ? null : key;
      if (fitting) {
        delete entry.div.dataset.natural; // a new chart: its own height
        await fitToHolder(entry, drawing); // at its holder's size before it is shown
      } else {
        await swapIn(entry, drawing);
      }
    }
    entry.div.dataset.drawn = String(Number(entry.div.dataset.drawn || 0) + 1);
  }

  async function update() {
    const items = model.get("items");
    const shapes = model.get("shapes") || {};
    const jobs = [];
    for (const item of items) {
      const json = JSON.stringify(item);
      let entry = shown.get(item.name);
      if (entry === undefined) {
        const div = document.createElement("div");
        div.className = `kit-out kit-out-${item.name}`;
        el.appendChild(div);
        entry = {
          div, json: null, view: null, key: null, drawing: Promise.resolve(), spares: new Map(),
        };
        shown.set(item.name, entry);
        if (resized) resized.observe(div);
      }
      if (entry.json !== json) {
        entry.json = json;
        // one chart is drawn in the order of the moves: a slow first drawing must not
        // land on screen after the quick one that followed it
        const target = entry;
        const shape = item.shape ? shapes[item.shape] : null;
        target.drawing = target.drawing.then(() => draw(item, target, shape)).catch((error) => {
          target.div.textContent = String(error);
        });
        jobs.push(target.drawing);
      }
    }
    const steps = Math.max(0, ...items.map((item) => item.steps || 0));
    if (steps) el.dataset.steps = String(steps);
    else delete el.dataset.steps;
    await Promise.all(jobs);
    el.dataset.version = String(model.get("version"));
  }

  model.on("change:items", update);
  await update();
  return () => {
    window.removeEventListener("kit-reveal", onReveal);
    if (resized) resized.disconnect();
    shown.forEach((entry) => {
      dropSpares(entry);
      if (entry.view) entry.view.finalize();
    });
  };
}
export default { render };
