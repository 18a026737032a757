// Drives Debian's chromium (puppeteer-core, no browser download) through the OHIF viewer of an archive node, as a
// person would: our page (/admin/), the study list, a CT study (the image drawn: not blank), a CT + RT Dose study
// (the dose drawn over the CT in colour). Run by ViewerBrowserTest:
//
//   node viewer-test.mjs ORIGIN OUTDIR CT_STUDY_UID DOSE_STUDY_UID "CT_PATIENT_ID|DOSE_PATIENT_ID"
//
// Writes OUTDIR/result.json (every step: ok, detail), OUTDIR/requests.jsonl (every DICOMweb request OHIF sent:
// method, path and query, Accept), OUTDIR/console.log and screenshots OUTDIR/*.png. Stops at the first step that
// fails (the later ones need it); exits 0 whatever the outcome: the Java test judges result.json.
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [origin, outDir, ctStudy, doseStudy, names] = process.argv.slice(2);
const patientNames = (names || '').split('|').filter(Boolean);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
fs.mkdirSync(outDir, { recursive: true });

const result = { steps: [], origin, started: new Date().toISOString() };
const requests = fs.createWriteStream(path.join(outDir, 'requests.jsonl'));
const consoleLog = fs.createWriteStream(path.join(outDir, 'console.log'));
const save = () => fs.writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(result, null, 2));

