// The card page: mark the card returned, reply or void (void asks again first), with a
// note; a void made by mistake can be undone while the card has no reprint.
"use strict";
const card = document.getElementById("card");

async function post(url, body) {
  const answer = document.getElementById("mark-answer");
  try {
    const response = await fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
      body: JSON.stringify({ ...body, note: document.getElementById("note").value,
                             by: document.getElementById("by").value }),
    });
    const reply = await response.json();
    answer.textContent = reply.reason || (reply.result === "recorded" ? words.t("card.done") : "");
    answer.className = reply.result === "refused" || !response.ok ? "bad" : "good";
    if (reply.result === "recorded") setTimeout(() => location.reload(), 600);
  } catch (e) { answer.textContent = words.t("card.unreachable"); answer.className = "bad"; }
}

// A dangerous button acts on a second click within 5 s; the first one says what it does.
function confirmed(button) {
  if (!button.dataset.confirm || button.dataset.armed) return true;
  button.dataset.armed = "1";
  const label = button.textContent;
  button.textContent = button.dataset.confirm;
  setTimeout(() => { delete button.dataset.armed; button.textContent = label; }, 5000);
  return false;
}

if (card) {
  for (const button of document.querySelectorAll("#mark button[data-status]")) {
    button.addEventListener("click", () => {
      if (confirmed(button)) post("/api/scans", { code: card.dataset.code, status: button.dataset.status });
    });
  }
  const undo = document.getElementById("unvoid");
  if (undo) {
    undo.addEventListener("click", () =>
      post(`/api/cards/${encodeURIComponent(card.dataset.code)}/unvoid`, {}));
  }
}
