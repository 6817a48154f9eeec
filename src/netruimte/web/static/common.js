"use strict";
// Shared helpers of the netruimte pages: fetch JSON from this app, build DOM safely, colours.

async function getJSON(path) {
  const r = await fetch(path, {headers: {Accept: "application/json"}});
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { msg = (await r.json()).message || msg; } catch (e) { /* not JSON */ }
    throw new Error(path + ": " + msg);
  }
  return r.json();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) {
    node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  }
  return node;
}

function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (typeof x !== "number") return String(x);
  return x.toLocaleString("en-GB", {maximumFractionDigits: digits === undefined ? 1 : digits});
}

// YlOrRd, the severity scale of the report (plotly's stops).
const SEVERITY_STOPS = [
  [0.0, [255, 255, 204]], [0.125, [255, 237, 160]], [0.25, [254, 217, 118]],
  [0.375, [254, 178, 76]], [0.5, [253, 141, 60]], [0.625, [252, 78, 42]],
  [0.75, [227, 26, 28]], [0.875, [189, 0, 38]], [1.0, [128, 0, 38]],
];
const NO_CONGESTION = "#e8f0e8";
// The same scale for plotly (its built-in "YlOrRd" runs dark to light).
const SEVERITY_SCALE = SEVERITY_STOPS.map(([t, c]) => [t, `rgb(${c[0]},${c[1]},${c[2]})`]);

function severityColour(value, vmax) {
  if (!(value > 0)) return NO_CONGESTION;
  const t = Math.min(value / Math.max(vmax, 1e-9), 1);
  for (let i = 1; i < SEVERITY_STOPS.length; i++) {
    const [t1, c1] = SEVERITY_STOPS[i];
    const [t0, c0] = SEVERITY_STOPS[i - 1];
    if (t <= t1) {
      const f = (t - t0) / (t1 - t0);
      const c = c0.map((v, k) => Math.round(v + f * (c1[k] - v)));
      return `rgb(${c[0]},${c[1]},${c[2]})`;
    }
  }
  return "rgb(128,0,38)";
}

function table(columns, rows) {
  // columns: [key, label, kind] with kind "text" or a digit count
  const head = el("tr", {}, ...columns.map(([, label, kind]) =>
    el("th", kind === "text" ? {class: "text"} : {}, label)));
  const body = rows.map((r) => el("tr", {}, ...columns.map(([key, , kind]) => {
    const v = typeof key === "function" ? key(r) : r[key];
    if (v instanceof Node) return el("td", {class: "text"}, v);
    return el("td", kind === "text" ? {class: "text"} : {},
      kind === "text" ? (v == null ? "" : v) : fmt(v, kind));
  })));
  return el("table", {class: "data"}, el("thead", {}, head), el("tbody", {}, ...body));
}

function showError(err) {
  const box = document.getElementById("error");
  box.textContent = String(err.message || err);
  document.body.dataset.ready = "error";
}
