// The score sheet (пулька) drawn the classic way: for three players a
// rectangle cut into three sectors from a central circle, for four a square
// cut along its diagonals. Each player's sector holds, from the edge inwards,
// the whists written on each opponent (вист), the pool (пуля) and the
// mountain (гора); every entry is the running total after a deal, written as
// on paper: "2.4.6.10". The pool target stands in the circle.
//
// Pure and data-driven: drawSheet takes seat-indexed arrays and returns an
// <svg> element; nothing here reads the page or the network.

import { svg } from "./dom.js";

// seatArrays turns a sheet view keyed by player ({pool: {"dev:Anna": 2},
// mountain: {...}, whists: {"dev:Anna": {"dev:Boris": 4}}}; the server
// keys it by player id) into arrays by seat, given the keys by seat. Keys
// are read with Object.hasOwn, so "toString" or "__proto__" is a key like
// any other.
export function seatArrays(view, names) {
  const get = (obj, k) => (obj && Object.hasOwn(obj, k) ? Number(obj[k]) || 0 : 0);
  return {
    pool: names.map((n) => get(view && view.pool, n)),
    mountain: names.map((n) => get(view && view.mountain, n)),
    whists: names.map((n) => names.map((m) => get(view && view.whists && Object.hasOwn(view.whists, n) ? view.whists[n] : null, m))),
  };
}

// runs returns, for one number per snapshot, the running entries a scorer
// writes: the value after each deal that changed it.
export function runs(values) {
  const out = [];
  let last = 0;
  for (const v of values) {
    if (v !== last) out.push(v);
    last = v;
  }
  return out;
}

function fmt(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");
}

// entry is the text of one field: the running totals joined by dots.
export function entry(values) {
  return runs(values).map(fmt).join(".");
}

// A band of a sector: a straight strip where text is written, given by its
// centre line (x1,y1)-(x2,y2), reading direction left to right along it.
function bandText(g, x1, y1, x2, y2, text, cls) {
  if (!text) return;
  const len = Math.hypot(x2 - x1, y2 - y1) - 8;
  const angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const attrs = {
    x: cx, y: cy, class: cls, "text-anchor": "middle", "dominant-baseline": "central",
    transform: `rotate(${angle} ${cx} ${cy})`,
  };
  // About 0.6 em per character at 13 px; squeeze only when it would overflow.
  if (text.length * 7.8 > len) {
    attrs.textLength = len;
    attrs.lengthAdjust = "spacingAndGlyphs";
  }
  g.append(svg("text", attrs, text));
}

