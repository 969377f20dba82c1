// The page's words: the messages the station rendered into the page (#words, in the
// page's language), and times shown in this browser's time zone in that language.
"use strict";
const words = (() => {
  const messages = JSON.parse(document.getElementById("words").textContent);
  const language = document.documentElement.lang || "en";
  // The message `key` with each {name} replaced by values[name] (as the station fills them).
  function t(key, values = {}) {
    const message = messages[key];
    if (message === undefined) return key;
    return message.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }
  const status = (name) => messages["status." + name] || name;
  let format = null;
  try {
    format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
  } catch (e) { /* an old browser: the station's UTC text stays */ }
  // An ISO time (2025-03-01T09:30:00Z) in this browser's time zone, in the page's language.
  function when(iso) {
    const date = new Date(iso);
    return format && !isNaN(date) ? format.format(date) : String(iso).slice(0, 16).replace("T", " ");
  }
  function time(iso) {  // a <time> element showing `iso`
    const element = document.createElement("time");
    element.dateTime = iso;
    element.textContent = when(iso);
    return element;
  }
  for (const element of document.querySelectorAll("time[datetime]")) element.textContent = when(element.dateTime);
  // The language menu: choosing asks the station for the page in that language (it
  // remembers the choice in a cookie and sends the page back without ?lang=).
  const menu = document.getElementById("language");
  if (menu) menu.querySelector("select").addEventListener("change", () => menu.submit());
  return { language, t, status, when, time };
})();
