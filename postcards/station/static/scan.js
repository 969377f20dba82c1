// The scan page: a wedge scanner types a code and Enter (or Tab); a camera decodes QR
// codes (BarcodeDetector, else the station's own zxing WebAssembly).  Every scan gets a
// nonce and waits in localStorage until the station has answered it, so a scan made
// offline is sent when the connection returns and a resent one is recorded once.
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

function show(kind, headline, detail) {
  const box = $("answer");
  box.className = "answer " + kind;
  box.querySelector(".headline").textContent = headline;
  box.querySelector(".detail").textContent = detail;
  if (kind === "refused") beep();
}
function beep() {
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
function answered(scan, reply, ok) {
  if (!ok) { show("refused", "Refused", reply.reason || "the station refused the scan"); return; }
  const card = reply.card;
  const who = card ? `${card.prisoner_name} (${card.prisoner_id}) from ${card.sender_name}${card.office ? ` (office ${card.office})` : ""}` : "";
  if (reply.result === "recorded") {
    store.set(COUNT, store.get(COUNT, 0) + 1);
    show("recorded", `${reply.code}: ${scan.status}`, who);
  } else if (reply.result === "repeat") {
    const first = reply.first || {};
    show("repeat", `${reply.code}: already ${first.status || scan.status}`,
         `on ${first.at || "?"}${first.by ? " by " + first.by : ""} · ${who}`);
  } else {
    show("refused", "Refused", reply.reason);
  }
}

let flushing = false;
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (;;) {
      const queue = store.get(QUEUE, []);
      if (!queue.length) break;
      const scan = queue[0];
      let response, reply;
      try {
        response = await fetch("/api/scans", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(scan), credentials: "same-origin",
        });
        reply = await response.json();
      } catch (e) {
        show("queued", `${scan.code}: saved on this device`,
             "The station cannot be reached; the scan is sent when the connection returns.");
        break;
      }
      store.set(QUEUE, store.get(QUEUE, []).filter((s) => s.nonce !== scan.nonce));
      answered(scan, reply, response.ok);
    }
  } finally {
    flushing = false;
    counters();
  }
}

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
window.addEventListener("online", flush);
setInterval(flush, 3000);
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
    video.hidden = true; reader = null; $("camera").textContent = "Camera";
    return;
  }
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch (e) {
    show("refused", "No camera", window.isSecureContext ? String(e) :
         "Browsers give the camera only to secure pages: start the station with --tls.");
    return;
  }
  video.hidden = false;
  await video.play();
  reader = await decoder();
  $("camera").textContent = "Stop camera";
  const tick = async () => {
    if (!reader) return;
    try { for (const text of await reader(video)) submit(text); } catch (e) { /* next frame */ }
    setTimeout(tick, 150);
  };
  tick();
});
