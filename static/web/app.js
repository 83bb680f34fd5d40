// Trelljaz club: plain JavaScript, no build step. Talks the JSON messages
// documented in game/protocol/protocol.go over SockJS at /sockjs.
"use strict";

const $ = (id) => document.getElementById(id);
const SUITS = { S: "♠", C: "♣", D: "♦", H: "♥" };
const state = {
  sock: null, name: "", tables: [], open: {}, current: "", picked: [], retry: 0, timer: null,
};

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
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
    if (saved) {
      send({ type: "signin", name: saved });
    } else {
      $("signin").hidden = false;
      $("name").focus();
    }
  };
  sock.onmessage = (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    handle(m);
  };
  sock.onclose = () => {
    $("conn").textContent = "disconnected — reconnecting…";
    state.sock = null;
    const delay = Math.min(1000 * 2 ** state.retry++, 15000);
    setTimeout(connect, delay);
  };
}

function handle(m) {
  switch (m.type) {
    case "welcome":
      state.name = m.name;
      sessionStorage.setItem("trelljaz-name", m.name);
      $("me").textContent = "signed in as " + m.name + " (dev sign-in)";
      $("signin").hidden = true;
      $("club").hidden = false;
      // watch again what this tab watched before a reconnect
      for (const id of Object.keys(state.open)) send({ type: "watch", table: id });
      break;
    case "error":
      toast(m.text);
      if (!state.name && /name/.test(m.text)) { sessionStorage.removeItem("trelljaz-name"); $("signin").hidden = false; }
      break;
    case "lobby":
      state.tables = m.tables;
      renderLobby();
      break;
    case "lobby_chat":
      addLines($("lobby-chat"), m.lines);
      break;
    case "created":
      send({ type: "watch", table: m.table });
      state.current = m.table;
      break;
    case "table":
      if (!state.open[m.id] || state.open[m.id].deal_no !== m.deal_no || state.open[m.id].move_no !== m.move_no) state.picked = [];
      state.open[m.id] = m;
      if (!state.current || !state.open[state.current]) state.current = m.id;
      if (state.current === m.id) renderTable();
      renderTabs();
      break;
    case "table_chat":
      if (state.open[m.table]) {
        state.open[m.table].chat = (state.open[m.table].chat || []).concat(m.lines);
        if (state.current === m.table) addLines($("table-chat"), m.lines);
      }
      break;
    case "left":
      delete state.open[m.table];
      if (state.current === m.table) state.current = Object.keys(state.open)[0] || "";
      renderTabs();
      renderTable();
      break;
  }
}

