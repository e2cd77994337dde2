// The simulation page: simulate the talks as a background job (or show the stored simulation of
// this version) and show each issue's outcome (agreed, open, deadlocked), each party's utility
// against its walk-away, the offers over time (SVG drawn here from the JSON; hover or focus a
// marker for the package) and a compact transcript.
import { api, attachTooltip, clear, el, runJob, scenarioUrl, showError, svg } from "./common.js";

const main = document.getElementById("main");
const name = main.dataset.name;
const version = new URLSearchParams(location.search).get("version");
const enc = encodeURIComponent;
const status = document.getElementById("sim-status");
const progress = document.getElementById("progress");
const runButton = document.getElementById("simulate");
const COLOURS = ["#1f5f9e", "#c0392b", "#2a8c3a", "#d97a00", "#7b3fa0", "#138d9c", "#8c564b", "#d6378f"];
const STRATEGIES = [["", "default"], ["boulware", "Boulware (concedes late)"], ["linear", "linear"],
  ["conceder", "conceder (concedes early)"], ["tit-for-tat", "tit-for-tat"], ["hard-liner", "hard-liner (never concedes)"],
  ["staller", "staller (gains from delay)"]];
const KEY_STOPS = 25;       // focusable markers per line
const TRANSCRIPT_ROWS = 200; // entries listed per meeting

let scenario = null;  // the API's ScenarioDoc
let actorNames = new Map();
let issueNames = new Map();

const num = (x, d = 3) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));
const short = (x) => (x === null || x === undefined ? "–" : String(Number(Number(x).toFixed(2))));
const actor = (id) => actorNames.get(id) || id;
const actors = (text) => String(text).split(", ").map(actor).join(", ");
const issue = (id) => issueNames.get(id) || id;

async function init() {
  document.getElementById("scenario-link").setAttribute("href", scenarioUrl(name));
  const path = version ? `/api/scenarios/${enc(name)}/versions/${enc(version)}` : `/api/scenarios/${enc(name)}`;
  const s = await api("GET", path);
  if (!s.ok) return showError(status, s.data);
  scenario = s.data;
  const doc = scenario.scenario;
  actorNames = new Map(doc.actors.map((a) => [a.id, a.name]));
  issueNames = new Map(doc.issues.map((i) => [i.id, i.name]));
  document.getElementById("title").textContent = `Simulation: ${doc.title || name}`;
  document.getElementById("meta").textContent = `${name}, version ${scenario.version} · ${doc.issues.length} issues · ${doc.actors.length} actors · ${(doc.rounds || []).length} rounds of talks`;
  const list = clear(document.getElementById("strategy-list"));
  doc.actors.filter((a) => a.role === "party").forEach((a, i) => {
    const id = `strategy-${i}`;
    list.append(el("div", { class: "field inline" }, el("label", { for: id }, `Strategy of ${a.name}`),
      el("select", { id, name: "strategy", "data-actor": a.id },
        STRATEGIES.map(([value, label]) => el("option", { value }, label)))));
  });
  // the latest stored simulation of exactly this version, if any; else run the default one
  const runs = await api("GET", `/api/runs?scenario=${enc(name)}&kind=simulate&limit=20`);
  const stored = runs.ok ? runs.data.runs.find((r) => r.scenario_hash === scenario.hash && r.status === "ok") : null;
  if (stored) {
    const one = await api("GET", `/api/runs/${enc(stored.id)}`);
    if (one.ok && one.data.result && one.data.result.chart) {
      setForm(one.data.result);
      status.className = "ok";
      status.textContent = `Stored simulation of ${one.data.started_at.slice(0, 19).replace("T", " ")} UTC (run ${one.data.id}).`;
      return show(one.data.result);
    }
  }
  start();
}

function setForm(result) {
  const p = result.parameters || {};
  if (p.protocol) document.getElementById("protocol").value = p.protocol;
  if (p.steps) document.getElementById("steps").value = String(p.steps);
  if (p.order) document.getElementById("order").value = p.order;
  if (result.seed !== null && result.seed !== undefined) document.getElementById("seed").value = String(result.seed);
}

