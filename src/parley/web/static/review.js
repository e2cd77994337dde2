// The review page: paste an article, see one card per proposed update (before and after, the
// sentences behind it highlighted in the article), accept, edit or reject each, and save the
// accepted ones as the scenario's next version (the server applies them).
//
// The article is shown as text nodes; a highlighted sentence is a <mark> element made with
// createElement whose only child is a text node. Record spans count Unicode code points
// (Python's str offsets), so the text is split with Array.from, not by UTF-16 index.
import { api, clear, el, scenarioUrl, showError } from "./common.js";

const main = document.getElementById("main");
const name = main.dataset.name;
const wantedVersion = new URLSearchParams(location.search).get("version");
const enc = encodeURIComponent;
const textBox = document.getElementById("article-text");
const published = document.getElementById("published");
const readStatus = document.getElementById("read-status");
const reviewBox = document.getElementById("review");
const cardsBox = document.getElementById("cards");
const articleBox = document.getElementById("article");
const saveForm = document.getElementById("save-form");
const saveStatus = document.getElementById("save-status");
const saveButton = document.getElementById("save");
const count = document.getElementById("decision-count");

const ACTIONS = {
  set: "set a position", flag: "check an inconsistency", add_evidence: "cite as evidence",
  add_stance: "add a stance", add_event: "add an event", add_round: "add a round", add_session: "add a session",
};
// What an edit may change, per action (as the API's parley.web.review.EDITABLE).
const EDITABLE = {
  set: ["value"], flag: ["value"], add_stance: ["position", "salience"], add_event: ["description"],
  add_session: ["description"], add_round: ["name"], add_evidence: [],
};

let scenario = null;  // the API's ScenarioDoc of the version reviewed against
let reviewed = null;  // {text, chars, published, version, doc}
let active = null;    // the proposal whose sentences are highlighted
let cards = [];       // [{proposal, card, inputs: Map(key -> input)}]

function show(x) {
  if (x === null || x === undefined) return "–";
  if (typeof x === "number") return String(Number(x.toFixed(2)));
  if (Array.isArray(x)) return x.map(show).join(", ");
  if (typeof x === "object") {
    const parts = Object.entries(x).filter(([k, v]) => k !== "evidence" && v !== null && v !== "" &&
      !(Array.isArray(v) && !v.length)).map(([k, v]) => `${k}: ${show(v)}`);
    const cites = Array.isArray(x.evidence) ? x.evidence.length : 0;
    return parts.join("; ") + (cites ? `${parts.length ? "; " : ""}citing ${cites} sentence(s)` : "");
  }
  return String(x);
}

function beforeAfter(p) {
  switch (p.action) {
    case "add_evidence": return [show(p.old), `${show(p.old)}, citing this article`];
    case "add_stance": return ["no stance", `position ${show(p.new.position)}, salience ${p.new.salience === null ? "(give one)" : show(p.new.salience)}`];
    case "flag": return [show(p.old), "? (edit: give the value to keep)"];
    case "set": return [show(p.old), show(p.new)];
    default: return [p.old === null ? "nothing" : show(p.old), show(p.new)];
  }
}

async function loadScenario() {
  document.getElementById("scenario-link").setAttribute("href", scenarioUrl(name));
  const path = wantedVersion ? `/api/scenarios/${enc(name)}/versions/${enc(wantedVersion)}` : `/api/scenarios/${enc(name)}`;
  const { ok, data } = await api("GET", path);
  if (!ok) return showError(readStatus, data);
  setScenario(data);
}

function setScenario(doc) {
  scenario = doc;
  document.getElementById("title").textContent = `Review news: ${doc.scenario.title || name}`;
  document.getElementById("meta").textContent = `${name}, version ${doc.version} of ${doc.latest_version}: proposals are made against the current version.`;
  const list = clear(document.getElementById("versions"));
  for (const v of doc.versions) {
    const when = v.origin === "bundled" ? "bundled" : `saved ${(v.created_at || "").slice(0, 16).replace("T", " ")} UTC`;
    list.append(el("li", { "data-version": v.version },
      el("a", { href: `${scenarioUrl(name)}?version=${enc(v.version)}` }, `version ${v.version}`), ` (${when})`,
      v.version === doc.version ? " · current" : ""));
  }
}

