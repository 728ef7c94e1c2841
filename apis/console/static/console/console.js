/*
 * The console's few behaviours, plain JavaScript with no build step:
 * - batch progress bars poll their batch's JSON view (under the admin) every second while the batch runs,
 *   and the batch change page updates its status, counts, timeline, files and errors in place;
 * - on a provider registration form, picking a built-in provider type also picks its API.
 */
"use strict";

(function () {
  const POLL_MS = 1000;
  const RETRY_MS = 5000;

  function element(tag, attrs, text) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => el.setAttribute(name, value));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function setStatusClass(el, status) {
    el.className = el.className.replace(/\bconsole-status-\S+/g, "").trim() + " console-status-" + status;
  }

  function renderBar(root, data) {
    setStatusClass(root, data.status);
    const bar = root.querySelector(".console-bar");
    bar.setAttribute("aria-valuenow", String(data.percent));
    bar.firstElementChild.style.width = data.percent + "%";
    const values = { percent: data.percent + "%", done: data.done, total: data.total, failed: data.failed };
    Object.entries(values).forEach(([key, value]) => {
      root.querySelectorAll('[data-live="' + key + '"]').forEach((el) => { el.textContent = String(value); });
    });
    root.dataset.terminal = data.terminal ? "1" : "0";
  }

  function renderFile(el, file) {
    el.replaceChildren();
    if (!file) {
      el.textContent = "-";
      return;
    }
    el.append(element("a", { href: file.url }, file.id), " ");
    el.append(element("a", { href: file.download, class: "button console-download" }, "Download"));
  }

  function renderTimeline(el, steps) {
    el.replaceChildren(...steps.map((step) => {
      const item = element("li", { class: "console-step-" + step.label.replace(/ /g, "-") });
      item.append(element("strong", {}, step.label), " ");
      item.append(element("span", { class: "console-when" }, step.at), " ");
      item.append(element("span", { class: "console-muted" }, step.offset));
      return item;
    }));
  }

  function renderErrors(el, errors) {
    if (!errors.length) {
      el.replaceChildren("-");
      return;
    }
    const list = element("ul");
    errors.forEach((error) => {
      const item = element("li", {}, "line " + (error.line || "-") + ": ");
      item.append(element("code", {}, error.code || ""), " " + (error.message || "") + " " + (error.param || ""));
      list.append(item);
    });
    el.replaceChildren(list);
  }

  // Elements of the page that belong to the batch (data-batch="<id>"), by what they show (data-live).
  function renderPage(data) {
    document.querySelectorAll("[data-batch]").forEach((el) => {
      if (el.dataset.batch !== data.id) return;
      switch (el.dataset.live) {
        case "status":
          el.textContent = data.status;
          setStatusClass(el, data.status);
          break;
        case "counts":
          el.textContent = data.total + " total, " + data.completed + " completed, " + data.failed + " failed";
          break;
        case "timeline":
          renderTimeline(el, data.timeline);
          break;
        case "file":
          renderFile(el, data.files[el.dataset.file]);
          break;
        case "errors":
          renderErrors(el, data.errors);
          break;
        case "cancel":
          el.hidden = !data.cancellable;
          break;
      }
    });
  }

  function poll(root) {
    fetch(root.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        renderBar(root, data);
        renderPage(data);
        if (!data.terminal) window.setTimeout(() => poll(root), POLL_MS);
      })
      .catch(() => window.setTimeout(() => poll(root), RETRY_MS));
  }

  function followProviderType() {
    const typeInput = document.getElementById("id_provider_type");
    const apiSelect = document.getElementById("id_api");
    if (!typeInput || !apiSelect || !typeInput.list) return;
    typeInput.addEventListener("change", () => {
      const option = Array.from(typeInput.list.options).find((o) => o.value === typeInput.value);
      if (option && option.dataset.api) apiSelect.value = option.dataset.api;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".console-progress[data-progress-url]").forEach((root) => {
      if (root.dataset.terminal !== "1") window.setTimeout(() => poll(root), POLL_MS);
    });
    followProviderType();
  });
})();
