// The page's language: Russian for Russian speakers, English otherwise,
// or the one chosen (kept in localStorage, shared with the rules page).
// Every string lives in ru.js or en.js; t() looks one up and fills {vars}.
import en from "./en.js";
import ru from "./ru.js";

const KEY = "trelljaz-lang";
const DICTS = { ru, en };
export const LANGS = ["ru", "en"];

function initial() {
  let saved = null;
  try { saved = localStorage.getItem(KEY); } catch { /* storage off */ }
  if (saved === "ru" || saved === "en") return saved;
  const langs = navigator.languages || [navigator.language || "en"];
  return langs.some((l) => /^(ru|uk|be|kk)\b/i.test(l)) ? "ru" : "en";
}

let current = initial();

export function lang() { return current; }

export function setLang(l) {
  if (!Object.hasOwn(DICTS, l)) return;
  current = l;
  try { localStorage.setItem(KEY, l); } catch { /* storage off */ }
  document.documentElement.lang = l;
}

// t returns the string for key in the current language (English, then the
// key itself, when missing), with {name} replaced from vars.
export function t(key, vars) {
  const d = DICTS[current];
  let s = Object.hasOwn(d, key) ? d[key] : Object.hasOwn(en, key) ? en[key] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(vars, k) ? String(vars[k]) : m));
  return s;
}

// has reports whether key has a string.
export function has(key) { return Object.hasOwn(en, key); }
