// Trelljaz club page: ES modules, no build step. It talks the JSON messages
// of game/protocol (see its doc.go) over SockJS at /sockjs, signed in by a
// token from /api/token. State is folded from the server's messages (a
// "table" message replaces a table, each "table_event" at the next version
// updates the parts it carries) and everything on screen is drawn from that
// state by the render functions below; every string comes from i18n/.
import { connect, fetchToken, transportsFromURL } from "./ui/net.js";
import { sortHand, cardFace, fan, backs, label as cardLabel } from "./ui/cards.js";
import { drawSheet, seatArrays } from "./ui/sheet.js";
import { el, name as pname, clean } from "./ui/dom.js";
import { t, lang, setLang, LANGS } from "./i18n/i18n.js";
import { bidText, isCard, dealLine, ratingText } from "./words.js";
import { soundOn, setSound, play as sound } from "./ui/sound.js";
import { ratingOf, forget } from "./ui/api.js";
import { parseRoute, renderNews, renderProfile, renderReplay, closeReplay, playerLink } from "./pages.js";

const $ = (id) => document.getElementById(id);
const BID_SUITS = ["S", "C", "D", "H", "NT"];
const LEVELS = [6, 7, 8, 9, 10];
const MAX_CHAT_LINES = 100;
// The lobby's view (game/protocol, The lobby's view): a page of tables
// that "more" grows by PAGE up to MAX_PAGE, the first names online that
// "more" grows the same way, and a filter by state.
const PAGE = 50;
const MAX_PAGE = 500;

const S = {
  account: null, // /api/me
  me: null, // the player of the socket ({id, name})
  offer: null,
  net: null,
  conn: { state: "connecting", detail: {} },
  lobby: { v: 0, tables: new Map(), total: 0, counts: {}, online: new Map(), players: 0, guests: 0, chat: [] },
  lobbyView: { tables: PAGE, online: PAGE, state: "" }, // the view this page asks for (viewRequest)
  tables: new Map(), // id -> table view + {history, pending}
  current: "",
  picked: [],
  showLast: false,
  busy: { set: false },
  dialogFor: "",
  movesBefore: 0,
  guest: false, // watching without signing in (the server's guest sign-in)
  lobbyFollow: true, // the socket gets the lobby's deltas (not while I play: followLobby)
  route: null, // a page route (profile, replay) or null for the club
  fresh: null, // the card just played, flying in: {table, card, at}
  collect: null, // the trick just taken, going to its winner: {table, cards, winner, at}
};

// Animations: a card flies to the trick in FLY ms; a finished trick stays
// COLLECT ms and slides to its winner. A click or a key ends them at once;
// with prefers-reduced-motion nothing moves (the taken trick only shows).
const FLY = 180;
const COLLECT = 900;
const reducedMotion = () => window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
// skipAnimations ends the running animations where they would end, without
// drawing anything again: the element under a click must stay the one
// clicked.
function skipAnimations() {
  if (!S.fresh && !S.collect) return;
  S.fresh = null;
  S.collect = null;
  for (const a of document.getAnimations ? document.getAnimations() : []) {
    if (a.animationName && /^(fly|to)-/.test(a.animationName)) a.finish();
  }
}

// ---------- helpers ----------

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 5000);
}

function send(msg) {
  if (!S.net || !S.net.send(msg)) {
    toast(t("conn.closed"));
    return false;
  }
  return true;
}

