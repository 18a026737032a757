// GridPACS: our page beside the viewer. Reads GET /api/nodes and GET /dose/jobs every few seconds, submits a dose
// job (POST /dose/jobs) and cancels one (DELETE /dose/jobs/{id}). Text goes in through textContent only.
'use strict';

const REFRESH_MS = 3000;

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text == null ? '' : String(text);
  if (className) td.className = className;
  return td;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : 'never';
}

async function getJson(url, options) {
  const response = await fetch(url, Object.assign({ headers: { Accept: 'application/json' } }, options || {}));
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const reason = body && body.error ? body.error : response.statusText;
    const error = new Error(response.status + ' ' + reason);
    error.status = response.status;
    throw error;
  }
  return body;
}

function status(id, text, isError) {
  const p = document.getElementById(id);
  p.textContent = text;
  p.classList.toggle('error', !!isError);
}

async function showNodes() {
  try {
    const body = await getJson('/api/nodes');
    const tbody = document.querySelector('#nodes tbody');
    tbody.replaceChildren();
    for (const n of body.nodes) {
      const row = tbody.insertRow();
      cell(row, n.name + (n.self ? ' (this node)' : ''));
      cell(row, n.state, 'state-' + n.state);
      cell(row, n.dicom);
      cell(row, n.http);
      cell(row, when(n.lastSeen));
    }
    status('nodes-status', body.nodes.length + ' node(s), ' + new Date().toLocaleTimeString());
  } catch (e) {
    status('nodes-status', 'Cannot list the nodes: ' + e.message, true);
  }
}

async function cancel(id) {
  try {
    await getJson('/dose/jobs/' + encodeURIComponent(id), { method: 'DELETE' });
  } catch (e) {
    status('jobs-status', 'Cannot cancel ' + id + ': ' + e.message, true);
  }
  showJobs();
}

async function showJobs() {
  try {
    const body = await getJson('/dose/jobs');
    const tbody = document.querySelector('#jobs tbody');
    tbody.replaceChildren();
    for (const j of body.jobs) {
      const row = tbody.insertRow();
      row.dataset.job = j.id;
      cell(row, j.id.substring(0, 8), 'uid').title = j.id;
      cell(row, j.state, 'state-' + j.state);
      const p = row.insertCell();
      const bar = document.createElement('progress');
      bar.max = 1;
      bar.value = j.progress || 0;
      p.append(bar, ' ' + Math.round((j.progress || 0) * 100) + '%'
          + (j.etaSeconds != null ? ', ' + Math.round(j.etaSeconds) + ' s left' : ''));
      const study = cell(row, '', 'uid');
      const link = document.createElement('a');
      link.href = '/viewer?StudyInstanceUIDs=' + encodeURIComponent(j.study);
      link.textContent = j.study;
      study.append(link);
      cell(row, j.error || j.detail || '');
      cell(row, when(j.created));
      const actions = row.insertCell();
      if (j.state === 'QUEUED' || j.state === 'RUNNING') {
        const b = document.createElement('button');
        b.textContent = 'Cancel';
        b.addEventListener('click', () => cancel(j.id));
        actions.append(b);
      }
    }
    status('jobs-status', body.jobs.length + ' job(s), ' + new Date().toLocaleTimeString());
  } catch (e) {
    status('jobs-status', e.status === 404 ? 'The dose service is not enabled on this node.'
        : 'Cannot list the dose jobs: ' + e.message, true);
  }
}

document.getElementById('submit').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const request = { study: form.study.value.trim() };
  if (form.plan.value.trim()) request.plan = form.plan.value.trim();
  if (form.uncertainty.value) request.uncertainty = Number(form.uncertainty.value);
  try {
    const job = await getJson('/dose/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(request),
    });
    status('submit-status', 'Job ' + job.id + ' ' + job.state);
  } catch (e) {
    status('submit-status', 'Refused: ' + e.message, true);
  }
  showJobs();
});

showNodes();
showJobs();
setInterval(() => { showNodes(); showJobs(); }, REFRESH_MS);
