// The help-desk page: starts an integration and draws its race from the server-sent events.
'use strict';
(function () {
  const PHASES = ['RESOLVE', 'CONNECT', 'TLS', 'GREETING', 'LOGIN'];
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const form = document.getElementById('form');
  const message = document.getElementById('message');
  let rows = [];
  let scale = 1000;
  let source = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function legend() {
    const box = document.getElementById('legend');
    box.textContent = '';
    PHASES.forEach(function (phase) {
      const item = el('span');
      const swatch = el('i', 'segment ' + phase);
      swatch.classList.add(phase);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(phase.toLowerCase()));
      box.appendChild(item);
    });
    box.querySelectorAll('i').forEach(function (i) { i.style.position = 'static'; });
  }

  function rescale(t) {
    if (t > scale * 0.9) {
      scale = Math.max(scale * 2, t * 1.2);
      rows.forEach(function (row) { row.segments.forEach(place); });
    }
  }

  function place(segment) {
    const end = segment.end === null ? segment.now : segment.end;
    segment.node.style.left = (100 * segment.start / scale) + '%';
    segment.node.style.width = Math.max(0.4, 100 * (end - segment.start) / scale) + '%';
  }

  function start(event) {
    const list = document.getElementById('rows');
    list.textContent = '';
    rows = event.candidates.map(function (candidate) {
      const item = el('li', 'row waiting');
      item.dataset.index = candidate.index;
      item.appendChild(el('span', 'label', candidate.protocol + ' ' + candidate.security.replace('_', ' ').toLowerCase()
          + '  ' + candidate.host + ':' + candidate.port));
      const track = el('span', 'track');
      item.appendChild(track);
      const outcome = el('span', 'outcome', 'waiting');
      item.appendChild(outcome);
      const detail = el('span', 'detail');
      item.appendChild(detail);
      list.appendChild(item);
      return { item: item, track: track, outcome: outcome, detail: detail, segments: [], open: null };
    });
    document.getElementById('race').hidden = false;
  }

  function handle(event) {
    rescale(event.t);
    document.getElementById('clock').textContent = '(' + event.t + ' ms)';
    const row = rows[event.index];
    if (event.type === 'start') {
      start(event);
    } else if (event.type === 'attempt-start' && row) {
      row.item.className = 'row running';
      row.outcome.textContent = 'running';
    } else if (event.type === 'phase-start' && row) {
      const node = el('span', 'segment running ' + event.phase);
      node.title = event.phase.toLowerCase() + ' from ' + event.t + ' ms';
      row.track.appendChild(node);
      row.open = { node: node, start: event.t, end: null, now: event.t };
      row.segments.push(row.open);
      place(row.open);
    } else if (event.type === 'phase-end' && row && row.open) {
      row.open.end = event.t;
      row.open.node.classList.remove('running');
      row.open.node.title += ' to ' + event.t + ' ms';
      place(row.open);
      row.open = null;
    } else if (event.type === 'attempt-end' && row) {
      row.item.className = 'row ' + event.outcome;
      row.outcome.textContent = event.outcome;
      row.detail.textContent = event.detail;
    } else if (event.type === 'end') {
      finish(event);
    } else if (event.type === 'error') {
      message.textContent = event.message;
      stop();
    }
    rows.forEach(function (r) { if (r.open) { r.open.now = event.t; place(r.open); } });
  }

  function finish(event) {
    if (event.selected >= 0 && rows[event.selected]) rows[event.selected].item.classList.add('winner');
    document.getElementById('headline').textContent = event.integrated ? 'Integrated' : 'Not integrated';
    document.getElementById('explanation').textContent = event.explanation;
    document.getElementById('download').href = event.result;
    document.getElementById('verdict').hidden = false;
    stop();
  }

  function stop() {
    if (source) source.close();
    source = null;
    document.getElementById('start').disabled = false;
  }

  form.addEventListener('submit', function (submit) {
    submit.preventDefault();
    message.textContent = '';
    document.getElementById('verdict').hidden = true;
    const data = new FormData(form);
    const body = {};
    data.forEach(function (value, key) { body[key] = value; });
    document.getElementById('secret').value = '';
    scale = 1000;
    document.getElementById('start').disabled = true;
    fetch('/integrations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (answer) {
      if (!answer.ok) {
        message.textContent = answer.json.error;
        stop();
        return;
      }
      document.body.dataset.integration = answer.json.id;
      source = new EventSource(answer.json.events);
      source.onmessage = function (message) { handle(JSON.parse(message.data)); };
      source.onerror = function () { if (source && document.getElementById('verdict').hidden) stop(); };
    }).catch(function () {
      message.textContent = 'The server did not answer.';
      stop();
    });
  });
  legend();
}());