async function start() {
  const stepsText = document.getElementById("steps").value.trim();
  const seedText = document.getElementById("seed").value.trim();
  const strategies = [...document.querySelectorAll("select[name=strategy]")]
    .filter((s) => s.value).map((s) => `${s.dataset.actor}=${s.value}`);
  const body = { scenario: name, version: scenario.version, protocol: document.getElementById("protocol").value,
    steps: /^\d+$/.test(stepsText) ? Number(stepsText) : stepsText, order: document.getElementById("order").value };
  if (strategies.length) body.strategies = strategies;
  if (seedText) body.seed = /^\d+$/.test(seedText) ? Number(seedText) : seedText;
  const job = await runJob({ path: "/api/simulations", body, button: runButton, status, progress, what: "simulation",
    interval: 150 });
  if (!job) return;
  status.textContent = `Done: ${job.result.steps} rounds of offers; run ${job.runs[0]} recorded.`;
  show(job.result);
}

document.getElementById("sim-form").addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});

function show(doc) {
  const summary = document.getElementById("summary");
  summary.className = `verdict ${doc.agreement ? "yes" : "no"}`;
  summary.dataset.agreement = String(doc.agreement);
  summary.textContent = `${doc.protocol === "single-text" ? "Single text" : "Alternating offers"}: ` +
    (doc.agreement ? `agreement on every issue in round ${doc.agreement_round}.` : "no full agreement.");
  renderOutcomes(doc);
  renderUtilities(doc);
  renderCharts(doc);
  renderTranscript(doc);
  document.getElementById("results").hidden = false;
}

function renderOutcomes(doc) {
  const body = clear(document.querySelector("#outcome-table tbody"));
  for (const o of doc.issues) {
    const last = Object.entries(o.last_offers || {}).filter(([, v]) => v !== null)
      .map(([p, v]) => `${actor(p)} ${short(v)}`).join(", ");
    const why = el("td", { class: "reason" }, o.reason,
      o.status === "open" && last ? el("span", { class: "range" }, `Last offers: ${last}.`) : null);
    body.append(el("tr", { "data-issue": o.issue, "data-status": o.status },
      el("th", { scope: "row" }, o.name),
      el("td", {}, el("span", { class: `status ${o.status}` }, o.status)),
      el("td", { class: "num" }, el("span", { class: "value" }, short(o.value)),
        (o.anchor ?? o.label) ? el("span", { class: "anchor" }, o.anchor ?? o.label) : null,
        o.option ? el("span", { class: "anchor option" }, `option: ${o.option}`) : null),
      el("td", { class: "num" }, o.round === null ? "–" : String(o.round)),
      el("td", {}, o.meeting || "–", o.scenario_round ? el("span", { class: "range" }, o.scenario_round) : null),
      why));
  }
}

