// The lead board: leads grouped by tier, a detail panel with the evidence,
// feedback buttons, live updates over server-sent events. Plain DOM, no build
// step; every value from the server is set as text, never parsed as HTML.
const TIERS = ['qualified', 'nurturing', 'unqualified'];
const PER_COLUMN = 60;
const leads = new Map();
let openId = null;

// The write token: from the link `leadwire start` prints (#token=...), kept for
// this tab only and removed from the address bar so it is not shared by accident.
const TOKEN_KEY = 'leadwire.token';
(function takeTokenFromHash() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
})();

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svg(tag, attrs = {}) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const fmtTime = (ms) => (ms ? new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '');
const trendText = (l) => (l.trend === 'new' ? 'new' : l.trend === 'up' ? `▲ ${l.delta}` : l.trend === 'down' ? `▼ ${Math.abs(l.delta)}` : '＝');
const signalName = (id) => id.replace(/^implicit:/, '').replaceAll('_', ' ');

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
}

function feedbackButtons(lead, labels) {
  return el('div', { class: 'actions' }, labels.map((label) => el('button', {
    class: 'fb', type: 'button', 'data-label': label, 'aria-pressed': lead.label === label ? 'true' : 'false',
    title: `mark this lead ${label}`,
    onclick: (ev) => { ev.stopPropagation(); void sendFeedback(lead.conversationId, label, ev.currentTarget); },
  }, label === 'good' ? '✓ good' : label === 'bad' ? '✗ bad' : label)));
}

function card(lead, fresh) {
  const reasons = el('ul', { class: 'reasons' }, lead.topReasons.map((r) => el('li', {},
    el('span', { class: 'sig' }, signalName(r.signal)),
    el('span', { class: `pts${r.points < 0 ? ' neg' : ''}` }, `${r.points > 0 ? '+' : ''}${r.points.toFixed(1)}`),
    r.quote ? el('span', { class: 'quote' }, `“${r.quote}”`) : null)));
  return el('li', {
    class: `card${fresh ? ' fresh' : ''}`, tabindex: 0, 'data-id': lead.conversationId, 'data-tier': lead.tier,
    onclick: () => openDetail(lead.conversationId),
    onkeydown: (ev) => { if (ev.key === 'Enter') openDetail(lead.conversationId); },
  },
  el('div', { class: 'card-head' },
    el('span', { class: 'score' }, Math.round(lead.score)),
    el('span', { class: 'trend', 'data-trend': lead.trend }, trendText(lead)),
    el('span', { class: 'cid' }, `#${lead.conversationId}`)),
  el('div', { class: 'meta' },
    el('span', { class: 'pill' }, lead.language),
    el('span', {}, `${Math.round(lead.probability * 100)}%`),
    lead.seller ? el('span', { class: 'pill' }, lead.seller) : null,
    lead.label ? el('span', { class: `pill label-${lead.label}`, 'data-role': 'label' }, lead.label) : null,
    lead.degraded ? el('span', { class: 'pill degraded', title: 'the LLM was unavailable; rules only' }, 'rules only') : null,
    el('span', {}, fmtTime(lead.updatedAt))),
  lead.topReasons.length ? reasons : el('div', { class: 'meta' }, 'no positive signals'),
  feedbackButtons(lead, ['good', 'bad']));
}

const freshIds = new Set();
function render() {
  const byTier = Object.fromEntries(TIERS.map((t) => [t, []]));
  for (const l of leads.values()) (byTier[l.tier] ?? byTier.unqualified).push(l);
  for (const t of TIERS) {
    const list = byTier[t].sort((a, b) => b.score - a.score || b.updatedAt - a.updatedAt);
    const ol = document.querySelector(`[data-cards="${t}"]`);
    const items = list.slice(0, PER_COLUMN).map((l) => card(l, freshIds.has(l.conversationId)));
    if (list.length > PER_COLUMN) items.push(el('li', { class: 'more' }, `${list.length - PER_COLUMN} more (GET /leads?tier=${t})`));
    if (list.length === 0) items.push(el('li', { class: 'empty' }, 'none yet'));
    ol.replaceChildren(...items);
    document.querySelector(`[data-count="${t}"]`).textContent = String(list.length);
  }
  freshIds.clear();
  const q = byTier.qualified.length;
  document.getElementById('stats').textContent = `${leads.size} conversations scored · ${q} qualified`;
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { const err = new Error(body.message || `HTTP ${res.status}`); err.status = res.status; throw err; }
  return body;
}

