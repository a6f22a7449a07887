// Descent Lab's model player: the model picture and the loss curve of one run, played in the
// browser from frames the server computed once (logreg_core.frames). It scales and draws
// numbers; it computes no model and writes no figure of its own (the readout's loss comes
// written by the page). It sends back triggers: "inspect" ({step, seq}: the learner paused,
// scrubbed, stepped or clicked the loss curve; seq counts these moves) and "add" and
// "remove" (a click on a two-feature plane). No network, no library: canvas 2D only.

const CLASS_COLORS = ["#0072B2", "#E69F00"];
const CURVE_COLOR = "#CC79A7";
const BOUNDARY_COLOR = "#009E73";
const MARKER_COLOR = "#D55E00";
const LOSS_COLOR = "#4C78A8";
const SPEEDS = { slow: 12, normal: 24, fast: 48 }; // frames per second
const PAD = { left: 52, right: 12, top: 12, bottom: 36 };
const UTF8 = new TextDecoder();

function css(el, name, fallback) {
  const value = getComputedStyle(el).getPropertyValue(name).trim();
  return value || fallback;
}

function decode(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) out[i] = text.charCodeAt(i);
  return out;
}

// Ticks 1, 2 or 5 times a power of ten apart; `whole` (the step axis: steps are whole
// numbers) keeps them at least 1 apart, so that 1 step reads 0, 1 and not 0, 0.2, ... 1.
function niceTicks(low, high, count, whole = false) {
  const span = high - low;
  if (!(span > 0)) return [low];
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const nice = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= count) || power * 10;
  const step = whole ? Math.max(1, nice) : nice;
  // (an axis up to the largest double: high + 1e-9 * span was inf, and so was t, forever)
  const end = Math.min(high + 1e-9 * span, Number.MAX_VALUE);
  const ticks = [];
  for (let t = Math.ceil(low / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}

// A share as a whole percentage that never reads 100% or 0% unless it is (text.percent).
function percent(share) {
  const whole = Math.round(100 * share);
  if (whole === 100 && share < 1) return "> 99%";
  if (whole === 0 && share > 0) return "< 1%";
  return `${whole}%`;
}

function label(value, precision = 4) {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  // Short enough for the margin beside the axis title: 2e300, 1.5e-7 (not 2.0e+300).
  if (abs >= 1e4 || abs < 1e-3) {
    return value.toExponential(Math.max(1, precision - 3)).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  return String(Number(value.toPrecision(precision)));
}

// Tick labels that read differently (a loss that moved by 1e-13 had three ticks "0.6931"):
// more digits where they are needed, up to 6; past that, the highest tick alone (at the top
// of a y axis, clear of its title).
function tickLabels(ticks) {
  for (let precision = 4; precision <= 6; precision += 1) {
    const labels = ticks.map((t) => label(t, precision));
    if (new Set(labels).size === labels.length) return ticks.map((t, i) => [t, labels[i]]);
  }
  const top = ticks[ticks.length - 1];
  return [[top, label(top, 6)]];
}

// Powers of ten inside a log axis's range (short labels: 1e-5, 0.1, 10), with 2 and 5 times
// them where fewer than two fall inside; the ends where even those do not.
function logTicks(low, high) {
  for (const mantissas of [[1], [1, 2, 5]]) {
    const ticks = [];
    for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e += 1) {
      for (const m of mantissas) {
        const t = m * Math.pow(10, e);
        if (t >= low * (1 - 1e-12) && t <= Math.min(high * (1 + 1e-12), Number.MAX_VALUE)) {
          ticks.push(t);
        }
      }
    }
    if (ticks.length >= 2) return ticks.length > 5 ? ticks.filter((_, i) => i % Math.ceil(ticks.length / 5) === 0) : ticks;
  }
  return [low, high];
}

function build(parent) {
  const root = document.createElement("div");
  root.className = "player";
  root.innerHTML = `
    <canvas class="picture" role="img"></canvas>
    <canvas class="loss" role="img"></canvas>
    <div class="controls">
      <button type="button" class="play"></button>
      <button type="button" class="back">Step back</button>
      <button type="button" class="forward">Step forward</button>
      <input type="range" class="scrub" min="0" step="1" aria-label="Inspect step">
      <select class="speed" aria-label="Speed">
        <option value="slow">slow</option><option value="normal" selected>normal</option>
        <option value="fast">fast</option>
      </select>
    </div>
    <div class="readout" aria-live="off"></div>
    <div class="adding" hidden>
      <span>A click on a sample removes it; a click elsewhere on the plane adds one of
        class</span>
      <button type="button" class="cls" data-cls="0">0</button>
      <button type="button" class="cls" data-cls="1">1</button>
    </div>`;
  parent.append(root);
  const s = { root, frame: 0, playing: false, drawn: 0, addClass: 1, timer: null, seq: 0 };
  root.__player = s;
  s.picture = root.querySelector(".picture");
  s.loss = root.querySelector(".loss");
  s.play = root.querySelector(".play");
  s.scrub = root.querySelector(".scrub");
  s.speed = root.querySelector(".speed");
  s.readout = root.querySelector(".readout");
  s.play.addEventListener("click", () => (s.playing ? pause(s) : start(s)));
  s.back = root.querySelector(".back");
  s.forward = root.querySelector(".forward");
  s.back.addEventListener("click", () => nudge(s, -1));
  s.forward.addEventListener("click", () => nudge(s, 1));
  s.scrub.addEventListener("input", () => { stop(s); show(s, Number(s.scrub.value)); later(s); });
  // No rerun per arrow key or per click of a step button: one, 300 ms after the last (a held
  // key or fast clicks sent one each, and the reruns piling up broke the session).
  s.loss.addEventListener("click", (event) => clickLoss(s, event));
  s.picture.addEventListener("click", (event) => clickPicture(s, event));
  root.querySelectorAll(".cls").forEach((b) => b.addEventListener("click", () => {
    s.addClass = Number(b.dataset.cls);
    paintClassButtons(s);
  }));
  new ResizeObserver(() => draw(s)).observe(root);
  return s;
}

function paintClassButtons(s) {
  s.root.querySelectorAll(".cls").forEach((b) => {
    const on = Number(b.dataset.cls) === s.addClass;
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.style.background = on ? CLASS_COLORS[Number(b.dataset.cls)] : "";
    b.style.color = on ? "#ffffff" : "";
  });
}

// The step shown is `s.step`; the frame drawn is the frame nearest to it.
function nearestFrame(s, step) {
  const steps = s.d.frames.steps;
  let lo = 0, hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(steps[lo - 1] - step) <= Math.abs(steps[lo] - step)) lo -= 1;
  return lo;
}

