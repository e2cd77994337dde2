// The deals page: run a deal analysis as a background job (or show the stored one for this
// version) and show the zones of agreement, whether any package beats every walk-away, the
// Pareto frontier for a chosen pair of parties (SVG drawn here from the JSON), the bargaining
// solutions, the top deals, the logrolls and what it would take.
import { api, attachTooltip, clear, el, runJob, scenarioUrl, showError, svg } from "./common.js";

const main = document.getElementById("main");
const name = main.dataset.name;
const version = new URLSearchParams(location.search).get("version");
const enc = encodeURIComponent;
const status = document.getElementById("deals-status");
const progress = document.getElementById("progress");
const findButton = document.getElementById("find");
const pairSelect = document.getElementById("pair");
const KEY_STOPS = 25;
const SOLUTIONS = [["nash", "Nash", "#c0392b"], ["kalai_smorodinsky", "Kalai-Smorodinsky", "#d97a00"],
  ["egalitarian", "egalitarian", "#7b3fa0"]];

let scenario = null;  // the API's ScenarioDoc
let result = null;    // the deals document
let actorNames = new Map();
let issueNames = new Map();

const num = (x, d = 3) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));
const short = (x) => (x === null || x === undefined ? "–" : String(Number(Number(x).toFixed(2))));
const actor = (id) => actorNames.get(id) || id;
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
  document.getElementById("title").textContent = `Deals: ${doc.title || name}`;
  document.getElementById("meta").textContent = `${name}, version ${scenario.version} · ${doc.issues.length} issues · ${doc.actors.length} actors`;
  const list = clear(document.getElementById("party-list"));
  doc.actors.forEach((a, i) => {
    const id = `party-${i}`;
    list.append(el("div", { class: "check" },
      el("input", { type: "checkbox", id, name: "party", value: a.id, checked: a.role === "party" }),
      " ", el("label", { for: id }, `${a.name} (${a.role})`)));
  });
  // the latest stored analysis of exactly this version, if any; else run the default one
  const runs = await api("GET", `/api/runs?scenario=${enc(name)}&kind=deals&limit=20`);
  const stored = runs.ok ? runs.data.runs.find((r) => r.scenario_hash === scenario.hash && r.status === "ok") : null;
  if (stored) {
    const one = await api("GET", `/api/runs/${enc(stored.id)}`);
    if (one.ok && one.data.result && one.data.result.chart) {
      setForm(one.data.parameters || {});
      status.className = "ok";
      status.textContent = `Stored analysis of ${one.data.started_at.slice(0, 19).replace("T", " ")} UTC (run ${one.data.id}).`;
      return show(one.data.result);
    }
  }
  start();
}

function setForm(p) {
  if (p.loss) document.getElementById("loss").value = p.loss;
  if (p.grid_points) document.getElementById("grid-points").value = String(p.grid_points);
  if (Array.isArray(p.parties)) {
    for (const box of document.querySelectorAll("input[name=party]")) box.checked = p.parties.includes(box.value);
  }
}

async function start() {
  const parties = [...document.querySelectorAll("input[name=party]:checked")].map((i) => i.value);
  const gridText = document.getElementById("grid-points").value.trim();
  const body = { scenario: name, version: scenario.version, loss: document.getElementById("loss").value, parties,
    grid_points: /^\d+$/.test(gridText) ? Number(gridText) : gridText };
  const job = await runJob({ path: "/api/deals", body, button: findButton, status, progress, what: "analysis" });
  if (!job) return;
  status.textContent = `Done: ${job.result.n_packages.toLocaleString("en")} packages searched; run ${job.runs[0]} recorded.`;
  show(job.result);
}

document.getElementById("deals-form").addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});

function show(doc) {
  result = doc;
  renderVerdict(doc);
  renderZopa(doc);
  const keep = pairSelect.value;
  clear(pairSelect);
  doc.parties.forEach((a, i) => doc.parties.forEach((b, j) => {
    if (i !== j) pairSelect.append(el("option", { value: `${i},${j}` }, `${actor(a)} (x) and ${actor(b)} (y)`));
  }));
  if ([...pairSelect.options].some((o) => o.value === keep)) pairSelect.value = keep;
  drawChart();
  renderSolutions(doc);
  renderTop(doc);
  renderLogrolls(doc);
  renderWhatIf(doc);
  document.getElementById("results").hidden = false;
}

