// The scan page: a wedge scanner types a code and Enter (or Tab); a camera decodes QR
// codes (BarcodeDetector, else the station's own zxing WebAssembly).  Every scan gets a
// nonce and waits in localStorage until the station has answered it about the card, so a
// scan made offline, or while the station restarts or its ledger is busy, is sent again
// later; the station records a resent nonce once.
"use strict";
const $ = (id) => document.getElementById(id);
const QUEUE = "postcards.queue", PREFS = "postcards.prefs", COUNT = "postcards.count";
const store = {
  get: (k, d) => { try { return JSON.parse(localStorage.getItem(k)) ?? d; } catch (e) { return d; } },
  set: (k, v) => localStorage.setItem(k, JSON.stringify(v)),
};
function nonce() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
const prefs = store.get(PREFS, {});
if (!prefs.device) { prefs.device = nonce().slice(0, 8); store.set(PREFS, prefs); }
if (prefs.status) $("status").value = prefs.status;
if (prefs.by) $("by").value = prefs.by;
for (const id of ["status", "by"]) {
  $(id).addEventListener("change", () => { prefs[id] = $(id).value; store.set(PREFS, prefs); $("code").focus(); });
}

// --- what the volunteer sees and hears ---------------------------------------------------

function show(kind, headline, detail) {
  const box = $("answer");
  box.className = "answer " + kind;
  box.querySelector(".headline").textContent = headline;
  box.querySelector(".detail").textContent = detail;
}
function beep() {  // the refusal tone: only for a card the station refused
  try {
    const audio = new (window.AudioContext || window.webkitAudioContext)();
    const tone = audio.createOscillator();
    tone.frequency.value = 220; tone.type = "square";
    tone.connect(audio.destination); tone.start(); tone.stop(audio.currentTime + 0.35);
  } catch (e) { /* no sound here */ }
}
function counters() {
  $("count").textContent = store.get(COUNT, 0);
  $("queued").textContent = store.get(QUEUE, []).length;
}
const RECENT = 8;
function remember(kind, code, text) {
  // Several queued scans can be answered at once (the station is back): the box shows
  // the last answer, this list keeps a refusal among them in sight.
  if (code.length > 40) code = code.slice(0, 40) + "…";
  text = text.replace(/^(?:[^:]*: )?refused: /, "");  // the badge says it, and the code
  const list = $("recent");
  const item = document.createElement("li");
  const badge = document.createElement("span");
  badge.className = "badge r-" + kind;
  badge.textContent = words.t("scan.badge_" + kind);
  item.append(badge, ` ${code} · ${text}`);
  list.prepend(item);
  while (list.children.length > RECENT) list.lastElementChild.remove();
  list.hidden = false;
}
function answered(scan, reply) {
  waitingFor = null;
  const card = reply.card;
  const who = !card ? "" : words.t(card.office ? "scan.who_office" : "scan.who", {
    prisoner: card.prisoner_name, prisoner_id: card.prisoner_id, sender: card.sender_name, office: card.office,
  });
  const code = reply.code || scan.code;
  if (reply.result === "recorded") {
    store.set(COUNT, store.get(COUNT, 0) + 1);
    const status = words.status(scan.status);
    show("recorded", words.t("scan.recorded", { code, status }), who);
    remember("recorded", code, `${status}: ${who}`);
  } else if (reply.result === "repeat") {
    const first = reply.first || {};
    const status = words.status(first.status || scan.status);
    const at = first.at ? words.when(first.at) : "?";
    show("repeat", words.t("scan.repeat", { code, status }),
         words.t(first.by ? "scan.repeat_when_by" : "scan.repeat_when", { at, by: first.by, who }));
    remember("repeat", code, words.t("scan.repeat_short", { status, who }));
  } else {
    const reason = reply.reason || words.t("scan.refused_default");
    show("refused", words.t("scan.refused"), reason);
    remember("refused", code, reason);
    beep();
  }
}

// Why scans are still on this device: a short label ("3 waiting: station busy") and
// what to do about it.  None of these is about a card, so none sounds the refusal tone.
const KEPT = words.t("scan.kept");
const WAITING = {
  unreachable: [words.t("scan.unreachable"), words.t("scan.unreachable_help")],
  slow: [words.t("scan.slow"), KEPT],
  timeout: [words.t("scan.timeout"), KEPT],
  join: [words.t("scan.join"), words.t("scan.join_help")],
  busy: [words.t("scan.busy"), KEPT],
  error: [words.t("scan.error"), KEPT],
};
let waitingShown = "", waitingFor = null;  // waitingFor: [why, reason] while scans wait
function waiting(why, reason) {
  const count = store.get(QUEUE, []).length;
  if (!count) return;
  waitingFor = [why, reason];
  const [label, help] = WAITING[why];
  // The station's own words say what is wrong with it (the ledger busy, a full disk).
  const detail = reason && why !== "join"
    ? words.t("scan.station_says", { reason: reason.replace(/\.$/, ""), help }) : help;
  const shown = `${count}|${label}|${detail}`;
  // The box is an assertive live region: say it again only when something changed,
  // not on every retry.
  if (shown === waitingShown && $("answer").classList.contains("queued")) return;
  waitingShown = shown;
  show("queued", words.t("scan.waiting", { count, label }), detail);
}

// --- sending: a scan leaves the queue only once the station has answered about the card -

const TIMEOUT_MS = 15000;  // longer than the station's own wait for a busy ledger (10 s)
const SLOW_MS = 2000;      // then the page says the scan is waiting
const RETRY_FIRST_MS = 1000, RETRY_MOST_MS = 30000;

