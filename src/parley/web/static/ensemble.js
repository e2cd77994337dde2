// The ensemble page: run a model (or the simulation) on many draws of the scenario's uncertain
// inputs as a background job, following its progress in draws (or show the stored ensemble of
// this version), then show per issue the outcome distribution over the labelled scale (SVG
// histograms drawn here from the JSON), the probability that every party accepts it (and, for
// simulations, that it is agreed), and on request a one-at-a-time tornado for one issue.
import { api, attachTooltip, clear, el, runJob, scenarioUrl, showError, svg } from "./common.js";

const main = document.getElementById("main");
const name = main.dataset.name;
const version = new URLSearchParams(location.search).get("version");
const enc = encodeURIComponent;
const status = document.getElementById("ens-status");
const progress = document.getElementById("progress");
const runButton = document.getElementById("run");
const modelSelect = document.getElementById("model");
const tornadoIssue = document.getElementById("tornado-issue");
const tornadoStatus = document.getElementById("tornado-status");
const SIMULATIONS = [["simulate:alternating", "simulation: alternating offers"], ["simulate:single-text", "simulation: the mediator's single text"]];

let scenario = null;  // the API's ScenarioDoc
let result = null;    // the ensemble document
let issues = new Map();
let actorNames = new Map();

const num = (x, d = 1) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));
const pct = (p) => (p === null || p === undefined ? "–" : `${(100 * p).toFixed(1)} %`);
const count = (n) => Number(n).toLocaleString("en");
const actor = (id) => actorNames.get(id) || id;
const issueName = (id) => (issues.get(id) ? issues.get(id).name : id);

function nearestLabel(issue, value) {
  if (!issue || value === null || value === undefined) return "";
  let best = null;
  for (const a of issue.scale.anchors || []) {
    if (best === null || Math.abs(a.value - value) < Math.abs(best.value - value)) best = a;
  }
  return best ? best.label : "";
}

function jitterText(j) {
  if (!j) return "";
  const parts = ["capability", "salience", "position"].filter((k) => j[k] > 0).map((k) => `${k}=${j[k]}`);
  if (j.override) parts.push("override");
  return parts.join(",");
}

// "position russia/donbas" -> "position of Russia on Donbas"
function inputText(label) {
  const space = label.indexOf(" ");
  if (space < 0) return label;
  const kind = label.slice(0, space).replace("_", " "), rest = label.slice(space + 1);
  const slash = rest.indexOf("/");
  if (slash < 0) return `${kind} of ${issues.has(rest) ? issueName(rest) : actor(rest)}`;
  return `${kind} of ${actor(rest.slice(0, slash))} on ${issueName(rest.slice(slash + 1))}`;
}

function declaresUncertainty(doc) {
  const q = (x) => x && typeof x === "object" && x.uncertainty;
  return doc.actors.some((a) => q(a.capability)) || doc.issues.some((i) => q(i.status_quo)) ||
    doc.stances.some((s) => q(s.position) || q(s.salience));
}