pairSelect.addEventListener("change", drawChart);

function renderVerdict(doc) {
  const pz = doc.package_zopa;
  const verdict = document.getElementById("verdict");
  const counts = clear(document.getElementById("package-counts"));
  const exists = Boolean(pz && pz.exists);
  verdict.className = `verdict ${exists ? "yes" : "no"}`;
  verdict.dataset.exists = String(exists);
  if (exists) {
    verdict.textContent = `Yes: ${pz.n_agreement.toLocaleString("en")} packages give every party more than its walk-away.`;
  } else {
    let why = "";
    if (pz && pz.n_inside === 0) why = ": no package lies inside every party's red lines";
    else if (pz && pz.n_deals === 0) why = ": every package inside the red lines leaves some party below its walk-away";
    else if (pz) why = `: ${pz.n_deals === 1 ? "1 package gives" : `${pz.n_deals} packages give`} every party its walk-away exactly, none more`;
    verdict.textContent = `No package beats every party's walk-away${why}.`;
  }
  if (pz) {
    const n = (k, one, many) => `${k.toLocaleString("en")} ${k === 1 ? one : many}`;
    counts.append(el("li", {}, `${n(pz.n_packages, "package", "packages")} searched (a grid on every issue)`),
      el("li", {}, `${n(pz.n_inside, "package", "packages")} inside every party's red lines`),
      el("li", {}, `${n(pz.n_deals, "deal", "deals")} (inside the red lines, at least every walk-away)`),
      el("li", {}, `${n(pz.n_agreement, "package", "packages")} better than no deal for every party`));
  }
  counts.append(el("li", {}, "Walk-away utilities: ", doc.parties.map((p, i) =>
    `${i ? "; " : ""}${actor(p)} ${num(doc.reservation[p])} (${doc.reservation_source[p].replaceAll("_", " ")})`)));
}

function bound(party, sign, value) {
  return party ? `${actor(party)}'s red line (${sign} ${short(value)})` : `the end of the scale (${short(value)})`;
}

function renderZopa(doc) {
  const body = clear(document.querySelector("#zopa-table tbody"));
  for (const z of doc.issue_zopa) {
    const zone = z.empty ? "none: empty" : `${short(z.low)} to ${short(z.high)}`;
    const by = z.empty
      ? el("ul", { class: "plain" }, z.conflicts.map((c) => el("li", { class: "conflict" }, c.text)))
      : el("span", {}, `from ${bound(z.low_party, "≥", z.low)} to ${bound(z.high_party, "≤", z.high)}`);
    body.append(el("tr", { "data-issue": z.issue, class: z.empty ? "closed" : "open" },
      el("th", { scope: "row" }, issue(z.issue)), el("td", { class: "zone" }, zone), el("td", {}, by),
      el("td", { class: "num" }, z.status_quo === null ? "–" : short(z.status_quo))));
  }
}

// -- the Pareto chart -----------------------------------------------------------------------
// Points (utility of party A, utility of party B) undominated among themselves, left to right.
function undominated(points) {
  const sorted = [...points].sort((p, q) => q.x - p.x || q.y - p.y);
  const out = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.y > best) { out.push(p); best = p.y; }
  }
  return out.reverse();
}

function pointText(a, b, u, pkg, extra) {
  const values = result.issues.map((id, k) => `${id} ${short(pkg[k])}`).join(", ");
  return `${actor(result.parties[a])} ${num(u[a])}, ${actor(result.parties[b])} ${num(u[b])} · ${values}${extra ? " · " + extra : ""}`;
}