// The station's answer (a JSON object) or null: a captive portal or another server may
// answer in HTML, and that is no answer about the card.
async function body(response) {
  try {
    const reply = await response.json();
    return reply && typeof reply === "object" ? reply : null;
  } catch (e) {
    return null;
  }
}

// What an HTTP answer means for the scan: {reply} when it is about the card (the scan
// leaves the queue), else {why, reason} (it stays).
function verdict(status, reply) {
  const reason = reply && typeof reply.reason === "string" ? reply.reason : "";
  if (status === 200 && reply && ["recorded", "repeat", "refused"].includes(reply.result)) {
    return { reply };
  }
  // 400 and 413 are the station's refusal of the scan itself (a code over 200
  // characters, no code): sending it again cannot help.
  if ((status === 400 || status === 413) && reason) {
    return { reply: { result: "refused", code: "", reason } };
  }
  if (status === 401 || status === 403) return { why: "join", reason };
  if (status === 503) return { why: "busy", reason };
  return { why: "error", reason: reason || `HTTP ${status}` };
}

async function send(scan) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const response = await fetch("/api/scans", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(scan), credentials: "same-origin", signal: abort.signal,
    });
    return verdict(response.status, await body(response));
  } catch (e) {
    return { why: abort.signal.aborted ? "timeout" : "unreachable", reason: "" };
  } finally {
    clearTimeout(timer);
  }
}

function unqueue(scan) {  // by nonce: scans were added (or sent by another tab) meanwhile
  store.set(QUEUE, store.get(QUEUE, []).filter((s) => s.nonce !== scan.nonce));
}

let flushing = false, stuck = null, retryTimer = 0, retryDelay = RETRY_FIRST_MS;
function retryLater() {  // 1 s, 2 s, 4 s … 30 s: a station that is down is not hammered
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, retryDelay);
  retryDelay = Math.min(retryDelay * 2, RETRY_MOST_MS);
}
async function flush() {
  if (flushing) return;
  flushing = true;
  clearTimeout(retryTimer);
  try {
    for (;;) {
      const scan = store.get(QUEUE, [])[0];
      if (!scan) break;
      const slow = setTimeout(() => waiting(stuck ? stuck.why : "slow", stuck && stuck.reason), SLOW_MS);
      const outcome = await send(scan);
      clearTimeout(slow);
      if (!outcome.reply) {
        stuck = outcome;
        waiting(outcome.why, outcome.reason);
        retryLater();
        break;
      }
      stuck = null; retryDelay = RETRY_FIRST_MS;
      unqueue(scan);
      answered(scan, outcome.reply);
    }
  } finally {
    flushing = false;
    counters();
  }
}
function retryNow() { if (store.get(QUEUE, []).length) flush(); }

let lastCode = "", lastAt = 0;
function submit(code) {
  code = code.trim();
  if (!code) return;
  const now = Date.now();
  if (code === lastCode && now - lastAt < 2500) return;  // the camera sees a card many times
  lastCode = code; lastAt = now;
  const queue = store.get(QUEUE, []);
  queue.push({ code, status: $("status").value, by: $("by").value.trim(),
               device: prefs.device, nonce: nonce() });
  store.set(QUEUE, queue);
  counters();
  // While scans wait, say at once that this one waits too (quietly): the box would
  // otherwise still show the answer about the card before it.
  if (waitingFor) waiting(...waitingFor);
  flush();
}
$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  submit($("code").value); $("code").value = ""; $("code").focus();
});
$("code").addEventListener("keydown", (event) => {
  // Scanners end a code with Enter or Tab.  (The form has two fields and no submit
  // button, so Enter does not submit it by itself.)
  if ((event.key === "Enter" || event.key === "Tab") && $("code").value.trim()) {
    event.preventDefault();
    submit($("code").value); $("code").value = "";
  }
});
// Back online, or back to this page (the phone was in a pocket, or the join link was
// opened in another tab): try at once rather than at the end of a long wait.
window.addEventListener("online", () => { retryDelay = RETRY_FIRST_MS; retryNow(); });
window.addEventListener("focus", retryNow);
document.addEventListener("visibilitychange", () => { if (!document.hidden) retryNow(); });
window.addEventListener("storage", (event) => { if (event.key === QUEUE || event.key === COUNT) counters(); });
counters();
flush();

// --- camera ---------------------------------------------------------------------------
let reader = null;
async function decoder() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => (await detector.detect(video)).map((b) => b.rawValue);
      }
    } catch (e) { /* fall back to zxing */ }
  }
  ZXingWASM.prepareZXingModule({
    overrides: { locateFile: (path, prefix) => path.endsWith(".wasm") ? "/static/zxing_reader.wasm" : prefix + path },
    fireImmediately: true,
  });
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    canvas.width = video.videoWidth; canvas.height = video.videoHeight;
    if (!canvas.width) return [];
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = await ZXingWASM.readBarcodes(image, { formats: ["QRCode"], tryHarder: true });
    return found.filter((b) => b.isValid).map((b) => b.text);
  };
}
$("camera").addEventListener("click", async () => {
  const video = $("video");
  if (reader) {  // a second press stops the camera
    video.srcObject.getTracks().forEach((t) => t.stop());
    video.hidden = true; reader = null; $("camera").textContent = words.t("scan.camera");
    return;
  }
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch (e) {
    show("refused", words.t("scan.no_camera"), window.isSecureContext ? String(e) : words.t("scan.camera_needs_tls"));
    return;
  }
  video.hidden = false;
  await video.play();
  reader = await decoder();
  $("camera").textContent = words.t("scan.stop_camera");
  const tick = async () => {
    if (!reader) return;
    try { for (const text of await reader(video)) submit(text); } catch (e) { /* next frame */ }
    setTimeout(tick, 150);
  };
  tick();
});
