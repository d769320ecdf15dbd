// UI end-to-end scenario of the INSTALLED .vsix in a real VS Code workbench (code-server), driven by Debian's
// chromium through playwright-core, as a person would: open seeds.py, select a seed snippet, right-click →
// Compute Loss, read the inline result, hover a loss name, open the panel, move a parameter slider.
// Usage: node test/e2e/ui-e2e.js [--vsix dist/loss-inspector.vsix]
// Every step is one check; a failed step is counted, screenshotted ($SHOTS/vsix-FAILED-*.png) and the scenario
// goes on with the next step. Ends with "N passed, N failed"; exit 0 only when every step passed.
'use strict';
const path = require('path');
const fs = require('fs');
const L = require('./lib');

const argv = process.argv.slice(2);
const vsix = path.resolve(argv.includes('--vsix') ? argv[argv.indexOf('--vsix') + 1] : path.join(L.REPO, 'dist/loss-inspector.vsix'));
const T = +(process.env.UI_STEP_TIMEOUT_MS || 20000); // per wait; every wait is on a selector/text, never a fixed sleep
const NB = '\u00a0';
const norm = (s) => String(s).replace(/\u00a0/g, ' ');

const times = {};
let server; let browser; let d; let page;

async function cleanup() {
  if (browser) await browser.context.close().catch(() => {});
  if (server) await L.stopProcessGroup(server.proc);
}
L.installExitGuards(cleanup);

const shot = (n) => page.screenshot({ path: L.shotPath(`vsix-${n}.png`), animations: 'disabled' }).catch((e) => console.log(`     (screenshot ${n} failed: ${e.message.split('\n')[0]})`));
const { step, tally } = L.stepRunner({ getPage: () => page, prefix: 'vsix', times });


const { quickInput, viewLine, lineWithDecorations, wordBox } = L.editorHelpers(() => page, T);




const webview = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