function secondsLeft(deadline) { return Math.max(0, Math.ceil((deadline - Date.now()) / 1000)); }
// clockText writes seconds as a chess clock does: 4:59, 0:07.
function clockText(s) { return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`; }

// countdown is a span the ticker updates each second (no re-render).
// With a time bank (bank ms, option time_bank) the deadline includes the
// bank: the clock counts the move's own time down first, then the bank.
function countdown(deadline, key, bank) {
  if (!deadline) return null;
  const c = el("span", { class: "clock", dataset: { deadline: String(deadline), key: key || "table.timeLeft" } });
  if (bank !== undefined) c.dataset.bank = String(bank);
  clockFace(c);
  return c;
}

function clockFace(c) {
  const left = secondsLeft(Number(c.dataset.deadline));
  if (c.dataset.bank === undefined) {
    c.textContent = t(c.dataset.key, { s: clockText(left) });
    c.classList.toggle("low", left <= 10);
    return;
  }
  const bank = Math.ceil(Number(c.dataset.bank) / 1000);
  const own = Math.max(0, left - bank);
  c.textContent = t(c.dataset.key, { s: clockText(own) }) + " · " + t("table.bank", { s: clockText(Math.min(bank, left)) });
  c.classList.toggle("low", left <= 10);
  c.classList.toggle("in-bank", own === 0);
}

function tick() {
  for (const c of document.querySelectorAll("[data-deadline]")) clockFace(c);
}

function seatOf(tb) {
  if (!S.me) return -1;
  return tb.seats.findIndex((s) => !s.bot && s.player && s.player.id === S.me.id);
}

function playerName(tb, i) {
  const s = tb.seats[i];
  return (s && s.player && s.player.name) || "—";
}

function errorText(m) {
  const key = "err." + m.code;
  const s = t(key);
  return s === key ? m.text : s;
}

// ---------- connection ----------

async function boot() {
  setLang(lang());
  renderChrome();
  let me;
  try {
    const r = await fetch("/api/me", { credentials: "same-origin", cache: "no-store" });
    me = await r.json();
  } catch (err) {
    toast(String(err));
    return;
  }
  S.account = me;
  window.addEventListener("hashchange", onRoute);
  if (!me.player) {
    showSignin();
    // without an account the page watches as a guest when the server lets it
    S.guest = true;
    startSocket();
    onRoute();
    return;
  }
  $("signin").hidden = true;
  $("club").hidden = false;
  startSocket();
  onRoute();
  refreshNews();
}

// onRoute shows the page the hash names: a profile, a replay, or the club
// (the lobby and the tables; a table id in the hash opens that table).
function onRoute() {
  const r = parseRoute(location.hash);
  S.route = r;
  const page = $("page");
  page.hidden = !r;
  if (!r) {
    closeReplay();
    showClub();
    const h = decodeURIComponent(location.hash.slice(1));
    if (h && S.net && S.welcomed && /^[A-Za-z0-9_-]{1,32}$/.test(h) && !S.tables.has(h)) { S.current = h; watch(h); }
    if (S.net) render();
    return;
  }
  $("club").hidden = true;
  $("signin").hidden = true;
  const box = $("page-body");
  if (r.name === "player") renderProfile(box, r.id);
  else renderReplay(box, r, (h) => { history.replaceState(null, "", h); onRoute(); });
  $("page-back").textContent = t("page.back");
}

// showClub shows what this visitor has: a player the club; someone
// signed out what the club is and the ways in, and below it the lobby as
// a guest when the server has guests.
function showClub() {
  if (S.route) return;
  const member = S.account && S.account.player;
  $("club").hidden = !(member || (S.guest && S.welcomed));
  $("signin").hidden = !!member;
  if (!$("signin").hidden && !$("signin").childElementCount) showSignin();
}

function startSocket() {
  if (S.net) return;
  restoreWatched();
  S.net = connect("/sockjs", {
    onState(state, detail) {
      S.conn = { state, detail };
      if (state === "open") {
        // on a new connection everything in flight is void
        for (const tb of S.tables.values()) tb.pending = false;
        // a player's "set" waits for this connection's welcome: sent before
        // the sign-in (the token is still being fetched) it is refused
        S.busy.set = !S.guest;
      }
      renderConn();
      renderSetTable();
    },
    async onOpen(sendRaw) {
      const tables = {};
      for (const [id, tb] of S.tables) tables[id] = tb.v;
      if (S.guest) {
        sendRaw({ type: "signin", guest: true, lobby_v: S.lobby.v, lobby_view: viewRequest(), tables });
        return;
      }
      let token;
      try {
        token = await fetchToken();
      } catch (err) {
        toast(String(err));
        return;
      }
      if (!token) { location.reload(); return; }
      // at a playing table the lobby is not followed (followLobby)
      S.lobbyFollow = !playingHere();
      if (S.lobbyFollow) sendRaw({ type: "signin", token, lobby_v: S.lobby.v, lobby_view: viewRequest(), tables });
      else sendRaw({ type: "signin", token, follow_lobby: false, tables });
    },
    onMessage: handle,
  }, { transports: transportsFromURL(location.search) });
}

// The tables this tab watches survive a reload (sessionStorage): the
// server sends back those it still has, and "left" for the others.
function saveWatched() {
  try { sessionStorage.setItem("trelljaz-tables", JSON.stringify([...S.tables.keys()])); } catch { /* off */ }
}
function restoreWatched() {
  let ids = [];
  try { ids = JSON.parse(sessionStorage.getItem("trelljaz-tables") || "[]"); } catch { /* off */ }
  if (!Array.isArray(ids)) return;
  for (const id of ids.slice(0, 16)) if (typeof id === "string" && !S.tables.has(id)) S.tables.set(id, { table: id, v: 0, seats: [], stub: true });
  const h = decodeURIComponent(location.hash.slice(1));
  if (h && S.tables.has(h)) S.current = h;
}

function handle(m) {
  switch (m.type) {
    case "welcome":
      S.me = m.player || null;
      S.offer = m.offer;
      S.welcomed = true;
      S.busy.set = false;
      if (m.guest) { S.guest = true; showClub(); }
      break;
    case "error":
      if (S.guest && !S.welcomed) {
        // this server has no guest sign-in: the page stays the sign-in page
        S.net.close();
        S.net = null;
        S.guest = false;
        return;
      }
      if (m.code === "signin_required") { S.busy.set = false; signinPrompt(); break; }
      if (m.code === "lobby_busy") {
        // the server keeps the view this page had
        const V = S.lobby.view || {};
        S.lobbyView = { tables: V.tables || PAGE, online: V.online || PAGE, state: V.state || "" };
        S.lobbyAsked = false;
      }
      if (m.table && S.tables.has(m.table)) S.tables.get(m.table).pending = false;
      S.busy.set = false;
      if (m.code === "bad_token") { S.net.close(); S.net = null; startSocket(); return; }
      if (m.code === "no_table" && m.table) dropTable(m.table);
      toast(errorText(m));
      break;
    case "lobby":
      S.lobby = {
        v: m.v, view: m.view, tables: new Map(m.tables.map((x) => [x.id, x])), total: m.total || 0, counts: m.counts || {},
        online: new Map(m.online.map((p) => [p.id, p])), players: m.players || 0, chat: m.chat || [], guests: m.guests || 0,
      };
      S.lobbyAsked = false;
      S.lobbyGapAt = 0;
      break;
    case "lobby_delta": {
      const L = S.lobby;
      if (m.v <= L.v) return;
      if (m.since !== L.v) {
        // a delta missed: ask for what this page lacks, or the whole view —
        // once, and again only if two seconds bring no answer
        const now = Date.now();
        if (!S.lobbyGapAt || now - S.lobbyGapAt > 2000) {
          send({ type: "lobby", follow: true, v: L.v, view: viewRequest() });
          S.lobbyGapAt = now;
        }
        return;
      }
      L.v = m.v;
      S.lobbyGapAt = 0;
      for (const x of m.tables || []) L.tables.set(x.id, x);
      for (const id of m.removed || []) L.tables.delete(id);
      for (const p of m.joined || []) L.online.set(p.id, p);
      for (const p of m.gone || []) L.online.delete(p.id);
      if (typeof m.total === "number") L.total = m.total;
      if (m.counts) L.counts = m.counts;
      if (typeof m.players === "number") L.players = m.players;
      if (typeof m.guests === "number") L.guests = m.guests;
      if (m.chat) L.chat = L.chat.concat(m.chat).slice(-MAX_CHAT_LINES);
      break;
    }
    case "created":
      S.busy.set = false;
      S.current = m.table;
      break;
    case "table": {
      const old = S.tables.get(m.table);
      const tb = Object.assign({}, m, { history: [], pending: false });
      if (Array.isArray(m.deals) && m.deals.length && tb.seats && tb.seats.length) {
        // the sheet after every finished deal, as the server lists them
        const ids = tb.seats.map((s) => s.player.id); // the sheet is keyed by player id
        tb.history = m.deals.map((e) => seatArrays(e.sheet, ids));
      } else if (old && old.history) tb.history = old.history;
      pushSheet(tb);
      S.tables.set(m.table, tb);
      if (!S.current || !S.tables.has(S.current) || S.tables.get(S.current).stub) S.current = m.table;
      if (tb.state === "free") dropTable(m.table);
      saveWatched();
      break;
    }
    case "table_event": {
      const tb = S.tables.get(m.table);
      if (!tb || tb.stub || m.v <= tb.v) return;
      if (m.v !== tb.v + 1) { send({ type: "watch", table: m.table, v: tb.v }); return; }
      const { type, kind, move, chat, deal_entry: entry, ...parts } = m;
      const seatsChanged = !!parts.seats;
      const tricksBefore = tb.deal ? tb.deal.trick_no : 0;
      const movesBefore = (tb.legal || []).length;
      Object.assign(tb, parts);
      if (entry && !(tb.deals || []).some((e) => e.no === entry.no)) tb.deals = (tb.deals || []).concat([entry]);
      if (kind === "finish") { forget("/api/"); refreshNews(); }
      if (m.table === S.current && move && move.kind === "play") {
        S.fresh = { table: m.table, card: move.card, at: performance.now() };
        sound("card");
        if (parts.deal && parts.deal.trick_no > tricksBefore && parts.deal.last_trick.some(isCard)) {
          S.collect = { table: m.table, cards: parts.deal.last_trick, winner: parts.deal.last_winner, at: performance.now() };
          setTimeout(() => sound("trick"), FLY);
          setTimeout(() => { if (S.collect && performance.now() - S.collect.at >= COLLECT) { S.collect = null; render(); } }, COLLECT + 20);
        }
      }
      if (parts.legal && parts.legal.length && !movesBefore && tb.state === "playing") sound("turn");
      if (chat) tb.chat = (tb.chat || []).concat([chat]).slice(-MAX_CHAT_LINES);
      if (parts.deal && parts.deal_no) { S.picked = []; S.showLast = false; }
      if (parts.sheet) pushSheet(tb);
      if (kind !== "chat" && kind !== "seats") tb.pending = false;
      if (seatsChanged && kind === "seats") tb.pending = false;
      if (tb.state === "free") dropTable(m.table);
      break;
    }
    case "left":
      dropTable(m.table);
      break;
    default:
      return;
  }
  followLobby();
  render();
  autoPlay();
}

// playingHere reports whether I sit at a table whose pulka is being played.
function playingHere() {
  if (S.guest || !S.me) return false;
  return [...S.tables.values()].some((tb) => !tb.stub && tb.state === "playing" && (tb.seats || []).some((s) => s.player && s.player.id === S.me.id));
}

// followLobby leaves the lobby's feed while I play (thousands of tables
// change while a pulka lasts, and the table is what I look at) and follows
// it again, from the version this page has, once no table of mine plays:
// the server sends what was missed or the whole lobby (game/protocol).
function followLobby() {
  if (!S.welcomed || S.guest || S.conn.state !== "open") return;
  const want = !playingHere();
  if (want === S.lobbyFollow) return;
  if (S.net.send(want ? { type: "lobby", follow: true, v: S.lobby.v, view: viewRequest() } : { type: "lobby", follow: false })) S.lobbyFollow = want;
}

// viewRequest is the lobby view this page asks for, defaults left out.
function viewRequest() {
  const V = S.lobbyView, out = {};
  if (V.tables !== PAGE) out.tables = V.tables;
  if (V.online !== PAGE) out.online = V.online;
  if (V.state) out.state = V.state;
  return out;
}

// askView asks for another view of the lobby (a longer page, other names,
// a filter): the server sends it whole.
function askView(change) {
  Object.assign(S.lobbyView, change);
  if (!S.lobbyFollow) return; // asked for when following again
  if (send({ type: "lobby", follow: true, v: S.lobby.v, view: viewRequest() })) { S.lobbyAsked = true; renderLobby(); }
}

function dropTable(id) {
  S.tables.delete(id);
  if (S.current === id) S.current = [...S.tables.keys()][0] || "";
  saveWatched();
}

function pushSheet(tb) {
  if (!tb.sheet || !tb.seats || !tb.seats.length) return;
  const ids = tb.seats.map((s) => s.player.id); // the sheet is keyed by player id
  const snap = seatArrays(tb.sheet, ids);
  const last = tb.history[tb.history.length - 1];
  if (last && JSON.stringify(last) === JSON.stringify(snap)) return;
  tb.history.push(snap);
}

// A forced last card is played for you (it is the only card, the only move).
function autoPlay() {
  const tb = S.tables.get(S.current);
  if (!tb || tb.pending || !tb.deal || tb.state !== "playing") return;
  const legal = tb.legal || [];
  const me = seatOf(tb);
  if (me < 0 || legal.length !== 1 || legal[0].kind !== "play") return;
  const hand = (tb.deal.hands[legal[0].seat] || []).filter(isCard);
  if (hand.length === 1) move(tb, legal[0]);
}

function move(tb, m) {
  if (tb.pending) return;
  if (send({ type: "move", table: tb.table, move: m })) {
    tb.pending = true;
    render();
  }
}

// ---------- chrome: header, language, sign-in ----------

function renderChrome() {
  document.title = "Trelljaz";
  $("brand-tag").textContent = t("brand.tag");
  const nav = $("lang");
  nav.replaceChildren(...LANGS.map((l) => el("button", {
    type: "button", "aria-pressed": String(l === lang()), lang: l,
    onclick: () => {
      setLang(l);
      renderChrome();
      if (!S.account || !S.account.player) showSignin();
      if (S.net) render();
      if (S.route) onRoute();
      else refreshNews();
    },
  }, l.toUpperCase())));
  renderConn();
  renderMe();
  $("lobby-h").textContent = t("lobby.title");
  $("set-table").textContent = t("lobby.set");
  $("set-table").title = t("lobby.setHint");
  $("lobby-chat-h").textContent = t("lobby.chat");
  $("lobby-chat-send").textContent = t("chat.send");
  $("lobby-chat-text").placeholder = t("chat.placeholder");
  $("lobby-chat-text").setAttribute("aria-label", t("lobby.chat"));
  $("table-chat-h").textContent = t("chat.table");
  $("table-chat-send").textContent = t("chat.send");
  $("table-chat-text").placeholder = t("chat.placeholder");
  $("table-chat-text").setAttribute("aria-label", t("chat.table"));
  $("leave").textContent = t("table.leave");
  $("sheet-h").textContent = t("sheet.title");
  $("print").textContent = t("sheet.print");
  $("page-back").textContent = t("page.back");
}

// renderSetTable enables "Set a table" only on an open connection whose
// welcome has come (busy.set): a click it would drop must not be offered.
// The connection's state changes without a render of the lobby (a guest
// who signs in gets a new socket), so each change renders it too.
function renderSetTable() {
  $("set-table").disabled = S.busy.set || S.conn.state !== "open";
}

function renderConn() {
  const c = $("conn");
  const { state, detail } = S.conn;
  c.className = "conn " + state;
  if (state === "open") c.dataset.transport = detail.transport || "";
  c.replaceChildren();
  c.hidden = !S.account || !S.account.player;
  if (c.hidden) return;
  if (state === "open") c.append(t("conn.open"));
  else if (state === "closed" && detail.final) {
    c.append(t("conn.final", { reason: detail.reason || detail.code }), " ",
      el("button", { type: "button", class: "quiet", onclick: () => { S.net = null; startSocket(); } }, t("conn.retry")));
  } else if (state === "closed") c.append(t("conn.closed"));
  else c.append(t("conn.connecting"));
}

function renderMe() {
  const box = $("me");
  box.replaceChildren();
  const p = S.account && S.account.player;
  if (!p) return;
  const four = document.body.classList.contains("four-colour");
  box.append(
    el("label", { class: "toggle" }, el("input", {
      type: "checkbox", checked: four, onchange: (e) => {
        document.body.classList.toggle("four-colour", e.target.checked);
        try { localStorage.setItem("trelljaz-four", e.target.checked ? "1" : ""); } catch { /* off */ }
      },
    }), t("me.fourColour")),
    el("label", { class: "toggle" }, el("input", {
      type: "checkbox", id: "sound", checked: soundOn(), onchange: (e) => { setSound(e.target.checked); sound("turn"); },
    }), t("me.sound")),
    el("span", { class: "who" }, pname(p.name), p.provider === "dev" ? el("span", { class: "tag dev" }, t("me.dev")) : null),
    el("button", { type: "button", class: "quiet", id: "signout", onclick: signOut }, t("me.signout")));
}

async function signOut() {
  await fetch("/logout", { method: "POST", credentials: "same-origin" });
  try { sessionStorage.removeItem("trelljaz-tables"); } catch { /* off */ }
  location.href = "/";
}

function showSignin() {
  const box = $("signin");
  if (!S.route) box.hidden = false; // the club below it is showClub's
  const news = el("section", { id: "signin-news", class: "news", hidden: true, "aria-label": t("news.title") });
  box.replaceChildren(el("div", { class: "intro" },
    el("h1", {}, t("signin.title")),
    el("p", { class: "lead" }, t("signin.lead")),
    el("p", {}, t("signin.what")),
    el("p", {}, el("a", { href: "/static/rules.html#" + lang() }, t("signin.rules"), " →")),
    el("div", { class: "fan-demo", "aria-hidden": "true" }, fan(["AS", "KD", "QC", "JH", "10S"], {}))),
  signinWays("dev-form"), news);
  renderNews(news);
}

// signinPrompt is "sign in to play" over the page, for a guest who tried to
// play, sit or talk.
function signinPrompt() {
  const wrap = $("dialog-wrap");
  wrap.hidden = false;
  S.dialogFor = "signin";
  $("dialog").replaceChildren(
    el("div", { class: "dialog-head" }, el("h2", { id: "dialog-h" }, t("guest.prompt"))),
    el("p", {}, t("guest.why")),
    signinWays("dev-form-prompt"),
    el("div", { class: "dialog-foot" }, el("button", { type: "button", id: "prompt-close", onclick: () => { wrap.hidden = true; S.dialogFor = ""; } }, t("dialog.cancel"))));
  const first = $("dialog").querySelector("input, a.btn");
  if (first) first.focus();
}

// signinWays are a button per provider and the dev sign-in form.
function signinWays(formID) {
  const me = S.account || { providers: [], dev_signin: false };
  const ways = el("div", { class: "ways" });
  for (const p of me.providers || []) {
    ways.append(el("a", { class: "btn provider " + p, href: "/auth/" + encodeURIComponent(p) }, t("signin.with", { provider: p[0].toUpperCase() + p.slice(1) })));
  }
  if (me.dev_signin) {
    const inputID = formID === "dev-form" ? "dev-name" : formID + "-name";
    const input = el("input", { id: inputID, name: "name", maxlength: "32", autocomplete: "username", required: true });
    const err = el("p", { class: "error", role: "alert" });
    const form = el("form", {
      id: formID, class: "dev", onsubmit: async (e) => {
        e.preventDefault();
        const btn = form.querySelector("button");
        btn.disabled = true;
        try {
          const r = await fetch("/auth/dev", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ name: input.value.trim() }),
          });
          const body = await r.json().catch(() => ({}));
          if (!r.ok) { err.textContent = t("signin.failed", { text: body.error || r.status }); return; }
          S.account = body;
          renderMe();
          // a guest's socket becomes the player's: sign in again
          if (S.net) { S.net.close(); S.net = null; }
          S.guest = false;
          S.welcomed = false;
          $("dialog-wrap").hidden = true;
          S.dialogFor = "";
          $("signin").hidden = true;
          $("club").hidden = !!S.route;
          startSocket();
          refreshNews();
        } finally { btn.disabled = false; }
      },
    },
    el("h3", {}, el("span", { class: "tag dev" }, t("signin.devTitle"))),
    el("p", { class: "hint" }, t("signin.devNote")),
    el("label", { for: inputID }, t("signin.name")),
    el("div", { class: "row" }, input, el("button", { type: "submit", class: "primary" }, t("signin.go"))),
    err);
    ways.append(form);
  }
  if (!me.dev_signin && !(me.providers || []).length) ways.append(el("p", {}, t("signin.none")));
  return ways;
}

// refreshNews draws the main page's news again (a pulka has finished).
function refreshNews() {
  const news = $("news");
  if (news && S.account && S.account.player) renderNews(news);
  const other = $("signin-news");
  if (other) renderNews(other);
}

// ---------- the whole page ----------

function render() {
  renderConn();
  renderLobby();
  renderTable();
  renderDialog();
  tick();
  // keyboard play: when the move comes to you and nothing has the focus,
  // the first thing you may do has it
  const cur = S.tables.get(S.current);
  if (cur && !cur.stub && isMyMove(cur) && (!document.activeElement || document.activeElement === document.body)) {
    const first = document.querySelector("#actions button.move:not([disabled]), #hand button.card:not([disabled]), .open-hand button.card:not([disabled])");
    if (first) first.focus({ preventScroll: true });
  }
  const moves = [...S.tables.values()].filter((tb) => !tb.stub && isMyMove(tb)).length;
  S.movesBefore = moves;
  document.title = (moves ? "● " + t("table.yourMove") + " · " : "") + "Trelljaz";
}

function isMyMove(tb) {
  return (tb.legal || []).length > 0 && tb.state === "playing";
}

// ---------- lobby ----------

function renderLobby() {
  const L = S.lobby;
  $("lobby").classList.toggle("paused", !S.lobbyFollow);
  $("lobby-h").title = S.lobbyFollow ? "" : t("lobby.paused");
  renderSetTable();
  renderLobbyBar();
  const list = $("tables");
  const rows = [...L.tables.values()].sort(tableOrder);
  if (!rows.length) list.replaceChildren(el("p", { class: "hint" }, t(S.lobbyView.state ? "lobby.none" : "lobby.empty")));
  else list.replaceChildren(...rows.map(lobbyRow));
  const more = $("tables-more");
  more.hidden = L.total <= rows.length;
  more.replaceChildren(...[
    el("span", { class: "hint" }, t("lobby.shown", { n: rows.length, total: L.total })),
    rows.length < MAX_PAGE ? el("button", { type: "button", id: "more-tables", disabled: !!S.lobbyAsked, onclick: () => askView({ tables: Math.min(MAX_PAGE, S.lobbyView.tables + PAGE) }) }, t("lobby.more")) : null,
  ].filter(Boolean));
  const players = Math.max(L.players || 0, L.online.size);
  $("online-h").textContent = t("lobby.online", { n: players }) + (L.guests ? " · " + t("lobby.guests", { n: L.guests }) : "");
  const names = [...L.online.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  const rest = players - names.length;
  const chips = names.map((p) => el("span", { class: "chip" }, playerLink(p)));
  if (rest > 0) chips.push(el("button", { type: "button", id: "more-names", class: "quiet chip", disabled: !!S.lobbyAsked || names.length >= MAX_PAGE, onclick: () => askView({ online: Math.min(MAX_PAGE, S.lobbyView.online + PAGE) }) }, t("lobby.moreNames", { n: rest })));
  $("online").replaceChildren(...chips);
  renderLines($("lobby-chat"), L.chat);
}

// renderLobbyBar shows the club's tables by state, each a filter of the
// list (the server's view "state"), and "all".
function renderLobbyBar() {
  const c = S.lobby.counts || {};
  const filter = (state, label) => el("button", {
    type: "button", class: "filter" + (S.lobbyView.state === state ? " on" : ""), "aria-pressed": String(S.lobbyView.state === state), "data-filter": state || "all",
    onclick: () => { if (S.lobbyView.state !== state) askView({ state, tables: PAGE }); },
  }, label);
  $("lobby-bar").replaceChildren(
    filter("", t("lobby.all", { n: sumCounts(c) })),
    filter("waiting", t("lobby.waiting", { n: c.waiting || 0 })),
    filter("playing", t("lobby.playing", { n: c.playing || 0 })),
    ...(c.convention ? [el("span", { class: "hint" }, t("lobby.beingSet", { n: c.convention }))] : [])); // replaceChildren writes null as "null"
}

function sumCounts(c) { return (c.waiting || 0) + (c.convention || 0) + (c.playing || 0) + (c.finished || 0); }

// tableOrder is the server's order of the lobby (game/protocol TableOrder):
// the waiting tables, fullest first; those being set; the playing ones,
// most watched first; the finished; then by id (t9 before t10).
function tableOrder(a, b) {
  const rank = (s) => ["waiting", "convention", "playing", "finished"].indexOf(s);
  const empty = (x) => { const seats = x.seats || []; return Math.max(x.players - seats.length, 0) + seats.filter((s) => !(s.player && s.player.id) && !s.bot).length; };
  return rank(a.state) - rank(b.state) ||
    (a.state === "waiting" ? empty(a) - empty(b) : 0) ||
    (a.state === "playing" ? (b.watchers || 0) - (a.watchers || 0) : 0) ||
    a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function lobbyRow(x) {
  const mine = S.tables.has(x.id);
  const seats = (x.seats || []).map((s, i) => {
    if (s.player && s.player.id) {
      return el("li", { class: "seat-chip" + (s.online || s.bot ? "" : " away") }, pname(s.player.name), s.bot ? el("span", { class: "tag" }, t("table.bot")) : null);
    }
    if (x.state === "waiting") {
      return el("li", {}, el("button", { type: "button", class: "sit", "data-table": x.id, "data-seat": String(i), onclick: () => { if (S.guest) { signinPrompt(); return; } S.current = x.id; watch(x.id); send({ type: "sit", table: x.id, seat: i }); } }, t("lobby.sit")));
    }
    return el("li", { class: "seat-chip empty" }, "—");
  });
  const info = [t("preset." + x.preset), t("lobby.players", { n: x.players }), t("lobby.pool", { n: x.pool_target }), t("lobby.perMove", { n: x.move_time }), t("timeout." + x.timeout_action)];
  // Two lines: the table and its conventions, then its seats; "Watch" to
  // their right (style.css .lobby-table).
  return el("article", { class: "lobby-table state-" + x.state, "data-table": x.id },
    el("div", { class: "lt-head" },
      el("strong", {}, t("table.title", { table: x.id })),
      el("span", { class: "badge " + x.state }, t("state." + x.state)),
      x.state === "convention" ? countdown(x.deadline) : null,
      phrases("lt-conv", info),
      phrases("hint", [x.deals ? t("lobby.deals", { n: x.deals }) : null, x.watchers ? t("lobby.watchers", { n: x.watchers }) : null].filter(Boolean))),
    x.state === "convention" ? null : el("ul", { class: "lt-seats" }, seats),
    el("button", { type: "button", class: "watch", onclick: () => { S.current = x.id; watch(x.id); render(); } }, mine ? t("lobby.open") : t("lobby.watch")));
}

// phrases is a span of short phrases separated by " · " that breaks
// between phrases, never inside one ("60 s" on a line and "a move" on the
// next); null for none.
function phrases(cls, parts) {
  if (!parts.length) return null;
  return el("span", { class: cls }, parts.map((p, i) => [i ? " " : null, el("span", { class: "phrase" }, i < parts.length - 1 ? p + " ·" : p)]));
}

function watch(id) {
  const tb = S.tables.get(id);
  if (tb && !tb.stub) return;
  send({ type: "watch", table: id, v: 0 });
}

function renderLines(box, lines) {
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 30;
  box.replaceChildren(...(lines || []).map((l) => {
    const time = new Date(l.at).toLocaleTimeString(lang(), { hour: "2-digit", minute: "2-digit" });
    return el("p", { class: "line" }, el("time", {}, time), " ", el("b", {}, pname(l.from.name)), ": ", el("bdi", { class: "text" }, clean(l.text)));
  }));
  if (atBottom) box.scrollTop = box.scrollHeight;
}

// ---------- the conventions dialog ----------

const MAIN_OPTIONS = ["players", "pool_target", "move_time", "timeout_action", "timeout_fine", "time_bank"];

function renderDialog() {
  const wrap = $("dialog-wrap");
  if (S.dialogFor === "signin") return; // the guest's "sign in to play"
  const tb = S.tables.get(S.current);
  const open = tb && !tb.stub && tb.state === "convention" && S.me && tb.creator.id === S.me.id && S.offer;
  wrap.hidden = !open;
  if (!open) { S.dialogFor = ""; return; }
  const key = tb.table + ":" + lang();
  if (S.dialogFor === key) return; // keep what the creator has chosen
  S.dialogFor = key;
  const o = S.offer;
  const box = $("dialog");
  const form = {};
  let preset = o.presets.find((p) => p.name === "sochi") ? "sochi" : o.presets[0].name;
  const presetOf = (n) => o.presets.find((p) => p.name === n);
  const presets = el("div", { class: "presets", role: "radiogroup", "aria-label": t("dialog.presets") });
  const options = el("div", { class: "options" });
  const mains = el("div", { class: "mains" });
  const input = (k, v) => {
    let e;
    if (Object.hasOwn(o.choices, k)) e = el("select", {}, o.choices[k].map((c) => el("option", { value: c }, choiceLabel(k, c))));
    else if (typeof v === "boolean") e = el("select", {}, el("option", { value: "true" }, t("yes")), el("option", { value: "false" }, t("no")));
    else if (typeof v === "number") e = el("input", { type: "number", min: "0", inputmode: "numeric" });
    else e = el("input", { type: "text", maxlength: "64" });
    e.value = String(v);
    e.id = "opt-" + k;
    e.dataset.key = k;
    return e;
  };
  const fill = () => {
    const p = presetOf(preset);
    for (const b of presets.children) b.setAttribute("aria-checked", String(b.dataset.preset === preset));
    mains.replaceChildren();
    options.replaceChildren();
    for (const k of Object.keys(form)) delete form[k];
    for (const [k, v] of Object.entries(p.options)) {
      const e = input(k, v);
      form[k] = { e, base: v };
      const label = el("label", { for: e.id }, optionLabel(k));
      (MAIN_OPTIONS.includes(k) ? mains : options).append(el("div", { class: "field" }, label, e));
    }
  };
  for (const p of o.presets) {
    presets.append(el("button", {
      type: "button", role: "radio", class: "preset", "data-preset": p.name,
      onclick: () => { preset = p.name; fill(); },
    }, el("strong", {}, t("preset." + p.name)), el("small", {}, t("presetHint." + p.name))));
  }
  fill();
  const ok = el("button", {
    type: "button", id: "conventions-ok", class: "primary", onclick: () => {
      const opts = {};
      for (const [k, f] of Object.entries(form)) {
        const raw = f.e.value;
        const v = typeof f.base === "boolean" ? raw === "true" : typeof f.base === "number" ? Number(raw) : raw;
        if (v !== f.base) opts[k] = v;
      }
      ok.disabled = true;
      send({ type: "conventions", table: tb.table, preset, options: opts });
    },
  }, t("dialog.ok"));
  box.replaceChildren(
    el("div", { class: "dialog-head" }, el("h2", { id: "dialog-h" }, t("dialog.title", { table: tb.table })), countdown(tb.deadline, "dialog.left")),
    el("h3", { class: "sub" }, t("dialog.presets")), presets, mains,
    el("details", { class: "all" }, el("summary", {}, t("dialog.all", { n: Object.keys(form).length })), options),
    el("div", { class: "dialog-foot" },
      el("button", { type: "button", id: "conventions-cancel", onclick: () => send({ type: "cancel", table: tb.table }) }, t("dialog.cancel")),
      ok));
  presets.querySelector(`[data-preset="${preset}"]`).focus();
}

// choiceLabel is the text of value c of enumerated option k: timeout_action's
// values are translated, the others are shown as they are.
function choiceLabel(k, c) {
  return k === "timeout_action" ? t("timeout." + c) : c;
}

function optionLabel(k) {
  const key = "opt." + k;
  const s = t(key);
  return s === key ? k.replaceAll("_", " ") : s;
}

// ---------- the table ----------

function renderTable() {
  const panel = $("table");
  const tb = S.tables.get(S.current);
  renderTabs();
  panel.hidden = !tb || tb.stub;
  document.body.classList.toggle("at-table", !panel.hidden);
  if (panel.hidden) return;
  if (!S.route && location.hash.slice(1) !== tb.table) history.replaceState(null, "", "#" + tb.table);
  const c = tb.conventions;
  $("table-title").textContent = t("table.title", { table: tb.table });
  $("table-title").append(el("span", { class: "conv" }, [t("preset." + c.preset), t("lobby.players", { n: c.players }), t("lobby.pool", { n: c.pool_target }), t("lobby.perMove", { n: c.move_time })].join(" · ")));
  const me = seatOf(tb);
  const d = tb.deal;
  const legal = tb.legal || [];
  const plays = new Map(legal.filter((m) => m.kind === "play").map((m) => [m.card, m]));
  const discarding = legal.some((m) => m.kind === "discard");
  panel.classList.toggle("spectator", me < 0);
  panel.classList.toggle("my-move", isMyMove(tb));
  panel.dataset.state = tb.state;
  panel.dataset.v = String(tb.v);
  panel.dataset.table = tb.table;
  panel.dataset.phase = d ? d.phase : "";
  renderStatus(tb, me);
  renderFelt(tb, me, plays);
  renderActions(tb, me, legal, discarding);
  renderSheet(tb);
  const lastEntry = (tb.deals || [])[(tb.deals || []).length - 1];
  const names = tb.seats.map((s) => (s.player && s.player.name) || "—");
  $("last-deal").textContent = lastEntry ? dealLine(lastEntry, names) : tb.last_deal || "";
  const prose = /^deal (\d+):/.exec(tb.last_deal || ""); // a server without deal entries
  $("last-deal").dataset.no = lastEntry ? String(lastEntry.no) : prose ? prose[1] : "";
  renderLines($("table-chat"), tb.chat);
  $("table-chat-form").hidden = tb.conventions.options && tb.conventions.options.chat === false;
}

// myHand is your hand, fanned and sorted; the legal cards are buttons (in
// the discard, every card is, to pick two).
function myHand(tb, me, plays) {
  const d = tb.deal;
  const box = el("div", { id: "hand", class: "my-hand" });
  if (!d || me >= d.players || !(d.hands[me] || []).some(isCard)) return box;
  const discarding = (tb.legal || []).some((m) => m.kind === "discard");
  const cards = sortHand(d.hands[me].filter(isCard));
  const playable = discarding ? () => !tb.pending : (c) => plays.has(c) && !tb.pending;
  const onPlay = discarding ? pick : (c) => move(tb, plays.get(c));
  const f = fan(cards, { playable: plays.size || discarding ? playable : null, onPlay, picked: S.picked, label: t("table.you"), spread: cards.length > 10 ? 20 : 16 });
  f.addEventListener("keydown", arrowKeys);
  box.append(f);
  return box;
}

function arrowKeys(e) {
  if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
  const cards = [...e.currentTarget.querySelectorAll("button.card:not([disabled])")];
  const i = cards.indexOf(document.activeElement);
  if (i < 0) return;
  const next = cards[(i + (e.key === "ArrowRight" ? 1 : cards.length - 1)) % cards.length];
  next.focus();
  e.preventDefault();
}

function renderTabs() {
  const tabs = $("table-tabs");
  const ids = [...S.tables.keys()].filter((id) => !S.tables.get(id).stub);
  tabs.hidden = ids.length < 2;
  tabs.replaceChildren(...ids.map((id) => el("button", {
    type: "button", role: "tab", "aria-selected": String(id === S.current), class: isMyMove(S.tables.get(id)) ? "alert" : "",
    onclick: () => { S.current = id; S.picked = []; render(); },
  }, id, isMyMove(S.tables.get(id)) && id !== S.current ? el("span", { class: "dot", "aria-label": t("table.yourMove") }, "●") : null)));
}

function renderStatus(tb, me) {
  const d = tb.deal;
  const box = $("status");
  const parts = [];
  if (tb.state === "convention") parts.push(el("span", {}, t("dialog.waitCreator", { name: tb.creator.name })), countdown(tb.deadline));
  else if (tb.state === "waiting") parts.push(el("span", {}, t("table.waiting")));
  else if (tb.state === "finished") parts.push(el("span", {}, t("table.finished")));
  if (tb.state === "playing" && d) {
    parts.push(el("span", {}, t("table.deal", { n: tb.deal_no })), el("span", {}, t("phase." + d.phase)));
    if (d.kind === "misere") parts.push(el("span", { class: "contract" }, t("kind.misere")));
    else if (d.kind === "raspasy") parts.push(el("span", { class: "contract" }, t("kind.raspasy")));
    else if (d.kind === "contract" && d.contract) parts.push(el("span", { class: "contract" }, t("kind.contract", { bid: bidText(d.contract) })));
    if (d.actor >= 0 && d.phase !== "done") {
      parts.push(d.actor === me || isMyMove(tb)
        ? el("strong", { class: "your-move" }, t("table.yourMove"))
        : el("span", {}, t("table.toMove", { name: playerName(tb, d.actor) })));
    }
  }
  if (me < 0 && tb.state !== "waiting") parts.push(el("span", { class: "hint" }, t("table.spectator")));
  if (tb.watchers) parts.push(el("span", { class: "hint" }, t("table.watchers", { n: tb.watchers })));
  box.replaceChildren(...parts.filter(Boolean).map((p, i) => (i ? [el("span", { class: "sep", "aria-hidden": "true" }, "·"), p] : p)).flat());
}

// Seats around the felt: you at the bottom, then clockwise (the next to
// play sits on your left).
function renderFelt(tb, me, plays) {
  const felt = $("felt");
  const n = tb.seats.length;
  const d = tb.deal;
  const base = me >= 0 ? me : 0;
  const places = n === 4 ? ["bottom", "left", "top", "right"] : ["bottom", "left", "right"];
  felt.className = "felt n" + n;
  const kids = [];
  for (let k = 0; k < n; k++) {
    const i = (base + k) % n;
    kids.push(seatBox(tb, i, me, places[k], plays));
  }
  kids.push(centre(tb, me, base, places));
  felt.replaceChildren(...kids);
}

function seatBox(tb, i, me, place, plays) {
  const s = tb.seats[i];
  const d = tb.deal;
  const occupied = s.player && s.player.id;
  const acting = d && tb.state === "playing" && d.actor === i && d.phase !== "done";
  const box = el("div", { class: "seat pos-" + place + (acting ? " acting" : "") + (i === me ? " mine" : ""), "data-seat": String(i) });
  const tags = [];
  const sitsOut = d && d.players === 4 && d.hand_size[i] === 0 && d.dealer === i;
  if (d && d.dealer === i) tags.push(el("span", { class: "tag dealer", title: t("table.dealer") }, sitsOut ? t("table.sitsOut") : t("table.dealer")));
  if (d && d.declarer === i) tags.push(el("span", { class: "tag declarer" }, t("table.declarer"), d.contract ? " " + bidText(d.contract) : ""));
  if (s.bot) tags.push(el("span", { class: "tag" }, t("table.bot")));
  else if (occupied && !s.online) tags.push(el("span", { class: "tag away" }, t("table.away"), s.away_until ? [" ", countdown(s.away_until)] : null));
  if (s.bot_plays) tags.push(el("span", { class: "tag" }, t("table.botPlays")));
  const rating = occupied && !s.bot ? ratingOf(s.player.id, render) : undefined;
  const bank = tb.conventions.options && tb.conventions.options.time_bank > 0 && tb.clock && Array.isArray(tb.clock.bank) ? tb.clock.bank[i] : undefined;
  const onClock = acting && tb.clock && tb.clock.seat === i && tb.clock.deadline;
  box.append(el("div", { class: "nameplate" },
    el("span", { class: "seat-name" }, occupied ? pname(s.player.name) : el("span", { class: "hint" }, t("table.empty"))),
    rating ? el("span", { class: "rating", title: t("news.rating") }, ratingText(rating)) : null,
    i === me ? el("span", { class: "tag you" }, t("table.you")) : null,
    tags,
    onClock ? countdown(tb.clock.deadline, "table.timeLeft", bank) : null,
    bank !== undefined && !onClock && tb.state === "playing" ? el("span", { class: "bank", title: t("table.bankHint") }, t("table.bank", { s: clockText(Math.ceil(bank / 1000)) })) : null));
  if (!occupied && tb.state === "waiting") {
    const row = el("div", { class: "seat-actions" });
    if (me < 0) row.append(el("button", { type: "button", class: "sit primary", onclick: () => { if (send({ type: "sit", table: tb.table, seat: i })) tb.pending = true; } }, t("lobby.sit")));
    if (S.me && tb.creator.id === S.me.id) row.append(el("button", { type: "button", class: "add-bot", onclick: () => send({ type: "add_bot", table: tb.table, seat: i }) }, t("table.addBot")));
    box.append(row);
  }
  if (i === me && tb.state === "waiting") box.append(el("div", { class: "seat-actions" }, el("button", { type: "button", class: "stand", onclick: () => send({ type: "stand", table: tb.table }) }, t("table.stand"))));
  if (i === me) box.append(myHand(tb, me, plays));
  if (d && !sitsOut) {
    const info = [];
    if (d.phase === "auction") {
      if (d.passed[i]) info.push(t("table.passed"));
      else if (d.last_bid[i]) info.push(bidText(d.last_bid[i]));
    }
    const call = d.calls[i];
    if (call && call !== "none" && i !== d.declarer) info.push(t("call." + call));
    if (d.phase === "play" || d.phase === "done") info.push(t("table.tricks", { n: d.tricks[i] }));
    if (info.length) box.append(el("div", { class: "seat-info" }, info.join(" · ")));
    if (i !== me) {
      const cards = (d.hands[i] || []).filter(isCard);
      if (cards.length) {
        // an open hand (misère shown, open whisting): playable when it is
        // this page's move from that hand
        const mine = (c) => plays.has(c) && !tb.pending;
        const f = fan(sortHand(cards), { playable: plays.size ? mine : null, onPlay: (c) => move(tb, plays.get(c)), spread: 8 });
        f.classList.add("open-hand");
        box.append(f);
      } else if (d.hand_size[i] > 0) {
        box.append(backs(d.hand_size[i]));
      }
    }
  }
  return box;
}

function centre(tb, me, base, places) {
  const d = tb.deal;
  const n = tb.seats.length;
  const box = el("div", { class: "centre" });
  if (!d) return box;
  // the talon: backs in the auction, face up while the declarer takes it
  const talon = (d.talon || []).filter(isCard);
  if (d.phase === "auction" && tb.state === "playing") {
    box.append(el("div", { class: "talon" }, el("span", { class: "caption" }, t("table.talon")), backs(2)));
  } else if (talon.length && (d.phase === "discard" || (d.kind === "raspasy" && d.trick_no === 0 && !d.talon_lead))) {
    box.append(el("div", { class: "talon" }, el("span", { class: "caption" }, t("table.talon")), el("div", { class: "cards" }, talon.map((c) => cardFace(c)))));
  }
  const trick = el("div", { class: "trick", "aria-label": t("table.trick") });
  const now = performance.now();
  const fresh = S.fresh && S.fresh.table === tb.table && now - S.fresh.at < FLY ? S.fresh : null;
  for (let k = 0; k < n; k++) {
    const i = (base + k) % n;
    if (!isCard(d.trick[i])) continue;
    const p = el("div", { class: "played at-" + places[k], title: playerName(tb, i) }, cardFace(d.trick[i]));
    if (fresh && fresh.card === d.trick[i]) animateFrom(p, "fly-" + places[k], now - fresh.at);
    trick.append(p);
  }
  if (isCard(d.talon_lead)) trick.append(el("div", { class: "played at-centre", title: t("table.talon") }, cardFace(d.talon_lead)));
  // the trick just taken: it stays a moment in full, then goes to its winner
  const col = S.collect && S.collect.table === tb.table && now - S.collect.at < COLLECT ? S.collect : null;
  if (col && !d.trick.some(isCard)) {
    const taken = el("div", { class: "collect", "aria-hidden": "true" });
    for (let k = 0; k < n; k++) {
      const i = (base + k) % n;
      if (isCard(col.cards[i])) taken.append(el("div", { class: "played at-" + places[k] }, cardFace(col.cards[i])));
    }
    const to = places[(col.winner - base + n) % n] || "bottom";
    animateFrom(taken, reducedMotion() ? "still" : "collect-" + to, now - col.at);
    trick.append(taken);
  }
  box.append(trick);
  if (d.last_winner >= 0 && d.last_trick.some(isCard)) {
    const btn = el("button", { type: "button", class: "quiet last-btn", "aria-expanded": String(S.showLast), onclick: () => { S.showLast = !S.showLast; render(); } }, S.showLast ? t("table.hide") : t("table.lastTrick"));
    box.append(btn);
    if (S.showLast) {
      box.append(el("div", { class: "last-trick" }, el("span", { class: "caption" }, t("table.lastTrickBy", { name: playerName(tb, d.last_winner) })),
        el("div", { class: "cards" }, d.last_trick.map((c, i) => (isCard(c) ? el("span", { class: "lt", title: playerName(tb, i) }, cardFace(c)) : null)))));
    }
  }
  return box;
}

// animateFrom starts CSS animation name on e as if it had begun elapsed ms
// ago, so a redraw mid-flight carries on instead of starting over.
function animateFrom(e, name, elapsed) {
  e.classList.add("anim", name);
  e.style.setProperty("animation-delay", `-${Math.round(Math.max(0, elapsed))}ms`);
}

function pick(c) {
  const i = S.picked.indexOf(c);
  if (i >= 0) S.picked.splice(i, 1);
  else if (S.picked.length < 2) S.picked.push(c);
  render();
  const again = document.querySelector(`#hand [data-card="${CSS.escape(c)}"]`);
  if (again) again.focus();
}