function step(name, ok, detail) {
  result.steps.push({ name, ok, detail });
  save();
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${JSON.stringify(detail)}`);
  if (!ok) throw new Error(`step ${name} failed`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() until it returns a truthy value or the time is up; the last value either way. */
async function until(fn, timeoutMs, everyMs = 500) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last && last.ok !== false) return last;
    await sleep(everyMs);
  }
  return last;
}

/** Statistics of the pixels of the largest cornerstone canvas, from a screenshot of its box. */
async function viewportPixels(page, shotName) {
  const box = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll('canvas.cornerstone-canvas, [data-cy="viewport-pane"] canvas')];
    let best = null;
    for (const c of canvases) {
      const r = c.getBoundingClientRect();
      if (r.width * r.height > 0 && (!best || r.width * r.height > best.width * best.height)) {
        best = { x: r.x, y: r.y, width: r.width, height: r.height };
      }
    }
    return best;
  });
  if (!box) return { ok: false, reason: 'no viewport canvas on the page' };
  const png = await page.screenshot({ clip: box, encoding: 'base64' });
  if (shotName) fs.writeFileSync(path.join(outDir, shotName), Buffer.from(png, 'base64'));
  const stats = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + data;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0, sum = 0, sum2 = 0, coloured = 0;
    const hues = { red: 0, yellow: 0, green: 0, blue: 0 };
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i], gg = d[i + 1], b = d[i + 2];
      const grey = (r + gg + b) / 3;
      n++; sum += grey; sum2 += grey * grey;
      if (Math.max(r, gg, b) - Math.min(r, gg, b) > 60) {
        coloured++;
        if (r > gg + 40 && r > b + 40) hues.red++;
        else if (r > b + 40 && gg > b + 40) hues.yellow++;
        else if (gg > r + 40 && gg > b + 40) hues.green++;
        else if (b > r + 40) hues.blue++;
      }
    }
    const mean = sum / n;
    // the dose colours (Isodose: green, yellow, orange, red); blue is OHIF's own (active viewport frame, icons)
    const doseColoured = hues.red + hues.yellow + hues.green;
    return { width: c.width, height: c.height, mean, variance: sum2 / n - mean * mean, coloured,
      colouredFraction: doseColoured / n, hues };
  }, png);
  return stats;
}

const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--ignore-gpu-blocklist', '--window-size=1400,900'],
  defaultViewport: { width: 1400, height: 900 },
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
  page.on('requestfailed', (r) => consoleLog.write(`[requestfailed] ${r.url()} ${r.failure()?.errorText}\n`));
  // development aid (VIEWER_TEST_DICOMWEB, see ViewerBrowserTest): DICOMweb answered by another server
  const elsewhere = process.env.VIEWER_TEST_DICOMWEB;
  if (elsewhere) {
    await page.setRequestInterception(true);
    page.on('request', async (r) => {
      const u = new URL(r.url());
      if (u.origin !== origin || !(u.pathname.startsWith('/dicom-web') || u.pathname === '/wado')) {
        return r.continue();
      }
      try {
        const headers = { ...r.headers() };
        delete headers.host;
        const answer = await fetch(elsewhere + u.pathname + u.search,
          { method: r.method(), headers, body: r.postData() });
        const body = Buffer.from(await answer.arrayBuffer());
        await r.respond({ status: answer.status, body,
          headers: { 'content-type': answer.headers.get('content-type') || 'application/octet-stream' } });
      } catch (e) {
        consoleLog.write(`[proxy] ${u.pathname}: ${e}\n`);
        await r.abort();
      }
    });
  }
  const dicomWeb = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin && (u.pathname.startsWith('/dicom-web') || u.pathname === '/wado')) {
      const entry = { method: r.method(), url: u.pathname + u.search, accept: r.headers()['accept'] || null };
      dicomWeb.push(entry);
      requests.write(JSON.stringify(entry) + '\n');
    }
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin && u.pathname.startsWith('/dicom-web')) {
      consoleLog.write(`[dicom-web] ${r.status()} ${u.pathname}${u.search}\n`);
    }
  });

  // 1. our page beside the viewer (the nodes from GET /api/nodes, the dose jobs), then its link to the study list
  await page.goto(origin + '/admin/', { waitUntil: 'domcontentloaded', timeout: 30000 });
  const admin = await until(() => page.evaluate(() => {
    const nodes = document.querySelectorAll('#nodes tbody tr').length;
    const jobs = document.getElementById('jobs-status').textContent;
    const link = document.querySelector('a[href="/"]');
    return { ok: nodes > 0 && !jobs.startsWith('Loading') && !!link, nodes, jobs, link: link && link.textContent };
  }), 20000);
  await page.screenshot({ path: path.join(outDir, '0-admin.png') });
  step('admin-page', admin.ok, admin);
  await Promise.all([page.waitForNavigation({ timeout: 30000 }), page.click('a[href="/"]')]);

  // 2. the study list: our app-config, isolated, a link back to our page, the QIDO study search sent, our patients
  const config = await until(() => page.evaluate(() => window.config && {
    name: window.config.name, qidoRoot: window.config.dataSources?.[0]?.configuration?.qidoRoot,
    crossOriginIsolated: window.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
  }), 30000);
  step('app-config', !!config && config.name === 'gridpacs' && config.qidoRoot === '/dicom-web', config);
  // a person would dismiss OHIF's first-visit tour and its investigational-use notice once: they cover the image
  await page.evaluate(() => {
    localStorage.setItem('shownTours', JSON.stringify(['basicViewerTour']));
    localStorage.setItem('investigationalUseDialog', JSON.stringify({ expiryDate: '2999-01-01T00:00:00Z' }));
    sessionStorage.setItem('investigationalUseDialog', 'hidden');
  });
  step('cross-origin-isolated', config.crossOriginIsolated === true && config.sharedArrayBuffer, config);
  const back = await until(() => page.$('a[href="/admin/"]'), 20000);
  step('viewer-links-to-admin', !!back, {});
  const search = await until(() => dicomWeb.find((r) => r.url.startsWith('/dicom-web/studies?')), 30000);
  step('qido-study-search-sent', !!search, search || dicomWeb);
  await sleep(1000);
  await page.screenshot({ path: path.join(outDir, '1-study-list.png') });
  const listed = await until(() => page.evaluate((names) => {
    const text = document.body.innerText.toUpperCase();
    const rows = document.querySelectorAll('[data-cy="study-list-results"] > tr').length;
    const missing = names.filter((n) => !text.includes(n.toUpperCase()));
    return { ok: missing.length === 0, rows, missing };
  }, patientNames), 30000);
  await page.screenshot({ path: path.join(outDir, '1-study-list.png') });
  step('study-list-rows', listed.ok, listed);

  // the MRN filter (OHIF sends 00100020=*VCT1*): only the CT patient's rows remain
  const [ctPatient, dosePatient] = patientNames;
  const mrn = await page.evaluateHandle(() => {
    // the filter box under the column header "MRN"
    const label = [...document.querySelectorAll('div, span, label, th')]
      .find((e) => e.childElementCount <= 1 && e.innerText && e.innerText.trim() === 'MRN');
    let box = label;
    while (box && !box.querySelector('input')) box = box.parentElement;
    return box ? box.querySelector('input') : null;
  });
  step('study-list-mrn-filter-box', !!(await mrn.evaluate((e) => !!e)), {});
  await mrn.type(ctPatient);
  const filtered = await until(() => page.evaluate((keep, drop) => {
    const rows = [...document.querySelectorAll('[data-cy="study-list-results"] > tr')].map((r) => r.innerText);
    const text = rows.join('\n').toUpperCase();
    return { ok: text.includes(keep.toUpperCase()) && !text.includes(drop.toUpperCase()), rows: rows.length };
  }, ctPatient, dosePatient), 20000);
  await page.screenshot({ path: path.join(outDir, '1-study-list-filtered.png') });
  step('study-list-filter', filtered.ok, filtered);

  // 3. the CT study, as a person opens it: its row, then the Basic Viewer button (OHIF fetches its series first)
  const row = await page.evaluateHandle((keep) => [...document.querySelectorAll('[data-cy="study-list-results"] > tr')]
    .find((r) => r.innerText.toUpperCase().includes(keep.toUpperCase())), ctPatient);
  await row.click();
  const open = await page.waitForSelector(`[data-cy="mode-viewer-${ctStudy}"]`, { timeout: 20000 }).catch(() => null);
  step('study-row-expanded', !!open, { button: `mode-viewer-${ctStudy}` });
  await page.screenshot({ path: path.join(outDir, '1-study-row.png') });
  await Promise.all([page.waitForNavigation({ timeout: 30000 }).catch(() => null), open.click()]);
  step('viewer-opened', page.url().includes('/viewer') && page.url().includes(ctStudy), { url: page.url() });
  const ct = await until(async () => {
    const s = await viewportPixels(page);
    return s && s.variance > 50 ? s : { ...s, ok: false };
  }, 90000, 1000);
  await sleep(1500);
  const ctFinal = await viewportPixels(page, '2-ct.png');
  await page.screenshot({ path: path.join(outDir, '2-ct-page.png') });
  step('ct-image-drawn', !!ct && ct.ok !== false && ctFinal.variance > 50, ctFinal);
  step('ct-image-grey', ctFinal.colouredFraction < 0.002, ctFinal);

  // 4. the CT + RT Dose study: the dose added as a layer over the CT, as the viewport's Data Overlay menu does
  // ("+ Foreground", then the RTDOSE series), and drawn in the Isodose colours
  await page.goto(origin + '/viewer?StudyInstanceUIDs=' + encodeURIComponent(doseStudy),
    { waitUntil: 'domcontentloaded', timeout: 60000 });
  const background = await until(async () => {
    const s = await viewportPixels(page);
    return s && s.variance > 50 ? s : { ...s, ok: false };
  }, 90000, 1000);
  step('dose-study-ct-drawn', !!background && background.ok !== false, background);
  const displaySets = await until(() => page.evaluate(() => {
    const sets = window.services?.displaySetService?.getActiveDisplaySets() || [];
    const list = sets.map((d) => ({ uid: d.displaySetInstanceUID, modality: d.Modality,
      frameOfReference: d.FrameOfReferenceUID, images: d.numImageFrames || d.instances?.length }));
    return { ok: list.some((d) => d.modality === 'RTDOSE') && list.some((d) => d.modality === 'CT'), list };
  }), 30000);
  step('dose-display-set', displaySets.ok, displaySets);
  const added = await page.evaluate(() => {
    const dose = window.services.displaySetService.getActiveDisplaySets().find((d) => d.Modality === 'RTDOSE');
    const { activeViewportId } = window.services.viewportGridService.getState();
    window.commandsManager.runCommand('addDisplaySetAsLayer',
      { viewportId: activeViewportId, displaySetInstanceUID: dose.displaySetInstanceUID });
    return { viewportId: activeViewportId, dose: dose.displaySetInstanceUID };
  });
  const overlay = await until(async () => {
    const s = await viewportPixels(page);
    return s && s.colouredFraction > 0.01 ? s : { ...s, ok: false };
  }, 120000, 1000);
  await sleep(1500);
  const firstSlice = await viewportPixels(page, '3-ct-dose-first-slice.png');
  step('dose-overlay-drawn', !!overlay && overlay.ok !== false && firstSlice.colouredFraction > 0.01,
    { added, pixels: firstSlice });

  // 5. the slice through the dose maximum (the middle one): the Isodose colour map's high band (red) inside the
  // low one (green), so a dose distribution and not a flat wash (OHIF bug #5463; the first slice, ~8 Gy at most,
  // is all green)
  const centre = await page.evaluate(() => {
    const c = document.querySelector('canvas.cornerstone-canvas').getBoundingClientRect();
    return { x: c.x + c.width / 2, y: c.y + c.height / 2 };
  });
  await page.mouse.move(centre.x, centre.y);
  // to the middle slice: one wheel step is one slice
  for (let i = 0; i < 9; i++) {
    await page.mouse.wheel({ deltaY: 120 });
    await sleep(300);
  }
  const middle = await until(async () => {
    const s = await viewportPixels(page);
    return s && s.hues.red > 0.01 * s.width * s.height ? s : { ...s, ok: false };
  }, 30000, 1000);
  await sleep(1500);
  const doseFinal = await viewportPixels(page, '4-ct-dose-middle.png');
  await page.screenshot({ path: path.join(outDir, '4-ct-dose-page.png') });
  step('dose-isodose-bands', !!middle && middle.ok !== false && doseFinal.hues.green > 0
    && doseFinal.hues.red > 0.01 * doseFinal.width * doseFinal.height, doseFinal);
} catch (e) {
  result.error = String(e && e.stack || e);
} finally {
  result.ended = new Date().toISOString();
  save();
  requests.end();
  consoleLog.end();
  await browser.close();
}
