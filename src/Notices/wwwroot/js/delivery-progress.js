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

  // As the page writes it (ZonedTime.Format): "Friday 8 January 2027, 5:00 PM Central", in the notice's zone.
  var zone = root.getAttribute('data-time-zone') || 'UTC';
  var zoneName = root.getAttribute('data-zone-name') || 'UTC';
  function time(iso, seconds) {
    var options = { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true };
    if (seconds) {
      options.second = '2-digit';
    }
    var parts = {};
    new Intl.DateTimeFormat('en-US', options).formatToParts(new Date(iso)).forEach(function (part) {
      parts[part.type] = part.value;
    });
    return parts.weekday + ' ' + parts.day + ' ' + parts.month + ' ' + parts.year + ', ' + parts.hour + ':' + parts.minute
      + (seconds ? ':' + parts.second : '') + ' ' + parts.dayPeriod + ' ' + zoneName;
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
    // The rate shows only while sending (the page leaves it out otherwise).
    var rate = root.querySelector('[data-field="rate"]');
    if (rate) {
      rate.parentNode.hidden = remaining === 0 || p.paused || p.state !== 'released';
    }
    set('rate', p.ratePerSecond > 0 ? p.ratePerSecond.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + ' messages a second' : 'not sending');
    set('estimatedFinish', p.estimatedFinish ? time(p.estimatedFinish, false) : (remaining === 0 ? 'finished' : 'unknown'));
    set('updated', '(as of ' + time(new Date().toISOString(), true) + ')');

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
