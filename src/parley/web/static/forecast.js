// The forecast page: start a forecast job, follow its progress, then show the models side by
// side per issue, as a table and as markers on each issue's labelled scale.
import { api, attachTooltip, clear, el, fmt, scenarioUrl, showError, svg } from "./common.js";

const COLOURS = ["#c0392b", "#d97a00", "#7b3fa0", "#138d9c", "#8c564b", "#d6378f", "#2a8c3a", "#1f5f9e"];

const main = document.getElementById("main");
const name = main.dataset.name;
const version = new URLSearchParams(location.search).get("version");
const enc = encodeURIComponent;
const runStatus = document.getElementById("run-status");
const progress = document.getElementById("progress");
const runButton = document.getElementById("run");
let scenario = null;

async function init() {
  document.getElementById("scenario-link").setAttribute("href", scenarioUrl(name));
  const path = version ? `/api/scenarios/${enc(name)}/versions/${enc(version)}` : `/api/scenarios/${enc(name)}`;
  const [s, m] = await Promise.all([api("GET", path), api("GET", "/api/models")]);
  if (!s.ok) return showError(runStatus, s.data);
  if (!m.ok) return showError(runStatus, m.data);
  scenario = s.data;
  document.getElementById("title").textContent = `Forecast: ${scenario.scenario.title || name}`;
  document.getElementById("meta").textContent = `${name}, version ${scenario.version} · ${scenario.scenario.issues.length} issues · ${scenario.scenario.actors.length} actors`;
  const list = clear(document.getElementById("model-list"));
  for (const model of m.data.models) {
    const id = `model-${model.name}`;
    list.append(el("div", { class: "check" },
      el("input", { type: "checkbox", id, name: "model", value: model.name, checked: model.baseline }),
      " ", el("label", { for: id, title: model.summary }, model.name)));
  }
}