function renderUtilities(doc) {
  const body = clear(document.querySelector("#utility-table tbody"));
  for (const p of doc.parties) {
    const u = doc.utilities[p];
    const beats = u.beats_walk_away === null ? "no full agreement" : (u.beats_walk_away ? "yes" : "no");
    body.append(el("tr", { "data-party": p }, el("th", { scope: "row" }, actor(p)),
      el("td", {}, doc.strategies[p] || "–"),
      el("td", { class: "num" }, `${num(u.reservation)} → ${num(u.walk_away)}`),
      el("td", { class: "num" }, num(u.agreement)), el("td", { class: "num" }, num(u.partial)),
      el("td", { class: "num" }, num(u.best)), el("td", {}, beats)));
  }
  // a bar per party: its utility of the agreed issues (or of the agreement), walk-away marked
  const figure = clear(document.getElementById("utility-figure"));
  const W = 640, row = 34, mt = 10, mb = 30, ml = 150, mr = 20;
  const H = mt + mb + row * doc.parties.length;
  const x = (u) => ml + Math.min(1, Math.max(0, u)) * (W - ml - mr);
  const chart = svg("svg", { class: "chart utility-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "utility-title" },
    svg("title", { id: "utility-title" }, "Each party's utility of the outcome against its walk-away utility"));
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg("line", { class: "grid", x1: x(t), x2: x(t), y1: mt, y2: H - mb }),
      svg("text", { x: x(t), y: H - mb + 16, "text-anchor": "middle" }, t.toFixed(2)));
  }
  doc.parties.forEach((p, k) => {
    const u = doc.utilities[p];
    const y = mt + k * row;
    const value = u.agreement !== null ? u.agreement : u.partial;
    const what = u.agreement !== null ? "full agreement" : "agreed issues only, no deal on the rest";
    const text = `${actor(p)}: ${num(value)} (${what}); walk-away ${num(u.walk_away)} (at the start ${num(u.reservation)}); best ${num(u.best)}`;
    const bar = svg("rect", { class: `ubar ${value >= u.walk_away - 1e-9 ? "above" : "below"}`, x: x(0), y: y + 6,
      width: Math.max(1, x(value) - x(0)), height: row - 14, tabindex: 0, "aria-label": text, "data-party": p },
    svg("title", {}, text));
    attachTooltip(bar, text);
    chart.append(svg("text", { x: ml - 8, y: y + row / 2 + 2, "text-anchor": "end" }, actor(p)), bar,
      svg("line", { class: "walkaway", x1: x(u.walk_away), x2: x(u.walk_away), y1: y + 2, y2: y + row - 4 },
        svg("title", {}, `walk-away of ${actor(p)}: ${num(u.walk_away)}`)));
  });
  chart.append(svg("text", { x: (x(0) + x(1)) / 2, y: H - 4, "text-anchor": "middle", class: "muted" }, "utility (dashed: walk-away)"));
  figure.append(chart, el("figcaption", {}, "Green: at or above the walk-away; red: below it. Hover or focus a bar for the numbers."));
}

// -- offers over time -------------------------------------------------------------------------
function packageText(pkg) {
  return Object.entries(pkg).map(([i, v]) => `${issue(i)} ${short(v)}`).join("; ");
}

