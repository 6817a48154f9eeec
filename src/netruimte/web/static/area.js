"use strict";
// The area page: heatmap month×hour, load-duration curve, flex expectation, queue, tenders.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const AREA_ID = decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop());
const api = (p) => "/api/areas/" + encodeURIComponent(AREA_ID) + p;
let DATA = {};

function kpi(label, value) { return el("div", {class: "kpi"}, el("b", {}, value), label); }

function drawKpis(direction) {
  const a = DATA.area;
  const x = DATA.flex.areas[0][direction];
  document.getElementById("kpis").replaceChildren(
    kpi(`${direction} capacity MW`, fmt(x.capacity_mw)),
    kpi("congestion events / yr", fmt(x.events_per_year.mean)),
    kpi("congested hours / yr", fmt(x.hours_per_year.mean)),
    kpi("shortage MWh / yr", fmt(x.mwh_per_year.mean)),
    kpi("largest shortage MW", fmt(x.shortage_mw_max)),
    kpi("longest block h", fmt(x.durations.max_h, 2)),
    kpi("P(year with congestion)", fmt(x.probability_any * 100, 0) + " %"),
    kpi("queue waiting MW", fmt(a.queue.waiting_mw)),
  );
}

function drawHeatmap(direction) {
  const x = DATA.flex.areas[0][direction];
  return Plotly.react("heatmap", [{
    type: "heatmap", z: x.hours_month_hour, x: [...Array(24).keys()], y: MONTHS,
    colorscale: SEVERITY_SCALE, zmin: 0, colorbar: {title: {text: "h/yr"}},
    hovertemplate: "%{y} %{x}:00 local: %{z:.2f} h/yr<extra></extra>",
  }], {
    title: {text: `${direction}: congested hours per year (month × local hour)`},
    xaxis: {title: {text: "hour of day (Europe/Amsterdam)"}, dtick: 2},
    yaxis: {autorange: "reversed"}, height: 430, margin: {t: 50},
  }, {displaylogo: false, responsive: true});
}

function drawLdc() {
  const l = DATA.ldc;
  const traces = Object.entries(l.load_mw).map(([label, y]) =>
    ({type: "scatter", mode: "lines", x: l.hours, y, name: `weather ${label}`}));
  const ends = [l.hours[0], l.hours[l.hours.length - 1]];
  if (l.capacity_offtake_mw !== null) traces.push({type: "scatter", mode: "lines", x: ends,
    y: [l.capacity_offtake_mw, l.capacity_offtake_mw], name: "offtake capacity",
    line: {dash: "dash", color: "#c0392b"}});
  if (l.capacity_feedin_mw !== null) traces.push({type: "scatter", mode: "lines", x: ends,
    y: [-l.capacity_feedin_mw, -l.capacity_feedin_mw], name: "feed-in capacity",
    line: {dash: "dash", color: "#2471a3"}});
  return Plotly.react("ldc", traces, {
    title: {text: "Net load sorted high to low (+ offtake, − feed-in)"},
    xaxis: {title: {text: "hours per year at or above"}, type: "log"},
    yaxis: {title: {text: "MW"}}, height: 430, margin: {t: 50},
  }, {displaylogo: false, responsive: true});
}

