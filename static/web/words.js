// Words for codes: the server sends bids, moves and finished deals as codes
// and numbers; this module says them in the page's language (i18n/), so
// nothing on the page is the server's prose.
import { t, lang } from "./i18n/i18n.js";
import { SYMBOL, label as cardLabel } from "./ui/cards.js";

export function isCard(c) { return typeof c === "string" && c.length >= 2 && c !== "--"; }

// bidText writes a bid the way players write it: "7♥", "8 NT" (8 БК), misère.
export function bidText(b) {
  if (!b) return "";
  if (b === "misere") return t("move.misere");
  if (b.endsWith("NT")) return b.slice(0, -2) + " " + (lang() === "ru" ? "БК" : "NT");
  return b.slice(0, -1) + (Object.hasOwn(SYMBOL, b.slice(-1)) ? SYMBOL[b.slice(-1)] : b.slice(-1));
}

// moveText says one move: "7♥", "pass", "discard 7♠ 8♠", "whist".
export function moveText(m) {
  if (!m) return "";
  switch (m.kind) {
    case "bid": return bidText(m.bid);
    case "declare": return t("words.declares", { bid: bidText(m.bid) });
    case "play": return isCard(m.card) ? cardLabel(m.card) : "";
    case "discard": return t("words.discards", { cards: (m.cards || []).filter(isCard).map(cardLabel).join(" ") });
    case "claim_propose": return t("move.claimPropose", { n: m.tricks });
    case "claim_accept": return t("move.claimAccept");
    case "claim_reject": return t("move.claimReject");
    case "pass": case "whist": case "half": case "open": case "closed": case "concede": case "claim":
      return t("move." + m.kind);
    default: return String(m.kind || "");
  }
}

// dealLine says how a finished deal went, from its entry (protocol
// DealEntry): "Deal 3: Anna played 7♥ — tricks: Anna 7, Boris 2, Vera 1".
export function dealLine(e, names) {
  const who = (i) => (i >= 0 && i < names.length ? names[i] : "—");
  const tricks = (e.tricks || []).map((n, i) => `${who(i)} ${n}`).join(", ");
  const v = { n: e.no, name: who(e.declarer), bid: bidText(e.contract), tricks };
  if (e.kind === "raspasy") return t("words.dealRaspasy", v);
  switch (e.ending) {
    case "unwhisted": return t("words.dealUnwhisted", v);
    case "half_whist": return t("words.dealHalf", v);
    case "conceded": return t("words.dealConceded", v);
    default: return t(e.kind === "misere" ? "words.dealMisere" : "words.dealPlayed", v);
  }
}

// ratingText is the number the club shows for a rating (μ−3σ), one decimal.
export function ratingText(r) {
  return r && Number.isFinite(r.ordinal) ? r.ordinal.toFixed(1) : "";
}

// dateText is a short local date ("5 Dec 2026").
export function dateText(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleDateString(lang(), { day: "numeric", month: "short", year: "numeric" });
}