function drawChart() {
  const figure = clear(document.getElementById("pareto"));
  const legend = clear(document.getElementById("chart-legend"));
  if (!result || !pairSelect.value) return;
  const [a, b] = pairSelect.value.split(",").map(Number);
  const A = result.parties[a], B = result.parties[b];
  const W = 560, H = 440, ml = 56, mr = 16, mt = 16, mb = 48;
  const x = (u) => ml + Math.min(1, Math.max(0, u)) * (W - ml - mr);
  const y = (u) => H - mb - Math.min(1, Math.max(0, u)) * (H - mt - mb);
  const ra = result.reservation[A], rb = result.reservation[B];
  const chart = svg("svg", { class: "chart pareto-chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-labelledby": "pareto-title", "data-pair": `${A},${B}` },
    svg("title", { id: "pareto-title" }, `Pareto frontier in the utilities of ${actor(A)} (x) and ${actor(B)} (y), with their walk-away lines`));
  if (ra !== null && rb !== null) {
    chart.append(svg("rect", { class: "beyond", x: x(ra), y: y(1), width: x(1) - x(ra), height: y(rb) - y(1) },
      svg("title", {}, `Better than no deal for both ${actor(A)} and ${actor(B)}`)));
  }
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg("line", { class: "grid", x1: x(t), x2: x(t), y1: y(0), y2: y(1) }),
      svg("line", { class: "grid", x1: x(0), x2: x(1), y1: y(t), y2: y(t) }),
      svg("text", { x: x(t), y: y(0) + 16, "text-anchor": "middle" }, t.toFixed(2)),
      svg("text", { x: x(0) - 6, y: y(t) + 4, "text-anchor": "end" }, t.toFixed(2)));
  }
  chart.append(svg("line", { class: "axis", x1: x(0), x2: x(1), y1: y(0), y2: y(0) }),
    svg("line", { class: "axis", x1: x(0), x2: x(0), y1: y(0), y2: y(1) }),
    svg("text", { x: (x(0) + x(1)) / 2, y: H - 8, "text-anchor": "middle", class: "muted", "data-axis": "x" }, `utility of ${actor(A)}`),
    svg("text", { x: 14, y: (y(0) + y(1)) / 2, "text-anchor": "middle", class: "muted", "data-axis": "y",
      transform: `rotate(-90 14 ${(y(0) + y(1)) / 2})` }, `utility of ${actor(B)}`));
  if (ra !== null) {
    chart.append(svg("line", { class: "walkaway", "data-walkaway": A, x1: x(ra), x2: x(ra), y1: y(0), y2: y(1) },
      svg("title", {}, `walk-away of ${actor(A)}: ${num(ra)}`)),
    svg("text", { x: x(ra) + 4, y: y(1) + 12 }, `${actor(A)} walk-away ${num(ra, 2)}`));
  }
  if (rb !== null) {
    chart.append(svg("line", { class: "walkaway", "data-walkaway": B, x1: x(0), x2: x(1), y1: y(rb), y2: y(rb) },
      svg("title", {}, `walk-away of ${actor(B)}: ${num(rb)}`)),
    svg("text", { x: x(1) - 4, y: y(rb) - 5, "text-anchor": "end" }, `${actor(B)} walk-away ${num(rb, 2)}`));
  }
  const sets = [["frontier", result.chart.frontier, "front-line"], ["deals", result.chart.deals, "deal-line"]];
  let undominatedCount = 0;
  for (const [kind, data, lineClass] of sets) {
    const points = data.utilities.map((u, k) => ({ x: u[a], y: u[b], k }));
    const front = undominated(points);
    // keyboard stops: at most KEY_STOPS points evenly along the line (hover shows every point)
    const step = Math.max(1, Math.ceil(front.length / KEY_STOPS));
    const onFront = new Set(front.filter((p, i) => i % step === 0 || i === front.length - 1).map((p) => p.k));
    if (kind === "frontier") undominatedCount = front.length;
    if (front.length > 1) {
      chart.append(svg("polyline", { class: lineClass, points: front.map((p) => `${x(p.x)},${y(p.y)}`).join(" ") }));
    }
    for (const p of points) {
      const inside = kind === "deals" || data.inside_red_lines[p.k];
      const extra = kind === "deals" ? "a deal" : (inside ? "inside every red line" : "crosses a red line");
      const text = pointText(a, b, data.utilities[p.k], data.packages[p.k], extra);
      const focusable = onFront.has(p.k);
      const dot = svg("circle", { class: `pt ${kind === "deals" ? "deal" : "frontier"}${inside ? " inside" : " outside"}${focusable ? " focusable" : ""}`,
        cx: x(p.x), cy: y(p.y), r: kind === "deals" ? 5 : 3.2, tabindex: focusable ? 0 : null,
        "aria-label": focusable ? text : null, "data-set": kind }, svg("title", {}, text));
      attachTooltip(dot, text);
      chart.append(dot);
    }
  }
  for (const [key, label, colour] of SOLUTIONS) {
    const sol = result.solutions[key];
    if (!sol) continue;
    const u = result.parties.map((p) => sol.utilities[p]);
    const pkg = result.issues.map((i) => sol.package[i]);
    const text = `${label}: ${pointText(a, b, u, pkg, "")}`;
    const cx = x(u[a]), cy = y(u[b]);
    const mark = key === "nash" ? svg("circle", { cx, cy, r: 7 })
      : key === "kalai_smorodinsky" ? svg("path", { d: `M${cx},${cy - 8} l8,8 l-8,8 l-8,-8 z` })
        : svg("rect", { x: cx - 6, y: cy - 6, width: 12, height: 12 });
    mark.setAttribute("class", "solution");
    mark.setAttribute("fill", colour);
    mark.setAttribute("tabindex", "0");
    mark.setAttribute("aria-label", text);
    mark.setAttribute("data-solution", key);
    mark.append(svg("title", {}, text));
    attachTooltip(mark, text);
    chart.append(mark);
  }
  figure.append(chart, el("figcaption", {}, "Each point is a package on the Pareto frontier, at the two parties' utilities (with more than two parties, a projection). Hover or focus a point for its values."));
  const sw = (label, shape) => el("span", {}, svg("svg", { width: 14, height: 14, "aria-hidden": "true" }, shape), " ", label);
  legend.append(sw("frontier of all packages (filled: inside every red line; hollow: crosses one)", svg("circle", { cx: 7, cy: 7, r: 4, fill: "#9aa5b1" })),
    sw("deals", svg("circle", { cx: 7, cy: 7, r: 5, fill: "#2a8c3a" })),
    sw("walk-away", svg("line", { x1: 0, x2: 14, y1: 7, y2: 7, stroke: "#555", "stroke-dasharray": "4 3" })),
    sw("better than no deal for both", svg("rect", { x: 1, y: 1, width: 12, height: 12, fill: "#e3f3e5", stroke: "#9ab" })),
    ...SOLUTIONS.map(([, label, colour]) => sw(label, svg("circle", { cx: 7, cy: 7, r: 5, fill: colour }))));
  const f = result.chart.frontier, d = result.chart.deals;
  const insideCount = f.inside_red_lines.filter(Boolean).length;
  document.getElementById("chart-note").textContent =
    `Frontier of all ${result.n_packages.toLocaleString("en")} packages: ${f.size} points` +
    (f.shown < f.size ? ` (${f.shown} drawn)` : "") + `, ${insideCount} of those drawn inside every red line; ` +
    `${undominatedCount} undominated for ${actor(A)} and ${actor(B)} alone (the blue line). ` +
    `Deals on the frontier: ${d.size}` + (d.shown < d.size ? ` (${d.shown} drawn)` : "") + ". " +
    `Walk-aways: ${actor(A)} ${num(ra)}, ${actor(B)} ${num(rb)}.`;
}