async function init() {
  document.getElementById("scenario-link").setAttribute("href", scenarioUrl(name));
  const path = version ? `/api/scenarios/${enc(name)}/versions/${enc(version)}` : `/api/scenarios/${enc(name)}`;
  const [s, models] = await Promise.all([api("GET", path), api("GET", "/api/models")]);
  if (!s.ok) return showError(status, s.data);
  scenario = s.data;
  const doc = scenario.scenario;
  issues = new Map(doc.issues.map((i) => [i.id, i]));
  actorNames = new Map(doc.actors.map((a) => [a.id, a.name]));
  document.getElementById("title").textContent = `Ensemble: ${doc.title || name}`;
  const uncertain = declaresUncertainty(doc);
  document.getElementById("meta").textContent = `${name}, version ${scenario.version} · ${doc.issues.length} issues · ${doc.actors.length} actors · ` +
    (uncertain ? "declares uncertain numbers" : "declares no uncertainty: give a jitter");
  if (!uncertain) document.getElementById("jitter").value = "0.1";
  clear(modelSelect);
  for (const m of models.ok ? models.data.models : [{ name: "compromise", summary: "" }]) {
    modelSelect.append(el("option", { value: m.name, title: m.summary || null }, m.name));
  }
  const parties = doc.actors.filter((a) => a.role === "party").length;
  if (parties >= 2) for (const [value, label] of SIMULATIONS) modelSelect.append(el("option", { value }, label));
  modelSelect.value = "compromise";
  clear(tornadoIssue).append(...doc.issues.map((i) => el("option", { value: i.id }, i.name)));
  // the latest stored ensemble of exactly this version, if any (an ensemble is not run unasked)
  const runs = await api("GET", `/api/runs?scenario=${enc(name)}&kind=ensemble&limit=20`);
  const stored = runs.ok ? runs.data.runs.find((r) => r.scenario_hash === scenario.hash && r.status === "ok") : null;
  if (stored) {
    const one = await api("GET", `/api/runs/${enc(stored.id)}`);
    if (one.ok && one.data.result && one.data.result.issues) {
      setForm(one.data.result);
      status.className = "ok";
      status.textContent = `Stored ensemble of ${one.data.started_at.slice(0, 19).replace("T", " ")} UTC (run ${one.data.id}).`;
      return show(one.data.result);
    }
  }
  status.textContent = "Choose a model and the number of draws, then run the ensemble.";
}

function setForm(doc) {
  if ([...modelSelect.options].some((o) => o.value === doc.model)) modelSelect.value = doc.model;
  document.getElementById("runs").value = String(doc.ensemble.n_runs);
  document.getElementById("seed").value = String(doc.ensemble.seed);
  document.getElementById("jitter").value = jitterText(doc.ensemble.jitter);
}

const asNumber = (text) => (/^\d+$/.test(text) ? Number(text) : text);

async function start() {
  const runsText = document.getElementById("runs").value.trim().replaceAll(",", "");
  const seedText = document.getElementById("seed").value.trim();
  const jitter = document.getElementById("jitter").value.trim();
  const body = { scenario: name, version: scenario.version, model: modelSelect.value, runs: asNumber(runsText) };
  if (seedText) body.seed = asNumber(seedText);
  if (jitter) body.jitter = jitter;
  const job = await runJob({ path: "/api/ensembles", body, button: runButton, status, progress, what: "ensemble",
    interval: 150, onProgress: (j) => {
      progress.max = Math.max(1, j.total);
      progress.value = j.done;
      status.textContent = `${j.status}: ${count(j.done)} of ${count(j.total)} draws`;
    } });
  if (!job) return;
  status.textContent = `Done: ${count(job.done)} of ${count(job.total)} draws (seed ${job.seed}); run ${job.runs[0]} recorded.`;
  setForm(job.result);
  show(job.result);
}

document.getElementById("ens-form").addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});

function show(doc) {
  result = doc;
  const simulated = doc.agreed_on_every_issue !== undefined;
  const list = clear(document.getElementById("ens-summary"));
  list.append(el("li", {}, `${count(doc.draws)} draws of ${doc.model} (seed ${doc.ensemble.seed}${doc.ensemble.jitter ? `, jitter ${jitterText(doc.ensemble.jitter)}` : ""}); ${doc.inputs.length} uncertain inputs.`),
    el("li", { id: "all-acceptable" }, `Every issue inside every party's red lines at once: ${pct(doc.acceptable_to_all_on_every_issue)} of the draws.`));
  if (simulated) list.append(el("li", { id: "all-agreed" }, `Every issue agreed: ${pct(doc.agreed_on_every_issue)} of the draws.`));
  renderTable(doc, simulated);
  const charts = clear(document.getElementById("dist-charts"));
  for (const id of Object.keys(doc.issues)) charts.append(histogram(id, doc.issues[id], doc, simulated));
  clear(document.getElementById("tornado"));
  clear(tornadoStatus);
  document.getElementById("results").hidden = false;
}

