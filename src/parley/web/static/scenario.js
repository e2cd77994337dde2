// The scenario page: stakeholder tables with editable position and salience, a stakeholder
// map per issue, the evidence behind each number; edits are checked by the API as you type
// and saved as a new version.
import { api, attachTooltip, clear, el, fmt, problemItem, scenarioUrl, showError, svg } from "./common.js";

export const ROLE_COLOURS = { party: "#1f5f9e", mediator: "#2a8c3a", observer: "#8a8a8a" };

const main = document.getElementById("main");
const name = main.dataset.name;
const params = new URLSearchParams(location.search);
const content = document.getElementById("content");
const loadStatus = document.getElementById("load-status");
const saveBar = document.getElementById("save-bar");
const saveStatus = document.getElementById("save-status");
const saveProblems = document.getElementById("save-problems");
const deleteButton = document.getElementById("delete");

let meta = null;      // the API's ScenarioDoc
let original = null;  // the scenario as loaded
let draft = null;     // the scenario being edited
let timer = null;
let fields = new Map();  // "stances[3].salience" -> {input, msg, quantity, issue}
let figures = new Map(); // issue id -> figure element

const enc = encodeURIComponent;
const clone = (x) => JSON.parse(JSON.stringify(x));

async function load(version) {
  const path = version ? `/api/scenarios/${enc(name)}/versions/${enc(version)}` : `/api/scenarios/${enc(name)}`;
  const { ok, data } = await api("GET", path);
  if (!ok) return showError(loadStatus, data);
  setLoaded(data);
}

function setLoaded(doc) {
  meta = doc;
  original = doc.scenario;
  draft = clone(original);
  clear(loadStatus);
  render();
}

function sourceTitles() {
  return new Map((draft.sources || []).map((s) => [s.id, s.title || s.id]));
}

function evidenceList(label, quantity, titles) {
  const items = (quantity && quantity.evidence) || [];
  return items.map((e) => el("li", {}, label ? el("strong", {}, `${label}: `) : null,
    `[${titles.get(e.source) || e.source}] `, e.quote ? el("q", {}, e.quote) : null,
    e.note ? ` ${e.note}` : ""));
}

function evidenceCell(parts, titles) {
  const items = parts.flatMap(([label, q]) => evidenceList(label, q, titles));
  if (!items.length) return el("td", { class: "muted" }, "–");
  return el("td", {}, el("details", { class: "evidence" },
    el("summary", {}, `Evidence (${items.length})`), el("ul", {}, items)));
}

function rangeText(q) {
  const u = q.uncertainty;
  return u ? `${u.kind} ${u.low}–${u.high}` : "";
}

function numberOrText(text) {
  const t = text.trim();
  const n = t === "" ? NaN : Number(t);
  return Number.isFinite(n) ? n : t;
}

function valueInput(k, what, stance, actorName, issue) {
  const key = `stances[${k}].${what}`;
  const id = `in-${k}-${what}`;
  const quantity = stance[what];
  const msg = el("span", { class: "msg", id: `${id}-msg` });
  const range = rangeText(quantity);
  const rangeNote = range ? el("span", { class: "range", id: `${id}-range` }, `range ${range}`) : null;
  const input = el("input", {
    id, class: "value", type: "text", inputmode: "decimal", value: String(quantity.value),
    "data-field": key, "aria-describedby": [msg.id, rangeNote ? rangeNote.id : null].filter(Boolean).join(" "),
  });
  input.addEventListener("input", () => {
    draft.stances[k][what].value = numberOrText(input.value);
    input.classList.toggle("changed", String(original.stances[k][what].value) !== input.value.trim());
    redrawMap(issue);
    scheduleValidation();
  });
  fields.set(key, { input, msg, quantity: draft.stances[k][what], k, what });
  return el("td", {}, el("label", { for: id, class: "visually-hidden" }, `${what} of ${actorName}`),
    input, rangeNote, msg);
}