function show(s, step) {
  s.step = Math.max(0, Math.min(s.d.last, step));
  s.frame = nearestFrame(s, s.step);
  draw(s);
}

function later(s) {
  clearTimeout(s.timer);
  s.timer = setTimeout(() => send(s), 300);
}

function send(s) {
  clearTimeout(s.timer);
  s.timer = null;
  if (s.step !== s.sent) {
    s.sent = s.step;
    s.seq += 1;
    s.setTriggerValue("inspect", { step: s.step, seq: s.seq });
  }
}

function nudge(s, delta) {
  stop(s);
  show(s, s.step + delta);
  later(s);
}

// Is the learner ahead of this rerun's step? While a step waits to be sent, or when this
// rerun had not yet read the learner's last move (its seq is older), the step shown stays:
// going back to the rerun's older step would undo presses. Any other rerun's step is the
// page's (a reset, a new run, a prediction) and the player takes it.
function ahead(s, head) {
  return s.timer !== null || head.seq < s.seq;
}

function start(s) {
  if (s.d.predicting) return;
  if (s.frame >= s.d.frames.steps.length - 1) show(s, 0);
  s.playing = true;
  s.root.dataset.playing = "yes";
  s.began = performance.now();
  s.firstFrame = s.frame;
  const tick = (now) => {
    if (!s.playing) return;
    const fps = SPEEDS[s.speed.value] || SPEEDS.normal;
    // (the first callback's time stamp may precede s.began by a little: never step back)
    const frame = s.firstFrame + Math.max(0, Math.floor(((now - s.began) / 1000) * fps));
    const last = s.d.frames.steps.length - 1;
    if (frame !== s.frame) {
      s.frame = Math.min(frame, last);
      s.step = s.d.frames.steps[s.frame];
      draw(s);
    }
    if (frame >= last) { pause(s); return; }
    s.raf = requestAnimationFrame(tick);
  };
  s.raf = requestAnimationFrame(tick);
  paintPlay(s);
}

function stop(s) {
  s.playing = false;
  s.root.dataset.playing = "no";
  cancelAnimationFrame(s.raf);
  paintPlay(s);
}

function pause(s) {
  stop(s);
  send(s); // one rerun, at the end: the tables follow the step shown
}

function paintPlay(s) {
  s.play.textContent = s.playing ? "Pause" : "Play";
  s.play.setAttribute("aria-label", s.playing ? "Pause" : "Play the run");
  s.play.disabled = Boolean(s.d && s.d.predicting);
  s.play.title = s.d && s.d.predicting ? "Turn off predicting to play" : "";
}