function renderTable(doc, simulated) {
  const table = document.getElementById("ensemble-table");
  clear(table.tHead).append(el("tr", {}, el("th", { scope: "col" }, "Issue"), el("th", { scope: "col", class: "num" }, "Median"),
    el("th", { scope: "col", class: "num" }, "5-95 %"), el("th", { scope: "col", class: "num" }, "Acceptable to every party"),
    simulated ? [el("th", { scope: "col", class: "num" }, "Agreed"), el("th", { scope: "col", class: "num" }, "Median round")] : []));
  const body = clear(table.tBodies[0]);
  for (const [id, s] of Object.entries(doc.issues)) {
    const d = s.distribution;
    const median = d.quantiles["0.5"];
    const accept = s.acceptable_to_all === null ? "no red lines" : `${pct(s.acceptable_to_all)} ± ${pct(s.acceptable_to_all_se)}`;
    const parties = Object.entries(s.acceptable_to || {}).map(([p, v]) => `${actor(p)} ${pct(v)}`).join(", ");
    body.append(el("tr", { "data-issue": id },
      el("th", { scope: "row" }, issueName(id)),
      el("td", { class: "num" }, el("span", { class: "value" }, num(median)), el("span", { class: "anchor" }, nearestLabel(issues.get(id), median))),
      el("td", { class: "num" }, d.n ? `${num(d.quantiles["0.05"])} – ${num(d.quantiles["0.95"])}` : "–"),
      el("td", { class: "num", "data-p": s.acceptable_to_all === null ? "" : String(s.acceptable_to_all) }, accept,
        parties ? el("span", { class: "anchor" }, `each: ${parties}`) : null),
      simulated ? [el("td", { class: "num", "data-agreed": String(s.agreed) }, pct(s.agreed)),
        el("td", { class: "num" }, s.round && s.round.quantiles ? num(s.round.quantiles["0.5"], 0) : "–")] : []));
  }
}

