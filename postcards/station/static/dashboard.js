// The dashboard, kept live by polling /api/coverage; every field is set as text.
"use strict";
function item(parts) {
  const li = document.createElement("li");
  for (const [tag, text, cls, href] of parts) {
    const el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    if (href) el.href = href;
    li.append(el, " ");
  }
  return li;
}
function render(data) {
  document.getElementById("n-cards").textContent = data.cards;
  for (const el of document.querySelectorAll("[data-status]")) {
    el.textContent = data.by_status[el.dataset.status] || 0;
  }
  document.getElementById("n-unreached").textContent =
    `${data.prisoners_without_sent.length} of ${data.prisoners} prisoners`;
  document.getElementById("unreached").replaceChildren(...data.prisoners_without_sent.map((p) =>
    item([["span", p.prisoner_name], ["small", `${p.prisoner_id} · cards made: ${p.cards}`]])));
  document.getElementById("last").replaceChildren(...data.last_scans.map((e) =>
    item([["a", e.code, "", "/cards/" + encodeURIComponent(e.code)], ["span", e.status, "badge s-" + e.status],
          ["span", e.prisoner_name], ["small", `${e.at.slice(0, 16).replace("T", " ")} ${e.by}`]])));
  document.querySelector("#parliaments tbody").replaceChildren(...data.parliaments.map((p) => {
    const tr = document.createElement("tr");
    for (const v of [p.parliament, p.senders, p.generated, p.sent, p.returned]) {
      const td = document.createElement("td"); td.textContent = v; tr.append(td);
    }
    return tr;
  }));
}
async function poll() {
  const live = document.getElementById("live");
  try {
    const response = await fetch("/api/coverage", { credentials: "same-origin" });
    if (response.ok) { render(await response.json()); live.textContent = "live"; live.className = "live"; }
  } catch (e) { live.textContent = "offline: retrying"; live.className = "live off"; }
}
setInterval(poll, 1500);