// The action bar: only the moves the server lists as legal.
function renderActions(tb, me, legal, discarding) {
  const box = $("actions");
  box.replaceChildren();
  const d = tb.deal;
  const dis = tb.pending;
  const btn = (m, text, cls) => el("button", { type: "button", class: "move " + (cls || ""), disabled: dis, "data-kind": m.kind, "data-bid": m.bid || null, onclick: () => move(tb, m) }, text);
  const by = (kind) => legal.filter((m) => m.kind === kind);
  const bids = by("bid");
  if (bids.length || (d && d.phase === "auction" && by("pass").length)) box.append(bidBox(tb, bids, by("pass"), "move.bidBox", btn));
  const decl = by("declare");
  if (decl.length) box.append(bidBox(tb, decl, [], "move.declareBox", btn));
  const calls = [...by("whist"), ...by("half"), ...(d && d.phase !== "auction" ? by("pass") : [])];
  if (calls.length) box.append(el("div", { class: "calls" }, calls.map((m) => btn(m, t("move." + m.kind), m.kind === "whist" ? "primary" : ""))));
  const oc = [...by("open"), ...by("closed")];
  if (oc.length) box.append(el("div", { class: "calls" }, oc.map((m) => btn(m, t("move." + m.kind)))));
  if (discarding) {
    box.append(el("div", { class: "calls" }, el("span", { class: "hint" }, t("move.pickTwo")),
      el("button", {
        type: "button", class: "move primary discard", disabled: dis || S.picked.length !== 2,
        onclick: () => move(tb, { seat: me, kind: "discard", cards: [...S.picked] }),
      }, t("move.discard", { cards: S.picked.map(cardLabel).join(" ") }))));
  }
  const plays = by("play");
  if (plays.length) {
    const from = plays[0].seat;
    box.append(el("p", { class: "hint play-hint" }, from !== me && from >= 0 ? t("move.playFrom", { name: playerName(tb, from) }) : t("move.playCard")));
  }
  if (d && d.claim && d.claim.pending) box.append(el("p", { class: "claim" }, t("move.claimPending", { name: playerName(tb, d.claim.by), n: d.claim.tricks, m: d.claim.remaining })));
  const answers = [...by("claim_accept"), ...by("claim_reject")];
  if (answers.length) box.append(el("div", { class: "calls" }, answers.map((m) => btn(m, t(m.kind === "claim_accept" ? "move.claimAccept" : "move.claimReject")))));
  // proposals and concessions are tucked away: one menu, not a row of buttons
  const proposals = by("claim_propose");
  const extra = [...by("concede"), ...by("claim")];
  if (proposals.length || extra.length) {
    const sel = el("select", { id: "claim-n", "aria-label": t("move.claims") }, proposals.map((m, k) => el("option", { value: String(k) }, String(m.tricks))));
    box.append(el("details", { class: "claims" }, el("summary", {}, t("move.claims")),
      proposals.length ? el("div", { class: "calls" }, el("label", { for: "claim-n" }, t("move.claimPropose", { n: "" })), sel,
        el("button", { type: "button", disabled: dis, onclick: () => move(tb, proposals[Number(sel.value)]) }, t("move.propose"))) : null,
      el("div", { class: "calls" }, extra.map((m) => btn(m, t("move." + m.kind))))));
  }
  if (tb.result && Array.isArray(tb.result.rounded)) box.append(settlement(tb, tb.result.rounded, t("sheet.result")));
}