document.getElementById("article-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = textBox.value;
  if (!text.trim()) {
    textBox.setAttribute("aria-invalid", "true");
    readStatus.className = "error";
    readStatus.textContent = "Paste an article first.";
    textBox.focus();
    return;
  }
  textBox.removeAttribute("aria-invalid");
  if (!scenario) return;
  readStatus.className = "";
  readStatus.textContent = "Reading…";
  const body = { scenario: name, version: scenario.version, text, published: published.value || null };
  const { ok, data } = await api("POST", "/api/evidence", body);
  if (!ok) return showError(readStatus, data);
  reviewed = { text, chars: Array.from(text), published: body.published, version: data.version, doc: data };
  readStatus.className = "ok";
  readStatus.textContent = `${data.records.length} evidence record(s), ${data.proposals.length} proposed update(s).`;
  renderReview();
});

function renderReview() {
  const { doc } = reviewed;
  renderRecords(doc.records);
  clear(cardsBox);
  clear(saveStatus);
  cards = doc.proposals.map((p) => makeCard(p, doc.records));
  if (!cards.length) {
    cardsBox.append(el("p", { class: "muted", id: "no-proposals" }, "No updates proposed: the scenario already holds (and cites) what the article says, or the article gives no values."));
  }
  saveForm.hidden = !cards.length;
  saveButton.disabled = false;
  reviewBox.hidden = false;
  setActive(cards.length ? cards[0].proposal.id : null, false);
  updateCount();
}

function renderRecords(records) {
  const body = clear(document.querySelector("#records-table tbody"));
  document.getElementById("records-summary").textContent = `Evidence records (${records.length})`;
  records.forEach((r, k) => body.append(el("tr", {},
    el("td", { class: "num" }, String(k)), el("td", {}, r.kind), el("td", {}, r.actor || "–"), el("td", {}, r.issue || "–"),
    el("td", {}, detail(r)), el("td", {}, r.sentence))));
}

function detail(r) {
  const parts = [];
  if (r.value !== null && r.value !== undefined) parts.push(`value ${show(r.value)}`);
  if (r.status) parts.push(r.status);
  if (r.subtype) parts.push(r.subtype + (r.target ? ` → ${r.target}` : ""));
  if (r.speaker || r.quote) parts.push(`${r.speaker || "?"}: “${r.quote || ""}”`);
  if (r.participants && r.participants.length) parts.push(r.participants.join(", "));
  if (r.venue) parts.push(`at ${r.venue}`);
  if (r.date) parts.push(r.date + (r.end ? ` to ${r.end}` : ""));
  if (r.duration_minutes) parts.push(`${r.duration_minutes} min`);
  if (r.tone !== null && r.tone !== undefined) parts.push(`tone ${show(r.tone)}`);
  return parts.join("; ") || "–";
}

function makeCard(p, records) {
  const [before, after] = beforeAfter(p);
  const hid = `card-h-${p.id}`;
  const inputs = new Map();
  const editBox = el("div", { class: "edit-box", hidden: true });
  for (const key of EDITABLE[p.action] || []) {
    const id = `edit-${p.id}-${key}`;
    let value = "";
    if (key === "value") value = p.new === null || p.new === undefined ? (p.old ?? "") : p.new;
    else if (p.new && p.new[key] !== null && p.new[key] !== undefined) value = p.new[key];
    const label = key === "value" ? `New value for ${p.field}` : `${key[0].toUpperCase()}${key.slice(1)}`;
    const numeric = ["value", "position", "salience"].includes(key);
    const input = el("input", { id, type: "text", value: String(value), inputmode: numeric ? "decimal" : null,
      size: numeric ? 8 : 40, "data-key": key });
    inputs.set(key, input);
    editBox.append(el("div", { class: "field inline" }, el("label", { for: id }, label), input));
  }
  const choices = ["accept", ...(inputs.size ? ["edit"] : []), "reject"];
  const radios = choices.map((c) => {
    const id = `d-${p.id}-${c}`;
    const radio = el("input", { type: "radio", id, name: `decision-${p.id}`, value: c });
    radio.addEventListener("change", () => {
      editBox.hidden = c !== "edit";
      updateCount();
    });
    return el("span", {}, radio, " ", el("label", { for: id }, c[0].toUpperCase() + c.slice(1)));
  });
  const sentences = [...new Set(p.records.map((k) => records[k].sentence))];
  const card = el("section", { class: "card", "data-proposal": p.id, "aria-labelledby": hid },
    el("h3", { id: hid }, `${p.id}: ${ACTIONS[p.action] || p.action} `, el("code", {}, p.field)),
    el("p", { class: "change" }, el("span", { class: "before" }, before), " → ", el("span", { class: "after" }, after)),
    p.conflict ? el("div", { class: "conflict" }, "Conflicts with what the scenario cites:",
      el("ul", { class: "plain" }, p.conflicts.map((c) => el("li", {}, c)))) : null,
    p.note ? el("p", { class: "help" }, p.note) : null,
    el("ul", { class: "sentences" }, sentences.map((s) => el("li", {}, el("q", {}, s)))),
    el("button", { type: "button", class: "small", onclick: () => setActive(p.id, true) }, "Show in the article"),
    el("fieldset", { class: "decision" }, el("legend", {}, `Decision on ${p.id}`), radios),
    editBox);
  card.addEventListener("focusin", () => { if (active !== p.id) setActive(p.id, false); });
  cardsBox.append(card);
  return { proposal: p, card, inputs };
}