async function poll(jobId) {
  for (;;) {
    const { ok, data } = await api("GET", `/api/jobs/${enc(jobId)}`);
    if (!ok) return { status: "failed", error: data.error };
    progress.max = data.total;
    progress.value = data.done;
    runStatus.textContent = `${data.status}: ${data.done} of ${data.total} models done`;
    if (data.status === "done" || data.status === "failed") return data;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

document.getElementById("run-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const models = [...document.querySelectorAll("input[name=model]:checked")].map((i) => i.value);
  const seedText = document.getElementById("seed").value.trim();
  const body = { scenario: name, version: scenario ? scenario.version : null, models: models.length ? models : null };
  if (seedText) body.seed = /^\d+$/.test(seedText) ? Number(seedText) : seedText;
  runButton.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  runStatus.className = "";
  runStatus.textContent = "Starting…";
  const { ok, data } = await api("POST", "/api/forecasts", body);
  if (!ok) {
    runButton.disabled = false;
    progress.hidden = true;
    return showError(runStatus, data);
  }
  const job = await poll(data.id);
  runButton.disabled = false;
  progress.hidden = true;
  if (job.status !== "done") {
    runStatus.className = "error";
    runStatus.textContent = `The forecast failed: ${job.error}`;
    return;
  }
  runStatus.className = "ok";
  runStatus.textContent = `Done: ${job.total} models, runs recorded (${job.runs.length}).`;
  render(job.result);
});

function render(result) {
  const issues = new Map(scenario.scenario.issues.map((i) => [i.id, i]));
  const labels = Object.keys(result.issues[0] ? result.issues[0].models : {});
  const colour = new Map(labels.map((m, i) => [m, COLOURS[i % COLOURS.length]]));
  const legend = clear(document.getElementById("legend"));
  for (const m of labels) {
    legend.append(el("span", {}, svg("svg", { width: 12, height: 12, "aria-hidden": "true" },
      svg("circle", { cx: 6, cy: 6, r: 5, fill: colour.get(m) })), " ", m));
  }
  legend.append(el("span", {}, svg("svg", { width: 12, height: 12, "aria-hidden": "true" },
    svg("line", { x1: 6, x2: 6, y1: 0, y2: 12, stroke: "#000", "stroke-dasharray": "3 2" })), " status quo"));

  const table = document.getElementById("forecast-table");
  clear(table.tHead).append(el("tr", {}, el("th", { scope: "col" }, "Issue"),
    labels.map((m) => el("th", { scope: "col" }, m)), el("th", { scope: "col", class: "num" }, "Party spread")));
  const body = clear(table.tBodies[0]);
  const charts = clear(document.getElementById("charts"));
  for (const row of result.issues) {
    body.append(el("tr", { "data-issue": row.id }, el("th", { scope: "row" }, row.name),
      labels.map((m) => el("td", { "data-model": m },
        el("span", { class: "value" }, fmt(row.models[m].value)),
        el("span", { class: "anchor" }, row.models[m].label))),
      el("td", { class: "num" }, fmt(row.spread))));
    charts.append(scaleChart(issues.get(row.id), row, labels, colour));
  }
  document.getElementById("results").hidden = false;
}

// One issue: a horizontal scale with its anchors, the parties' positions as grey ticks, the
// status quo as a dashed line and one marker per model, each in its own lane.
function scaleChart(issue, row, labels, colour) {
  const W = 900, ml = 24, mr = 24, lane = 18, top = 24;
  const axisY = top + lane * labels.length + 10;
  const H = axisY + 46;
  const lo = issue.scale.low, hi = issue.scale.high;
  const x = (v) => ml + (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo) * (W - ml - mr);
  const summary = labels.map((m) => `${m} ${fmt(row.models[m].value)}`).join(", ");
  const chart = svg("svg", { class: "chart scale", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `${issue.name}: ${summary}`, "data-issue": issue.id },
    svg("text", { x: ml, y: 14, class: "muted" }, issue.name));
  chart.append(svg("line", { class: "axis", x1: ml, x2: W - mr, y1: axisY, y2: axisY }));
  const anchors = (issue.scale.anchors || []).length ? issue.scale.anchors : [{ value: lo, label: "" }, { value: hi, label: "" }];
  for (const a of anchors) {
    chart.append(svg("line", { class: "tick", x1: x(a.value), x2: x(a.value), y1: axisY - 5, y2: axisY + 5 }),
      svg("text", { x: x(a.value), y: axisY + 18, "text-anchor": "middle" }, `${a.value}`, a.label ? svg("title", {}, a.label) : null));
  }
  const first = anchors[0], last = anchors[anchors.length - 1];
  if (first.label) chart.append(svg("text", { x: ml, y: axisY + 34, class: "muted" }, short(first.label), svg("title", {}, first.label)));
  if (last.label && last !== first) chart.append(svg("text", { x: W - mr, y: axisY + 34, "text-anchor": "end", class: "muted" }, short(last.label), svg("title", {}, last.label)));
  for (const st of scenarioStances(issue.id)) {
    chart.append(svg("path", { class: "party-pos", d: `M${x(st.value) - 4},${axisY + 1} l4,-7 l4,7 z` },
      svg("title", {}, `${st.name}: position ${fmt(st.value)}`)));
  }
  if (issue.status_quo) {
    const sx = x(issue.status_quo.value);
    chart.append(svg("line", { class: "sq", x1: sx, x2: sx, y1: top - 4, y2: axisY }, svg("title", {}, `status quo: ${fmt(issue.status_quo.value)}`)));
  }
  labels.forEach((m, i) => {
    const v = row.models[m].value;
    if (v === null) return;
    const cy = top + lane * i + lane / 2;
    const text = `${m}: ${fmt(v)}${row.models[m].label ? " — " + row.models[m].label : ""}`;
    chart.append(svg("line", { x1: x(v), x2: x(v), y1: cy, y2: axisY, stroke: colour.get(m), "stroke-width": 1 }));
    const dot = svg("circle", { class: "marker", cx: x(v), cy, r: 7, fill: colour.get(m), tabindex: 0,
      "data-model": m, "data-value": v, "aria-label": text }, svg("title", {}, text));
    attachTooltip(dot, text);
    const right = x(v) < W - 60;
    chart.append(dot, svg("text", { x: x(v) + (right ? 11 : -11), y: cy + 4, "text-anchor": right ? "start" : "end" }, fmt(v)));
  });
  return el("figure", { class: "issue-chart" }, chart);
}

function short(text, n = 52) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function scenarioStances(issueId) {
  const names = new Map(scenario.scenario.actors.filter((a) => a.role === "party").map((a) => [a.id, a.name]));
  return scenario.scenario.stances.filter((s) => s.issue === issueId && names.has(s.actor))
    .map((s) => ({ name: names.get(s.actor), value: s.position.value }));
}

init();