// bidBox lays the legal bids out on the ladder (rows 6..10, columns
// ♠ ♣ ♦ ♥ NT) with misère and pass below; a bid that is not legal is not there.
function bidBox(tb, bids, passes, titleKey, btn) {
  const grid = el("div", { class: "bid-grid" });
  const byBid = new Map(bids.map((m) => [m.bid, m]));
  let rows = 0;
  for (const lv of LEVELS) {
    const row = BID_SUITS.map((s) => byBid.get(lv + s));
    if (!row.some(Boolean)) continue;
    rows++;
    for (const [k, m] of row.entries()) {
      grid.append(m ? btn(m, bidText(m.bid), "bid suit-" + BID_SUITS[k]) : el("span", { class: "bid-gap" }));
    }
  }
  const extra = el("div", { class: "calls" });
  if (byBid.has("misere")) extra.append(btn(byBid.get("misere"), t("move.misere"), "misere"));
  for (const m of passes) extra.append(btn(m, t("move.pass"), "pass"));
  return el("div", { class: "bid-box", role: "group", "aria-label": t(titleKey) }, el("span", { class: "caption" }, t(titleKey)), rows ? grid : null, extra);
}

function renderSheet(tb) {
  const box = $("sheet");
  const settle = $("settle");
  settle.replaceChildren();
  if (!tb.sheet || !tb.history.length) { box.replaceChildren(el("p", { class: "hint" }, t("sheet.none"))); return; }
  const names = tb.seats.map((s) => s.player.name);
  const me = seatOf(tb);
  box.replaceChildren(drawSheet({
    names, me: me >= 0 ? me : 0, poolTarget: tb.conventions.pool_target, history: tb.history,
    labels: { title: t("sheet.title"), pool: t("sheet.pool"), mountain: t("sheet.mountain"), whists: t("sheet.whists") },
  }));
  // beside the drawing: the numbers as a table (pool, mountain, whists
  // written on the others), and the settlement once the pulka is over
  const last = tb.history[tb.history.length - 1];
  settle.append(el("table", { class: "totals" },
    el("caption", {}, t("sheet.running")),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("sheet.player")), el("th", { scope: "col" }, t("sheet.pool")), el("th", { scope: "col" }, t("sheet.mountain")), el("th", { scope: "col" }, t("sheet.whists")))),
    el("tbody", {}, names.map((nm, i) => el("tr", {}, el("th", { scope: "row" }, pname(nm)), el("td", {}, fmt(last.pool[i])), el("td", {}, fmt(last.mountain[i])), el("td", {}, fmt(last.whists[i].reduce((a, b) => a + b, 0))))))));
  const lastEntry = (tb.deals || [])[(tb.deals || []).length - 1];
  if (tb.result && Array.isArray(tb.result.rounded)) settle.append(settlement(tb, tb.result.rounded, t("sheet.result")));
  else if (lastEntry && Array.isArray(lastEntry.settle)) settle.append(settlement(tb, lastEntry.settle, t("sheet.settleNow", { n: lastEntry.no })));
}

