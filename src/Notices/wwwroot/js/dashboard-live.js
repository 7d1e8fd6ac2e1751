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

  function n(value) {
    return Number(value).toLocaleString('en-US');
  }

  // As the page writes them (NoticeResponsesPage.Hours).
  function hours(h) {
    if (h === null || h === undefined) {
      return 'none decided yet';
    }
    if (h < 1) {
      return Math.max(1, Math.round(h * 60)) + ' minutes';
    }
    var one = function (x) { return String(Math.round(x * 10) / 10); };
    return h < 48 ? one(h) + ' hours' : one(h / 24) + ' days';
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
    root.querySelectorAll('[data-chart-max]').forEach(function (chart) {
      var max = Number(chart.getAttribute('data-chart-max')) || 1;
      chart.querySelectorAll('rect[data-bar]').forEach(function (bar) {
        var key = bar.getAttribute('data-bar');
        if (key in v) {
          // The track is 100 units long; the scale stays the one the page was drawn with.
          bar.setAttribute('width', Math.max(0, 100 * Math.min(v[key], max) / max).toFixed(1));
          var value = chart.querySelector('[data-bar-value="' + key + '"]');
          if (value) {
            value.textContent = n(v[key]);
          }
        }
      });
    });
    [['times.median', d.decisionTimes.medianHours], ['times.p90', d.decisionTimes.p90Hours]].forEach(function (pair) {
      var field = root.querySelector('[data-field="' + pair[0] + '"]');
      if (field) {
        field.textContent = hours(pair[1]);
      }
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
