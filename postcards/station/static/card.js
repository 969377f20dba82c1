// The card page: mark the card returned, reply or void, with a note.
"use strict";
const card = document.getElementById("card");
if (card) {
  for (const button of document.querySelectorAll("#mark button")) {
    button.addEventListener("click", async () => {
      const answer = document.getElementById("mark-answer");
      try {
        const response = await fetch("/api/scans", {
          method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
          body: JSON.stringify({ code: card.dataset.code, status: button.dataset.status,
                                 note: document.getElementById("note").value,
                                 by: document.getElementById("by").value }),
        });
        const reply = await response.json();
        answer.textContent = reply.reason;
        answer.className = reply.result === "refused" || !response.ok ? "bad" : "good";
        if (reply.result === "recorded") setTimeout(() => location.reload(), 600);
      } catch (e) { answer.textContent = "the station cannot be reached"; answer.className = "bad"; }
    });
  }
}
