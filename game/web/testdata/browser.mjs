// What the page tests share (Chromium, playwright-core): the browser's
// launch with the flags every test uses, and a watch on each page that
// keeps its errors and its last SockJS frames, so that a wait that fails
// says what the page had sent, received and was showing, not only which
// element never came.

// launch starts Debian's Chromium headless, as every page test does.
export function launch(chromium, executablePath) {
  return chromium.launch({
    executablePath, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const KEPT = 40; // frames kept a page, the last ones
const CUT = 300; // characters kept a frame

// watcher collects into out.errors what its pages report: watch(page, who)
// adds a page's errors as they come and keeps its last frames (websocket
// frames both ways, and what it posts over xhr); explain() adds, once a
// test has failed, what each watched page showed (the connection's state,
// the toast, whether a dialog was open) and its frames.
export function watcher(out) {
  const pages = [];
  return {
    watch(page, who) {
      const frames = [];
      const keep = (dir, text) => {
        frames.push(`${new Date().toISOString().slice(11, 23)} ${dir} ${String(text).slice(0, CUT)}`);
        if (frames.length > KEPT) frames.shift();
      };
      page.on('pageerror', (e) => out.errors.push(`${who}: ${e}`));
      page.on('console', (m) => { if (m.type() === 'error') out.errors.push(`${who}: console: ${m.text()}`); });
      page.on('websocket', (ws) => {
        keep('open', ws.url());
        ws.on('framesent', (f) => keep('>', f.payload));
        ws.on('framereceived', (f) => keep('<', f.payload));
        ws.on('close', () => keep('closed', ws.url()));
      });
      page.on('request', (r) => { if (r.method() === 'POST' && /\/xhr_send$/.test(r.url())) keep('>', r.postData()); });
      pages.push({ page, who, frames });
    },
    async explain() {
      for (const { page, who, frames } of pages) {
        if (page.isClosed()) continue;
        const read = page.evaluate(() => ({
          conn: document.querySelector('#conn')?.className ?? null,
          toast: document.querySelector('#toast:not([hidden])')?.textContent ?? null,
          dialog: document.querySelector('#dialog-wrap') ? !document.querySelector('#dialog-wrap').hidden : null,
          table: document.querySelector('#table')?.dataset.state ?? null,
        })).catch((e) => ({ unreadable: String(e) }));
        let timer; // a wedged page is not waited for
        const late = new Promise((resolve) => { timer = setTimeout(() => resolve({ unreadable: 'no answer in 5 s' }), 5000); });
        const shown = await Promise.race([read, late]);
        clearTimeout(timer);
        out.errors.push(`${who}: the page showed ${JSON.stringify(shown)}; its last frames:\n  ${frames.join('\n  ')}`);
      }
    },
  };
}
