// The kit's deck (kit-deck Voila template): one scene per screen, moved with the keys of
// every slide tool. Right, Space and PageDown go forward; Left and PageUp go back (a
// clicker sends PageDown and PageUp); Home and End; a number jumps to that scene. Each
// scene has its own address (#/months, #/months/3 for the third month). A slide whose
// chart unfolds (the board marks it with data-steps) shows one month more with each
// step forward. S opens the speaker notes in a second window that follows the deck.
// In a room the participants play the client of story A: on each month they answer
// Continue or Stop on their own screen, and the coach's deck shows the tally as it comes in.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kit-deck-data").textContent);
  const ui = data.ui || {};
  const started = Date.now();
  let index = -1;
  let step = null; // the month shown on a stepped slide; null: everything
  let requested = null; // {index, step} asked for before the slide's charts were drawn
  let notesWindow = null;
  let digits = "";
  // In a room a participant's deck opened with ?follow goes where the coach's deck is (the
  // coach's is the one on the presenting machine) until the participant moves on their own.
  const page = decodeURIComponent(location.pathname.replace(/^.*?\/voila\/render\//, ""));
  const server = (document.body.dataset.baseUrl || "/voila/").replace(/voila\/$/, "");
  const onPresentingMachine = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
  let following = new URLSearchParams(location.search).has("follow");
  let digitTimer = null;

  document.body.classList.add("kit-deck");
  const cells = document.getElementById("rendered_cells");
  if (cells) cells.setAttribute("role", "main"); // the slides are the page's main content

  const slides = () => Array.from(document.querySelectorAll(".kit-deck-slide"));
  const fill = (text, fields) => String(text || "").replace(/\{(\w+)\}/g, (_, k) => fields[k]);

  function stepsOf(slide) {
    const board = slide && slide.querySelector("[data-steps]");
    return board ? Number(board.dataset.steps) : 0;
  }

  // A slide's charts are drawn (the board sets data-version): only then are its steps known.
  function drawn(slide) {
    return !slide.querySelector(".kit-slide-charts:not([data-version])");
  }

  function address(slide, shownStep, steps) {
    const part = steps && shownStep && shownStep < steps ? `/${shownStep}` : "";
    return `#/${slide.dataset.scene}${part}`;
  }

  // Show slide i; on a stepped slide, month s (default: all of them).
  function show(i, s, how) {
    const all = slides();
    if (!all.length) return;
    i = Math.max(0, Math.min(all.length - 1, i));
    const slide = all[i];
    if (i !== index) {
      const active = document.activeElement;
      all.forEach((el, k) => {
        const current = k === i;
        el.hidden = !current;
        el.classList.toggle("kit-current", current);
      });
      if (active && !slide.contains(active) && active.closest && active.closest(".kit-deck-slide")) {
        slide.focus({ preventScroll: true }); // focus must not stay on a hidden control
      }
      const scroller = document.getElementById("rendered_cells");
      if (scroller) scroller.scrollTop = 0;
    }
    const steps = stepsOf(slide);
    const ready = drawn(slide) && slide.querySelector(".kit-slide");
    requested = ready ? null : { index: i, step: s };
    step = steps ? Math.max(1, Math.min(steps, s == null ? steps : s)) : null;
    if (step === null) delete slide.dataset.reveal;
    else slide.dataset.reveal = String(step);
    window.dispatchEvent(new CustomEvent("kit-reveal", { detail: { slide, step } }));
    const moved = i !== index;
    index = i;
    const target = address(slide, step, steps);
    if (ready && location.hash !== target) {
      if (moved && how !== "load" && how !== "hash") history.pushState(null, "", target);
      else history.replaceState(null, "", target);
    }
    progress(all.length, steps);
    updateNotes();
    updateVoting();
    if (ready) tellTheRoom(slide);
  }

  function tellTheRoom(slide) {
    if (following || !onPresentingMachine) return;
    fetch(`${server}kit/deck/scene`, {
      method: "PUT",
      body: JSON.stringify({ page, scene: slide.dataset.scene, step }),
    }).catch(() => {}); // a deck without a room still works
  }

  async function followTheCoach() {
    if (!following) return;
    try {
      const answer = await fetch(`${server}kit/deck/scene?page=${encodeURIComponent(page)}`);
      const coach = await answer.json();
      if (!following || !coach.scene) return;
      const found = slides().findIndex((el) => el.dataset.scene === coach.scene);
      if (found >= 0 && (found !== index || (coach.step || null) !== step)) {
        show(found, coach.step || null, "follow");
      }
    } catch (error) {
      // the coach's machine is busy or gone for a moment: try again at the next tick
    }
  }

  function followButton() {
    const button = document.querySelector(".kit-deck-follow");
    if (!button) return;
    button.textContent = following ? ui.following : ui.follow;
    button.setAttribute("aria-pressed", String(following));
  }

  // the participant moved on their own: they browse freely from now on
  function ownMove() {
    if (following) {
      following = false;
      followButton();
    }
  }

  function progress(count, steps) {
    const month = steps ? fill(ui.month, { n: step, total: steps }) : "";
    const text = fill(ui.scene, { n: index + 1, total: count }) + (month ? ` · ${month}` : "");
    // a phone's bar shows "2/13 · Month 3 of 6"; a screen reader always hears the whole line
    const short = `${index + 1}/${count}` + (month ? ` · ${month}` : "");
    const label = document.querySelector(".kit-deck-progress");
    if (label && label.dataset.full !== text) {
      label.dataset.full = text;
      label.replaceChildren(
        Object.assign(document.createElement("span"), { className: "kit-progress-long", textContent: text }),
        Object.assign(document.createElement("span"), { className: "kit-progress-short", textContent: short })
      );
      label.lastChild.setAttribute("aria-hidden", "true");
    }
    const done = document.querySelector(".kit-deck-done");
    if (done) done.style.width = `${(100 * (index + 1)) / count}%`;
    document.body.dataset.scene = slides()[index].dataset.scene;
  }

  function forward() {
    const all = slides();
    closeMonthMovedOn();
    const steps = stepsOf(all[index]);
    if (steps && step < steps) show(index, step + 1);
    else if (index < all.length - 1) show(index + 1, 1); // a stepped slide starts at month 1
  }

  function back() {
    const steps = stepsOf(slides()[index]);
    if (steps && step > 1) show(index, step - 1);
    else if (index > 0) show(index - 1, null);
  }

  function fromAddress(how) {
    const [scene, shownStep] = location.hash.replace(/^#\/?/, "").split("/");
    const all = slides();
    const found = all.findIndex((el) => el.dataset.scene === scene);
    const s = shownStep ? Number(shownStep) : null;
    show(found >= 0 ? found : 0, Number.isFinite(s) ? s : null, how);
  }

  // Keys typed into a control belong to it (a slider's arrows, a field's space); a
  // clicker's PageDown/PageUp always move the deck. A focused button keeps Space and Enter
  // (they press it) but not the arrows: after a click on Next the arrows still move the deck.
  function typing(target) {
    return Boolean(
      target &&
        target.closest &&
        target.closest("input, textarea, select, [contenteditable], [role=slider]")
    );
  }

  function pressing(target, key) {
    return Boolean(
      (key === " " || key === "Spacebar" || key === "Enter") &&
        target &&
        target.closest &&
        target.closest("button, a")
    );
  }

  function jumpTo(text) {
    digits = "";
    const n = Number(text);
    if (n >= 1) show(n - 1, null);
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key;
    const inControl = typing(event.target) || pressing(event.target, key);
    let handled = true;
    if (key === "PageDown") forward();
    else if (key === "PageUp") back();
    else if (inControl) handled = false;
    else if (key === "ArrowRight" || key === " " || key === "Spacebar") forward();
    else if (key === "ArrowLeft") back();
    else if (key === "Home") show(0, null);
    else if (key === "End") show(slides().length - 1, null);
    else if (key === "s" || key === "S") openNotes();
    else if (/^[0-9]$/.test(key)) {
      digits += key;
      clearTimeout(digitTimer);
      // 1 on a deck of 12 may become 12: wait a moment for a second digit
      if (Number(digits) * 10 > slides().length) jumpTo(digits);
      else digitTimer = setTimeout(() => jumpTo(digits), 500);
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
      if (key !== "s" && key !== "S") ownMove();
    }
  }

  // -- speaker notes: a second window that follows the deck, with a clock ----------------

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function openNotes() {
    if (notesWindow && !notesWindow.closed) {
      notesWindow.focus();
      return;
    }
    notesWindow = window.open("", "kit-deck-notes", "width=900,height=620");
    if (!notesWindow) return;
    const doc = notesWindow.document;
    doc.open();
    doc.write(
      `<!DOCTYPE html><html lang="${escapeHtml(data.language || "en")}"><head>` +
        `<meta charset="utf-8"><title>${escapeHtml(ui.notes || "")}</title>` +
        '<link rel="icon" href="data:;base64,="><style>' +
        "body{font-family:system-ui,sans-serif;margin:0;padding:24px 32px;background:#10151c;color:#f5f7fa}" +
        "header{display:flex;gap:32px;font-size:28px;font-variant-numeric:tabular-nums;color:#cbd2d9}" +
        "h1{font-size:34px;margin:18px 0 8px}" +
        "ul{font-size:28px;line-height:1.45;padding-left:1.2em}" +
        "p{font-size:22px;color:#cbd2d9}" +
        "button{font-size:18px;padding:8px 16px;border-radius:6px;border:1px solid #9aa5b1;" +
        "background:#1f2933;color:#f5f7fa;cursor:pointer}" +
        "</style></head><body>" +
        '<header><span class="kit-notes-progress"></span><span class="kit-notes-clock"></span>' +
        '<span class="kit-notes-elapsed"></span></header>' +
        '<h1 class="kit-notes-heading"></h1><ul class="kit-notes-text"></ul>' +
        '<p class="kit-notes-next"></p>' +
        '<p><button type="button" class="kit-notes-reset"></button></p></body></html>'
    );
    doc.close();
    const reset = doc.querySelector(".kit-notes-reset");
    reset.textContent = ui.reset_votes;
    reset.addEventListener("click", resetVotes);
    doc.addEventListener("keydown", onKey, true);
    updateNotes();
  }

  function clockText() {
    const now = new Date();
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const mm = String(Math.floor(elapsed / 60)).padStart(2, "0");
    const ss = String(elapsed % 60).padStart(2, "0");
    const time = now.toLocaleTimeString(data.language === "nl" ? "nl-NL" : "en-GB", {
      hour: "2-digit",
      minute: "2-digit",
    });
    return { time: `${ui.clock} ${time}`, elapsed: `${ui.elapsed} ${mm}:${ss}` };
  }

  function updateNotes() {
    if (!notesWindow || notesWindow.closed) return;
    const doc = notesWindow.document;
    const notes = (data.notes || [])[index] || [];
    const headings = slides().map((el) => {
      const heading = el.querySelector(".kit-slide-heading");
      return heading ? heading.textContent.trim() : el.dataset.scene;
    });
    const set = (selector, text) => {
      const el = doc.querySelector(selector);
      if (el) el.textContent = text;
    };
    set(".kit-notes-progress", document.querySelector(".kit-deck-progress").dataset.full || "");
    set(".kit-notes-heading", headings[index] || "");
    const list = doc.querySelector(".kit-notes-text");
    if (list) list.innerHTML = notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("");
    const next = headings[index + 1];
    set(".kit-notes-next", next ? `${ui.up_next}: ${next}` : "");
    tick();
  }

  function tick() {
    if (!notesWindow || notesWindow.closed) return;
    const { time, elapsed } = clockText();
    const doc = notesWindow.document;
    const clock = doc.querySelector(".kit-notes-clock");
    if (clock) clock.textContent = time;
    const since = doc.querySelector(".kit-notes-elapsed");
    if (since) since.textContent = elapsed;
  }

  // -- the room plays the client: votes on the participants' pages, the tally on the coach's --

  const room = { answers: new Map(), summary: null, round: null, sentFacts: "", box: null };
  const inRoom = !onPresentingMachine || new URLSearchParams(location.search).has("follow");
  const numberFormat = new Intl.NumberFormat(data.language === "nl" ? "nl-NL" : "en-GB");
  const percentFormat = new Intl.NumberFormat(data.language === "nl" ? "nl-NL" : "en-GB", {
    style: "percent",
    maximumFractionDigits: 0,
  });

  // The slide the room votes on carries what it votes on (the months and the target).
  function voteFacts(slide) {
    const el = slide && slide.querySelector(".kit-vote-facts [data-facts]");
    if (!el) return null;
    try {
      return JSON.parse(el.dataset.facts);
    } catch (error) {
      return null;
    }
  }

  const votingMonth = () => {
    const slide = slides()[index];
    return voteFacts(slide) && step ? step : null;
  };

  async function roomRequest(path, body) {
    const answer = await fetch(`${server}kit/room/${path}`, {
      method: body === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = {};
    try {
      json = await answer.json();
    } catch (error) {
      // a 204 or a page that is not ours: no body to read
    }
    return { status: answer.status, json };
  }

  function voteBox() {
    if (room.box) return room.box;
    const box = document.createElement("div");
    box.className = inRoom ? "kit-vote" : "kit-tally";
    if (inRoom) {
      box.setAttribute("role", "group");
      box.innerHTML =
        '<p class="kit-vote-question"></p><div class="kit-vote-buttons">' +
        '<button type="button" class="kit-vote-continue" data-choice="continue"></button>' +
        '<button type="button" class="kit-vote-stop" data-choice="stop"></button></div>' +
        '<p class="kit-vote-status" role="status" aria-live="polite"></p>';
      box.querySelector(".kit-vote-continue").textContent = ui.vote_continue;
      box.querySelector(".kit-vote-stop").textContent = ui.vote_stop;
      box.querySelectorAll("button").forEach((button) =>
        button.addEventListener("click", () => vote(button.dataset.choice))
      );
    } else {
      box.innerHTML =
        '<p class="kit-tally-text" role="status" aria-live="polite"></p>' +
        '<div class="kit-tally-bar" aria-hidden="true"><div class="kit-tally-stop"></div></div>';
    }
    room.box = box;
    return box;
  }

  // The box sits under the slide's heading and text, beside the months (on a phone: above).
  function placeBox(slide) {
    const box = voteBox();
    const side = slide.querySelector(".kit-slide-side");
    const anchor = side && (side.querySelector(".kit-slide-text") || side.querySelector(".kit-slide-heading"));
    if (anchor && box.previousElementSibling !== anchor) anchor.after(box);
    else if (!anchor && box.parentElement !== slide) slide.appendChild(box);
  }

  function updateVoting() {
    const month = votingMonth();
    const slide = slides()[index];
    if (!month) {
      if (room.box) room.box.hidden = true;
      return;
    }
    placeBox(slide);
    room.box.hidden = false;
    if (inRoom) showMyAnswer(month);
    else showTally(month);
    if (!inRoom) tellTheMonths(slide);
  }

  function showMyAnswer(month, statusText) {
    const box = voteBox();
    box.querySelector(".kit-vote-question").textContent = fill(ui.vote_question, { n: month });
    box.setAttribute("aria-label", fill(ui.vote_question, { n: month }));
    const mine = room.answers.get(month);
    const closed = Boolean(room.summary && (room.summary.closed || []).includes(month));
    box.querySelectorAll("button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.choice === mine));
      button.disabled = closed;
    });
    let text = statusText;
    if (text === undefined) {
      if (closed) text = fill(ui.vote_closed, { n: month });
      else if (mine) text = fill(ui[`vote_counted_${mine}`], { n: month });
      else text = "";
    }
    box.querySelector(".kit-vote-status").textContent = text;
  }

  async function vote(choice) {
    const month = votingMonth();
    if (!month) return;
    let text;
    try {
      const { status } = await roomRequest("votes", { month, choice });
      if (status === 200) {
        room.answers.set(month, choice);
        text = undefined;
      } else if (status === 409) {
        room.summary = room.summary || { closed: [] };
        room.summary.closed = [...(room.summary.closed || []), month];
        text = undefined;
      } else {
        text = ui.vote_failed;
      }
    } catch (error) {
      text = ui.vote_failed;
    }
    if (votingMonth() === month) showMyAnswer(month, text);
  }

  function showTally(month) {
    const box = voteBox();
    const counts = room.summary && (room.summary.months || []).find((m) => m.month === month);
    const total = counts ? counts.continue + counts.stop : 0;
    const text = total
      ? fill(ui.tally, {
          n: month,
          continue: numberFormat.format(counts.continue),
          stop: numberFormat.format(counts.stop),
          share: percentFormat.format(counts.stop / total),
        })
      : fill(ui.tally_none, { n: month });
    const line = box.querySelector(".kit-tally-text");
    if (line.textContent !== text) line.textContent = text;
    box.querySelector(".kit-tally-stop").style.width = `${total ? (100 * counts.stop) / total : 0}%`;
    box.dataset.month = String(month);
    box.dataset.stop = String(counts ? counts.stop : 0);
    box.dataset.continue = String(counts ? counts.continue : 0);
    box.dataset.total = String(total);
    // a coach presenting without a room never sees an empty tally: it comes with the first answer
    box.hidden = !(room.summary && room.summary.participants > 0);
  }

  // The coach's deck tells the room which months it votes on (a new set starts a new round).
  function tellTheMonths(slide) {
    const facts = voteFacts(slide);
    const text = facts && JSON.stringify(facts);
    if (!text || text === room.sentFacts) return;
    room.sentFacts = text;
    roomRequest("control", { action: "months", ...facts }).catch(() => {
      room.sentFacts = ""; // try again at the next chance
    });
  }

  // Moving on from a month closes it: the room's answers for it are final.
  function closeMonthMovedOn() {
    const month = votingMonth();
    if (inRoom || !month) return;
    roomRequest("control", { action: "close", month }).catch(() => {});
  }

  function resetVotes() {
    const confirmIn = notesWindow && !notesWindow.closed ? notesWindow : window;
    if (!confirmIn.confirm(ui.reset_confirm)) return;
    room.sentFacts = "";
    roomRequest("control", { action: "reset" })
      .then(() => updateVoting())
      .catch(() => {});
  }

  async function listenToTheRoom() {
    if (!votingMonth()) return;
    try {
      const { status, json } = await roomRequest("votes");
      if (status !== 200) return;
      if (room.round !== null && json.round !== room.round) room.answers.clear(); // a new round
      room.round = json.round;
      if (json.mine) {
        // the answers the room counted for this page's participant (also after a reload)
        room.answers = new Map(Object.entries(json.mine).map(([m, c]) => [Number(m), c]));
      }
      room.summary = json;
      const month = votingMonth();
      if (!month) return;
      if (inRoom) showMyAnswer(month);
      else showTally(month);
    } catch (error) {
      // the presenter is busy or this page is not served by kit present: ask again later
    }
  }

  // -- accessible names for the widgets' controls ----------------------------------------

  // ipywidgets draws a slider's handle and a text field without tying them to the label
  // beside them: give each the label's words, as a screen reader needs.
  function nameControls(root) {
    root.querySelectorAll(".widget-inline-hbox, .widget-hslider, .kit-control").forEach((box) => {
      const label = box.querySelector(".widget-label");
      const text = label && label.textContent.trim();
      if (!text) return;
      box.querySelectorAll(".noUi-handle, input[type=text], input:not([type])").forEach((el) => {
        if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", text);
      });
    });
    root.querySelectorAll(".kit-control").forEach((control) => {
      const label = control.querySelector(".widget-label");
      const readout = control.querySelector(".kit-readout input");
      if (label && readout && !readout.getAttribute("aria-label")) {
        readout.setAttribute("aria-label", label.textContent.trim());
      }
    });
  }

  // Rows of a table in a stepped slide (the client's diary) appear with their month, one at a
  // time: six months of words do not fit a projector beside the chart, which keeps every bar
  // and its change; the one-page view and the handouts show the whole diary.
  function revealStyles() {
    const rules = [];
    for (let n = 1; n <= 60; n++) {
      const rows = `.kit-deck-slide[data-reveal="${n}"] .kit-words-diary tbody tr`;
      rules.push(`${rows}:nth-child(n+${n + 1}){display:none}`);
      if (n > 1) rules.push(`${rows}:nth-child(-n+${n - 1}){display:none}`);
    }
    const style = document.createElement("style");
    style.textContent = rules.join("\n");
    document.head.appendChild(style);
  }

  // -- start ------------------------------------------------------------------------------

  revealStyles();
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("hashchange", () => fromAddress("hash"));
  window.addEventListener("popstate", () => fromAddress("hash"));
  document.querySelector(".kit-deck-next").addEventListener("click", () => {
    ownMove();
    forward();
  });
  document.querySelector(".kit-deck-prev").addEventListener("click", () => {
    ownMove();
    back();
  });
  if (following || !onPresentingMachine) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "kit-deck-follow";
    button.addEventListener("click", () => {
      following = !following;
      followButton();
      followTheCoach();
    });
    document.querySelector(".kit-deck-bar").appendChild(button);
    followButton();
  }
  setInterval(followTheCoach, 1000);
  // the coach's tally every half second; a participant's closed months and rounds every two
  setInterval(listenToTheRoom, inRoom ? 2000 : 500);
  if (inRoom) roomRequest("join").catch(() => {});
  document.querySelector(".kit-deck-notes").addEventListener("click", openNotes);
  setInterval(tick, 1000);

  // The kernel builds the later slides once the first scene shown is drawn (or is one of
  // them): it waits for the hidden button in their first holder (kit.live.deck.Deck.place).
  let laterAsked = false;
  function buildLater(current) {
    const button = document.querySelector(".kit-deck-build");
    if (laterAsked || !button || !current) return;
    const waiting = current.querySelector(".kit-slide-holder");
    if (waiting || (current.querySelector(".kit-slide") && drawn(current))) {
      laterAsked = true;
      button.click();
    }
  }

  // The widgets are drawn after the page: name their controls, and re-apply the step once
  // the stepped chart tells how many months it has.
  let pending = null;
  new MutationObserver(() => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = null;
      nameControls(document);
      const all = slides();
      buildLater(all[index]);
      if (requested && all[requested.index] && drawn(all[requested.index])) {
        const { index: i, step: s } = requested;
        show(i, s, "load"); // the step asked for, now that the chart says how many there are
      } else if (all[index]) {
        const steps = stepsOf(all[index]);
        if (steps && step !== null && step > steps) show(index, steps); // fewer months typed
        progress(all.length, steps);
        if (votingMonth()) updateVoting(); // the slide's side column is drawn after the page
      }
    });
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-steps", "data-version"] });

  fromAddress("load");
  window.kitDeck = { forward, back, show, openNotes, get index() { return index; }, get step() { return step; } };
})();
