// The club's pages beside the lobby and the table: the main page's news
// (latest pulkas, the rating top), a player's profile with the rating
// history plotted, and the replay viewer of a finished pulka, which steps
// through every move with all hands face up (GET /api/pulkas/{id}/deals/{n}
// serves every position; the page only draws them). Routes live in the
// hash: #/player/7, #/pulka/42/3/12 (deal 3, after move 12).
import { el, name as pname } from "./ui/dom.js";
import { sortHand, cardFace, fan } from "./ui/cards.js";
import { plotRating } from "./ui/plot.js";
import { getJSON, accountID } from "./ui/api.js";
import { t } from "./i18n/i18n.js";
import { bidText, moveText, ratingText, dateText, isCard } from "./words.js";

// parseRoute reads a page route from a hash, or null for the club itself.
export function parseRoute(hash) {
  const h = decodeURIComponent(String(hash || "").replace(/^#/, ""));
  let m = /^\/player\/([1-9][0-9]{0,17})$/.exec(h);
  if (m) return { name: "player", id: m[1] };
  m = /^\/pulka\/([1-9][0-9]{0,17})(?:\/([1-9][0-9]{0,3})(?:\/([0-9]{1,4}))?)?$/.exec(h);
  if (m) return { name: "pulka", id: m[1], deal: Number(m[2] || 1), step: m[3] === undefined ? 0 : Number(m[3]) };
  return null;
}

export const playerHref = (id) => `#/player/${id}`;
export const pulkaHref = (id, deal, step) => `#/pulka/${id}` + (deal ? `/${deal}` + (step !== undefined ? `/${step}` : "") : "");

// playerLink is a name that opens the profile when the archive knows it.
export function playerLink(p) {
  const id = accountID(String(p.id));
  return id ? el("a", { href: playerHref(id), class: "plink" }, pname(p.name)) : pname(p.name);
}

function signed(n) { return (n > 0 ? "+" : n < 0 ? "−" : "") + Math.abs(n); }

function failed(box, err) {
  box.replaceChildren(el("p", { class: "error", role: "alert" }, err && err.status === 404 ? t("page.notFound") : t("page.failed", { text: String(err && err.message) })));
}

// ---------- the main page's news ----------

// renderNews fills box with the latest finished pulkas and the rating top;
// box stays hidden when the server has no archive.
export async function renderNews(box) {
  let top, latest;
  try {
    [top, latest] = await Promise.all([getJSON("/api/ratings?limit=10"), getJSON("/api/pulkas?limit=6")]);
  } catch {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const rows = (top.players || []).map((p) => el("tr", {},
    el("td", { class: "num" }, String(p.place)),
    el("th", { scope: "row" }, playerLink(p)),
    el("td", { class: "num" }, ratingText(p.rating)),
    el("td", { class: "num" }, String(p.games))));
  const pulkas = (latest.pulkas || []).map(pulkaItem);
  box.replaceChildren(
    el("div", { class: "news-part" }, el("h3", { class: "sub" }, t("news.top")),
      rows.length ? el("table", { class: "totals ratings" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "#"), el("th", { scope: "col" }, t("sheet.player")), el("th", { scope: "col" }, t("news.rating")), el("th", { scope: "col" }, t("news.games")))),
        el("tbody", {}, rows)) : el("p", { class: "hint" }, t("news.noRatings"))),
    el("div", { class: "news-part" }, el("h3", { class: "sub" }, t("news.latest")),
      pulkas.length ? el("ul", { class: "pulkas" }, pulkas) : el("p", { class: "hint" }, t("news.noPulkas"))));
}

// pulkaItem is one finished pulka in a list: when, the convention and the
// players by place with their results, a link to its replay.
function pulkaItem(p) {
  const players = [...(p.players || [])].sort((a, b) => a.place - b.place);
  return el("li", { class: "pulka-item", "data-pulka": String(p.id) },
    el("a", { href: pulkaHref(p.id), class: "replay-link" }, t("news.pulka", { n: p.id })),
    el("span", { class: "hint" }, " · ", t("preset." + p.convention), " · ", dateText(p.finished)),
    el("span", { class: "res" }, players.map((s) => el("span", { class: "res-one" }, playerLink(s), " ",
      el("b", { class: s.rounded > 0 ? "plus" : s.rounded < 0 ? "minus" : "" }, signed(s.rounded))))));
}

// ---------- the profile ----------

export async function renderProfile(box, id) {
  box.replaceChildren(el("p", { class: "hint" }, t("page.loading")));
  let p, list;
  try {
    [p, list] = await Promise.all([getJSON(`/api/players/${id}`, 10000), getJSON(`/api/pulkas?player=${id}&limit=20`, 10000)]);
  } catch (err) {
    failed(box, err);
    return;
  }
  // oldest first: the rating before the first pulka, then after each
  const hist = [...(p.history || [])].reverse();
  const points = hist.length ? [{ y: hist[0].rating_before.ordinal, label: t("profile.start") }] : [];
  for (const h of hist) points.push({ y: h.rating_after.ordinal, href: pulkaHref(h.pulka), label: t("profile.point", { n: h.pulka, date: dateText(h.finished), r: h.rating_after.ordinal.toFixed(1), res: signed(h.rounded) }) });
  const stat = (k, v) => el("div", { class: "stat" }, el("span", { class: "stat-v" }, v), el("span", { class: "stat-k" }, t(k)));
  box.replaceChildren(...[
    el("div", { class: "page-head" },
      el("h1", { id: "profile-name" }, pname(p.name), p.bot ? el("span", { class: "tag" }, t("table.bot")) : null),
      el("p", { class: "hint" }, t("profile.since", { date: dateText(p.since) }))),
    el("div", { class: "stats" },
      stat("news.rating", ratingText(p.rating)),
      stat("profile.games", String(p.games)),
      stat("profile.wins", String(p.wins)),
      stat("profile.whists", signed(p.whists)),
      stat("profile.perPulka", p.games ? p.whists_per_pulka.toFixed(1) : "—")),
    (p.playing || []).length ? el("p", { class: "playing" }, t("profile.playing"), " ",
      p.playing.map((tid) => el("a", { href: "#" + encodeURIComponent(tid), class: "btn quiet watch-link", "data-table": tid }, t("table.title", { table: tid })))) : null,
    el("h2", { class: "sub" }, t("profile.history")),
    points.length > 1 ? el("div", { class: "plot-box", id: "rating-plot" }, plotRating(points, { title: t("profile.plotTitle", { name: p.name }) })) : el("p", { class: "hint" }, t("profile.noGames")),
    el("h2", { class: "sub" }, t("profile.pulkas")),
    (list.pulkas || []).length ? el("ul", { class: "pulkas" }, list.pulkas.map(pulkaItem)) : el("p", { class: "hint" }, t("profile.noGames")),
  ].filter(Boolean));
}

// ---------- the replay viewer ----------

const R = { id: "", pulka: null, deal: 0, data: null, step: 0, keys: false };

export function replayActive() { return !!R.id; }
export function closeReplay() { R.id = ""; }

export async function renderReplay(box, route, navigate) {
  const fresh = R.id !== route.id;
  R.id = route.id;
  if (fresh) {
    R.pulka = null;
    R.data = null;
    box.replaceChildren(el("p", { class: "hint" }, t("page.loading")));
    try {
      R.pulka = await getJSON(`/api/pulkas/${route.id}`, 3600000);
    } catch (err) {
      failed(box, err);
      return;
    }
  }
  if (R.id !== route.id) return; // another route came meanwhile
  const deals = R.pulka.replay.length;
  const n = Math.min(Math.max(1, route.deal), Math.max(1, deals));
  if (!R.data || R.deal !== n) {
    try {
      R.data = await getJSON(`/api/pulkas/${route.id}/deals/${n}`, 3600000);
    } catch (err) {
      failed(box, err);
      return;
    }
    R.deal = n;
  }
  if (R.id !== route.id) return;
  R.step = Math.min(Math.max(0, route.step), R.data.steps.length - 1);
  R.navigate = navigate;
  if (!R.keys) {
    R.keys = true;
    document.addEventListener("keydown", replayKeys);
  }
  drawReplay(box);
}

function go(deal, step) { R.navigate(pulkaHref(R.id, deal, step)); }

// replayKeys: ← → step, Home End the deal's ends, ↑ ↓ (PageUp PageDown)
// the deal before and after.
function replayKeys(e) {
  if (!R.id || !R.data || e.altKey || e.ctrlKey || e.metaKey) return;
  const tag = document.activeElement && document.activeElement.tagName;
  if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
  const last = R.data.steps.length - 1;
  const deals = R.pulka.replay.length;
  const keys = {
    ArrowRight: () => R.step < last && go(R.deal, R.step + 1),
    ArrowLeft: () => R.step > 0 && go(R.deal, R.step - 1),
    Home: () => go(R.deal, 0),
    End: () => go(R.deal, last),
    ArrowDown: () => R.deal < deals && go(R.deal + 1, 0),
    PageDown: () => R.deal < deals && go(R.deal + 1, 0),
    ArrowUp: () => R.deal > 1 && go(R.deal - 1, 0),
    PageUp: () => R.deal > 1 && go(R.deal - 1, 0),
  };
  if (!Object.hasOwn(keys, e.key)) return;
  e.preventDefault();
  keys[e.key]();
}

function drawReplay(box) {
  const P = R.pulka;
  const names = P.record.players;
  const steps = R.data.steps;
  const st = steps[R.step];
  const v = st.view;
  const last = steps.length - 1;
  const deals = P.replay.length;
  const who = (i) => (i >= 0 && i < names.length ? names[i] : "—");
  const btn = (id, text, label, enabled, f) => el("button", { type: "button", id, "aria-label": label, title: label, disabled: !enabled, onclick: f }, text);
  const rec = P.record.deals[R.deal - 1] || {};
  const dealTitle = rec.raspasy ? t("kind.raspasy") : rec.contract ? t("replay.contract", { name: rec.declarer, bid: bidText(rec.contract) }) : "";
  const caption = st.move ? t("replay.moveBy", { name: who(st.move.seat), move: moveText(st.move) }) : t("replay.dealt", { name: who(v.dealer) });
  const players = [...P.players].sort((a, b) => a.place - b.place);
  box.replaceChildren(
    el("div", { class: "page-head" },
      el("h1", {}, t("replay.title", { n: P.id })),
      el("p", { class: "hint" }, t("preset." + P.record.convention), " · ", t("lobby.pool", { n: P.record.pool_target }), " · ", dateText(P.finished)),
      el("p", { class: "res" }, players.map((s) => el("span", { class: "res-one" }, playerLink(s), " ",
        el("b", { class: s.rounded > 0 ? "plus" : s.rounded < 0 ? "minus" : "" }, signed(s.rounded)))))),
    el("div", { class: "replay-bar", role: "group", "aria-label": t("replay.controls") },
      el("div", { class: "nav-group" },
        btn("deal-prev", "▲", t("replay.prevDeal"), R.deal > 1, () => go(R.deal - 1, 0)),
        el("strong", { class: "deal-no" }, t("replay.deal", { n: R.deal, of: deals })),
        btn("deal-next", "▼", t("replay.nextDeal"), R.deal < deals, () => go(R.deal + 1, 0))),
      el("div", { class: "nav-group" },
        btn("step-first", "⇤", t("replay.first"), R.step > 0, () => go(R.deal, 0)),
        btn("step-prev", "◀", t("replay.prev"), R.step > 0, () => go(R.deal, R.step - 1)),
        el("span", { id: "step-no", class: "step-no", "data-step": String(R.step), "aria-live": "polite" }, t("replay.step", { n: R.step, of: last })),
        btn("step-next", "▶", t("replay.next"), R.step < last, () => go(R.deal, R.step + 1)),
        btn("step-last", "⇥", t("replay.last"), R.step < last, () => go(R.deal, last)))),
    el("p", { class: "replay-caption" }, el("strong", {}, caption), dealTitle ? el("span", { class: "hint" }, " · ", dealTitle) : null),
    replayFelt(v, names, st.move),
    el("p", { class: "hint keys" }, t("replay.keys")));
}

// replayFelt draws one position: seat 0 at the bottom, every hand face
// up, the talon while it lies on the table, the trick (the one just
// completed, when this move completed it).
function replayFelt(v, names, mv) {
  const n = v.players;
  const places = n === 4 ? ["bottom", "left", "top", "right"] : ["bottom", "left", "right"];
  const felt = el("div", { class: `felt replay n${n}`, id: "replay-felt", "data-phase": v.phase });
  for (let i = 0; i < n; i++) {
    const acting = v.actor === i;
    const tags = [];
    if (v.dealer === i) tags.push(el("span", { class: "tag dealer" }, t("table.dealer")));
    if (v.declarer === i) tags.push(el("span", { class: "tag declarer" }, t("table.declarer"), v.contract ? " " + bidText(v.contract) : ""));
    const info = [];
    if (v.phase === "auction") {
      if (v.passed[i]) info.push(t("table.passed"));
      else if (v.last_bid[i]) info.push(bidText(v.last_bid[i]));
    }
    const call = v.calls[i];
    if (call && call !== "none" && i !== v.declarer) info.push(t("call." + call));
    if (v.phase === "play" || v.phase === "done") info.push(t("table.tricks", { n: v.tricks[i] }));
    const cards = (v.hands[i] || []).filter(isCard);
    const hand = fan(sortHand(cards), { spread: 8 });
    hand.classList.add("open-hand");
    hand.dataset.seat = String(i);
    felt.append(el("div", { class: `seat pos-${places[i]}` + (acting ? " acting" : ""), "data-seat": String(i) },
      el("div", { class: "nameplate" }, el("span", { class: "seat-name" }, pname(names[i] || "—")), tags),
      info.length ? el("div", { class: "seat-info" }, info.join(" · ")) : null,
      cards.length ? hand : null));
  }
  const centre = el("div", { class: "centre" });
  const talon = (v.talon || []).filter(isCard);
  if (talon.length && (v.phase === "auction" || v.phase === "discard" || (v.kind === "raspasy" && v.trick_no === 0))) {
    centre.append(el("div", { class: "talon" }, el("span", { class: "caption" }, t("table.talon")), el("div", { class: "cards" }, talon.map((c) => cardFace(c)))));
  }
  let trick = v.trick;
  let caption = null;
  if (mv && mv.kind === "play" && !trick.some(isCard) && v.last_trick.some(isCard)) {
    trick = v.last_trick; // the move completed the trick: show it whole
    caption = el("span", { class: "caption" }, t("table.lastTrickBy", { name: names[v.last_winner] || "—" }));
  }
  const box = el("div", { class: "trick", "aria-label": t("table.trick") });
  for (let i = 0; i < n; i++) if (isCard(trick[i])) box.append(el("div", { class: `played at-${places[i]}` }, cardFace(trick[i])));
  if (isCard(v.talon_lead)) box.append(el("div", { class: "played at-centre" }, cardFace(v.talon_lead)));
  centre.append(box);
  if (caption) centre.append(caption);
  const discard = (v.discard || []).filter(isCard);
  if (discard.length && v.phase !== "auction" && v.phase !== "discard") {
    centre.append(el("div", { class: "talon discard" }, el("span", { class: "caption" }, t("replay.discard")), el("div", { class: "cards" }, discard.map((c) => cardFace(c)))));
  }
  felt.append(centre);
  return felt;
}