async function loadAll() {
  let cursor = null;
  const seen = [];
  do {
    const page = await api(`/leads?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    seen.push(...page.leads);
    cursor = page.nextCursor;
  } while (cursor && seen.length < 2000);
  // A live update may have arrived while the pages loaded: keep the newer one.
  for (const l of seen) {
    const cur = leads.get(l.conversationId);
    if (!cur || cur.updatedAt <= l.updatedAt) leads.set(l.conversationId, l);
  }
  render();
}

async function sendFeedback(conversationId, label, button) {
  let token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    token = prompt('API token (LEADWIRE_API_TOKEN) to send feedback:');
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token.trim());
    token = token.trim();
  }
  if (button) button.disabled = true;
  try {
    await api('/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ conversationId, label, actor: 'board' }),
    });
    const l = leads.get(conversationId);
    if (l) { l.label = label; scheduleRender(); }
    toast(`#${conversationId} marked ${label}`);
    if (openId === conversationId) void openDetail(conversationId);
  } catch (err) {
    if (err.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    toast(`feedback not sent: ${err.message}`);
  } finally {
    if (button) button.disabled = false;
  }
}

function sparkline(history) {
  const w = 480; const h = 70; const pad = 6;
  const s = svg('svg', { class: 'spark', width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': 'score history' });
  if (history.length === 0) return s;
  const xs = history.length === 1 ? [w / 2] : history.map((_, i) => pad + (i * (w - 2 * pad)) / (history.length - 1));
  const ys = history.map((p) => h - pad - (p.score / 100) * (h - 2 * pad));
  s.append(svg('polyline', { points: xs.map((x, i) => `${x.toFixed(1)},${ys[i].toFixed(1)}`).join(' ') }));
  xs.forEach((x, i) => {
    const c = svg('circle', { cx: x.toFixed(1), cy: ys[i].toFixed(1), r: 3 });
    const title = svg('title');
    title.textContent = `${history[i].score.toFixed(1)} (${history[i].tier}) v${history[i].snapshotVersion} · ${fmtTime(history[i].at)}`;
    c.append(title);
    s.append(c);
  });
  return s;
}

function reasonList(rs) {
  if (!rs.length) return el('p', { class: 'empty' }, 'none');
  return el('ul', { class: 'evidence' }, rs.map((r) => el('li', {},
    el('b', {}, signalName(r.signal)), ` (${r.kind}, ${r.points > 0 ? '+' : ''}${r.points.toFixed(1)})`,
    r.quote ? el('span', { class: 'quote' }, `“${r.quote}”${r.messageId ? ` — message ${r.messageId}` : ''}`) : null)));
}

async function openDetail(id) {
  openId = id;
  const panel = document.getElementById('detail');
  const body = document.getElementById('detail-body');
  let d;
  try { d = await api(`/leads/${encodeURIComponent(id)}`); } catch (err) { toast(err.message); return; }
  if (openId !== id) return;
  body.replaceChildren(
    el('h3', {}, `Conversation #${d.conversationId}`),
    el('div', {}, el('span', { class: `big tier-${d.tier}` }, Math.round(d.score)), ' ',
      el('span', { class: `tier-${d.tier}`, 'data-role': 'tier' }, d.tier), ` · ${Math.round(d.probability * 100)}% · ${d.language}`,
      d.previousTier && d.previousTier !== d.tier ? ` · was ${d.previousTier}` : '',
      d.label ? el('span', { class: `pill label-${d.label}` }, d.label) : null),
    el('h4', {}, `Score history (${d.history.length})`), sparkline(d.history),
    feedbackButtons(d, ['good', 'bad', 'won', 'lost']),
    el('h4', {}, 'Why: positive'), reasonList(d.reasons.positive),
    el('h4', {}, 'Against'), reasonList(d.reasons.negative),
    el('h4', {}, 'Signals and evidence'),
    el('ul', { class: 'evidence' }, d.signals.map((s) => el('li', {},
      el('b', {}, signalName(s.id)), ` ${s.category} · ${s.source} · confidence ${s.confidence.toFixed(2)}${s.value !== undefined ? ` · value ${s.value}` : ''}`,
      s.evidence.slice(0, 3).map((e) => el('span', { class: 'quote' }, `“${e.quote}”`))))),
    el('h4', {}, 'Events'),
    d.events.length ? el('ul', { class: 'events' }, d.events.map((e) => el('li', {},
      `${fmtTime(e.at)} ${e.type} (${e.fromTier ?? '—'} → ${e.toTier})`,
      e.actions.length ? ` · ${e.actions.map((a) => a.type + (a.seller ? ` ${a.seller}` : '')).join(', ')}` : ''))) : el('p', { class: 'empty' }, 'none'),
    el('h4', {}, `Transcript (last ${d.transcript.length}${d.transcriptOmitted ? `, ${d.transcriptOmitted} earlier not shown` : ''})`),
    d.transcript.length ? el('div', { class: 'transcript' }, d.transcript.map((m) => el('div', { class: `msg ${m.role}` },
      m.text, el('span', { class: 'when' }, `${m.role} · ${fmtTime(m.at)}`)))) : el('p', { class: 'empty' }, 'not available'),
    el('h4', {}, 'Feedback'),
    d.feedback.length ? el('ul', { class: 'feedback' }, d.feedback.map((f) => el('li', {}, `${fmtTime(f.at)} ${f.label} by ${f.actor}${f.reason ? `: ${f.reason}` : ''}`))) : el('p', { class: 'empty' }, 'none yet'),
  );
  panel.hidden = false;
}

document.getElementById('detail-close').addEventListener('click', () => { openId = null; document.getElementById('detail').hidden = true; });
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { openId = null; document.getElementById('detail').hidden = true; } });

function connect() {
  const conn = document.getElementById('conn');
  const text = document.getElementById('conn-text');
  const es = new EventSource('/events');
  es.addEventListener('open', () => { conn.dataset.state = 'live'; text.textContent = 'live'; });
  es.addEventListener('error', () => { conn.dataset.state = 'offline'; text.textContent = 'reconnecting…'; });
  es.addEventListener('lead', (ev) => {
    const l = JSON.parse(ev.data);
    const before = leads.get(l.conversationId);
    if (!before || before.tier !== l.tier || before.score !== l.score) freshIds.add(l.conversationId);
    leads.set(l.conversationId, l);
    scheduleRender();
    if (openId === l.conversationId) void openDetail(l.conversationId);
  });
  es.addEventListener('feedback', (ev) => {
    const f = JSON.parse(ev.data);
    const l = leads.get(f.conversationId);
    if (l) { l.label = f.label; scheduleRender(); }
  });
}

// Subscribe first so nothing scored during the initial load is missed.
connect();
loadAll().catch((err) => toast(`could not load leads: ${err.message}`));