function fit(canvas, height) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.parentElement.clientWidth || 400;
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

function box(width, height) {
  return { x0: PAD.left, x1: width - PAD.right, y0: PAD.top, y1: height - PAD.bottom };
}

function scaler(lo, hi, a, b, log) {
  if (log) {
    const l0 = Math.log10(lo), l1 = Math.log10(hi);
    return (v) => a + ((Math.log10(Math.max(v, lo)) - l0) / (l1 - l0 || 1)) * (b - a);
  }
  return (v) => a + ((v - lo) / (hi - lo || 1)) * (b - a);
}

// `text` in the context's font, cut with "…" to at most `room` pixels wide. A trailing
// " (…)" (" (standardized)") is kept where it fits and the name before it is cut. Cut
// between graphemes: an emoji or an accented letter is never split. The server caps a
// user's name in characters (charts.title_text); only here is its width known, and a
// 500-letter column name ran past both edges of the picture.
function fitText(ctx, text, room) {
  if (ctx.measureText(text).width <= room) return text;
  const m = /^([\s\S]*?)(\s\([^()]*\))$/.exec(text);
  const keep = m && ctx.measureText("…" + m[2]).width <= room;
  const head = keep ? m[1] : text, tail = keep ? m[2] : "";
  const parts = typeof Intl.Segmenter === "function"
    ? Array.from(new Intl.Segmenter().segment(head), (g) => g.segment) : Array.from(head);
  const cut = (n) => parts.slice(0, n).join("").trimEnd() + "…" + tail;
  let lo = 0, hi = parts.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(cut(mid)).width <= room) lo = mid; else hi = mid - 1;
  }
  return cut(lo);
}

// Draws the frame, the ticks and the titles (each cut to the canvas: `fitText`); returns the
// tick labels and the titles drawn ({x, y, titles}), which a test reads. `whole`: the x axis
// counts steps.
function axes(ctx, b, sx, sy, xr, yr, titles, ink, log, whole = false) {
  const drawn = { x: [], y: [], titles: [] };
  // each title is centred on the box, with 4 pixels to spare at the canvas's edges
  const across = (b.x0 + b.x1) / 2, up = (b.y0 + b.y1) / 2;
  const width = b.x1 + PAD.right, height = b.y1 + PAD.bottom;
  ctx.font = "12px sans-serif";
  drawn.titles = [fitText(ctx, titles[0], 2 * Math.min(across, width - across) - 8),
                  fitText(ctx, titles[1], 2 * Math.min(up, height - up) - 8)];
  ctx.strokeStyle = ink; ctx.fillStyle = ink; ctx.lineWidth = 1;
  ctx.globalAlpha = 0.6;
  ctx.strokeRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
  ctx.globalAlpha = 1;
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const [t, text] of tickLabels(niceTicks(xr[0], xr[1], 6, whole))) {
    const x = sx(t);
    if (x < b.x0 - 1 || x > b.x1 + 1) continue;
    ctx.fillText(text, x, b.y1 + 4);
    drawn.x.push(text);
  }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  const yt = log ? logTicks(yr[0], yr[1]) : niceTicks(yr[0], yr[1], 4);
  // The axis title runs up the left edge (x 4 to 18): a tick label long enough to reach it
  // is left out where the title is, rather than drawn over it.
  ctx.font = "12px sans-serif";
  const half = ctx.measureText(drawn.titles[1]).width / 2 + 4, middle = up;
  ctx.font = "11px sans-serif";
  for (const [t, text] of tickLabels(yt)) {
    const y = sy(t);
    if (y < b.y0 - 1 || y > b.y1 + 1) continue;
    const reaches = b.x0 - 4 - ctx.measureText(text).width < 19;
    if (reaches && Math.abs(y - middle) < half + 6) continue;
    ctx.fillText(text, b.x0 - 4, y);
    drawn.y.push(text);
  }
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  ctx.font = "12px sans-serif";
  ctx.fillText(drawn.titles[0], across, b.y1 + 34);
  ctx.save();
  ctx.translate(12, up); ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "top"; ctx.fillText(drawn.titles[1], 0, -8);
  ctx.restore();
  return drawn;
}