// One issue: a histogram of the draws over the issue's scale, with its anchors, the zone
// inside every party's red lines, the median and the 5-95 % interval.
function histogram(id, s, doc, simulated) {
  const issue = issues.get(id);
  const [lo, hi] = doc.scale[id];
  const d = s.distribution;
  const { edges, counts } = d.histogram;
  const W = 900, H = 230, ml = 44, mr = 24, mt = 22, axisY = 150;
  const x = (v) => ml + (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1) * (W - ml - mr);
  const top = Math.max(1, ...counts);
  const y = (c) => axisY - (c / top) * (axisY - mt);
  const title = `${issueName(id)}: ${count(d.n)} draws` + (d.n ? `, median ${num(d.quantiles["0.5"])}, 5-95 % ${num(d.quantiles["0.05"])} to ${num(d.quantiles["0.95"])}` : "");
  const chart = svg("svg", { class: "chart scale hist", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, "data-issue": id },
    svg("text", { x: ml, y: 14, class: "muted" }, issueName(id)));
  if (s.zone) {
    chart.append(svg("rect", { class: "zone", x: x(s.zone[0]), y: mt, width: Math.max(2, x(s.zone[1]) - x(s.zone[0])), height: axisY - mt },
      svg("title", {}, `inside every party's red lines: ${num(s.zone[0])} to ${num(s.zone[1])}`)));
  }
  for (const t of [0, 0.5, 1]) {
    const c = Math.round(t * top);
    chart.append(svg("line", { class: "grid", x1: ml, x2: W - mr, y1: y(c), y2: y(c) }),
      svg("text", { x: ml - 6, y: y(c) + 4, "text-anchor": "end" }, String(c)));
  }
  const total = Math.max(1, d.n);
  counts.forEach((c, k) => {
    const x0 = x(edges[k]), x1 = x(edges[k + 1]);
    const text = `${num(edges[k])} to ${num(edges[k + 1])}: ${count(c)} draw${c === 1 ? "" : "s"} (${pct(c / total)})`;
    const bar = svg("rect", { class: "bin", x: x0 + 0.5, y: y(c), width: Math.max(0.5, x1 - x0 - 1), height: Math.max(0, axisY - y(c)),
      tabindex: c > 0 ? 0 : null, "aria-label": c > 0 ? text : null, "data-count": c }, svg("title", {}, text));
    attachTooltip(bar, text);
    chart.append(bar);
  });
  chart.append(svg("line", { class: "axis", x1: ml, x2: W - mr, y1: axisY, y2: axisY }));
  const anchors = (issue && issue.scale.anchors && issue.scale.anchors.length) ? issue.scale.anchors : [{ value: lo, label: "" }, { value: hi, label: "" }];
  for (const a of anchors) {
    chart.append(svg("line", { class: "tick", x1: x(a.value), x2: x(a.value), y1: axisY, y2: axisY + 5 }),
      svg("text", { x: x(a.value), y: axisY + 17, "text-anchor": "middle" }, String(a.value), a.label ? svg("title", {}, a.label) : null));
  }
  const first = anchors[0], last = anchors[anchors.length - 1];
  const cut = (t, n = 60) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);
  if (first.label) chart.append(svg("text", { x: ml, y: axisY + 50, class: "muted" }, cut(first.label), svg("title", {}, first.label)));
  if (last.label && last !== first) chart.append(svg("text", { x: W - mr, y: axisY + 64, "text-anchor": "end", class: "muted" }, cut(last.label), svg("title", {}, last.label)));
  if (d.n) {
    const q05 = d.quantiles["0.05"], q50 = d.quantiles["0.5"], q95 = d.quantiles["0.95"];
    chart.append(svg("line", { class: "interval", x1: x(q05), x2: x(q95), y1: axisY + 28, y2: axisY + 28 },
      svg("title", {}, `5-95 %: ${num(q05)} to ${num(q95)}`)));
    const mtext = `median ${num(q50)}${nearestLabel(issue, q50) ? ` (nearest label: ${nearestLabel(issue, q50)})` : ""}`;
    const med = svg("line", { class: "median", x1: x(q50), x2: x(q50), y1: mt, y2: axisY + 32, tabindex: 0, "aria-label": mtext }, svg("title", {}, mtext));
    attachTooltip(med, mtext);
    chart.append(med);
  }
  const note = simulated
    ? `Agreed in ${pct(s.agreed)} of the draws; the histogram counts the agreed values only (${count(d.n)} of ${count(doc.draws)}).`
    : `Inside every party's red lines: ${s.acceptable_to_all === null ? "no red lines declared" : pct(s.acceptable_to_all)}.`;
  return el("figure", { class: "issue-chart" }, chart, el("figcaption", {}, note));
}

// -- the tornado ------------------------------------------------------------------------------
document.getElementById("tornado-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!result) return;
  const button = document.getElementById("tornado-run");
  const figure = clear(document.getElementById("tornado"));
  const body = { scenario: name, version: scenario.version, model: result.model, seed: result.ensemble.seed,
    issue: tornadoIssue.value, top: 10 };
  const jitter = jitterText(result.ensemble.jitter);
  if (jitter) body.jitter = jitter;
  const job = await runJob({ path: "/api/tornado", body, button, status: tornadoStatus, what: "tornado",
    interval: 150 });
  if (!job) return;
  tornadoStatus.textContent = `Done: ${job.result.evaluations} runs of ${job.result.model} (${job.result.inputs} inputs); run ${job.runs[0]} recorded.`;
  figure.append(...tornadoChart(job.result, tornadoIssue.value));
});