// -- tables ---------------------------------------------------------------------------------
function packageCells(pkg, labels) {
  return result.issues.map((i) => el("td", { class: "num", "data-issue": i },
    el("span", { class: "value" }, short(pkg[i])), labels && labels[i] ? el("span", { class: "anchor" }, labels[i]) : null));
}

function renderSolutions(doc) {
  const table = document.getElementById("solutions-table");
  clear(table.tHead).append(el("tr", {}, el("th", { scope: "col" }, "Solution"),
    doc.issues.map((i) => el("th", { scope: "col" }, issue(i))),
    doc.parties.map((p) => el("th", { scope: "col", class: "num" }, `${actor(p)}: utility (gain)`))));
  const body = clear(table.tBodies[0]);
  for (const [key, label] of SOLUTIONS) {
    const sol = doc.solutions[key];
    if (!sol) {
      body.append(el("tr", { "data-solution": key }, el("th", { scope: "row" }, label),
        el("td", { colspan: doc.issues.length + doc.parties.length, class: "muted" }, "none: there is no deal")));
      continue;
    }
    body.append(el("tr", { "data-solution": key }, el("th", { scope: "row" }, label), packageCells(sol.package, null),
      doc.parties.map((p) => el("td", { class: "num" }, `${num(sol.utilities[p])} (${sol.gains[p] >= 0 ? "+" : ""}${num(sol.gains[p])})`))));
  }
}