// drawSheet draws the sheet. opts:
//   names      players' display names, by seat (3 or 4)
//   me         the seat drawn at the bottom (default 0)
//   poolTarget the pool to reach (written in the centre)
//   history    one snapshot per finished deal, in order, each
//              {pool: [by seat], mountain: [by seat], whists: [[by seat] by seat]}
//   labels     {pool, mountain, whists} words for the titles (i18n)
export function drawSheet(opts) {
  const n = opts.names.length;
  const me = opts.me || 0;
  const hist = opts.history || [];
  const W = n === 3 ? 420 : 400;
  const H = n === 3 ? 300 : 400;
  const band = n === 3 ? 30 : 32; // width of each of the three bands
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`, class: "sheet-svg", role: "img",
    "aria-label": `${opts.labels?.title || "Score sheet"}: ${opts.names.join(", ")}`,
  });
  root.append(svg("rect", { x: 1, y: 1, width: W - 2, height: H - 2, class: "sheet-line sheet-paper" }));
  for (let k = 1; k <= 3; k++) {
    const d = band * k;
    root.append(svg("rect", { x: d, y: d, width: W - 2 * d, height: H - 2 * d, class: "sheet-line" }));
  }
  const cx = W / 2;
  const cy = n === 3 ? H - band * 3 - 52 : H / 2;
  // Sector borders: from the centre to the corners (and, for three
  // players, to the middle of the top edge).
  const ends = n === 3 ? [[0, H], [W, H], [W / 2, 0]] : [[0, 0], [W, 0], [W, H], [0, H]];
  for (const [x, y] of ends) root.append(svg("line", { x1: cx, y1: cy, x2: x, y2: y, class: "sheet-line" }));
  root.append(svg("circle", { cx, cy, r: 22, class: "sheet-line sheet-paper" }));
  root.append(svg("text", { x: cx, y: cy, class: "sheet-target", "text-anchor": "middle", "dominant-baseline": "central" }, String(opts.poolTarget ?? "")));

  const series = (f) => hist.map(f);
  // Sides in drawing order: bottom, then clockwise around the table (left,
  // top, right) — three players use bottom, left and right.
  const sides = n === 3 ? ["bottom", "left", "right"] : ["bottom", "left", "top", "right"];
  const g = svg("g", {});
  root.append(g);
  sides.forEach((side, i) => {
    const seat = (me + i) % n;
    // The straight part of each band for this side: a line parallel to the
    // edge, at depth d from it, running between the sector's borders.
    const line = (d) => {
      switch (side) {
        case "bottom": return [d, H - d, W - d, H - d];
        case "left": return [d, H - d, d, d].map((v, j) => (n === 3 && j === 3 ? Math.max(v, band * 3) : v));
        case "right": return [W - d, d, W - d, H - d];
        default: return [d, d, W - d, d];
      }
    };
    // Reading direction: bottom left→right, left bottom→top, right
    // top→bottom, top left→right.
    const [wx1, wy1, wx2, wy2] = line(band * 0.5);
    const [px1, py1, px2, py2] = line(band * 1.5);
    const [mx1, my1, mx2, my2] = line(band * 2.5);
    bandText(g, px1, py1, px2, py2, entry(series((s) => s.pool[seat])), "sheet-pool");
    bandText(g, mx1, my1, mx2, my2, entry(series((s) => s.mountain[seat])), "sheet-mountain");
    // The whist band is split into one part per opponent, in the order
    // they sit after this player.
    const opps = [];
    for (let k = 1; k < n; k++) opps.push((seat + k) % n);
    opps.forEach((o, k) => {
      const t0 = k / opps.length;
      const t1 = (k + 1) / opps.length;
      const x1 = wx1 + (wx2 - wx1) * t0, y1 = wy1 + (wy2 - wy1) * t0;
      const x2 = wx1 + (wx2 - wx1) * t1, y2 = wy1 + (wy2 - wy1) * t1;
      if (k > 0) {
        // the tick that separates two opponents' whists
        const nx = -(wy2 - wy1), ny = wx2 - wx1, l = Math.hypot(nx, ny);
        g.append(svg("line", {
          x1: x1 - (nx / l) * band * 0.5, y1: y1 - (ny / l) * band * 0.5,
          x2: x1 + (nx / l) * band * 0.5, y2: y1 + (ny / l) * band * 0.5, class: "sheet-line",
        }));
      }
      const text = entry(series((s) => s.whists[seat][o]));
      bandText(g, x1, y1, x2, y2, text ? `${text}` : "", "sheet-whist");
      const initial = [...opts.names[o]][0] || "?";
      const lx = x1 + (x2 - x1) * 0.06, ly = y1 + (y2 - y1) * 0.06;
      g.append(svg("text", { x: lx, y: ly, class: "sheet-opp", "text-anchor": "middle", "dominant-baseline": "central" }, initial));
    });
    // The player's name, inside the mountain band's inner side.
    const [nx1, ny1, nx2, ny2] = line(band * 3 + 12);
    const name = opts.names[seat];
    if (side === "bottom" || side === "top" || n === 4) bandText(g, nx1, ny1, nx2, ny2, name, "sheet-name");
    else bandText(g, nx1, ny1, nx2, ny2, name, "sheet-name");
  });
  return root;
}
