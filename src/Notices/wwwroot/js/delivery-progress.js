// Live delivery progress (the page works without it: it has a refresh link). Polls the delivery API every two
// seconds and updates the counts, the <progress> value and the texts; announces only changes of state and, every
// thirty seconds, the summary, so a screen reader is not flooded. No inline script or style (CSP).
(function () {
  'use strict';
  var root = document.querySelector('[data-delivery-progress]');
  if (!root || !window.fetch) {
    return;
  }

  var api = root.getAttribute('data-api');
  var bar = root.querySelector('progress');
  var announcer = root.querySelector('[data-field="announcement"]');
  // What the page showed when it loaded: announce only what changes from there.
  var lastAnnounced = Date.now();
  var lastState = root.getAttribute('data-announce-key');

  function n(value) {
    return Number(value).toLocaleString('en-US');
  }

  function time(iso) {
    return new Date(iso).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
  }

  function set(field, text) {
    var element = root.querySelector('[data-field="' + field + '"]');
    if (element) {
      element.textContent = text;
    }
  }

  function update(p) {
    var remaining = p.queued + p.sending + p.deferred;
    var done = p.total - remaining;
    root.querySelectorAll('[data-count]').forEach(function (cell) {
      var key = cell.getAttribute('data-count');
      if (key in p) {
        cell.textContent = n(p[key]);
      }
    });
    bar.max = Math.max(p.total, 1);
    bar.value = p.total === 0 ? 1 : done;
    bar.textContent = p.percentDone + '%';
    var summary = n(done) + ' of ' + n(p.total) + ' recipients done (' + p.percentDone + '%).';
    var state = p.paused ? p.state + ' (paused)' : p.state;
    set('summary', summary);
    set('state', state);
    set('rate', p.ratePerSecond > 0 ? p.ratePerSecond.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + ' messages a second' : 'not sending');
    set('estimatedFinish', p.estimatedFinish ? time(p.estimatedFinish) : (remaining === 0 ? 'finished' : 'unknown'));
    set('updated', '(as of ' + time(new Date().toISOString()) + ')');

    var key = state + (remaining === 0 ? ' finished' : '');
    var now = Date.now();
    if (key !== lastState || now - lastAnnounced > 30000) {
      announcer.textContent = (remaining === 0 ? 'Delivery finished. ' : '') + summary + (key !== lastState ? ' Notice state: ' + state + '.' : '');
      lastAnnounced = now;
      lastState = key;
    }
    return remaining === 0;
  }

  function poll() {
    fetch(api, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (progress) {
        var finished = progress ? update(progress) : false;
        root.setAttribute('data-updated', String(Date.now()));
        if (!finished) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }

  window.setTimeout(poll, 2000);
}());