function fmt(x) { return Number.isInteger(x) ? String(x) : x.toFixed(1); }

function settlement(tb, rounded, caption) {
  return el("table", { class: "totals result" + (tb.result ? "" : " running") }, el("caption", {}, caption),
    el("tbody", {}, tb.seats.map((s, i) => el("tr", {}, el("th", { scope: "row" }, pname(s.player.name)), el("td", { class: rounded[i] > 0 ? "plus" : rounded[i] < 0 ? "minus" : "" }, (rounded[i] > 0 ? "+" : "") + rounded[i])))));
}

// ---------- forms ----------

$("set-table").addEventListener("click", () => {
  if (S.guest) { signinPrompt(); return; }
  if (S.busy.set) return;
  if (send({ type: "set" })) { S.busy.set = true; renderLobby(); }
});
$("lobby-chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (S.guest) { signinPrompt(); return; }
  const v = $("lobby-chat-text").value.trim();
  if (v && send({ type: "lobby_chat", text: v })) $("lobby-chat-text").value = "";
});
$("table-chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (S.guest) { signinPrompt(); return; }
  const v = $("table-chat-text").value.trim();
  if (v && S.current && send({ type: "table_chat", table: S.current, text: v })) $("table-chat-text").value = "";
});
$("leave").addEventListener("click", () => {
  const id = S.current;
  if (!id) return;
  send({ type: "leave", table: id });
  dropTable(id);
  history.replaceState(null, "", location.pathname + location.search);
  render();
});
$("print").addEventListener("click", () => window.print());
document.addEventListener("pointerdown", skipAnimations, true);
document.addEventListener("keydown", skipAnimations, true);
$("page-back").addEventListener("click", () => { history.pushState(null, "", location.pathname + location.search); onRoute(); });
document.addEventListener("visibilitychange", () => { if (!document.hidden && S.net) S.net.reconnectNow(); });
setInterval(tick, 1000);
try { if (localStorage.getItem("trelljaz-four")) document.body.classList.add("four-colour"); } catch { /* off */ }

boot();