function tornadoChart(doc, id) {
  const t = doc.issues[id];
  const bars = t.bars.filter((b) => b.swing !== null);
  if (t.base === null || !bars.length) {
    return [el("p", { class: "muted" }, t.base === null
      ? "The model gives no outcome for this issue with every input at its point value (a simulation that does not agree on it)."
      : "No input moves this issue.")];
  }
  const values = [t.base, ...bars.flatMap((b) => [b.low_outcome, b.high_outcome])];
  let lo = Math.min(...values), hi = Math.max(...values);
  const pad = (hi - lo) * 0.1 || 1;
  lo -= pad; hi += pad;
  const W = 900, row = 26, ml = 330, mr = 30, mt = 30, mb = 36;
  const H = mt + mb + row * bars.length;
  const x = (v) => ml + (v - lo) / (hi - lo) * (W - ml - mr);
  const [qlo, qhi] = doc.quantiles.map((q) => `${Math.round(100 * q)} %`);
  const chart = svg("svg", { class: "chart tornado-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "tornado-title", "data-issue": id },
    svg("title", { id: "tornado-title" }, `Tornado for ${issueName(id)}: the outcome with each input at its ${qlo} and ${qhi} quantiles, widest swing first`));
  const ticks = 5;
  for (let k = 0; k <= ticks; k++) {
    const v = lo + (k / ticks) * (hi - lo);
    chart.append(svg("line", { class: "grid", x1: x(v), x2: x(v), y1: mt - 4, y2: H - mb }),
      svg("text", { x: x(v), y: H - mb + 15, "text-anchor": "middle" }, num(v)));
  }
  bars.forEach((b, k) => {
    const yy = mt + k * row;
    const label = inputText(b.input);
    const text = `${label}: at ${qlo} (${num(b.low_value, 3)}) the outcome is ${num(b.low_outcome, 2)}; at ${qhi} (${num(b.high_value, 3)}) ${num(b.high_outcome, 2)}; swing ${num(b.swing, 2)}`;
    const seg = (v, cls) => svg("rect", { class: cls, x: Math.min(x(t.base), x(v)), y: yy + 4, width: Math.max(1, Math.abs(x(v) - x(t.base))), height: row - 8 });
    const group = svg("g", { class: "tbar", tabindex: 0, "aria-label": text, "data-input": b.input },
      svg("title", {}, text), seg(b.low_outcome, "t-low"), seg(b.high_outcome, "t-high"));
    attachTooltip(group, text);
    chart.append(svg("text", { x: ml - 8, y: yy + row / 2 + 4, "text-anchor": "end" }, label.length > 52 ? `${label.slice(0, 51)}…` : label), group);
  });
  chart.append(svg("line", { class: "base", x1: x(t.base), x2: x(t.base), y1: mt - 8, y2: H - mb },
    svg("title", {}, `every input at its point value: ${num(t.base, 2)}`)),
  svg("text", { x: x(t.base), y: mt - 12, "text-anchor": "middle" }, `base ${num(t.base, 2)}`),
  svg("text", { x: (ml + W - mr) / 2, y: H - 4, "text-anchor": "middle", class: "muted" }, `outcome on ${issueName(id)}`));
  const legend = el("div", { class: "legend" },
    el("span", {}, svg("svg", { width: 14, height: 14, "aria-hidden": "true" }, svg("rect", { x: 1, y: 1, width: 12, height: 12, class: "t-low" })), ` input at its ${qlo} quantile`),
    el("span", {}, svg("svg", { width: 14, height: 14, "aria-hidden": "true" }, svg("rect", { x: 1, y: 1, width: 12, height: 12, class: "t-high" })), ` input at its ${qhi} quantile`));
  return [legend, chart, el("figcaption", {}, `The ${bars.length} inputs that move ${issueName(id)} most (of ${doc.inputs}). Hover or focus a bar for its numbers.`)];
}

init();
