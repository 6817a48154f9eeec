"use strict";
// The map page: areas drawn from their bounding boxes, coloured by severity of flex need.

let AREAS = [];

function drawMap(direction) {
  const sev = (a) => (a.congested_hours_per_year || {})[direction] || 0;
  const dso = AREAS.filter((a) => a.level === "dso" && a.bbox);
  const tso = AREAS.filter((a) => a.level === "tso" && a.bbox);
  const vmax = Math.max(1, ...dso.map(sev));
  const ring = (b) => ({x: [b.west, b.east, b.east, b.west, b.west],
                        y: [b.south, b.south, b.north, b.north, b.south]});
  const traces = [];
  for (const a of tso) {
    traces.push({...ring(a.bbox), type: "scatter", mode: "lines", hoverinfo: "text",
      text: `${a.name || a.area_id} (TenneT): ${fmt(sev(a))} h/yr`, showlegend: false,
      line: {color: "#8899aa", dash: "dot", width: 1}});
  }
  for (const a of dso) {
    const h = sev(a);
    traces.push({...ring(a.bbox), type: "scatter", mode: "lines", fill: "toself",
      fillcolor: severityColour(h, vmax), line: {color: "#445", width: 0.6},
      hoveron: "fills", hoverinfo: "text", showlegend: false,
      customdata: Array(5).fill(a.area_id),
      name: a.area_id,
      text: `${a.name || a.area_id} (${a.area_id}, ${a.operator}): ${fmt(h)} h/yr ${direction}`});
  }
  traces.push({x: [null], y: [null], type: "scatter", mode: "markers", showlegend: false,
    hoverinfo: "skip", marker: {colorscale: SEVERITY_SCALE, cmin: 0, cmax: vmax, color: [0],
      showscale: true, colorbar: {title: {text: "h/yr"}}}});
  const layout = {
    title: {text: `Supply areas by ${direction} congestion (hours per year)`},
    xaxis: {title: {text: "longitude"}, scaleanchor: "y", scaleratio: 1.6},
    yaxis: {title: {text: "latitude"}}, height: 600, plot_bgcolor: "#f7f9fb",
    margin: {l: 50, r: 20, t: 50, b: 40},
  };
  const div = document.getElementById("map");
  return Plotly.react(div, traces, layout, {displaylogo: false, responsive: true}).then(() => {
    div.dataset.areas = String(dso.length);
    div.dataset.direction = direction;
    div.dataset.congested = String(dso.filter((a) => sev(a) > 0).length);
    if (!div.dataset.clickBound) {
      div.on("plotly_click", (ev) => {
        const p = ev.points && ev.points[0];
        const id = p && p.data && p.data.name;
        if (id && p.data.fill === "toself") window.location.href = "/areas/" + encodeURIComponent(id);
      });
      div.dataset.clickBound = "1";
    }
  });
}

function drawTable(direction) {
  const rows = AREAS.slice().sort((a, b) =>
    (b.congested_hours_per_year[direction] || 0) - (a.congested_hours_per_year[direction] || 0));
  const link = (a) => el("a", {href: "/areas/" + encodeURIComponent(a.area_id)}, a.area_id);
  document.getElementById("areas").replaceChildren(table([
    [link, "area", "text"], ["name", "name", "text"], ["operator", "operator", "text"],
    ["level", "level", "text"],
    [(a) => a.capacity_offtake_mw, "capacity offtake MW", 1],
    [(a) => a.congested_hours_per_year.offtake, "offtake h/yr", 1],
    [(a) => a.congested_hours_per_year.feedin, "feed-in h/yr", 1],
    [(a) => a.shortage_mwh_per_year[direction], `${direction} MWh/yr`, 1],
    [(a) => a.queue.waiting_mw, "queue waiting MW", 1],
    [(a) => a.queue.admitted_mw, "queue admitted MW", 1],
  ], rows));
}

async function main() {
  try {
    const [health, areas] = await Promise.all([getJSON("/api/health"), getJSON("/api/areas")]);
    AREAS = areas;
    document.getElementById("subtitle").textContent =
      `${health.region} · target year ${health.target_year} · ${areas.length} areas`;
    const select = document.getElementById("direction");
    const redraw = async () => {
      document.body.dataset.ready = "";
      await drawMap(select.value);
      drawTable(select.value);
      document.body.dataset.ready = "1";
    };
    select.addEventListener("change", redraw);
    await redraw();
  } catch (err) {
    showError(err);
  }
}

main();