function addLines(box, lines) {
  for (const l of lines || []) {
    const t = new Date(l.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    box.append(el("div", {}, el("span", { class: "hint" }, t + " "), el("span", { class: "from" }, l.from + ": "), l.text));
  }
  box.scrollTop = box.scrollHeight;
}

// ---- lobby ----
function renderLobby() {
  const body = $("tables");
  body.replaceChildren();
  if (state.tables.length === 0) body.append(el("tr", {}, el("td", { colspan: 5, class: "hint" }, "No tables yet: create one.")));
  for (const t of state.tables) {
    const seats = t.seats.map((s, i) => {
      if (s.name) return el("span", { class: "seatcell" }, `${i + 1}. ${s.name}${s.bot ? " (bot)" : ""}${!s.bot && !s.online ? " (away)" : ""}`);
      if (t.status !== "waiting") return el("span", { class: "seatcell" }, `${i + 1}. —`);
      return el("span", { class: "seatcell" }, `${i + 1}. `,
        el("button", { onclick: () => { state.current = t.id; send({ type: "sit", table: t.id, seat: i }); } }, "Sit"), " ",
        el("button", { onclick: () => { state.current = t.id; send({ type: "watch", table: t.id }); send({ type: "add_bot", table: t.id, seat: i }); } }, "Add bot"));
    });
    const open = el("button", { onclick: () => { state.current = t.id; send({ type: "watch", table: t.id }); if (state.open[t.id]) { renderTable(); renderTabs(); } } }, "Open");
    body.append(el("tr", {},
      el("td", {}, t.id, " ", open), el("td", {}, t.convention), el("td", {}, t.pool_target),
      el("td", {}, t.status + (t.deals ? ` (${t.deals} deals)` : "")), el("td", {}, seats)));
  }
}

// ---- table ----
function renderTabs() {
  const tabs = $("table-tabs");
  tabs.replaceChildren();
  for (const id of Object.keys(state.open)) {
    tabs.append(el("button", { class: id === state.current ? "active" : "", onclick: () => { state.current = id; state.picked = []; renderTable(); renderTabs(); } }, id));
  }
}

function seatName(t, i) { return (t.seats[i] && t.seats[i].name) || "seat " + (i + 1); }

function renderTable() {
  const t = state.open[state.current];
  $("table").hidden = !t;
  if (!t) return;
  $("table-title").textContent = `Table ${t.id} — ${t.convention}, pool ${t.pool_target}`;
  const d = t.deal;
  const me = t.you;
  const base = me >= 0 ? me : 0;
  const legal = t.legal || [];
  const playable = new Set(legal.filter((m) => m.kind === "play").map((m) => m.card));
  const discarding = legal.some((m) => m.kind === "discard");

  renderStatus(t);
  // seats: me at the bottom, the next seat clockwise on the left
  const place = { [base]: "seat-me", [(base + 1) % 3]: "seat-left", [(base + 2) % 3]: "seat-right" };
  for (let i = 0; i < 3; i++) {
    const box = $(place[i]);
    box.replaceChildren();
    box.classList.toggle("acting", !!d && d.actor === i && t.status === "playing");
    const s = t.seats[i];
    const tags = [];
    if (d && d.dealer === i) tags.push("dealer");
    if (d && d.declarer === i) tags.push("declarer " + bidText(d.contract));
    if (s.bot) tags.push("bot");
    else if (s.name && !s.online) tags.push("away");
    if (i === me) tags.push("you");
    box.append(el("div", { class: "name" }, s.name || "(empty)", tags.length ? el("span", { class: "info" }, " · " + tags.join(" · ")) : null));
    if (!s.name && t.status === "waiting") {
      box.append(el("button", { onclick: () => send({ type: "sit", table: t.id, seat: i }) }, "Sit here"), " ",
        el("button", { onclick: () => send({ type: "add_bot", table: t.id, seat: i }) }, "Add bot"));
    }
    if (d) {
      const info = [];
      if (d.phase === "auction") info.push(d.passed[i] ? "passed" : d.last_bid[i] ? "bid " + bidText(d.last_bid[i]) : "");
      if (d.calls[i] && d.calls[i] !== "none") info.push(d.calls[i]);
      if (d.phase === "play" || d.phase === "end of the deal") info.push("tricks " + d.tricks[i]);
      info.push(d.hand_size[i] + " cards");
      box.append(el("div", { class: "info" }, info.filter(Boolean).join(" · ")));
      if (i !== me && d.hands[i] && d.hands[i].length) {
        box.append(el("div", { class: "cards small" }, d.hands[i].map((c) => cardEl(c, playable.has(c) ? { playable: true, onclick: () => play(t, c) } : null))));
      }
    }
  }
  // center
  $("talon").replaceChildren(...(d ? d.talon.map((c) => cardEl(c)) : []));
  const trick = $("trick");
  trick.replaceChildren();
  if (d) {
    for (let i = 0; i < 3; i++) {
      if (d.trick[i]) trick.append(el("div", {}, cardEl(d.trick[i]), el("div", { class: "who" }, seatName(t, i))));
    }
    if (d.talon_lead) trick.append(el("div", {}, cardEl(d.talon_lead), el("div", { class: "who" }, "talon")));
  }
  $("last-trick").replaceChildren(...(d && d.last_winner >= 0 ? d.last_trick.filter(Boolean).map((c) => cardEl(c)) : []));
  // my hand
  const hand = $("hand");
  hand.replaceChildren();
  if (d && me >= 0) {
    for (const c of d.hands[me] || []) {
      if (playable.has(c)) hand.append(cardEl(c, { playable: true, onclick: () => play(t, c) }));
      else if (discarding) hand.append(cardEl(c, { playable: true, picked: state.picked.includes(c), onclick: () => pick(c) }));
      else hand.append(cardEl(c));
    }
  }
  renderMoves(t, legal, discarding);
  renderSheet(t);
  $("last-deal").textContent = t.last_deal || "";
  $("watchers").textContent = (t.spectators && t.spectators.length) ? "Watching: " + t.spectators.join(", ") : "";
  const chat = $("table-chat");
  chat.replaceChildren();
  addLines(chat, t.chat);
}

function renderStatus(t) {
  const d = t.deal;
  const parts = [];
  if (t.status === "waiting") parts.push("Waiting for players: the last seat filled starts the pulka.");
  if (t.status === "finished") parts.push("The pulka is over.");
  if (d && t.status === "playing") {
    parts.push(`Deal ${t.deal_no} · ${d.phase}` + (d.kind !== "undecided" ? ` · ${d.kind}` : "") + (d.contract ? " " + bidText(d.contract) : "") + (d.top_bid && d.phase === "auction" ? " · top bid " + bidText(d.top_bid) : ""));
    if (d.claim && d.claim.pending) {
      parts.push(`${seatName(t, d.claim.by)} proposes: declarer takes ${d.claim.tricks} of the last ${d.claim.remaining}`);
    }
    if (d.claimed) parts.push("ended by a claim");
    if (d.actor >= 0) parts.push(d.actor === t.you ? "YOUR MOVE" : seatName(t, d.actor) + " to move");
  }
  const s = $("status");
  s.replaceChildren(el("span", {}, parts.join(" — ")), el("span", { id: "countdown", class: "turn" }));
  tick();
}

function tick() {
  const t = state.open[state.current];
  const c = $("countdown");
  if (!c || !t) return;
  c.textContent = t.deadline ? " · " + Math.max(0, Math.round((t.deadline - Date.now()) / 1000)) + " s left" : "";
}
setInterval(tick, 1000);

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

function renderMoves(t, legal, discarding) {
  const box = $("moves");
  box.replaceChildren();
  for (const m of legal) {
    if (m.kind === "play" || m.kind === "discard") continue;
    box.append(el("button", { onclick: () => send({ type: "move", table: t.id, move: m }) }, moveLabel(m)));
  }
  if (discarding) {
    box.append(el("span", { class: "hint" }, "Pick two cards to discard: "),
      el("button", { disabled: state.picked.length !== 2, onclick: () => send({ type: "move", table: t.id, move: { seat: t.you, kind: "discard", cards: state.picked } }) }, "Discard " + state.picked.map(cardText).join(" ")));
  }
  if (legal.some((m) => m.kind === "play")) box.append(el("span", { class: "hint" }, "Click a highlighted card to play it."));
  if (t.result) {
    box.append(el("span", {}, "Result in whists: " + t.seats.map((s, i) => `${s.name} ${t.result.rounded[i]}`).join(", ")));
  }
}

function play(t, c) {
  send({ type: "move", table: t.id, move: { seat: t.you, kind: "play", card: c } });
}

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
  const names = t.seats.map((s) => s.name);
  const head = el("tr", {}, el("th", {}, ""), el("th", {}, "pool"), el("th", {}, "mountain"), names.map((n) => el("th", {}, "on " + n)));
  const rows = names.map((n) => el("tr", {}, el("th", {}, n), el("td", {}, sh.pool[n]), el("td", {}, sh.mountain[n]),
    names.map((o) => el("td", {}, n === o ? "—" : ((sh.whists[n] || {})[o] || 0)))));
  box.append(el("table", {}, head, rows));
}

// ---- forms ----
$("signin-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send({ type: "signin", name: $("name").value.trim() });
});
$("create-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send({ type: "create", convention: $("convention").value, pool_target: Number($("pool").value) || 0, move_time: Number($("movetime").value) || 0 });
});
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