function renderCharts(doc) {
  const box = clear(document.getElementById("offers-charts"));
  const legend = clear(document.getElementById("offers-legend"));
  const chartInfo = doc.chart || { proposers: [], changes: {} };
  const proposers = chartInfo.proposers;
  const colour = new Map(proposers.map((q, k) => [q, COLOURS[k % COLOURS.length]]));
  const sw = (label, shape) => el("span", {}, svg("svg", { width: 18, height: 14, "aria-hidden": "true" }, shape), " ", label);
  legend.append(...proposers.map((q) => sw(`offers of ${actor(q)}${doc.parties.includes(q) ? "" : " (mediator's text)"}`,
    svg("line", { x1: 0, x2: 18, y1: 7, y2: 7, stroke: colour.get(q), "stroke-width": 2.5,
      "stroke-dasharray": doc.parties.includes(q) ? null : "5 3" }))),
  sw("walk-away at the end (dotted) and at the start (faint)", svg("line", { x1: 0, x2: 18, y1: 7, y2: 7, stroke: "#000", "stroke-dasharray": "2 3" })),
  sw("issues settled", svg("path", { d: "M9,2 l5,5 l-5,5 l-5,-5 z", fill: "#b8860b" })));
  const settled = doc.transcript.filter((t) => t.action === "settle" && t.issues && t.issues.length);
  const steps = Math.max(1, doc.steps);
  const W = 760, H = 260, ml = 48, mr = 16, mt = 26, mb = 36;
  const x = (r) => ml + (steps === 1 ? 0.5 : (r - 1) / (steps - 1)) * (W - ml - mr);
  const half = (W - ml - mr) / Math.max(1, steps - 1) / 2;
  const y = (u) => H - mb - Math.min(1, Math.max(0, u)) * (H - mt - mb);
  doc.parties.forEach((p, pi) => {
    const titleId = `offers-title-${pi}`;
    const chart = svg("svg", { class: "chart offers-chart", viewBox: `0 0 ${W} ${H}`, role: "img",
      "aria-labelledby": titleId, "data-party": p },
    svg("title", { id: titleId }, `Utility to ${actor(p)} of the offers on the table, round by round`));
    doc.meetings.forEach((m, k) => {
      if (m.first_round === null || m.first_round === undefined) return;
      const x0 = Math.max(ml, x(m.first_round) - half), x1 = Math.min(W - mr, x(m.last_round) + half);
      chart.append(svg("rect", { class: `band ${k % 2 ? "odd" : "even"}`, x: x0, y: mt, width: Math.max(0, x1 - x0), height: H - mt - mb },
        svg("title", {}, `${m.id} (${m.format}; ${m.parties.map(actor).join(", ")}): rounds ${m.first_round}–${m.last_round}`)));
      if (x1 - x0 > 70) chart.append(svg("text", { x: x0 + 3, y: mt + 11, class: "muted band-label" }, m.id.length > 22 ? `${m.id.slice(0, 21)}…` : m.id));
    });
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      chart.append(svg("line", { class: "grid", x1: ml, x2: W - mr, y1: y(t), y2: y(t) }),
        svg("text", { x: ml - 6, y: y(t) + 4, "text-anchor": "end" }, t.toFixed(2)));
    }
    const tick = Math.max(1, Math.ceil(steps / 12));
    for (let r = 1; r <= steps; r += tick) chart.append(svg("text", { x: x(r), y: H - mb + 15, "text-anchor": "middle" }, String(r)));
    chart.append(svg("line", { class: "axis", x1: ml, x2: W - mr, y1: y(0), y2: y(0) }),
      svg("line", { class: "axis", x1: ml, x2: ml, y1: y(0), y2: y(1) }),
      svg("text", { x: (ml + W - mr) / 2, y: H - 6, "text-anchor": "middle", class: "muted" }, "round"),
      svg("text", { x: 12, y: (y(0) + y(1)) / 2, "text-anchor": "middle", class: "muted", transform: `rotate(-90 12 ${(y(0) + y(1)) / 2})` }, `utility to ${actor(p)}`));
    const u = doc.utilities[p];
    if (Math.abs(u.reservation - u.walk_away) > 1e-9) {
      chart.append(svg("line", { class: "walkaway start", x1: ml, x2: W - mr, y1: y(u.reservation), y2: y(u.reservation) },
        svg("title", {}, `walk-away of ${actor(p)} at the start: ${num(u.reservation)}`)));
    }
    chart.append(svg("line", { class: "walkaway end", "data-walkaway": p, x1: ml, x2: W - mr, y1: y(u.walk_away), y2: y(u.walk_away) },
      svg("title", {}, `walk-away of ${actor(p)} at the end: ${num(u.walk_away)}`)));
    const series = doc.offers[p] || {};
    for (const q of proposers) {
      const ys = series[q];
      if (!ys) continue;
      const pts = ys.map((v, i) => [i + 1, v]).filter(([, v]) => v !== null && v !== undefined);
      if (!pts.length) continue;
      const mediator = !doc.parties.includes(q);
      chart.append(svg("polyline", { class: `offer-line${q === p ? " own" : ""}`, stroke: colour.get(q),
        "stroke-dasharray": mediator ? "6 4" : null, "data-proposer": q,
        points: pts.map(([r, v]) => `${x(r)},${y(v)}`).join(" ") }));
      const changes = (chartInfo.changes[q] || []).filter((c) => c.round >= 1 && c.round <= steps && ys[c.round - 1] !== null);
      const step = Math.max(1, Math.ceil(changes.length / KEY_STOPS));
      changes.forEach((c, i) => {
        const value = ys[c.round - 1];
        const text = `Round ${c.round}: ${actor(q)} ${mediator ? "drafts" : "offers"} ${packageText(c.package)} · utility to ${actor(p)} ${num(value)}`;
        const focusable = i % step === 0 || i === changes.length - 1;
        const dot = svg("circle", { class: `offer-pt${focusable ? " focusable" : ""}`, cx: x(c.round), cy: y(value), r: 4,
          fill: colour.get(q), tabindex: focusable ? 0 : null, "aria-label": focusable ? text : null,
          "data-proposer": q, "data-round": c.round }, svg("title", {}, text));
        attachTooltip(dot, text);
        chart.append(dot);
      });
    }
    for (const s of settled) {
      const text = `Round ${s.round}: ${s.issues.map(issue).join(", ")} settled${s.meeting ? ` (${s.meeting})` : ""}`;
      const cx = x(Math.min(steps, s.round));
      const mark = svg("path", { class: "settle", d: `M${cx},${mt - 12} l5,5 l-5,5 l-5,-5 z`, tabindex: 0, "aria-label": text },
        svg("title", {}, text));
      attachTooltip(mark, text);
      chart.append(mark);
    }
    box.append(el("figure", { class: "offers-figure" }, chart,
      el("figcaption", {}, `${actor(p)} (${doc.strategies[p] || "–"}): converging lines are concessions; a gap that stays open above the walk-away is a deadlock.`)));
  });
}

