// Shows audit times (sent in UTC) in the viewer's own time zone; without script they stay in UTC, labelled so.
(function () {
  'use strict';
  document.querySelectorAll('time[data-local-time]').forEach(function (element) {
    var at = new Date(element.getAttribute('datetime'));
    if (isNaN(at)) {
      return;
    }
    element.textContent = at.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
    element.title = element.getAttribute('datetime');
  });
})();
