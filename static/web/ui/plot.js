// The rating history as a line chart, drawn as inline SVG by our own code
// (no chart library, nothing inline that the CSP forbids: attributes only).
// Pure: plotRating takes the points and returns an <svg>.

import { svg } from "./dom.js";

// niceStep is a round grid step (1, 2, 5 × 10^k) for a span.
export function niceStep(span, lines) {
  const raw = Math.max(span, 1e-9) / Math.max(lines, 1);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

// plotRating draws points [{y, label, href}] oldest first (y is the number
// the club shows). Each point is a link when it has href, titled label.
export function plotRating(points, { title = "", width = 640, height = 220 } = {}) {
  const pad = { l: 40, r: 12, t: 12, b: 22 };
  const box = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "plot", role: "img", "aria-label": title });
  if (title) box.append(svg("title", {}, title));
  const ys = points.map((p) => p.y);
  let lo = Math.min(...ys, 0);
  let hi = Math.max(...ys, 0);
  if (hi - lo < 2) { lo -= 1; hi += 1; }
  const step = niceStep(hi - lo, 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const W = width - pad.l - pad.r;
  const H = height - pad.t - pad.b;
  const x = (i) => pad.l + (points.length > 1 ? (i * W) / (points.length - 1) : W / 2);
  const y = (v) => pad.t + H - ((v - lo) * H) / (hi - lo);
  box.append(svg("rect", { x: pad.l, y: pad.t, width: W, height: H, class: "plot-paper" }));
  for (let v = lo; v <= hi + step / 2; v += step) {
    const yy = y(v).toFixed(1);
    box.append(svg("line", { x1: pad.l, x2: pad.l + W, y1: yy, y2: yy, class: Math.abs(v) < step / 2 ? "plot-zero" : "plot-grid" }));
    box.append(svg("text", { x: pad.l - 5, y: yy, class: "plot-axis", "text-anchor": "end", "dominant-baseline": "middle" }, String(Math.round(v * 10) / 10)));
  }
  if (!points.length) return box;
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)} ${y(p.y).toFixed(1)}`).join(" ");
  box.append(svg("path", { d, class: "plot-line" }));
  points.forEach((p, i) => {
    const dot = svg("circle", { cx: x(i).toFixed(1), cy: y(p.y).toFixed(1), r: points.length > 60 ? 2.5 : 4, class: "plot-dot" });
    dot.append(svg("title", {}, p.label || String(p.y)));
    if (p.href) {
      const a = svg("a", { href: p.href, class: "plot-link", "aria-label": p.label || String(p.y) });
      a.append(dot);
      box.append(a);
    } else box.append(dot);
  });
  return box;
}
