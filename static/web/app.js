// Trelljaz club: plain JavaScript, no build step. Talks the JSON messages
// of game/protocol (see its doc.go) over SockJS at /sockjs. The page keeps
// one object per open table, folded from the server's messages: a "table"
// message replaces it, each "table_event" (next version) updates the parts
// it carries. Everything drawn is drawn from that state.
"use strict";

const $ = (id) => document.getElementById(id);
const SUITS = { S: "♠", C: "♣", D: "♦", H: "♥" };
// the words for the phase codes of a deal
const PHASES = { auction: "auction", discard: "discard", declaration: "declaration", whisting: "whisting", open_choice: "open or closed play", play: "play", done: "end of the deal" };
const state = {
  sock: null, me: null, offer: null, retry: 0,
  lobby: { v: 0, tables: new Map(), online: new Map() },
  open: {}, current: "", picked: [],
};

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "value") e.value = v;
    else if (k === "checked") e.checked = !!v;
    else if (v !== false && v !== undefined && v !== null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

function send(msg) {
  if (state.sock && state.sock.readyState === 1) state.sock.send(JSON.stringify(msg));
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

// ---- cards and bids ----
function cardText(c) { return c.slice(0, -1) + SUITS[c.slice(-1)]; }
function bidText(b) {
  if (!b) return "";
  if (b === "misere") return "misère";
  if (b.endsWith("NT")) return b;
  return b.slice(0, -1) + SUITS[b.slice(-1)];
}
function cardEl(c, opts) {
  if (!c) return el("span", { class: "card back" });
  const red = c.endsWith("H") || c.endsWith("D");
  const cls = ["card", red ? "red" : "", opts && opts.playable ? "playable" : "", opts && opts.picked ? "picked" : ""].join(" ");
  const e = el("span", { class: cls, "data-card": c, title: c }, cardText(c));
  if (opts && opts.onclick) e.addEventListener("click", opts.onclick);
  return e;
}

// ---- connection ----
function connect() {
  $("conn").textContent = "connecting…";
  const sock = new SockJS("/sockjs");
  state.sock = sock;
  sock.onopen = () => {
    state.retry = 0;
    $("conn").textContent = "connected (" + (sock.transport || "sockjs") + ")";
    const saved = sessionStorage.getItem("trelljaz-name");
    if (saved) signin(saved);
    else { $("signin").hidden = false; $("name").focus(); }
  };
  sock.onmessage = (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    handle(m);
  };
  sock.onclose = (e) => {
    $("conn").textContent = "disconnected — reconnecting…";
    state.sock = null;
    if (e && e.code >= 4000 && e.code < 4100) { $("conn").textContent = "closed: " + e.reason; return; }
    const delay = Math.min(1000 * 2 ** state.retry++, 15000);
    setTimeout(connect, delay);
  };
}

// signin says the versions this page has, so a reconnect gets what it missed.
function signin(name) {
  const tables = {};
  for (const [id, t] of Object.entries(state.open)) tables[id] = t.v;
  send({ type: "signin", name, lobby_v: state.lobby.v, tables });
}

function handle(m) {
  switch (m.type) {
    case "welcome":
      state.me = m.player;
      state.offer = m.offer;
      sessionStorage.setItem("trelljaz-name", m.player.name);
      $("me").textContent = "signed in as " + m.player.name + " (dev sign-in)";
      $("signin").hidden = true;
      $("club").hidden = false;
      break;
    case "error":
      toast(m.text);
      if (!state.me && m.code === "bad_request") { sessionStorage.removeItem("trelljaz-name"); $("signin").hidden = false; }
      break;
    case "lobby":
      state.lobby = { v: m.v, tables: new Map(m.tables.map((t) => [t.id, t])), online: new Map(m.online.map((p) => [p.id, p])) };
      $("lobby-chat").replaceChildren();
      addLines($("lobby-chat"), m.chat);
      renderLobby();
      break;
    case "lobby_delta":
      if (m.v <= state.lobby.v) break;
      state.lobby.v = m.v;
      for (const t of m.tables || []) state.lobby.tables.set(t.id, t);
      for (const id of m.removed || []) state.lobby.tables.delete(id);
      for (const p of m.joined || []) state.lobby.online.set(p.id, p);
      for (const p of m.gone || []) state.lobby.online.delete(p.id);
      addLines($("lobby-chat"), m.chat);
      renderLobby();
      break;
    case "created":
      state.current = m.table;
      break;
    case "table":
      state.open[m.table] = Object.assign({}, m);
      state.picked = [];
      if (!state.current || !state.open[state.current]) state.current = m.table;
      renderAll(m.table);
      break;
    case "table_event": {
      const t = state.open[m.table];
      if (!t || m.v <= t.v) break;
      if (m.v !== t.v + 1) { send({ type: "watch", table: m.table, v: t.v }); break; }
      const { type, kind, move, chat, ...parts } = m;
      Object.assign(t, parts);
      if (chat) t.chat = (t.chat || []).concat([chat]).slice(-50);
      if (parts.deal) state.picked = [];
      if (t.state === "free") { delete state.open[m.table]; if (state.current === m.table) state.current = Object.keys(state.open)[0] || ""; }
      renderAll(m.table);
      break;
    }
    case "left":
      delete state.open[m.table];
      if (state.current === m.table) state.current = Object.keys(state.open)[0] || "";
      renderAll(m.table);
      break;
  }
}

function renderAll(id) {
  renderTabs();
  if (state.current === id || !state.open[state.current]) renderTable();
}

function addLines(box, lines) {
  for (const l of lines || []) {
    const t = new Date(l.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    box.append(el("div", {}, el("span", { class: "hint" }, t + " "), el("span", { class: "from" }, l.from.name + ": "), l.text));
  }
  box.scrollTop = box.scrollHeight;
}

function left(deadline) { return Math.max(0, Math.round((deadline - Date.now()) / 1000)); }

// ---- lobby ----
function renderLobby() {
  const body = $("tables");
  body.replaceChildren();
  if (state.lobby.tables.size === 0) body.append(el("tr", {}, el("td", { colspan: 5, class: "hint" }, "No tables yet: set one.")));
  for (const t of state.lobby.tables.values()) {
    const seats = t.seats.map((s, i) => {
      if (s.player.id) return el("span", { class: "seatcell" }, `${i + 1}. ${s.player.name}${s.bot ? " (bot)" : ""}${!s.bot && !s.online ? " (away)" : ""}`);
      if (t.state !== "waiting") return el("span", { class: "seatcell" }, `${i + 1}. —`);
      return el("span", { class: "seatcell" }, `${i + 1}. `,
        el("button", { onclick: () => { state.current = t.id; send({ type: "sit", table: t.id, seat: i }); } }, "Sit"));
    });
    const open = el("button", { onclick: () => { state.current = t.id; send({ type: "watch", table: t.id, v: (state.open[t.id] || {}).v || 0 }); renderTable(); renderTabs(); } }, "Open");
    const st = t.state === "convention" ? `conventions (${t.creator.name}, ${left(t.deadline)} s)` : t.state + (t.deals ? ` (${t.deals} deals)` : "");
    body.append(el("tr", {},
      el("td", {}, t.id, " ", open), el("td", {}, `${t.preset}, ${t.players}p`), el("td", {}, t.pool_target),
      el("td", {}, st), el("td", {}, seats)));
  }
  $("online").textContent = "Online: " + [...state.lobby.online.values()].map((p) => p.name).join(", ");
}

// ---- table ----
function renderTabs() {
  const tabs = $("table-tabs");
  tabs.replaceChildren();
  for (const id of Object.keys(state.open)) {
    tabs.append(el("button", { class: id === state.current ? "active" : "", onclick: () => { state.current = id; state.picked = []; renderTable(); renderTabs(); } }, id));
  }
}

function you(t) {
  return t.seats.findIndex((s) => !s.bot && state.me && s.player.id === state.me.id);
}

function seatName(t, i) { return (t.seats[i] && t.seats[i].player.name) || "seat " + (i + 1); }

function renderTable() {
  const t = state.open[state.current];
  $("table").hidden = !t;
  if (!t) return;
  const c = t.conventions;
  $("table-title").textContent = `Table ${t.table} — ${c.preset}, ${c.players} players, pool ${c.pool_target}, ${c.move_time} s a move, on timeout: ${c.timeout.policy}`;
  renderDialog(t);
  const d = t.deal;
  const me = you(t);
  const n = t.seats.length;
  const base = me >= 0 ? me : 0;
  const legal = t.legal || [];
  const playable = new Set(legal.filter((m) => m.kind === "play").map((m) => m.card));
  const discarding = legal.some((m) => m.kind === "discard");

  renderStatus(t, me);
  // seats: me at the bottom, then clockwise left, (across,) right
  const places = n === 4 ? ["seat-me", "seat-left", "seat-across", "seat-right"] : ["seat-me", "seat-left", "seat-right"];
  $("seat-across").hidden = n !== 4;
  for (let k = 0; k < n; k++) {
    const i = (base + k) % n;
    const box = $(places[k]);
    box.replaceChildren();
    box.classList.toggle("acting", !!d && d.actor === i && t.state === "playing");
    const s = t.seats[i];
    const tags = [];
    if (d && d.dealer === i) tags.push("dealer");
    if (d && d.declarer === i) tags.push("declarer " + bidText(d.contract));
    if (s.bot) tags.push("bot");
    else if (s.player.id && !s.online) tags.push("away");
    if (s.bot_plays) tags.push("a bot plays");
    if (i === me) tags.push("you");
    box.append(el("div", { class: "name" }, s.player.name || "(empty)", tags.length ? el("span", { class: "info" }, " · " + tags.join(" · ")) : null));
    if (!s.player.id && t.state === "waiting") {
      if (me < 0) box.append(el("button", { onclick: () => send({ type: "sit", table: t.table, seat: i }) }, "Sit here"), " ");
      if (state.me && t.creator.id === state.me.id) box.append(el("button", { onclick: () => send({ type: "add_bot", table: t.table, seat: i }) }, "Add bot"));
    }
    if (i === me && t.state === "waiting") box.append(" ", el("button", { onclick: () => send({ type: "stand", table: t.table }) }, "Stand up"));
    if (d) {
      const info = [];
      if (d.phase === "auction") info.push(d.passed[i] ? "passed" : d.last_bid[i] ? "bid " + bidText(d.last_bid[i]) : "");
      if (d.calls[i] && d.calls[i] !== "none") info.push(d.calls[i]);
      if (d.phase === "play" || d.phase === "done") info.push("tricks " + d.tricks[i]);
      info.push(d.hand_size[i] + " cards");
      box.append(el("div", { class: "info" }, info.filter(Boolean).join(" · ")));
      if (i !== me && d.hands[i] && d.hands[i].length) {
        box.append(el("div", { class: "cards small" }, d.hands[i].map((c) => cardEl(c, playable.has(c) ? { playable: true, onclick: () => play(t, me, c) } : null))));
      }
    }
  }
  // center
  $("talon").replaceChildren(...(d ? d.talon.map((c) => cardEl(c)) : []));
  const trick = $("trick");
  trick.replaceChildren();
  if (d) {
    for (let i = 0; i < n; i++) {
      if (d.trick[i]) trick.append(el("div", {}, cardEl(d.trick[i]), el("div", { class: "who" }, seatName(t, i))));
    }
    if (d.talon_lead) trick.append(el("div", {}, cardEl(d.talon_lead), el("div", { class: "who" }, "talon")));
  }
  $("last-trick").replaceChildren(...(d && d.last_winner >= 0 ? d.last_trick.filter(Boolean).map((c) => cardEl(c)) : []));
  const hand = $("hand");
  hand.replaceChildren();
  if (d && me >= 0) {
    for (const c of d.hands[me] || []) {
      if (playable.has(c)) hand.append(cardEl(c, { playable: true, onclick: () => play(t, me, c) }));
      else if (discarding) hand.append(cardEl(c, { playable: true, picked: state.picked.includes(c), onclick: () => pick(c) }));
      else hand.append(cardEl(c));
    }
  }
  renderMoves(t, me, legal, discarding);
  renderSheet(t);
  $("last-deal").textContent = t.last_deal || "";
  const sum = state.lobby.tables.get(t.table);
  $("watchers").textContent = sum && sum.watchers ? `${sum.watchers} connected` : "";
  const chat = $("table-chat");
  chat.replaceChildren();
  addLines(chat, t.chat);
}

// renderDialog is the conventions dialog, built from the server's offer.
function renderDialog(t) {
  const box = $("dialog");
  const mine = state.me && t.creator.id === state.me.id;
  box.hidden = !(t.state === "convention" && mine);
  if (box.hidden || box.dataset.table === t.table) return;
  box.dataset.table = t.table;
  const o = state.offer;
  const presetSel = el("select", { id: "preset" }, o.presets.map((p) => el("option", { value: p.name }, p.name)));
  presetSel.value = "sochi";
  const more = el("div", { class: "options" });
  const main = el("span", { class: "create" }); // the settings asked first
  const first = ["players", "pool_target", "move_time"];
  const fields = {};
  const fill = () => {
    const p = o.presets.find((x) => x.name === presetSel.value);
    more.replaceChildren();
    main.replaceChildren();
    for (const [k, v] of Object.entries(p.options)) {
      let input;
      if (k === "players") input = el("select", { id: "players" }, [3, 4].map((n) => el("option", { value: n }, n)));
      else if (o.choices[k]) input = el("select", {}, o.choices[k].map((c) => el("option", { value: c }, c)));
      else if (typeof v === "boolean") input = el("input", { type: "checkbox" });
      else if (typeof v === "number") input = el("input", { type: "number", min: 0 });
      else input = el("input", {});
      if (input.type === "checkbox") input.checked = v; else input.value = v;
      fields[k] = { input, base: v };
      (first.includes(k) ? main : more).append(el("label", {}, k.replace("_", " ") + " ", input));
    }
  };
  presetSel.addEventListener("change", fill);
  fill();
  const policy = el("select", { id: "policy" }, o.policies.map((p) => el("option", { value: p }, p)));
  policy.value = o.timeout.policy;
  const fine = el("input", { id: "fine", type: "number", min: 0, value: o.timeout.fine });
  const bank = el("input", { id: "bank", type: "number", min: 0, value: o.timeout.bank });
  const submit = el("button", { id: "conventions-ok", onclick: () => {
    const options = {};
    for (const [k, f] of Object.entries(fields)) {
      const inp = f.input;
      const v = inp.type === "checkbox" ? inp.checked : inp.type === "number" || k === "players" ? Number(inp.value) : inp.value;
      if (v !== f.base) options[k] = v;
    }
    send({ type: "conventions", table: t.table, preset: presetSel.value, options,
      timeout: { policy: policy.value, fine: Number(fine.value), bank: Number(bank.value) } });
  } }, "Open the table");
  box.replaceChildren(el("h3", {}, "Conventions"),
    el("div", { class: "create" }, el("label", {}, "Preset ", presetSel), main, el("label", {}, "On timeout ", policy),
      el("label", {}, "Fine ", fine), el("label", {}, "Bank (s) ", bank), submit,
      el("button", { onclick: () => send({ type: "cancel", table: t.table }) }, "Cancel")),
    el("details", {}, el("summary", {}, "Every other RULES §14 setting"), more));
}

function renderStatus(t, me) {
  const d = t.deal;
  const parts = [];
  if (t.state === "convention") parts.push(`${t.creator.name} is choosing the conventions`);
  if (t.state === "waiting") parts.push("Waiting for players: the last seat filled starts the pulka.");
  if (t.state === "finished") parts.push("The pulka is over.");
  if (d && t.state === "playing") {
    parts.push(`Deal ${t.deal_no} · ${PHASES[d.phase] || d.phase}` + (d.kind !== "undecided" ? ` · ${d.kind}` : "") + (d.contract ? " " + bidText(d.contract) : "") + (d.top_bid && d.phase === "auction" ? " · top bid " + bidText(d.top_bid) : ""));
    if (d.claim && d.claim.pending) parts.push(`${seatName(t, d.claim.by)} proposes: declarer takes ${d.claim.tricks} of the last ${d.claim.remaining}`);
    if (d.claimed) parts.push("ended by a claim");
    if (d.actor >= 0) parts.push(d.actor === me ? "YOUR MOVE" : seatName(t, d.actor) + " to move");
  }
  const s = $("status");
  s.replaceChildren(el("span", {}, parts.join(" — ")), el("span", { id: "countdown", class: "turn" }));
  tick();
}

function tick() {
  const t = state.open[state.current];
  const c = $("countdown");
  if (c && t) {
    const dl = t.state === "convention" ? t.deadline : t.clock && t.clock.deadline;
    c.textContent = dl ? " · " + left(dl) + " s left" : "";
  }
}
setInterval(() => { tick(); if ([...state.lobby.tables.values()].some((t) => t.state === "convention")) renderLobby(); }, 1000);

function moveLabel(m) {
  switch (m.kind) {
    case "pass": return "Pass";
    case "bid": return bidText(m.bid);
    case "declare": return "Play " + bidText(m.bid);
    case "whist": return "Whist";
    case "half": return "Half-whist";
    case "open": return "Whist open";
    case "closed": return "Whist closed";
    case "concede": return "Concede (без трёх)";
    case "claim": return "Claim the rest (остальные мои)";
    case "claim_propose": return "Propose: declarer takes " + m.tricks;
    case "claim_accept": return "Accept the proposal";
    case "claim_reject": return "Reject, play on";
  }
  return m.kind;
}

function renderMoves(t, me, legal, discarding) {
  const box = $("moves");
  box.replaceChildren();
  for (const m of legal) {
    if (m.kind === "play" || m.kind === "discard") continue;
    box.append(el("button", { onclick: () => send({ type: "move", table: t.table, move: m }) }, moveLabel(m)));
  }
  if (discarding) {
    box.append(el("span", { class: "hint" }, "Pick two cards to discard: "),
      el("button", { disabled: state.picked.length !== 2, onclick: () => send({ type: "move", table: t.table, move: { seat: me, kind: "discard", cards: state.picked } }) }, "Discard " + state.picked.map(cardText).join(" ")));
  }
  if (legal.some((m) => m.kind === "play")) box.append(el("span", { class: "hint" }, "Click a highlighted card to play it."));
  if (t.result) {
    box.append(el("span", {}, "Result in whists: " + t.seats.map((s, i) => `${s.player.name} ${t.result.rounded[i]}`).join(", ")));
  }
}

function play(t, me, c) { send({ type: "move", table: t.table, move: { seat: me, kind: "play", card: c } }); }

function pick(c) {
  const i = state.picked.indexOf(c);
  if (i >= 0) state.picked.splice(i, 1);
  else if (state.picked.length < 2) state.picked.push(c);
  renderTable();
}

function renderSheet(t) {
  const box = $("sheet");
  box.replaceChildren();
  const sh = t.sheet;
  if (!sh) { box.append(el("p", { class: "hint" }, "The sheet starts with the pulka.")); return; }
  const names = t.seats.map((s) => s.player.name);
  const head = el("tr", {}, el("th", {}, ""), el("th", {}, "pool"), el("th", {}, "mountain"), names.map((n) => el("th", {}, "on " + n)));
  const rows = names.map((n) => el("tr", {}, el("th", {}, n), el("td", {}, sh.pool[n]), el("td", {}, sh.mountain[n]),
    names.map((o) => el("td", {}, n === o ? "—" : ((sh.whists[n] || {})[o] || 0)))));
  box.append(el("table", {}, head, rows));
}

// ---- forms ----
$("signin-form").addEventListener("submit", (e) => { e.preventDefault(); signin($("name").value.trim()); });
$("create-form").addEventListener("submit", (e) => { e.preventDefault(); send({ type: "set" }); });
$("lobby-chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const v = $("lobby-chat-text").value.trim();
  if (v) send({ type: "lobby_chat", text: v });
  $("lobby-chat-text").value = "";
});
$("table-chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const v = $("table-chat-text").value.trim();
  if (v && state.current) send({ type: "table_chat", table: state.current, text: v });
  $("table-chat-text").value = "";
});
$("leave").addEventListener("click", () => { if (state.current) send({ type: "leave", table: state.current }); });

connect();