// Highlight the active proposal's sentences: split the article at their spans into text
// nodes and <mark> elements (built with createElement; the text goes in as text).
function setActive(id, scroll) {
  active = id;
  for (const c of cards) c.card.classList.toggle("active", c.proposal.id === id);
  const { chars, doc } = reviewed;
  const found = cards.find((c) => c.proposal.id === id);
  const spans = found ? found.proposal.records.map((k) => doc.records[k].span) : [];
  spans.sort((s, t) => s[0] - t[0]);
  const merged = [];
  for (const [a, b] of spans) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([Math.max(0, a), Math.min(chars.length, b)]);
  }
  clear(articleBox);
  let at = 0;
  for (const [a, b] of merged) {
    if (a > at) articleBox.append(document.createTextNode(chars.slice(at, a).join("")));
    const mark = document.createElement("mark");
    mark.dataset.proposal = id;
    mark.append(document.createTextNode(chars.slice(a, b).join("")));
    articleBox.append(mark);
    at = b;
  }
  if (at < chars.length) articleBox.append(document.createTextNode(chars.slice(at).join("")));
  const first = articleBox.querySelector("mark");
  if (scroll && first) first.scrollIntoView({ block: "nearest" });
}

function decisionOf(c) {
  const checked = c.card.querySelector(`input[name="decision-${c.proposal.id}"]:checked`);
  return checked ? checked.value : "reject";
}

function numberOrText(text) {
  const t = text.trim();
  const n = t === "" ? NaN : Number(t);
  return Number.isFinite(n) ? n : t;
}

function editedValue(c) {
  const keys = EDITABLE[c.proposal.action];
  if (keys.length === 1 && keys[0] === "value") return numberOrText(c.inputs.get("value").value);
  const out = {};
  for (const [key, input] of c.inputs) {
    out[key] = key === "position" || key === "salience" ? numberOrText(input.value) : input.value;
  }
  return out;
}

function updateCount() {
  const tally = { accept: 0, edit: 0, reject: 0 };
  for (const c of cards) tally[decisionOf(c)] += 1;
  count.textContent = `${tally.accept} accepted, ${tally.edit} edited, ${tally.reject} rejected or undecided.`;
}

saveForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  for (const c of cards) for (const input of c.inputs.values()) input.removeAttribute("aria-invalid");
  const decisions = cards.map((c) => {
    const decision = decisionOf(c);
    const d = { id: c.proposal.id, decision };
    if (decision === "edit") d.new = editedValue(c);
    return d;
  });
  if (!decisions.some((d) => d.decision !== "reject")) {
    saveStatus.className = "error";
    saveStatus.textContent = "Accept or edit at least one proposal to save a new version.";
    return;
  }
  saveStatus.className = "";
  saveStatus.textContent = "Saving…";
  const body = { scenario: name, version: reviewed.version, text: reviewed.text, published: reviewed.published, decisions };
  const { ok, data } = await api("POST", "/api/evidence/apply", body);
  if (!ok) {
    showError(saveStatus, data);
    for (const p of data.problems || []) {
      const m = /^decisions\[(\d+)\]\.new(?:\.(\w+))?/.exec(p.field || "");
      const c = m ? cards[Number(m[1])] : null;
      if (!c) continue;
      const inputs = m[2] ? [c.inputs.get(m[2])] : [...c.inputs.values()];
      for (const input of inputs) if (input) input.setAttribute("aria-invalid", "true");
    }
    return;
  }
  setScenario(data.saved);
  saveButton.disabled = true;
  clear(saveStatus).append(el("p", { class: "ok" }, `Saved as version ${data.saved.version}: applied ${data.applied.join(", ")}, citing source `,
    el("code", {}, data.source), ". ", el("a", { href: `${scenarioUrl(name)}?version=${enc(data.saved.version)}` }, "Open it"),
    ". To review another article, read it against this new version."));
  saveButton.focus();
});

loadScenario();
