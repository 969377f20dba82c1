// The dashboard, kept live by polling /api/coverage (?office=NAME when one office is
// chosen); every field is set as text.
"use strict";
const choice = document.getElementById("office");
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
function rows(selector, list, cells) {
  document.querySelector(selector).replaceChildren(...list.map((p) => {
    const tr = document.createElement("tr");
    for (const v of cells(p)) {
      const td = document.createElement("td"); td.textContent = v; tr.append(td);
    }
    return tr;
  }));
}
const officeName = (name) => name || words.t("dashboard.unnamed_office");
const scope = (office) => (office === null ? words.t("dashboard.whole_campaign")
                                             : words.t("dashboard.office_only", { office: officeName(office) }));
// The office chosen: null for the whole campaign ("" is the unnamed office).
function chosen() {
  const option = choice.selectedOptions[0];
  return option && "office" in option.dataset ? option.dataset.office : null;
}
const only = (office) => (office === null ? "" : "?office=" + encodeURIComponent(office));
function renderOffices(data) {
  const several = data.offices.length > 1 || data.offices.some((o) => o.office);
  document.getElementById("office-choice").hidden = !several;
  document.getElementById("offices-box").hidden = !several;
  const names = data.offices.map((o) => o.office);
  const listed = Array.from(choice.options).slice(1).map((o) => o.dataset.office);
  if (JSON.stringify(names) !== JSON.stringify(listed)) {  // an office printed its first cards
    const current = chosen();
    choice.replaceChildren(choice.options[0], ...names.map((name) => {
      const option = document.createElement("option");
      option.dataset.office = name; option.textContent = officeName(name);
      option.selected = name === current;
      return option;
    }));
  }
  rows("#offices tbody", data.offices, (o) => [officeName(o.office), o.senders, o.generated, o.sent, o.returned]);
}
function render(data) {
  renderOffices(data);
  document.getElementById("shown").textContent = scope(data.office);
  document.getElementById("downloads-scope").textContent = data.office === null ? "" : scope(data.office);
  for (const link of document.querySelectorAll("[data-report]")) {
    link.href = `/download/report.${link.dataset.report}${only(data.office)}`;
  }
  document.getElementById("n-cards").textContent = data.cards;
  for (const el of document.querySelectorAll("[data-status]")) {
    el.textContent = data.by_status[el.dataset.status] || 0;
  }
  document.getElementById("n-unreached").textContent =
    words.t("dashboard.unreached", { count: data.prisoners_without_sent.length, total: data.prisoners });
  document.getElementById("unreached").replaceChildren(...data.prisoners_without_sent.map((p) =>
    item([["span", p.prisoner_name], ["small", words.t("dashboard.cards_made", { prisoner_id: p.prisoner_id, cards: p.cards })]])));
  document.getElementById("last").replaceChildren(...data.last_scans.map((e) => {
    const li = item([["a", e.code, "", "/cards/" + encodeURIComponent(e.code)],
                     ["span", words.status(e.status), "badge s-" + e.status], ["span", e.prisoner_name]]);
    const from = e.office ? words.t("dashboard.from_office", { sender: e.sender_name, office: e.office })
                          : words.t("dashboard.from", { sender: e.sender_name });
    const small = document.createElement("small");
    small.append(`${from} · `, words.time(e.at), ` ${e.by}`);
    li.append(small);
    return li;
  }));
  const none = document.getElementById("parliaments").dataset.none;  // no list gives it
  rows("#parliaments tbody", data.parliaments, (p) => [
    p.parliament === none ? words.t("dashboard.no_parliament") : p.parliament, p.senders, p.generated, p.sent, p.returned]);
}
async function poll() {
  const live = document.getElementById("live");
  const office = chosen();
  try {
    const response = await fetch("/api/coverage" + only(office), { credentials: "same-origin" });
    if (office !== chosen()) return;  // another office was chosen meanwhile: its poll shows it
    const data = await response.json();
    if (response.ok) { render(data); live.textContent = words.t("dashboard.live"); live.className = "live"; }
    else { live.textContent = data.reason; live.className = "live off"; }
  } catch (e) { live.textContent = words.t("dashboard.offline"); live.className = "live off"; }
}
choice.addEventListener("change", () => {
  const office = chosen();
  history.replaceState(null, "", location.pathname + only(office));  // a reload keeps it
  document.getElementById("shown").textContent = scope(office) + " …";
  poll();
});
setInterval(poll, 1500);
