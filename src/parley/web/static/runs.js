// The run history: recorded runs, newest first; pick two and compare them issue by issue.
import { api, clear, el, fmt, showError } from "./common.js";

const enc = encodeURIComponent;
const status = document.getElementById("runs-status");
const tbody = document.querySelector("#runs-table tbody");
const filter = document.getElementById("filter-scenario");

async function init() {
  const { ok, data } = await api("GET", "/api/scenarios");
  if (ok) for (const s of data.scenarios) filter.append(el("option", { value: s.name }, s.name));
  const wanted = new URLSearchParams(location.search).get("scenario");
  if (wanted) filter.value = wanted;
  await loadRuns();
}

async function loadRuns() {
  const q = filter.value ? `?scenario=${enc(filter.value)}` : "";
  const { ok, data } = await api("GET", `/api/runs${q}`);
  if (!ok) return showError(status, data);
  clear(tbody);
  status.textContent = data.runs.length ? `${data.runs.length} runs.` : "No runs recorded yet: run a forecast first.";
  data.runs.forEach((r, i) => {
    const label = `${r.model || r.kind} on ${r.scenario_name}, ${r.started_at.slice(0, 19).replace("T", " ")}`;
    tbody.append(el("tr", { "data-run": r.id },
      el("td", {}, el("input", { type: "radio", name: "a", value: r.id, "aria-label": `Run A: ${label}`, checked: i === 1 })),
      el("td", {}, el("input", { type: "radio", name: "b", value: r.id, "aria-label": `Run B: ${label}`, checked: i === 0 })),
      el("td", {}, r.started_at.slice(0, 19).replace("T", " ")),
      el("td", {}, r.scenario_name, el("span", { class: "range" }, r.scenario_hash.slice(0, 12))),
      el("td", {}, r.model || `(${r.kind})`), el("td", {}, r.seed === null ? "–" : String(r.seed)),
      el("td", { class: "num" }, fmt(r.duration_s, 3)), el("td", {}, r.status),
      el("td", {}, el("code", {}, r.id))));
  });
}

document.getElementById("filter-form").addEventListener("submit", (event) => {
  event.preventDefault();
  loadRuns();
});

document.getElementById("compare-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const a = document.querySelector("input[name=a]:checked");
  const b = document.querySelector("input[name=b]:checked");
  const section = document.getElementById("comparison");
  const note = document.getElementById("comparison-note");
  section.hidden = false;
  const body = clear(document.querySelector("#comparison-table tbody"));
  if (!a || !b) {
    note.textContent = "Pick one run as A and one as B.";
    return;
  }
  const { ok, data } = await api("GET", `/api/runs/compare?a=${enc(a.value)}&b=${enc(b.value)}`);
  if (!ok) return showError(note, data);
  clear(note).append(`A: ${data.a.model || data.a.kind} on ${data.a.scenario_name} (${data.a.id}); `,
    `B: ${data.b.model || data.b.kind} on ${data.b.scenario_name} (${data.b.id}).`);
  for (const row of data.issues) {
    const d = row.difference;
    body.append(el("tr", { "data-issue": row.id }, el("th", { scope: "row" }, row.name),
      el("td", { class: "num" }, fmt(row.a)), el("td", { class: "num" }, fmt(row.b)),
      el("td", { class: "num" }, d === null ? "–" : (d > 0 ? "+" : "") + fmt(d))));
  }
});

init();
