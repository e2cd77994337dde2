// Shared helpers of the parley dashboard. Every string from the server is put into the page
// as text (textContent, attribute values), never parsed as HTML.

export const SVG_NS = "http://www.w3.org/2000/svg";

// Build an element: el("td", {class: "num"}, "12.5", child). Attributes are set with
// setAttribute; keys starting with "on" add event listeners; null/undefined/false skip.
function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function fmt(x, digits = 1) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(digits);
}

export function scenarioUrl(name, suffix = "") {
  return `/scenarios/${encodeURIComponent(name)}${suffix}`;
}

// Call the JSON API. Returns {ok, status, data}; a 401 sends the browser to the login page.
export async function api(method, path, body, contentType = "application/json") {
  const init = { method, credentials: "same-origin", headers: { "X-Parley-Request": "1", Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = contentType;
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    return { ok: false, status: 0, data: { error: "the server cannot be reached", problems: [] } };
  }
  if (response.status === 401 && path !== "/api/login") {
    const next = location.pathname + location.search;
    location.assign(`/login?next=${encodeURIComponent(next)}`);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    data = { error: `unexpected answer from the server (HTTP ${response.status})`, problems: [] };
  }
  return { ok: response.ok, status: response.status, data };
}

// One problem as a list item: "field (line n): rule; got value. Fix: ..."
export function problemItem(p) {
  const where = p.line ? ` (line ${p.line})` : "";
  const got = p.value === null || p.value === undefined ? "" : `; got ${JSON.stringify(p.value)}`;
  return el("li", {}, el("code", {}, p.field), `${where}: ${p.rule}${got}`,
    p.fix ? el("span", { class: "fix" }, `. Fix: ${p.fix}`) : null);
}

// Show an API error (message and problems) inside `node`.
export function showError(node, data) {
  clear(node);
  node.append(el("p", { class: "error" }, data && data.error ? data.error : "request failed"));
  if (data && data.problems && data.problems.length) {
    node.append(el("ul", { class: "problems" }, data.problems.map(problemItem)));
  }
}

// Run a background job: POST `body` to `path`, then poll /api/jobs/{id} every `interval` ms
// until it is done or failed. Meanwhile `button` is disabled, `progress` (if given) shown
// (indeterminate until `onProgress` sets it) and `status` reads "<status>…" (or whatever
// `onProgress(job)` writes).
// Returns the finished job with `status` marked ok (the caller writes the success text), or
// null when the job could not start (the API's error shown in `status`) or failed
// ("The <what> failed: <error>").
export async function runJob({ path, body, button, status, progress = null, what, interval = 200, onProgress = null }) {
  button.disabled = true;
  if (progress) {
    progress.hidden = false;
    progress.removeAttribute("value");
  }
  status.className = "";
  status.textContent = "Starting…";
  const { ok, data } = await api("POST", path, body);
  if (!ok) {
    button.disabled = false;
    if (progress) progress.hidden = true;
    showError(status, data);
    return null;
  }
  let job = data;
  while (job.status !== "done" && job.status !== "failed") {
    await new Promise((resolve) => setTimeout(resolve, interval));
    const polled = await api("GET", `/api/jobs/${encodeURIComponent(job.id)}`);
    if (!polled.ok) { job = { status: "failed", error: polled.data.error }; break; }
    job = polled.data;
    if (onProgress) onProgress(job);
    else status.textContent = `${job.status}…`;
  }
  button.disabled = false;
  if (progress) progress.hidden = true;
  if (job.status !== "done") {
    status.className = "error";
    status.textContent = `The ${what} failed: ${job.error}`;
    return null;
  }
  status.className = "ok";
  return job;
}

// A small tooltip for chart markers: shown on hover and on keyboard focus.
let tip = null;
export function attachTooltip(target, text) {
  const show = () => {
    if (!tip) {
      tip = el("div", { class: "tooltip", role: "tooltip" });
      document.body.append(tip);
    }
    tip.textContent = text;
    const box = target.getBoundingClientRect();
    tip.style.left = `${Math.round(box.left + box.width / 2 + 8)}px`;
    tip.style.top = `${Math.round(box.top - 30)}px`;
    tip.hidden = false;
  };
  const hide = () => { if (tip) tip.hidden = true; };
  target.addEventListener("mouseenter", show);
  target.addEventListener("focus", show);
  target.addEventListener("mouseleave", hide);
  target.addEventListener("blur", hide);
}

const logout = document.getElementById("logout");
if (logout) {
  logout.addEventListener("click", async () => {
    await api("POST", "/api/logout", {});
    location.assign("/login");
  });
}
