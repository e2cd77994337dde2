// The token login: exchange the API token for a session cookie, then go back.
import { api, showError } from "./common.js";

const form = document.getElementById("login-form");
const next = document.getElementById("main").dataset.next || "/";

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = document.getElementById("token").value;
  const { ok, data } = await api("POST", "/api/login", { token });
  if (!ok) return showError(document.getElementById("login-status"), data);
  location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/");
});
