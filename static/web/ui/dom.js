// el builds an element: el("button", {class: "x", onclick: f}, "text", child).
// Text is always set as text (never parsed as HTML).
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === undefined || v === null) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "value") e.value = v;
    else if (k === "checked") e.checked = !!v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

// svg builds an SVG element with attributes (set as strings) and optional
// text: the score sheet and the rating plot draw with it.
export function svg(tag, attrs, text) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// clean makes a user's text safe to lay out: bidirectional controls go
// (the text is isolated anyway), and runs of combining marks are cut to two.
export function clean(text) {
  return String(text).replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/g, "").replace(/(\p{M}{2})\p{M}+/gu, "$1");
}

// name wraps a player's name so that it cannot reverse or widen the text
// around it (bidi-isolated, clipped by CSS).
export function name(text) {
  const s = clean(text);
  return el("bdi", { class: "pname", title: s }, s);
}