// -- the transcript ---------------------------------------------------------------------------
function entryText(t) {
  const who = actors(t.actor);
  switch (t.action) {
    case "offer": return `${who} offers ${packageText(t.package)}`;
    case "text": return `${who} drafts ${packageText(t.package)}`;
    case "reject": return `${who} rejects (worth ${num(t.value)} to it, target ${num(t.target)})` +
      (t.issues && t.issues.length ? `, accepts ${t.issues.map(issue).join(", ")}` : "");
    case "accept": return `${who} accepts` + (t.issues && t.issues.length ? ` ${t.issues.map(issue).join(", ")}` : "");
    case "settle": return `settled: ${(t.issues || []).map((i) => `${issue(i)} at ${short(t.package ? t.package[i] : null)}`).join(", ")}`;
    default: return `${who} ${t.action}${t.value !== undefined ? ` ${num(t.value)}` : ""}${t.note ? `: ${t.note}` : ""}`;
  }
}

function renderTranscript(doc) {
  const box = clear(document.getElementById("transcript"));
  const byMeeting = new Map();
  for (const t of doc.transcript) {
    const key = t.meeting || "";
    if (!byMeeting.has(key)) byMeeting.set(key, []);
    byMeeting.get(key).push(t);
  }
  let hidden = 0;
  const ordered = [...doc.meetings.map((m) => m.id), ...[...byMeeting.keys()].filter((k) => !doc.meetings.some((m) => m.id === k))];
  ordered.forEach((id, k) => {
    const entries = byMeeting.get(id) || [];
    const m = doc.meetings.find((mm) => mm.id === id);
    if (!entries.length && !m) return;
    const head = m ? `${m.id} · ${m.format}${m.kind === "consultation" ? " (consultation)" : ""} · ${[...m.parties, ...m.others].map(actor).join(", ")}` +
      (m.first_round ? ` · rounds ${m.first_round}–${m.last_round}` : "") : (id || "outside the meetings");
    const shown = entries.slice(0, TRANSCRIPT_ROWS);
    hidden += entries.length - shown.length;
    const settles = entries.filter((t) => t.action === "settle").length;
    box.append(el("details", { class: "meeting", open: k === 0 ? true : null, "data-meeting": id },
      el("summary", {}, head, ` · ${entries.length} entries${settles ? `, ${settles} settlement${settles > 1 ? "s" : ""}` : ""}`),
      el("ol", { class: "transcript" }, shown.map((t) => el("li", { class: `t-${t.action}` },
        el("span", { class: "round" }, `R${t.round}`), " ", entryText(t)))),
      entries.length > shown.length ? el("p", { class: "help" }, `… and ${entries.length - shown.length} more entries.`) : null));
  });
  document.getElementById("transcript-note").textContent =
    `${doc.transcript.length} entries: offers, the mediator's texts, responses (with the issues each party accepts), settlements, pressure and influence.` +
    (hidden ? ` ${hidden} are not listed here; the stored run holds them all.` : "");
}

init();
