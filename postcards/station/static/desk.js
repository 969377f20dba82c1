// The campaign desk's pages: each fills its forms and tables from the desk's JSON API and
// sends the changes back.  Every word shown comes from the page (words.t, desk.* messages);
// what the station answers (names, file names, problems) is set as text, never as HTML.
"use strict";
(() => {
  const desk = document.getElementById("desk");
  if (!desk || !document.querySelector(".desk form, .desk button, .desk select")) return;
  const $ = (id) => document.getElementById(id);

  // --- talking to the station ---------------------------------------------------------

  // `method path` with a JSON body (or a FormData); the answer as {ok, status, data}.
  async function api(method, path, body) {
    const options = { method, credentials: "same-origin", headers: {} };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) {
      options.body = JSON.stringify(body);
      options.headers["Content-Type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      return { ok: false, status: 0, data: { reason: words.t("desk.offline") } };
    }
    const type = response.headers.get("content-type") || "";
    const data = type.includes("json") ? await response.json() : await response.blob();
    return { ok: response.ok, status: response.status, data };
  }

  // The problems of a refused answer (a 400 lists them; anything else has a reason).
  function problemsOf(answer) {
    const data = answer.data || {};
    if (Array.isArray(data.problems) && data.problems.length) return data.problems;
    const reason = data.reason || words.t("desk.failed", { status: answer.status });
    return [{ file: "", row: null, column: "", message: reason, severity: "error", text: reason }];
  }

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = String(text);
    if (className) made.className = className;
    return made;
  }

  function say(target, text, kind) {
    target.textContent = text;
    target.className = "note" + (kind ? " " + kind : "");
  }

  // A form's submit button comes disabled in the page and is enabled here once its
  // handler is attached and what it sends is loaded: pressed earlier, the browser would
  // submit the form itself (the page reloads, nothing is saved or started), or the
  // handler would send a form not yet filled in.
  function ready(form) {
    form.querySelector('button[type="submit"]').disabled = false;
  }

  // A question asked again (another sender chosen, another card previewed) before the
  // last answer came: the station answers both at once and in any order, so only the
  // newest question's answer may be shown.  newest() gives the function to call as each
  // question is sent; what that gives says, once the answer is in, whether it is still wanted.
  function newest() {
    let asked = 0;
    return () => {
      const mine = ++asked;
      return () => mine === asked;
    };
  }

  // Problems as tables, errors apart from warnings: file, row, column, message.
  // titled: the warnings' heading for their count (the check's news have their own)
  function showProblems(target, problems,
    titled = (count) => words.t("desk.problems.warnings", { count })) {
    target.replaceChildren();
    const groups = [
      ["error", words.t("desk.problems.errors", { count: 0 })],
      ["warning", words.t("desk.problems.warnings", { count: 0 })],
    ];
    for (const [severity] of groups) {
      const some = problems.filter((p) => (p.severity || "error") === severity);
      if (!some.length) continue;
      const box = element("section", null, "problems " + severity);
      const heading = severity === "error"
        ? words.t("desk.problems.errors", { count: some.length })
        : titled(some.length);
      box.append(element("h3", heading));
      const table = element("table", null, "stack");
      const head = table.createTHead().insertRow();
      const labels = [words.t("desk.problems.file"), words.t("desk.problems.row"),
        words.t("desk.problems.column"), words.t("desk.problems.message")];
      for (const label of labels) {
        const th = element("th", label);
        th.scope = "col";
        head.append(th);
      }
      const body = table.createTBody();
      for (const problem of some) {
        const row = body.insertRow();
        row.className = severity;
        const cells = [problem.file || "", problem.row || "", problem.column || "", problem.message];
        cells.forEach((value, i) => {
          const cell = row.insertCell();
          cell.textContent = String(value);
          cell.dataset.label = labels[i];
        });
      }
      const wrap = element("div", null, "table");
      wrap.append(table);
      box.append(wrap);
      target.append(box);
    }
  }

  function option(value, text, selected) {
    const made = element("option", text === undefined ? value : text);
    made.value = value;
    made.selected = Boolean(selected);
    return made;
  }

  const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

  // --- Campaign: the settings form ------------------------------------------------------

  async function campaignPage() {
    const form = $("settings");
    const loaded = await api("GET", "/api/settings");
    if (!loaded.ok) return showProblems($("problems"), problemsOf(loaded));
    let settings = loaded.data;
    const template = $("parliament");

    function fill() {
      for (const key of ["name", "hashtag", "url", "wave", "office"]) {
        form.elements["campaign." + key].value = settings.campaign[key] || "";
      }
      form.elements["campaign.return_address"].value = settings.campaign.return_address.join("\n");
      const size = form.elements["cards.size"];
      const sizes = settings.choices.size.includes(settings.cards.size)
        ? settings.choices.size : [...settings.choices.size, settings.cards.size];
      size.replaceChildren(...sizes.map((s) => option(s, s, s === settings.cards.size)));
      form.elements["cards.language"].value = settings.cards.language;
      const box = $("parliaments");
      box.replaceChildren();
      settings.parliaments.forEach((parliament, i) => {
        const field = template.content.firstElementChild.cloneNode(true);
        const label = field.querySelector("label");
        const area = field.querySelector("textarea");
        area.id = "parliament-" + i;
        area.name = "return_addresses." + parliament;
        area.dataset.parliament = parliament;
        area.value = (settings.return_addresses[parliament] || []).join("\n");
        label.htmlFor = area.id;
        label.textContent = words.t("desk.campaign.parliament_address", { parliament });
        field.querySelector(".field-error").id = "error-" + area.name;
        box.append(field);
      });
    }

    // Only what changed is sent: an empty text deletes the setting (back to its default).
    // With it goes what the page showed of each (before): a setting someone else changed
    // since is refused by the station, not replaced unseen.
    function changes() {
      const changed = {}, before = {};
      const put = (section, key, value, was) => {
        (changed[section] = changed[section] || {})[key] = value;
        (before[section] = before[section] || {})[key] = was === undefined ? null : was;
      };
      for (const key of ["name", "hashtag", "url", "wave", "office"]) {
        const value = form.elements["campaign." + key].value.trim();
        if (value !== (settings.campaign[key] || "")) put("campaign", key, value || null, settings.campaign[key]);
      }
      const address = lines(form.elements["campaign.return_address"].value);
      if (address.join("\n") !== settings.campaign.return_address.join("\n")) {
        put("campaign", "return_address", address.length ? address : null, settings.campaign.return_address);
      }
      for (const key of ["size", "language"]) {
        const value = form.elements["cards." + key].value.trim();
        if (value !== settings.cards[key]) put("cards", key, value || null, settings.cards[key]);
      }
      for (const area of $("parliaments").querySelectorAll("textarea")) {
        const parliament = area.dataset.parliament;
        const now = lines(area.value);
        const shown = settings.return_addresses[parliament] || [];
        if (now.join("\n") !== shown.join("\n")) put("return_addresses", parliament, now.length ? now : null, shown);
      }
      return Object.keys(changed).length ? { ...changed, before } : {};
    }

    function clearErrors() {
      for (const error of form.querySelectorAll(".field-error")) {
        error.hidden = true;
        error.textContent = "";
      }
      for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    }

    // The field a problem names: campaign.toml's cards.size (or check's size) is the menu
    // cards.size, return_addresses."Bundestag" the Bundestag's address.
    function fieldFor(problem) {
      const column = (problem.column || "").replace(/^\[|\]$|"/g, "");
      for (const name of [column, "cards." + column]) {
        if (column && document.getElementById("error-" + name)) return name;
      }
      return "";
    }

    // Each problem shown by its field; the others are given back.
    function markFields(problems) {
      const elsewhere = [];
      for (const problem of problems) {
        const name = fieldFor(problem);
        if (!name) {
          elsewhere.push(problem);
          continue;
        }
        const error = document.getElementById("error-" + name);
        error.hidden = false;
        error.textContent = (error.textContent ? error.textContent + " " : "") + problem.message;
        if (form.elements[name]) form.elements[name].setAttribute("aria-invalid", "true");
      }
      return elsewhere;
    }

    // What check finds in the settings (the sample's name, a size that is no postcard's).
    const asking = newest();
    async function checkFields() {
      const wanted = asking();
      const answer = await api("GET", "/api/check");
      if (answer.ok && wanted()) markFields(answer.data.problems.filter((p) => !p.file || p.file === "campaign.toml"));
    }

    fill();
    checkFields();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors();
      asking();  // what a check asked before finds in the settings is out of date
      $("problems").replaceChildren();
      const changed = changes();
      if (!Object.keys(changed).length) return say($("saved"), words.t("desk.campaign.unchanged"));
      say($("saved"), words.t("desk.saving"));
      const answer = await api("PUT", "/api/settings", changed);
      if (!answer.ok) {
        say($("saved"), words.t("desk.campaign.not_saved"), "bad");
        showProblems($("problems"), markFields(problemsOf(answer)));
        const first = form.querySelector("[aria-invalid]");
        return first && first.focus();
      }
      const again = await api("GET", "/api/settings");
      if (again.ok) settings = again.data;
      fill();
      say($("saved"), words.t("desk.campaign.saved"), "good");
      showProblems($("problems"), answer.data.problems || []);
      checkFields();
    });
    ready(form);
  }

  // --- Lists: uploads and the column mapping ---------------------------------------------

  function listBox(box) {
    const what = box.dataset.list;
    const part = (role) => box.querySelector(`[data-role="${role}"]`);
    let report = null;

    function render(found) {
      report = found;
      ready(part("mapping"));  // its menus are the list's columns now
      part("file").textContent = words.t("desk.lists.file", { file: found.file, rows: found.rows });
      const headers = found.columns.map((c) => c.header);
      const body = part("fields");
      body.replaceChildren();
      for (const field of found.fields) {
        const chosen = found.columns.filter((c) => c.field === field).map((c) => c.header);
        const row = body.insertRow();
        row.dataset.field = field;
        const name = row.insertCell();
        name.append(element("code", field));
        name.dataset.label = words.t("desk.lists.field");
        const cell = row.insertCell();
        cell.dataset.label = words.t("desk.lists.columns");
        const menus = element("div", null, "menus");
        cell.append(menus);
        const more = element("button", words.t("desk.lists.add_column"), "small");
        more.type = "button";
        more.setAttribute("aria-label", words.t("desk.lists.add_column_for", { field }));
        menus.append(more);
        const addMenu = (header) => {
          const menu = element("select");
          menu.setAttribute("aria-label", words.t("desk.lists.column_for", { field }));
          menu.append(option("", words.t("desk.lists.none")));
          for (const h of headers) menu.append(option(h, h, h === header));
          menus.insertBefore(menu, more);
          return menu;
        };
        (chosen.length ? chosen : [""]).forEach(addMenu);
        more.addEventListener("click", () => addMenu("").focus());
      }
      const unread = part("unread");
      unread.replaceChildren(...found.unread.map((h) => element("li", h)));
      if (!found.unread.length) unread.append(element("li", words.t("desk.lists.all_read")));
    }

    const asking = newest();  // the list as loaded, uploaded or mapped last
    async function load() {
      const wanted = asking();
      const answer = await api("GET", "/api/lists/" + what);
      if (!wanted()) return false;
      if (answer.ok) render(answer.data);
      else showProblems(part("problems"), problemsOf(answer));
      return answer.ok;
    }

    async function upload(file) {
      const form = new FormData();
      form.append("file", file, file.name);
      say(part("status"), words.t("desk.lists.uploading", { file: file.name }));
      const wanted = asking();
      const answer = await api("PUT", "/api/lists/" + what, form);
      part("upload").value = "";
      if (!wanted()) return;
      if (!answer.ok) {
        showProblems(part("problems"), problemsOf(answer));
        await load();
        const kept = report ? report.file : "";
        return say(part("status"), words.t("desk.lists.refused", { file: file.name, kept }), "bad");
      }
      render(answer.data);
      showProblems(part("problems"), answer.data.problems);
      const kept = answer.data.kept.join(", ");
      say(part("status"), kept ? words.t("desk.lists.uploaded_kept", { file: answer.data.file, kept })
        : words.t("desk.lists.uploaded", { file: answer.data.file }), "good");
    }

    part("upload").addEventListener("change", () => {
      const [file] = part("upload").files;
      if (file) upload(file);
    });
    const drop = part("drop");
    drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      const [file] = event.dataTransfer.files;
      if (file) upload(file);
    });

    part("mapping").addEventListener("submit", async (event) => {
      event.preventDefault();
      const mapping = {};
      for (const row of part("fields").rows) {
        const chosen = [...row.querySelectorAll("select")].map((s) => s.value).filter(Boolean);
        if (!chosen.length) continue;
        const field = row.dataset.field;
        mapping[field] = chosen.length === 1 && field !== "other" ? chosen[0] : chosen;
      }
      say(part("status"), words.t("desk.saving"));
      const wanted = asking();
      // with the columns it was made from: a list uploaded or mapped since is not overridden
      const answer = await api("PUT", "/api/columns/" + what, { ...mapping, before: report.columns });
      if (!wanted()) return;
      if (!answer.ok) {
        showProblems(part("problems"), problemsOf(answer));
        return say(part("status"), words.t("desk.lists.mapping_refused"), "bad");
      }
      render(answer.data);
      showProblems(part("problems"), answer.data.problems);
      say(part("status"), words.t("desk.lists.mapping_saved"), "good");
    });
    load().then((ok) => { if (ok) showProblems(part("problems"), report.problems); });
  }

  // --- Check -----------------------------------------------------------------------------

  async function checkPage() {
    const asking = newest();
    async function run() {
      const wanted = asking();
      say($("verdict"), words.t("desk.check.running"));
      const answer = await api("GET", "/api/check");
      if (!wanted()) return;  // Check again pressed meanwhile
      if (!answer.ok) {
        say($("verdict"), words.t("desk.check.cannot"), "bad");
        return showProblems($("problems"), problemsOf(answer));
      }
      const { ok, problems, freshness, summary } = answer.data;
      say($("verdict"), ok ? words.t("desk.check.ok") : words.t("desk.check.not_ok"), ok ? "good" : "bad");
      $("summary").textContent = words.t("desk.check.summary", summary);
      showProblems($("problems"), problems);
      showProblems($("freshness"), freshness || [],
        (count) => words.t("desk.check.freshness", { count }));
      if (!problems.length) $("problems").append(element("p", words.t("desk.check.none")));
    }
    $("check-again").addEventListener("click", run);
    run();
  }

  // --- Pairs -----------------------------------------------------------------------------

  async function pairsPage() {
    const bySender = $("by-sender");
    const byPrisoner = $("by-prisoner");
    const body = $("pairs").tBodies[0];
    const labels = [...$("pairs").tHead.rows[0].cells].map((c) => c.textContent);

    function menus(pairs) {
      const fillMenu = (menu, key, name) => {
        const was = menu.value;
        const seen = new Map(pairs.map((p) => [p[key], p[name]]));
        const first = menu.options[0];
        menu.replaceChildren(first, ...[...seen].map(([id, shown]) => option(id, `${shown} (${id})`, id === was)));
      };
      fillMenu(bySender, "sender_id", "sender_name");
      fillMenu(byPrisoner, "prisoner_id", "prisoner_name");
    }

    function findingsList(target, findings) {
      target.replaceChildren();
      if (!findings) return;
      if (!findings.length) return target.append(element("li", words.t("desk.pairs.no_findings"), "good"));
      for (const f of findings) target.append(element("li", f.message, f.severity === "warning" ? "warn" : "bad"));
    }

    function row(pair) {
      const tr = body.insertRow();
      const cells = [`${pair.sender_name} (${pair.sender_id})`, `${pair.prisoner_name} (${pair.prisoner_id})`,
        pair.code || words.t("desk.pairs.not_printed")];
      cells.forEach((text, i) => {
        const cell = tr.insertCell();
        cell.textContent = text;
        cell.dataset.label = labels[i];
      });
      const cell = tr.insertCell();
      cell.dataset.label = labels[3];
      const form = element("form", null, "message");
      const area = element("textarea");
      area.rows = 3;
      area.value = pair.message;
      area.placeholder = words.t("desk.pairs.template_message");
      area.setAttribute("aria-label", words.t("desk.pairs.message_for", { sender: pair.sender_name, prisoner: pair.prisoner_name }));
      const save = element("button", words.t("desk.pairs.save"), "small");
      save.type = "submit";
      const look = element("a", words.t("desk.pairs.preview"));
      look.href = "/desk/preview?" + new URLSearchParams({ sender: pair.sender_id, prisoner: pair.prisoner_id });
      const state = element("span", "", "note");
      state.setAttribute("role", "status");
      const findings = element("ul", null, "findings");
      const actions = element("div", null, "actions");
      actions.append(save, look, state);
      form.append(area, actions, findings);
      cell.append(form);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        say(state, words.t("desk.saving"));
        const where = `/api/pairs/${encodeURIComponent(pair.sender_id)}/${encodeURIComponent(pair.prisoner_id)}`;
        const answer = await api("PUT", where, { message: area.value, before: pair.message });
        if (!answer.ok) {
          say(state, words.t("desk.pairs.not_saved"), "bad");
          return findingsList(findings, problemsOf(answer));
        }
        area.value = pair.message = answer.data.pair.message;
        say(state, words.t("desk.pairs.saved"), "good");
        findingsList(findings, answer.data.findings);
      });
    }

    const asking = newest();
    async function show() {
      const query = new URLSearchParams({ sender: bySender.value, prisoner: byPrisoner.value });
      const wanted = asking();
      const answer = await api("GET", "/api/pairs?" + query);
      if (!wanted()) return answer.ok ? answer.data.pairs : undefined;  // a newer choice is shown
      body.replaceChildren();
      if (!answer.ok) return showProblems($("pairs-problems"), problemsOf(answer));
      $("pairs-problems").replaceChildren();
      answer.data.pairs.forEach(row);
      say($("shown"), words.t("desk.pairs.shown", { count: answer.data.pairs.length }));
      return answer.data.pairs;
    }

    async function everything() {
      bySender.value = byPrisoner.value = "";
      const pairs = await show();
      if (pairs) menus(pairs);
    }

    bySender.addEventListener("change", show);
    byPrisoner.addEventListener("change", show);
    $("assign").addEventListener("submit", async (event) => {
      event.preventDefault();
      const count = parseInt($("per-prisoner").value, 10);
      say($("assigned"), words.t("desk.pairs.assigning"));
      const answer = await api("POST", "/api/assign", count > 0 ? { per_prisoner: count } : {});
      if (!answer.ok) {
        say($("assigned"), words.t("desk.pairs.not_assigned"), "bad");
        return showProblems($("assign-problems"), problemsOf(answer));
      }
      say($("assigned"), words.t("desk.pairs.assigned", { pairs: answer.data.pairs, file: answer.data.file }), "good");
      showProblems($("assign-problems"), answer.data.problems);
      everything();
    });
    ready($("assign"));
    everything();
  }

  // --- Preview ---------------------------------------------------------------------------

  async function previewPage() {
    const menu = $("card");
    const asked = new URLSearchParams(location.search);
    const answer = await api("GET", "/api/pairs");
    if (!answer.ok) return showProblems($("problems"), problemsOf(answer));
    for (const p of answer.data.pairs) {
      const value = p.sender_id + "\n" + p.prisoner_id;
      const chosen = p.sender_id === asked.get("sender") && p.prisoner_id === asked.get("prisoner");
      menu.append(option(value, words.t("desk.preview.pair", { sender: p.sender_name, prisoner: p.prisoner_name }), chosen));
    }
    if (!answer.data.pairs.length) return say($("status"), words.t("desk.preview.no_pairs"), "bad");

    async function face(side, image, wanted) {
      const [sender, prisoner] = menu.value.split("\n");
      const got = await api("GET", "/api/preview?" + new URLSearchParams({ sender, prisoner, side }));
      if (!wanted()) return null;  // another card was chosen meanwhile
      if (!got.ok) return problemsOf(got);
      if (image.src.startsWith("blob:")) URL.revokeObjectURL(image.src);
      image.src = URL.createObjectURL(got.data);
      image.hidden = false;
      return [];
    }

    const asking = newest();
    async function show() {
      const wanted = asking();
      say($("status"), words.t("desk.preview.drawing"));
      $("front").hidden = $("back").hidden = true;
      let problems = await face("front", $("front"), wanted);
      if (problems && !problems.length) problems = await face("back", $("back"), wanted);
      if (!problems) return;
      showProblems($("problems"), problems);
      say($("status"), problems.length ? words.t("desk.preview.failed") : "", problems.length ? "bad" : "");
    }
    menu.addEventListener("change", show);
    show();
  }

  // --- Print -----------------------------------------------------------------------------

  async function printPage() {
    const form = $("print");
    const names = { file: words.t("desk.print.file_pdf"), manifest: words.t("desk.print.file_manifest"),
      ticket: words.t("desk.print.file_ticket"), signing: words.t("desk.print.file_signing"),
      fronts: words.t("desk.print.file_fronts"), backs: words.t("desk.print.file_backs") };

    async function follow(job) {
      const answer = await api("GET", "/api/print/" + encodeURIComponent(job));
      if (!answer.ok) {
        $("start").disabled = false;
        return showProblems($("problems"), problemsOf(answer));
      }
      const run = answer.data;
      $("progress").max = Math.max(run.total, 1);
      $("progress").value = run.done;
      if (run.state === "running") {
        say($("state"), words.t("desk.print.drawing", { done: run.done, total: run.total }));
        return setTimeout(() => follow(job), 400);
      }
      $("start").disabled = false;
      showProblems($("problems"), run.problems);
      if (run.state === "failed") return say($("state"), words.t("desk.print.failed"), "bad");
      say($("state"), words.t("desk.print.done", { total: run.total }), "good");
      for (const [kind, file] of Object.entries(run.files)) {
        const link = element("a", `${names[kind] || kind}: ${file}`);
        link.href = `/api/print/${encodeURIComponent(job)}/${encodeURIComponent(kind)}`;
        link.download = file;
        link.dataset.kind = kind;
        const item = element("li");
        item.append(link);
        $("files").append(item);
      }
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const options = { only: form.elements.only.value.split(/[\s,]+/).filter(Boolean) };
      for (const name of ["size", "layout", "duplex"]) if (form.elements[name].value) options[name] = form.elements[name].value;
      $("job").hidden = false;
      $("files").replaceChildren();
      $("problems").replaceChildren();
      $("progress").value = 0;
      $("start").disabled = true;
      say($("state"), words.t("desk.print.starting"));
      const answer = await api("POST", "/api/print", options);
      if (!answer.ok) {
        $("start").disabled = false;
        say($("state"), words.t("desk.print.not_started"), "bad");
        return showProblems($("problems"), problemsOf(answer));
      }
      follow(answer.data.job);
    });
    ready(form);  // a run started before the menus are filled is the campaign's settings
    const loaded = await api("GET", "/api/settings");
    if (loaded.ok) {
      for (const name of ["size", "layout", "duplex"]) {
        const menu = form.elements[name];
        menu.options[0].textContent = words.t("desk.print.as_campaign_value", { value: loaded.data.cards[name] });
        for (const choice of loaded.data.choices[name]) menu.append(option(choice));
      }
    }
  }

  // --- Posters ---------------------------------------------------------------------------

  function postersPage() {
    const count = $("count");
    const kind = $("kind");
    const download = $("download");
    const address = (format) =>
      "/api/poster?" + new URLSearchParams({ kind: kind.value, count: count.value, format });
    function downloads() {  // the godparents poster as a PDF, the share images in a ZIP
      const share = kind.value === "share";
      download.href = address(share ? "zip" : "pdf");
      download.download = share ? "share-images.zip" : "poster.pdf";
      download.textContent = share ? kind.dataset.zip : kind.dataset.pdf;
    }
    count.addEventListener("change", downloads);
    kind.addEventListener("change", downloads);
    const asking = newest();
    $("poster").addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = asking();
      say($("status"), words.t("desk.posters.drawing"));
      $("image").hidden = true;
      const answer = await api("GET", address("png"));
      if (!wanted()) return;  // Show pressed again, another poster asked for
      if (!answer.ok) {
        say($("status"), words.t("desk.posters.failed"), "bad");
        return showProblems($("problems"), problemsOf(answer));
      }
      $("problems").replaceChildren();
      $("image").src = URL.createObjectURL(answer.data);
      $("image").hidden = false;
      say($("status"), "");
    });
    ready($("poster"));
  }

  const pages = {
    campaign: campaignPage,
    lists: () => document.querySelectorAll("[data-list]").forEach(listBox),
    check: checkPage,
    pairs: pairsPage,
    preview: previewPage,
    print: printPage,
    posters: postersPage,
  };
  (pages[desk.dataset.page] || (() => {}))();
})();
