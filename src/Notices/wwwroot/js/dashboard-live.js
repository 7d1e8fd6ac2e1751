// Follows a notice's dashboard while it sends (the page works without it: a refresh link, or an opt-in reload).
// Polls the dashboard API every five seconds and updates the numbers in the tables and the bars' lengths, by the
// keys the page writes (data-count, data-bar, data-bar-value). Announces only when sending finishes. No inline
// script or style (CSP): bar lengths are SVG attributes.
(function () {
  'use strict';
  var root = document.querySelector('[data-dashboard-live]');
  if (!root || !window.fetch || root.getAttribute('data-sending') !== 'true') {
    return;
  }

  var api = root.getAttribute('data-api');
  var labelWidth = 180, room = 480 - 180 - 56;

  function n(value) {
    return Number(value).toLocaleString('en-US');
  }

  // The funnel's rows by key, as the page writes them (NoticeResponsesPage.FunnelRows).
  function values(d) {
    var f = d.funnel, v = {};
    Object.keys(f).forEach(function (k) { v['funnel.' + k + '.0'] = f[k]; });
    [['series', 'bySeries'], ['grade', 'byGrade'], ['organization', 'byOrganization'], ['state', 'byDutyState'], ['choice', 'byAnyChoice']].forEach(function (pair) {
      (d.breakdowns[pair[1]] || []).forEach(function (row, i) {
        v[pair[0] + '.' + i + '.0'] = row.volunteered;
        v[pair[0] + '.' + i + '.1'] = row.approved;
      });
    });
    (d.breakdowns.byFirstChoice || []).forEach(function (row, i) {
      v['choice1.' + i + '.0'] = row.volunteered;
      v['choice1.' + i + '.1'] = row.approved;
      v['choice1.' + i + '.2'] = row.openings || 0;
    });
    ['decided', 'open', 'pastReminder', 'pastEscalation'].forEach(function (k) { v['times.' + k] = d.decisionTimes[k]; });
    return v;
  }

  function update(d) {
    var v = values(d);
    root.querySelectorAll('[data-count]').forEach(function (cell) {
      var key = cell.getAttribute('data-count');
      if (key in v) {
        cell.textContent = n(v[key]);
      }
    });
    root.querySelectorAll('svg[data-chart-max]').forEach(function (svg) {
      var max = Number(svg.getAttribute('data-chart-max')) || 1;
      svg.querySelectorAll('rect[data-bar]').forEach(function (bar) {
        var key = bar.getAttribute('data-bar');
        if (key in v) {
          var width = Math.max(0, room * Math.min(v[key], max) / max);
          bar.setAttribute('width', width.toFixed(1));
          var text = svg.querySelector('text[data-bar-value="' + key + '"]');
          if (text) {
            text.textContent = n(v[key]);
            text.setAttribute('x', (labelWidth + width + 4).toFixed(1));
          }
        }
      });
    });
    var asOf = root.querySelector('[data-field="asOf"]');
    if (asOf) {
      asOf.textContent = new Date(d.asOf).toLocaleString();
    }
    if (!d.sending) {
      var announcer = root.querySelector('[data-field="announcement"]');
      if (announcer) {
        announcer.textContent = 'Sending finished. The figures are final until people answer.';
      }
    }
    return d.sending;
  }

  function poll() {
    fetch(api, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (d && update(d)) {
          setTimeout(poll, 5000);
        }
      })
      .catch(function () { setTimeout(poll, 15000); });
  }

  setTimeout(poll, 5000);
})();
