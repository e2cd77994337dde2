// The scenario list and the "add a scenario" form.
import { api, clear, el, scenarioUrl, showError } from "./common.js";

const tbody = document.querySelector("#scenario-table tbody");
const status = document.getElementById("status");

async function loadList() {
  const { ok, data } = await api("GET", "/api/scenarios");
  if (!ok) return showError(status, data);
  clear(tbody);
  for (const s of data.scenarios) {
    const origin = s.origin === "bundled" ? "bundled (read-only)" : (s.bundled ? "your edit of a bundled one" : "yours");
    tbody.append(el("tr", {},
      el("td", {}, el("a", { href: scenarioUrl(s.name), class: "scenario-link" }, s.name)),
      el("td", {}, s.title),
      el("td", { class: "num" }, `v${s.version}`),
      el("td", {}, el("span", { class: `badge ${s.origin}` }, origin)),
      el("td", { class: "num" }, s.actors),
      el("td", { class: "num" }, s.issues),
      el("td", {}, el("a", { href: scenarioUrl(s.name, "/forecast") }, "Forecast"), " · ",
        el("a", { href: scenarioUrl(s.name, "/deals") }, "Deals"), " · ",
        el("a", { href: scenarioUrl(s.name, "/simulate") }, "Simulate"), " · ",
        el("a", { href: scenarioUrl(s.name, "/ensemble") }, "Ensemble"), " · ",
        el("a", { href: scenarioUrl(s.name, "/review") }, "Review news"))));
  }
}

const form = document.getElementById("new-form");
const text = document.getElementById("new-text");
const format = document.getElementById("new-format");
const result = document.getElementById("new-result");

function markInvalid(invalid) {
  text.setAttribute("aria-invalid", invalid ? "true" : "false");
}

document.getElementById("new-check").addEventListener("click", async () => {
  const { ok, data } = await api("POST", "/api/validate", text.value, format.value);
  if (!ok) { markInvalid(true); return showError(result, data); }
  if (data.valid) {
    markInvalid(false);
    clear(result).append(el("p", { class: "ok" },
      `Valid: '${data.name}' with ${data.actors} actors, ${data.issues} issues, ${data.stances} stances.`));
  } else {
    markInvalid(true);
    showError(result, { error: `${data.problems.length} problem(s) found`, problems: data.problems });
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { ok, data } = await api("POST", "/api/scenarios", text.value, format.value);
  if (!ok) { markInvalid(true); return showError(result, data); }
  markInvalid(false);
  clear(result).append(el("p", { class: "ok" }, "Saved ",
    el("a", { href: scenarioUrl(data.name) }, data.name), ` (version ${data.version}).`));
  text.value = "";
  loadList();
});

loadList();