function drawFlex(direction) {
  const rows = ["offtake", "feedin"].map((d) => {
    const x = DATA.flex.areas[0][d];
    return {direction: d, capacity: x.capacity_mw, ev: x.events_per_year.mean,
      ev90: x.events_per_year.p90, h: x.hours_per_year.mean, h90: x.hours_per_year.p90,
      mwh: x.mwh_per_year.mean, peak: x.shortage_mw_max, p95: x.shortage_mw_p95,
      d50: x.durations.p50_h, d95: x.durations.p95_h, dmax: x.durations.max_h,
      prob: x.probability_any, notice: x.conditions.notice};
  });
  document.getElementById("flex").replaceChildren(table([
    ["direction", "direction", "text"], ["capacity", "capacity MW", 1],
    ["ev", "events/yr", 1], ["ev90", "events/yr P90", 1], ["h", "hours/yr", 1],
    ["h90", "hours/yr P90", 1], ["mwh", "MWh/yr", 1], ["peak", "max MW", 2],
    ["p95", "P95 MW", 2], ["d50", "block P50 h", 2], ["d95", "block P95 h", 2],
    ["dmax", "block max h", 2], ["prob", "P(any)", 2], ["notice", "notice", "text"],
  ], rows));
  const x = DATA.flex.areas[0][direction];
  const bins = x.durations.histogram;
  return Promise.all([
    Plotly.react("months", [{type: "bar", x: MONTHS, y: x.events_per_month,
      marker: {color: "#c0392b"}}], {title: {text: "events per year by month"}, height: 300,
      margin: {t: 40, b: 40}}, {displaylogo: false, responsive: true}),
    Plotly.react("durations", [{type: "bar",
      x: bins.map((b) => b.to_h === null ? `≥${b.from_h} h` : `${b.from_h}–${b.to_h} h`),
      y: bins.map((b) => b.events_per_year), marker: {color: "#12355b"}}],
      {title: {text: "events per year by block duration"}, height: 300,
        margin: {t: 40, b: 60}}, {displaylogo: false, responsive: true}),
  ]);
}

function drawQueue() {
  const q = DATA.queue;
  document.getElementById("queue-kpis").replaceChildren(
    kpi("requests", fmt(q.summary.requests, 0)), kpi("MW requested", fmt(q.summary.mw)),
    kpi("admitted MW", fmt(q.summary.admitted_mw)), kpi("waiting MW", fmt(q.summary.waiting_mw)),
  );
  document.getElementById("queue").replaceChildren(table([
    ["priority", "priority", 0], ["request_id", "request", "text"],
    ["direction", "direction", "text"], ["mw", "MW", 2], ["category", "category", "text"],
    ["submitted", "submitted", "text"], ["profile_class", "profile", "text"],
    ["outcome", "outcome", "text"], ["contract", "contract", "text"],
    ["reason", "reason", "text"],
  ], q.requests));
}

function drawTenders() {
  const box = document.getElementById("tenders");
  if (!DATA.tenders.length) {
    box.replaceChildren(el("p", {class: "note"}, "No tenders for this area."));
    return;
  }
  box.replaceChildren(table([
    ["title", "tender", "text"], ["direction", "direction", "text"],
    ["deadline", "deadline (UTC)", "text"], ["status", "status", "text"],
  ], DATA.tenders));
}

async function redraw() {
  const direction = document.getElementById("direction").value;
  document.body.dataset.ready = "";
  drawKpis(direction);
  await drawHeatmap(direction);
  await drawFlex(direction);
  document.body.dataset.direction = direction;
  document.body.dataset.ready = "1";
}

async function main() {
  try {
    const [area, flex, ldc, queue, tenders] = await Promise.all([
      getJSON(api("")), getJSON(api("/flex/annual")), getJSON(api("/load-duration")),
      getJSON(api("/queue")),
      getJSON("/api/tenders?area_id=" + encodeURIComponent(AREA_ID)),
    ]);
    DATA = {area, flex, ldc, queue, tenders};
    document.title = `netruimte · ${area.name || area.area_id}`;
    document.getElementById("title").textContent =
      `${area.name || area.area_id} (${area.area_id})`;
    document.getElementById("subtitle").replaceChildren(
      el("a", {href: "/"}, "← map"),
      ` · ${area.operator} · ${area.level === "tso" ? "TenneT area" : "supply area"}` +
      (area.parent_id ? ` under ${area.parent_id}` : "") +
      ` · target year ${flex.target_year} · weather years ${flex.weather_years.join(", ")}`);
    document.getElementById("downloads").replaceChildren("Data: ",
      el("a", {href: api("/flex/annual")}, "flex expectation (JSON)"), " · ",
      el("a", {href: api("/flex/annual?format=csv")}, "(CSV)"), " · ",
      el("a", {href: api("/flex/annual/heatmap.csv")}, "heatmap (CSV)"), " · ",
      el("a", {href: api("/queue?format=csv")}, "queue (CSV)"));
    drawQueue();
    drawTenders();
    await drawLdc();
    document.getElementById("direction").addEventListener("change", redraw);
    await redraw();
  } catch (err) {
    showError(err);
  }
}

main();