function drawPicture(s, ink) {
  const d = s.d;
  const { ctx, width, height } = fit(s.picture, d.picture_height);
  ctx.clearRect(0, 0, width, height);
  const b = box(width, height);
  const sx = scaler(d.x_range[0], d.x_range[1], b.x0, b.x1);
  const sy = scaler(d.y_range[0], d.y_range[1], b.y1, b.y0);
  const f = s.frame;
  if (d.kind === "plane") {
    const n = d.grid.length, m = d.grid_y.length;
    const cellW = (b.x1 - b.x0) / n, cellH = (b.y1 - b.y0) / m;
    for (let row = 0; row < m; row += 1) {
      for (let col = 0; col < n; col += 1) {
        const p = s.p[(f * m + row) * n + col] / 255;
        ctx.fillStyle = p >= 0.5 ? CLASS_COLORS[1] : CLASS_COLORS[0];
        ctx.globalAlpha = 0.08 + 0.42 * Math.abs(p - 0.5) * 2;
        ctx.fillRect(b.x0 + col * cellW, b.y1 - (row + 1) * cellH, cellW + 0.5, cellH + 0.5);
      }
    }
    ctx.globalAlpha = 1;
    const line = d.frames.boundary[f];
    if (line && line[0] !== null) {
      ctx.strokeStyle = BOUNDARY_COLOR; ctx.lineWidth = 3;
      ctx.beginPath(); ctx.moveTo(sx(line[0]), sy(line[1])); ctx.lineTo(sx(line[2]), sy(line[3]));
      ctx.stroke();
    }
    d.points.x.forEach((x, i) => marker(ctx, sx(x), sy(d.points.y[i]), d.points.label[i], ink));
  } else {
    const n = d.grid.length;
    ctx.strokeStyle = ink; ctx.globalAlpha = 0.4; ctx.setLineDash([2, 3]); ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(b.x0, sy(0.5)); ctx.lineTo(b.x1, sy(0.5)); ctx.stroke();
    ctx.setLineDash([]); ctx.globalAlpha = 1;
    ctx.strokeStyle = CURVE_COLOR; ctx.lineWidth = 3; ctx.beginPath();
    for (let i = 0; i < n; i += 1) {
      const x = sx(d.grid[i]), y = sy(s.p[f * n + i] / 255);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
    const at = d.frames.boundary[f];
    if (at !== null && at >= d.x_range[0] && at <= d.x_range[1]) {
      ctx.strokeStyle = BOUNDARY_COLOR; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(sx(at), b.y0); ctx.lineTo(sx(at), b.y1); ctx.stroke();
      ctx.setLineDash([]);
    }
    d.points.x.forEach((x, i) => marker(ctx, sx(x), sy(d.points.label[i]), d.points.label[i],
                                        ink));
  }
  const { titles } = axes(ctx, b, sx, sy, d.x_range, d.y_range, d.titles, ink, false);
  s.geometry = { b, sx, sy, width, height, titles };
}

function marker(ctx, x, y, cls, ink) {
  ctx.fillStyle = CLASS_COLORS[cls]; ctx.strokeStyle = "#222222"; ctx.lineWidth = 1.2;
  ctx.beginPath();
  if (cls === 1) { ctx.moveTo(x, y - 6); ctx.lineTo(x + 6, y + 5); ctx.lineTo(x - 6, y + 5); }
  else ctx.arc(x, y, 5.5, 0, 2 * Math.PI);
  ctx.closePath(); ctx.fill(); ctx.stroke();
}

function drawLoss(s, ink) {
  const d = s.d;
  const { ctx, width, height } = fit(s.loss, d.loss_height);
  ctx.clearRect(0, 0, width, height);
  const b = box(width, height);
  const c = d.loss_curve;
  const sx = scaler(0, Math.max(1, d.last), b.x0, b.x1);
  const sy = scaler(c.range[0], c.range[1], b.y1, b.y0, c.log);
  ctx.strokeStyle = LOSS_COLOR; ctx.lineWidth = 2; ctx.beginPath();
  c.steps.forEach((step, i) => {
    const x = sx(step), y = sy(c.loss[i]);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
  const step = d.frames.steps[s.frame], value = d.frames.loss[s.frame];
  ctx.strokeStyle = MARKER_COLOR; ctx.setLineDash([4, 4]); ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(sx(step), b.y0); ctx.lineTo(sx(step), b.y1); ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = MARKER_COLOR; ctx.beginPath(); ctx.arc(sx(step), sy(value), 6, 0, 2 * Math.PI);
  ctx.fill();
  const ticks = axes(ctx, b, sx, sy, [0, d.last], c.range,
    ["step", c.log ? "loss (log)" : "loss"], ink, c.log, true);
  s.lossGeometry = { b, sx, ticks };
}

function draw(s) {
  if (!s.d) return;
  const ink = css(s.root, "--st-text-color", "#31333F");
  drawPicture(s, ink);
  drawLoss(s, ink);
  const f = s.frame, d = s.d;
  const step = d.frames.steps[f];
  s.scrub.max = String(d.last);
  s.scrub.value = String(s.step);
  s.scrub.setAttribute("aria-valuetext", `step ${s.step.toLocaleString("en-US")}`);
  const approx = step === s.step ? "" : ` (picture of step ${step.toLocaleString("en-US")})`;
  // With Predict first on the later steps are not sent: the total still counts them. They
  // come after the reveal of an open question, else as the learner predicts them.
  const when = d.predicting ? "after your reveal" : "as you predict them";
  const hidden = d.last < d.total ? ` (the later ones ${when})` : "";
  // At the last step sent, Step forward has nowhere to go, and the button says why.
  const atEnd = s.step >= d.last;
  s.forward.setAttribute("aria-disabled", atEnd ? "true" : "false");
  s.forward.title = atEnd && d.last < d.total ? `The later steps show ${when}` : "";
  s.back.setAttribute("aria-disabled", s.step <= 0 ? "true" : "false");
  s.readout.textContent = `Step ${s.step.toLocaleString("en-US")} of ` +
    `${d.total.toLocaleString("en-US")}${hidden}${approx} · loss ` +
    `${d.loss_texts[f]} · ` +
    `${percent(d.frames.accuracy[f])} on their label's side`;
  s.drawn += 1;
  s.root.dataset.drawn = String(s.drawn);
  s.root.dataset.frame = String(f);
  s.root.dataset.step = String(s.step);
  s.picture.setAttribute("aria-label", d.alt_picture);
  s.loss.setAttribute("aria-label", d.alt_loss);
}

function clickLoss(s, event) {
  const g = s.lossGeometry;
  if (!g) return;
  const rect = s.loss.getBoundingClientRect();
  const x = event.clientX - rect.left;
  if (x < g.b.x0 - 4 || x > g.b.x1 + 4) return;
  const step = Math.round(((x - g.b.x0) / (g.b.x1 - g.b.x0)) * s.d.last);
  stop(s);
  show(s, step);
  send(s);
}

function clickPicture(s, event) {
  const d = s.d, g = s.geometry;
  if (!g || d.kind !== "plane" || !d.editable || d.predicting) return;
  const rect = s.picture.getBoundingClientRect();
  const px = event.clientX - rect.left, py = event.clientY - rect.top;
  if (px < g.b.x0 || px > g.b.x1 || py < g.b.y0 || py > g.b.y1) return;
  let nearest = -1, best = 9;  // a sample within 9 px is clicked on
  d.points.x.forEach((x, i) => {
    const dist = Math.hypot(g.sx(x) - px, g.sy(d.points.y[i]) - py);
    if (dist < best) { best = dist; nearest = i; }
  });
  stop(s);
  if (nearest >= 0) {
    s.setTriggerValue("remove", { index: nearest });
    return;
  }
  const inv = (v, lo, hi, a, b) => lo + ((v - a) / (b - a)) * (hi - lo);
  s.setTriggerValue("add", {
    x: inv(px, d.x_range[0], d.x_range[1], g.b.x0, g.b.x1),
    y: inv(py, d.y_range[0], d.y_range[1], g.b.y1, g.b.y0),
    label: s.addClass,
  });
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const existing = parentElement.querySelector(".player");
  const s = existing ? existing.__player : build(parentElement);
  s.setTriggerValue = setTriggerValue;
  // Two lines of JSON: what changes per rerun, then the frames, samples and grid, the same
  // bytes while the run is the same (parsed only when its version changes).
  const cut = data.indexOf(10);
  const head = JSON.parse(UTF8.decode(data.subarray(0, cut)));
  const fresh = !s.d || s.d.version !== head.version;
  if (fresh) s.run = JSON.parse(UTF8.decode(data.subarray(cut + 1)));
  s.d = Object.assign({}, s.run, head);
  if (fresh) s.p = decode(s.d.frames.p);
  s.root.querySelector(".adding").hidden = !(head.kind === "plane" && head.editable);
  paintClassButtons(s);
  // (a reloaded player counts on from the server's last seq, so its moves are never "older")
  const learnerAhead = !s.playing && ahead(s, head);
  s.seq = Math.max(s.seq, head.seq);
  if (learnerAhead) {
    show(s, s.step); // new frames, perhaps (a long run keeps the inspected step's frame)
  } else if (fresh || !s.playing) {
    stop(s);
    s.sent = head.inspect;
    show(s, head.inspect);
  }
  paintPlay(s);
  return () => stop(s);
}