function renderTop(doc) {
  const table = document.getElementById("top-table");
  clear(table.tHead).append(el("tr", {}, el("th", { scope: "col", class: "num" }, "Rank"),
    doc.issues.map((i) => el("th", { scope: "col" }, issue(i))),
    doc.parties.map((p) => el("th", { scope: "col", class: "num" }, `${actor(p)}: utility / walk-away (gain)`)),
    el("th", { scope: "col", class: "num" }, "Nash product")));
  const body = clear(table.tBodies[0]);
  if (!doc.top.length) {
    body.append(el("tr", {}, el("td", { colspan: doc.issues.length + doc.parties.length + 2, class: "muted" },
      "No deals: no package lies inside every red line with every party at or above its walk-away.")));
    return;
  }
  for (const t of doc.top) {
    body.append(el("tr", { "data-rank": t.rank }, el("th", { scope: "row", class: "num" }, String(t.rank)),
      packageCells(t.package, t.labels),
      doc.parties.map((p) => el("td", { class: "num" },
        `${num(t.utilities[p])} / ${num(t.reservation[p])} (${t.gains[p] >= 0 ? "+" : ""}${num(t.gains[p])})`)),
      el("td", { class: "num" }, num(t.nash_product, 4))));
  }
}

function renderLogrolls(doc) {
  const list = clear(document.getElementById("logrolls"));
  if (!doc.logrolls.length) {
    list.append(el("li", { class: "muted" }, "No two-issue trade helps both sides of any pair of parties."));
    return;
  }
  for (const r of doc.logrolls.slice(0, 10)) {
    const ja = r.issue_a, jb = r.issue_b;
    list.append(el("li", { class: r.within_red_lines ? "" : "crosses" },
      `${actor(r.party_b)} concedes ${issue(ja)} (${short(r.baseline[ja])} → ${short(r.trade[ja])}); `,
      `${actor(r.party_a)} concedes ${issue(jb)} (${short(r.baseline[jb])} → ${short(r.trade[jb])}). `,
      `Gains: ${actor(r.party_a)} +${num(r.gains[r.party_a])}, ${actor(r.party_b)} +${num(r.gains[r.party_b])}.`,
      r.crosses.length ? el("span", { class: "crossing" }, ` Crosses red lines: ${r.crosses.join("; ")}.`) : " Inside every red line."));
  }
  if (doc.logrolls.length > 10) list.append(el("li", { class: "muted" }, `… and ${doc.logrolls.length - 10} more.`));
}

const FIX_KIND = { red_lines: "widen red lines", reservation: "lower the walk-away", positions: "move positions" };

function renderWhatIf(doc) {
  const box = clear(document.getElementById("whatif"));
  const w = doc.what_would_it_take;
  if (w.issues.length) {
    box.append(el("h3", {}, "To open each closed issue"), el("ul", { id: "whatif-issues" }, w.issues.map((item) =>
      el("li", { "data-issue": item.issue }, el("strong", {}, `${issue(item.issue)}: `),
        item.single_party_fix ? "one party alone can open it, either" : "no single party can open it alone",
        el("ul", { class: "plain" }, item.fixes.map((f) => el("li", {}, f.text)))))));
  } else {
    box.append(el("p", {}, "Every issue has a zone of agreement."));
  }
  if (w.agreement) {
    box.append(el("p", {}, "A package that every party prefers to no deal already exists."));
  } else if (w.packages && w.packages.length) {
    box.append(el("h3", {}, "For a package every party prefers to no deal (one party at a time)"),
      el("ul", { id: "whatif-packages" }, w.packages.map((f) => el("li", {},
        el("strong", {}, `${actor(f.party)}, ${FIX_KIND[f.kind] || f.kind}: `), f.text))));
  }
}

init();