(async () => {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found: run npm run package first`);
  d = L.makeSandbox('ui');
  console.log(`     ${L.installVsix(d, vsix)}`);
  server = await L.startCodeServer(d);
  console.log(`     code-server ${server.url} (listening after ${server.listenMs} ms)`);
  browser = await L.launchBrowser(d);
  page = browser.context.pages()[0] || await browser.context.newPage();
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => console.log(`     pageerror: ${e.message.split('\n')[0]}`));

  await step('workbench ready', async () => {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(d.ws)}`, { timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // the explorer lists the fixture => remote connection and file service are up
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'seeds.py' }).waitFor({ timeout: 60000 });
    times.serverStartToWorkbench = Date.now() - server.t0;
  });
  await shot('1-workbench');

  await step('open seeds.py → extension activates (onLanguage:python)', async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } }).catch(() => {});
    const t0 = Date.now();
    await quickInput('seeds.py', 'seeds.py');
    await viewLine(/cross_entropy_loss/).waitFor({ timeout: T });
    // the extension host log names our activation and its event
    const end = Date.now() + T;
    let line;
    while (!(line = L.extHostLog(d).split('\n').find((l) => l.includes(`_doActivateExtension ${L.EXTENSION_ID}`)))) {
      if (Date.now() > end) throw new Error(`${L.EXTENSION_ID} not activated after opening a .py file`);
      await page.waitForTimeout(100);
    }
    times.openToActivated = Date.now() - t0;
    console.log(`     ${line.replace(/^.*ExtensionService#/, '')}`);
    if (!/onLanguage:python/.test(line)) throw new Error(`activated by another event: ${line}`);
  });

  await step('CodeLens "Compute · Plot" above the loss calls', async () => {
    const lens = page.locator('.editor-instance .codelens-decoration', { hasText: /Compute/ }).first();
    await lens.waitFor({ timeout: T });
    // VS Code re-renders CodeLens rows while providers resolve: read the text until it settles (or time out).
    const end = Date.now() + T;
    let txt = '';
    while (!(/Compute/.test(txt) && /Plot/.test(txt)) && Date.now() < end) {
      txt = norm(await lens.innerText().catch(() => ''));
      if (!(/Compute/.test(txt) && /Plot/.test(txt))) await page.waitForTimeout(100);
    }
    if (!/Compute/.test(txt) || !/Plot/.test(txt)) throw new Error(`unexpected CodeLens: ${txt}`);
    console.log(`     codelens: ${txt}`);
  });
  await shot('2-editor');

  await step('select the CCE seed, right-click → Compute Loss → inline 0.2876821', async () => {
    const first = viewLine(new RegExp(`y_true${NB}=${NB}\\[\\[0,${NB}1,${NB}0\\]`));
    await first.click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Home'); // first Home may stop at the indentation; twice lands on column 1
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await page.locator('.editor-instance .selected-text').first().waitFor({ timeout: T });
    await viewLine(/cross_entropy_loss\s*=|cross_entropy_loss\u00a0=/).click({ button: 'right', position: { x: 60, y: 5 } });
    const item = page.getByRole('menuitem', { name: /^(Loss Inspector: )?Compute Loss\b/ });
    await item.waitFor({ timeout: T });
    console.log(`     context menu item: "${(await item.innerText()).trim().split('\n')[0]}"`);
    await shot('3-context-menu');
    await item.click();
    const call = viewLine(/print\(cross_entropy_loss/);
    const end = Date.now() + T;
    let txt = '';
    while (!/→\s*0\.2876821/.test(txt = norm(await lineWithDecorations(call)))) {
      if (Date.now() > end) throw new Error(`no inline result on the call line: "${txt}"`);
      await page.waitForTimeout(100);
    }
    console.log(`     inline: ${txt.slice(txt.indexOf('→'))}`);
  });
  await shot('4-inline-result');

  await step('only the selection was evaluated: no inline result on the MAE call', async () => {
    const other = norm(await lineWithDecorations(viewLine(/print\(mae_loss/)));
    if (other.includes('→')) throw new Error(`the unselected call got a result too: "${other.slice(other.indexOf('→'))}"`);
    const status = page.locator('.statusbar-item', { hasText: /Loss Inspector: \d+ results?/ }).first();
    if (await status.count()) {
      const t = norm(await status.innerText()).trim();
      if (!/Loss Inspector: 1 result\b/.test(t)) throw new Error(`status bar: ${t}`);
    }
  });

  await step('hover CategoricalCrossentropy → docs and image', async () => {
    // A plain click first: after the context menu Monaco may think a button is still down and suppress hovers.
    await viewLine(/^#/).click();
    const line = viewLine(/=\s*CategoricalCrossentropy\(\)|=\u00a0CategoricalCrossentropy\(\)/);
    const box = await wordBox(line, 'CategoricalCrossentropy');
    if (!box) throw new Error('word not rendered');
    await page.mouse.move(box.x + box.w / 2, box.y + box.h / 2, { steps: 3 });
    const hover = page.locator('.monaco-hover', { hasText: 'keras.losses.CategoricalCrossentropy' }).first();
    await hover.waitFor({ timeout: T });
    const img = hover.locator('img[src^="data:image"]').first();
    await img.waitFor({ timeout: T });
    const loaded = await img.evaluate((i) => i.complete && i.naturalWidth > 0);
    if (!loaded) throw new Error('hover image did not load');
    await img.scrollIntoViewIfNeeded().catch(() => {});
    console.log(`     hover: ${norm(await hover.innerText()).replace(/\s+/g, ' ').slice(0, 160)}…`);
  });
  await shot('5-hover');

  await step('palette "Loss Inspector: Open Loss Panel" → panel renders', async () => {
    await page.keyboard.press('Escape');
    await quickInput('>Loss Inspector: Open Loss Panel', 'Open Loss Panel');
    await webview().locator('#loss-select').waitFor({ timeout: T });
    // the panel's tab is "Loss Inspector" when empty, "Loss: <name>" when it shows a call
    await page.locator('.tabs-container .tab', { hasText: /Loss Inspector|Loss: / }).first().waitFor({ timeout: T });
    // after a compute, the palette opens the panel on the latest result (the CCE call), not an empty panel
    await webview().locator('#result-value', { hasText: '0.2876821' }).waitFor({ timeout: T });
  });
  await shot('6-panel-palette');

  await step('decoration link "Open in panel" → #result-value 0.2876821', async () => {
    // close the panel (beside the editor it narrows seeds.py so far that the inline result is off-screen),
    // back to seeds.py, hover the inline result, click the command link of its hover: it reopens the panel
    const panelTab = page.locator('.tabs-container .tab', { hasText: /Loss Inspector|Loss: / }).first();
    if (await panelTab.count()) {
      await panelTab.click({ button: 'middle' }); // middle click closes a tab
      await page.locator('iframe.webview.ready').first().waitFor({ state: 'detached', timeout: T });
    }
    await page.locator('.tabs-container .tab', { hasText: 'seeds.py' }).first().click();
    const call = viewLine(/print\(cross_entropy_loss/);
    await call.waitFor({ timeout: T });
    // the inline result is a span whose ::after carries "→ value": hover its box
    const box = await call.evaluate((el) => {
      for (const sp of el.querySelectorAll('span')) {
        const c = getComputedStyle(sp, '::after').content;
        if ((c && c.includes('\u2192')) || (!sp.children.length && sp.textContent.includes('\u2192'))) { const b = sp.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; }
      }
      return null;
    });
    if (!box) throw new Error('inline result not rendered on the call line');
    await page.mouse.move(box.x + Math.max(box.w, 20) / 2, box.y + box.h / 2, { steps: 3 });
    await page.mouse.move(box.x + Math.max(box.w, 20) / 2 + 2, box.y + box.h / 2, { steps: 2 });
    const link = page.locator('.monaco-hover a', { hasText: 'Open in panel' }).first();
    await link.waitFor({ timeout: T });
    await shot('7-decoration-hover');
    await link.click();
    const value = webview().locator('#result-value');
    await value.waitFor({ timeout: T });
    await page.waitForFunction(() => true); // let the state message land before reading
    const end = Date.now() + T;
    let v = '';
    while ((v = norm(await value.innerText()).trim()) !== '0.2876821') {
      if (Date.now() > end) throw new Error(`#result-value is "${v}"`);
      await page.waitForTimeout(100);
    }
  });
  await shot('8-panel-result');

  await step('the panel links back to the call: seeds.py:9', async () => {
    const src = webview().locator('#open-source');
    await src.waitFor({ timeout: T });
    const txt = norm(await src.innerText()).trim();
    if (txt !== 'seeds.py:9') throw new Error(`source link reads "${txt}", the call is on line 9`);
  });

  await step('result hover "Compare in panel" → the Frameworks view: the rows of the call, its curves', async () => {
    // as for "Open in panel": close the panel, hover the inline result of the CCE call, click the link under its table
    const panelTab = page.locator('.tabs-container .tab', { hasText: /Loss Inspector|Loss: / }).first();
    if (await panelTab.count()) {
      await panelTab.click({ button: 'middle' });
      await page.locator('iframe.webview.ready').first().waitFor({ state: 'detached', timeout: T });
    }
    await page.locator('.tabs-container .tab', { hasText: 'seeds.py' }).first().click();
    const call = viewLine(/print\(cross_entropy_loss/);
    await call.waitFor({ timeout: T });
    const box = await call.evaluate((el) => {
      for (const sp of el.querySelectorAll('span')) {
        const c = getComputedStyle(sp, '::after').content;
        if ((c && c.includes('\u2192')) || (!sp.children.length && sp.textContent.includes('\u2192'))) { const b = sp.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; }
      }
      return null;
    });
    if (!box) throw new Error('inline result not rendered on the call line');
    await page.mouse.move(box.x + Math.max(box.w, 20) / 2, box.y + box.h / 2, { steps: 3 });
    await page.mouse.move(box.x + Math.max(box.w, 20) / 2 + 2, box.y + box.h / 2, { steps: 2 });
    const link = page.locator('.monaco-hover a', { hasText: 'Compare in panel' }).first();
    await link.waitFor({ timeout: T });
    await link.scrollIntoViewIfNeeded();
    await shot('11-result-hover-compare-link');
    await link.click();
    const wv = webview();
    await wv.locator('#frameworks').waitFor({ state: 'visible', timeout: T });
    const selected = await wv.locator('#tab-frameworks').getAttribute('aria-selected');
    if (selected !== 'true') throw new Error(`the Frameworks tab is not selected (${selected})`);
    const rows = wv.locator('#fw-table tbody tr');
    await rows.first().waitFor({ timeout: T });
    const end = Date.now() + T;
    let first = '';
    while ((first = norm(await rows.first().locator('.fw-value').innerText()).trim()) !== '0.2876821') {
      if (Date.now() > end) throw new Error(`the source row reads "${first}", the call gives 0.2876821`);
      await page.waitForTimeout(100);
    }
    const n = await rows.count();
    const text = norm(await wv.locator('#fw-table').innerText());
    if (n < 4 || !/PyTorch/.test(text) || !/optax/.test(text)) throw new Error(`${n} rows: ${text.slice(0, 300)}`);
    const legend = await wv.locator('#chart-frameworks').getAttribute('aria-label');
    if (!legend || !legend.startsWith(`${n} framework rows`)) throw new Error(`chart label: ${legend}`);
    console.log(`     Frameworks view: ${n} rows; ${text.replace(/\s+/g, ' ').slice(0, 140)}…`);
    await page.mouse.move(1000, 60, { steps: 3 });
    await shot('12-panel-frameworks');
    // back to the plots for the steps below
    await wv.locator('#tab-plots').click();
    await wv.locator('#charts').waitFor({ state: 'visible', timeout: T });
  });

  await step('Huber: moving the delta slider changes the value', async () => {
    // the result hover opened on the way may still cover the panel: move away until it hides
    await page.mouse.move(1000, 60, { steps: 3 });
    const hover = page.locator('.monaco-hover:visible');
    if (await hover.count()) await page.keyboard.press('Escape');
    await hover.first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    const wv = webview();
    await wv.locator('#loss-select').selectOption('Huber');
    const delta = wv.locator('input[type="range"][data-param="delta"]').first();
    await delta.waitFor({ timeout: T });
    const value = wv.locator('#result-value');
    const readV = async () => norm(await value.innerText()).trim();
    // wait until the panel shows the Huber evaluation (the loss switch round-trips through the extension host)
    const end0 = Date.now() + T;
    let before = await readV();
    while (!/^-?\d/.test(before) || before === '0.2876821') {
      if (Date.now() > end0) throw new Error(`no Huber value after choosing Huber: "${before}"`);
      await page.waitForTimeout(100); before = await readV();
    }
    await shot('9-panel-huber');
    // as a person would: click the slider at its left end (smallest delta, below every error of the example)
    const deltaBefore = await delta.inputValue();
    const b = await delta.boundingBox();
    await page.mouse.click(b.x + 2, b.y + b.height / 2);
    if (await delta.inputValue() === deltaBefore) throw new Error(`the click did not move the slider (delta ${deltaBefore})`);
    const end = Date.now() + T;
    let after;
    while ((after = await readV()) === before) { if (Date.now() > end) throw new Error(`value stayed ${before} after moving delta`); await page.waitForTimeout(100); }
    console.log(`     Huber value ${before} → ${after} (delta → ${await delta.inputValue()})`);
    if (await wv.locator('#error').isVisible()) throw new Error(`panel shows an error: ${await wv.locator('#error').innerText()}`);
  });
  await shot('10-panel-slider');

  await step('torch snippet: Plot above nn.CrossEntropyLoss opens it on the file\'s tensors, tensor(0.3634); the label_smoothing slider moves it', async () => {
    await page.mouse.move(1000, 60, { steps: 3 });
    await page.keyboard.press('Escape');
    await quickInput('torch_snippet.py', 'torch_snippet.py');
    await viewLine(/criterion/).waitFor({ timeout: T });
    // the lens of this file's editor (seeds.py may still be open beside it, with lenses of its own)
    const plot = page.locator('.editor-instance', { hasText: 'criterion' }).locator('.codelens-decoration a', { hasText: /^\s*Plot\s*$/ }).first();
    await plot.waitFor({ timeout: T });
    await plot.click();
    const wv = webview();
    const value = wv.locator('#result-value');
    const readV = async () => norm(await value.innerText().catch(() => '')).trim();
    const end0 = Date.now() + T;
    let before;
    while ((before = await readV()) !== 'tensor(0.3634)') {
      if (Date.now() > end0) throw new Error(`#result-value is "${before}", torch prints tensor(0.3634)`);
      await page.waitForTimeout(100);
    }
    const title = norm(await wv.locator('#title').innerText()).trim();
    const src = norm(await wv.locator('#open-source').innerText()).trim();
    if (title !== 'nn.CrossEntropyLoss' || src !== 'torch_snippet.py:7') throw new Error(`panel titled "${title}", linked to "${src}"`);
    console.log(`     ${title} ${src}: ${before}; ${norm(await wv.locator('#reduction-text').innerText()).trim()}`);
    await shot('11-panel-torch');
    const ls = wv.locator('input[type="range"][data-param="label_smoothing"]').first();
    await ls.waitFor({ timeout: T });
    const b = await ls.boundingBox();
    await page.mouse.click(b.x + b.width * 0.5, b.y + b.height / 2);
    const end = Date.now() + T;
    let after;
    while ((after = await readV()) === before) { if (Date.now() > end) throw new Error(`value stayed ${before} after moving label_smoothing`); await page.waitForTimeout(100); }
    if (!/^tensor\(\d+\.\d{4}\)$/.test(after)) throw new Error(`after the slider: "${after}"`);
    console.log(`     label_smoothing → ${await ls.inputValue()}: ${before} → ${after}`);
    if (await wv.locator('#error').isVisible()) throw new Error(`panel shows an error: ${await wv.locator('#error').innerText()}`);
  });
  await shot('12-panel-torch-slider');

  times.scenario = Date.now() - server.t0;
  times.memMiB = L.memMiB(d);
  console.log(`     timings ${JSON.stringify(times)}`);
})().catch((e) => { tally.failed++; console.log(`FAIL scenario: ${e.stack || e}`); }).finally(async () => {
  await cleanup();
  if (d) L.dropSandbox(d, !tally.failed);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed ? 1 : 0);
});