function render() {
  fields = new Map();
  figures = new Map();
  clear(content);
  const titles = sourceTitles();
  document.getElementById("title").textContent = draft.title || draft.name;
  const metaBox = clear(document.getElementById("meta"));
  const select = el("select", { id: "version-select" },
    meta.versions.map((v) => el("option", { value: v.version, selected: v.version === meta.version },
      `v${v.version} (${v.origin === "bundled" ? "bundled" : "saved " + (v.created_at || "").slice(0, 16).replace("T", " ")})`)));
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("version", select.value);
    history.pushState(null, "", url);
    load(select.value);
  });
  metaBox.append(el("span", {}, `${draft.name} · `), el("label", { for: "version-select" }, "version "), select,
    ` of ${meta.latest_version} · `,
    el("span", { class: `badge ${meta.origin}` }, meta.origin === "bundled" ? "bundled (read-only: saving stores your own version)" : "saved version"),
    ` · hash ${meta.hash.slice(0, 12)}`);
  if (draft.description) content.append(el("p", { class: "lead" }, draft.description));

  const actorNames = new Map(draft.actors.map((a) => [a.id, a.name]));
  content.append(el("h2", {}, "Actors"), el("table", { class: "data", id: "actors-table" },
    el("thead", {}, el("tr", {}, ["Actor", "Role", "Bloc", "Capability", "Evidence"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, draft.actors.map((a) => el("tr", {},
      el("th", { scope: "row" }, a.name, el("span", { class: "range" }, a.id)),
      el("td", {}, a.role), el("td", {}, a.bloc || "–"),
      el("td", { class: "num" }, fmt(a.capability.value, 1), a.capability.uncertainty ? el("span", { class: "range" }, `range ${rangeText(a.capability)}`) : null),
      evidenceCell([["", a.capability]], titles))))));

  for (const issue of draft.issues) {
    const section = el("section", { class: "issue", "aria-labelledby": `h-${issue.id}`, "data-issue": issue.id });
    section.append(el("h2", { id: `h-${issue.id}` }, issue.name, " ", el("code", {}, issue.id)));
    if (issue.description) section.append(el("p", {}, issue.description));
    const anchors = issue.scale.anchors || [];
    if (anchors.length) {
      section.append(el("ul", { class: "anchors" }, anchors.map((a) => el("li", {}, el("strong", {}, `${a.value}`), ` = ${a.label}`))));
    }
    const rows = [];
    draft.stances.forEach((st, k) => {
      if (st.issue !== issue.id) return;
      const actorName = actorNames.get(st.actor) || st.actor;
      const acc = st.acceptable ? `${st.acceptable.low}–${st.acceptable.high}` : "–";
      rows.push(el("tr", { "data-actor": st.actor },
        el("th", { scope: "row" }, actorName),
        valueInput(k, "position", st, actorName, issue),
        valueInput(k, "salience", st, actorName, issue),
        el("td", { class: "num" }, acc),
        evidenceCell([["position", st.position], ["salience", st.salience]], titles)));
    });
    if (issue.status_quo) {
      rows.push(el("tr", { class: "status-quo" }, el("th", { scope: "row" }, "(status quo)"),
        el("td", { class: "num" }, fmt(issue.status_quo.value, 1)), el("td", {}, ""), el("td", {}, ""),
        evidenceCell([["status quo", issue.status_quo]], titles)));
    }
    const table = el("table", { class: "data stakeholders" },
      el("caption", {}, `Stakeholders on ${issue.name}: position on the ${issue.scale.low}–${issue.scale.high} scale, salience 0–1`),
      el("thead", {}, el("tr", {}, ["Actor", "Position", "Salience", "Acceptable", "Evidence"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows));
    const figure = el("figure", { class: "map" });
    figures.set(issue.id, figure);
    section.append(el("div", { class: "issue-grid" }, el("div", {}, table), figure));
    content.append(section);
    redrawMap(issue);
  }

  if ((draft.sources || []).length) {
    content.append(el("h2", {}, "Sources"), el("ul", { class: "sources" }, draft.sources.map((s) =>
      el("li", {}, el("code", {}, s.id), ` (${s.kind}) ${s.title || ""}`, s.published ? `, ${s.published}` : "",
        s.url ? el("span", { class: "range" }, s.url) : null))));
  }

  saveBar.hidden = false;
  clear(saveStatus);
  clear(saveProblems);
  document.getElementById("forecast-link").setAttribute("href", scenarioUrl(name, "/forecast"));
  document.getElementById("deals-link").setAttribute("href", scenarioUrl(name, "/deals"));
  document.getElementById("simulate-link").setAttribute("href", scenarioUrl(name, "/simulate"));
  document.getElementById("ensemble-link").setAttribute("href", scenarioUrl(name, "/ensemble"));
  document.getElementById("review-link").setAttribute("href", scenarioUrl(name, "/review"));
  deleteButton.hidden = !meta.deletable;
  deleteButton.textContent = meta.bundled ? "Delete my versions (back to the bundled one)" : "Delete this scenario";
  delete deleteButton.dataset.armed;
}

// -- the stakeholder map: position (x) against salience (y), area ~ capability ----------------
function redrawMap(issue) {
  const figure = figures.get(issue.id);
  if (!figure) return;
  const W = 520, H = 320, ml = 46, mr = 18, mt = 14, mb = 48;
  const lo = issue.scale.low, hi = issue.scale.high;
  const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
  const x = (v) => ml + (clamp(v, lo, hi) - lo) / (hi - lo) * (W - ml - mr);
  const y = (s) => H - mb - clamp(s, 0, 1) * (H - mt - mb);
  const actors = new Map(draft.actors.map((a) => [a.id, a]));
  const maxCap = Math.max(...draft.actors.map((a) => a.capability.value), 1e-9);
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-labelledby": `map-title-${issue.id}` },
    svg("title", { id: `map-title-${issue.id}` }, `Stakeholder map of ${issue.name}: position against salience, area proportional to capability`));
  for (const s of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg("line", { class: "grid", x1: ml, x2: W - mr, y1: y(s), y2: y(s) }),
      svg("text", { x: ml - 6, y: y(s) + 4, "text-anchor": "end", class: "muted" }, s.toFixed(2)));
  }
  const ticks = (issue.scale.anchors || []).length ? issue.scale.anchors : [{ value: lo, label: "" }, { value: hi, label: "" }];
  for (const a of ticks) {
    chart.append(svg("line", { class: "grid", x1: x(a.value), x2: x(a.value), y1: mt, y2: H - mb }),
      svg("text", { x: x(a.value), y: H - mb + 16, "text-anchor": "middle" }, `${a.value}`,
        a.label ? svg("title", {}, a.label) : null));
  }
  chart.append(svg("line", { class: "axis", x1: ml, x2: W - mr, y1: H - mb, y2: H - mb }),
    svg("text", { x: (ml + W - mr) / 2, y: H - 8, "text-anchor": "middle", class: "muted" }, `position (${lo} to ${hi})`),
    svg("text", { x: 12, y: (mt + H - mb) / 2, "text-anchor": "middle", class: "muted", transform: `rotate(-90 12 ${(mt + H - mb) / 2})` }, "salience"));
  if (issue.status_quo) {
    const sx = x(issue.status_quo.value);
    chart.append(svg("line", { class: "sq", x1: sx, x2: sx, y1: mt, y2: H - mb },
      svg("title", {}, `status quo: ${fmt(issue.status_quo.value)}`)));
  }
  const stances = draft.stances.filter((st) => st.issue === issue.id
    && Number.isFinite(st.position.value) && Number.isFinite(st.salience.value));
  stances.sort((a, b) => (actors.get(b.actor)?.capability.value || 0) - (actors.get(a.actor)?.capability.value || 0));
  const labels = new Map();  // actors at the same point share one label
  for (const st of stances) {
    const key = `${st.position.value}|${st.salience.value}`;
    labels.set(key, [...(labels.get(key) || []), actors.get(st.actor)?.name || st.actor]);
  }
  for (const st of stances) {
    const actor = actors.get(st.actor);
    if (!actor) continue;
    const colour = ROLE_COLOURS[actor.role] || "#555";
    const cx = x(st.position.value), cy = y(st.salience.value);
    const r = 5 + 14 * Math.sqrt(actor.capability.value / maxCap);
    if (st.acceptable) {
      chart.append(svg("line", { class: "range-bar", stroke: colour, x1: x(st.acceptable.low), x2: x(st.acceptable.high), y1: cy, y2: cy }));
    }
    const text = `${actor.name}: position ${fmt(st.position.value)}, salience ${fmt(st.salience.value, 2)}, capability ${fmt(actor.capability.value)}`;
    const dot = svg("circle", { class: "marker actor", cx, cy, r, fill: colour, "fill-opacity": 0.7,
      tabindex: 0, "data-actor": actor.id, "aria-label": text }, svg("title", {}, text));
    attachTooltip(dot, text);
    chart.append(dot);
    const key = `${st.position.value}|${st.salience.value}`;
    if (labels.has(key)) {
      const right = cx < W - 140;
      chart.append(svg("text", { x: right ? cx + r + 3 : cx - r - 3, y: cy + 4, "text-anchor": right ? "start" : "end" },
        labels.get(key).join(", ")));
      labels.delete(key);
    }
  }
  clear(figure).append(chart, el("figcaption", {}, "Position (x) against salience (y); marker area proportional to capability; bars: acceptable ranges; dashed line: status quo."));
}

// -- validation and saving --------------------------------------------------------------------
function fieldKey(path) {
  const m = /^(stances\[\d+\]\.(?:position|salience))/.exec(path);
  return m ? m[1] : null;
}

function applyProblems(problems) {
  for (const f of fields.values()) {
    clear(f.msg);
    f.input.removeAttribute("aria-invalid");
  }
  clear(saveProblems);
  for (const p of problems) {
    const f = fields.get(fieldKey(p.field));
    if (!f) {
      saveProblems.append(problemItem(p));
      continue;
    }
    f.input.setAttribute("aria-invalid", "true");
    f.msg.append(el("span", {}, `${p.rule}${p.fix && p.fix !== "see the rule" ? ". " + p.fix : ""}`));
    const q = draft.stances[f.k][f.what];
    if (q.uncertainty && /uncertainty/.test(p.rule)) {
      f.msg.append(" ", el("button", { type: "button", class: "small", onclick: () => {
        q.uncertainty = null;
        const note = document.getElementById(`${f.input.id}-range`);
        if (note) note.textContent = "range removed";
        validateNow();
      } }, "Remove the range"));
    }
  }
}

function scheduleValidation() {
  clearTimeout(timer);
  saveStatus.textContent = "Checking…";
  timer = setTimeout(validateNow, 250);
}

async function validateNow() {
  const { ok, data } = await api("POST", "/api/validate", draft);
  if (!ok) return showError(saveStatus, data);
  applyProblems(data.problems);
  saveStatus.textContent = data.valid ? "Changes are valid; not saved yet." : `${data.problems.length} problem(s): fix them to save.`;
  saveStatus.className = data.valid ? "ok" : "error";
}

saveBar.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearTimeout(timer);
  const body = clone(draft);
  body.version = meta.latest_version;  // the version this edit starts from
  const { ok, status, data } = await api("PUT", `/api/scenarios/${enc(name)}`, body);
  if (!ok) {
    if (status === 422) applyProblems(data.problems || []);
    saveStatus.className = "error";
    saveStatus.textContent = data.error;
    return;
  }
  const url = new URL(location.href);
  url.searchParams.delete("version");
  history.replaceState(null, "", url);
  setLoaded(data);
  saveStatus.className = "ok";
  saveStatus.textContent = `Saved as version ${data.version}.`;
  document.getElementById("save").focus();
});

document.getElementById("discard").addEventListener("click", () => {
  draft = clone(original);
  render();
  saveStatus.textContent = "Changes discarded.";
});

deleteButton.addEventListener("click", async () => {
  if (!deleteButton.dataset.armed) {
    deleteButton.dataset.armed = "1";
    deleteButton.textContent = "Press again to delete";
    return;
  }
  const { ok, data } = await api("DELETE", `/api/scenarios/${enc(name)}`);
  if (!ok) return showError(saveStatus, data);
  if (data.bundled_remains) {
    await load(null);
    saveStatus.textContent = `Deleted ${data.versions_deleted} saved version(s); showing the bundled one.`;
  } else {
    location.assign("/");
  }
});

window.addEventListener("popstate", () => load(new URLSearchParams(location.search).get("version")));
load(params.get("version"));
