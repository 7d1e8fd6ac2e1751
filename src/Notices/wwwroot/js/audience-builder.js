// Live counts for the audience builder (/notices/{id}/audience). The page works without this script: its
// "Update count" button posts the form and the server answers the same count, breakdown and warnings. Here, each
// change to a field asks the preview API about the rules as typed and redraws the count (a polite live region), the
// warnings and the breakdown tables with the same markup as the server's (AudienceWarningList, AudienceBreakdown).
(function () {
  "use strict";

  const form = document.getElementById("audience-form");
  const output = document.getElementById("live-count-text");
  const warningsHost = document.getElementById("audience-warnings");
  const breakdownHost = document.getElementById("breakdown");
  if (!form || !output) {
    return;
  }

  const noticeId = form.dataset.noticeId;
  // The API takes the session cookie only with the page's antiforgery token (docs/sign-in.md).
  const tokenInput = form.querySelector('input[name="__RequestVerificationToken"]');
  const token = tokenInput ? tokenInput.value : "";
  const number = new Intl.NumberFormat("en-US");
  let timer = 0;
  let sequence = 0;

  // Organisations are one per line; series, states and ids one per line or separated by commas.
  function list(element) {
    const separator = element.dataset.audienceList === "lines" ? /\r?\n/ : /[\r\n,]+/;
    return element.value.split(separator).map(function (v) { return v.trim(); }).filter(function (v) { return v.length > 0; });
  }

  function grade(value) {
    const trimmed = value.trim();
    return trimmed === "" ? null : Number(trimmed);
  }

  function rules() {
    const field = function (name) { return form.querySelector('[data-audience-field="' + name + '"]'); };
    const statuses = [];
    if (document.getElementById("status-active").checked) { statuses.push("active"); }
    if (document.getElementById("status-on-leave").checked) { statuses.push("on_leave"); }
    if (document.getElementById("status-separated").checked) { statuses.push("separated"); }
    const commas = function (name) { return list(field(name)); };
    return {
      series: commas("series"),
      payPlan: field("payPlan").value.trim() || null,
      gradeMin: grade(field("gradeMin").value),
      gradeMax: grade(field("gradeMax").value),
      includeOrgs: list(field("includeOrgs")),
      excludeOrgs: list(field("excludeOrgs")),
      states: commas("states"),
      statuses: statuses,
      includeEmployees: list(field("includeEmployees")),
      excludeEmployees: list(field("excludeEmployees"))
    };
  }

  async function update() {
    const mine = ++sequence;
    let text;
    try {
      const body = rules();
      if ((body.gradeMin !== null && !Number.isInteger(body.gradeMin)) || (body.gradeMax !== null && !Number.isInteger(body.gradeMax))) {
        text = "Check the rules: a grade must be a whole number.";
      } else {
        const response = await fetch("/api/notices/" + encodeURIComponent(noticeId) + "/audience/preview?sampleSize=0", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "RequestVerificationToken": token },
          body: JSON.stringify({ audience: body })
        });
        if (response.ok) {
          const preview = await response.json();
          text = number.format(preview.count) + (preview.count === 1 ? " person matches" : " people match") + " these rules.";
          if (mine === sequence) {
            drawWarnings(preview.warnings || []);
            drawBreakdown(preview);
          }
        } else if (response.status === 400) {
          const problem = await response.json();
          const messages = Object.values(problem.errors || {}).flat();
          text = "Check the rules: " + (messages.length > 0 ? messages.join(" ") : "something is not valid.");
          if (mine === sequence) {
            drawWarnings([]);
            stale();
          }
        } else {
          text = "The count could not be updated (" + response.status + "). Use “Update count”.";
        }
      }
    } catch (error) {
      text = "The count could not be updated. Use “Update count”.";
    }

    if (mine === sequence) {
      output.textContent = text;
    }
  }

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function drawWarnings(warnings) {
    if (!warningsHost) { return; }
    warningsHost.replaceChildren();
    if (warnings.length === 0) { return; }
    const box = element("div", "usa-alert usa-alert--warning margin-y-2");
    box.id = "audience-warning-box";
    const body = element("div", "usa-alert__body");
    body.appendChild(element("h2", "usa-alert__heading", "Check the audience"));
    const items = element("ul", "usa-list");
    items.id = "audience-warning-list";
    warnings.forEach(function (w) {
      const item = element("li");
      item.dataset.warning = w.kind;
      if (w.field) {
        const link = element("a", "usa-link", w.message);
        link.href = "#audience-" + w.field;
        item.appendChild(link);
      } else {
        item.textContent = w.message;
      }
      items.appendChild(item);
    });
    body.appendChild(items);
    box.appendChild(body);
    warningsHost.appendChild(box);
  }

  function table(id, caption, column, counts) {
    const cell = element("div", "grid-col-12 tablet:grid-col-6");
    const t = element("table", "usa-table usa-table--borderless usa-table--compact");
    t.id = id;
    t.appendChild(element("caption", null, caption));
    const head = element("thead");
    const headRow = element("tr");
    const keyHead = element("th", null, column);
    keyHead.scope = "col";
    const countHead = element("th", "text-right", "People");
    countHead.scope = "col";
    headRow.append(keyHead, countHead);
    head.appendChild(headRow);
    const body = element("tbody");
    Object.keys(counts).forEach(function (key) {
      const row = element("tr");
      const name = element("th", null, key);
      name.scope = "row";
      row.append(name, element("td", "text-right", number.format(counts[key])));
      body.appendChild(row);
    });
    t.append(head, body);
    cell.appendChild(t);
    return cell;
  }

  // Rules that cannot be counted have no breakdown: say so rather than leave the last one standing.
  function stale() {
    if (!breakdownHost) { return; }
    const heading = element("h2", null, "Breakdown");
    heading.id = "breakdown-heading";
    breakdownHost.replaceChildren(heading, element("p", null, "Correct the rules to see the breakdown."));
  }

  function drawBreakdown(preview) {
    if (!breakdownHost) { return; }
    const heading = element("h2", null, "Breakdown of the " + number.format(preview.count) + " recipients");
    heading.id = "breakdown-heading";
    if (preview.count === 0) {
      breakdownHost.replaceChildren(heading, element("p", null, "Nobody matches these rules yet."));
      return;
    }
    const grid = element("div", "grid-row grid-gap");
    grid.append(
      table("by-series", "By job series", "Series", preview.bySeries),
      table("by-grade", "By pay plan and grade", "Pay plan and grade", preview.byGrade),
      table("by-org", "By organisation", "Organisation", preview.byOrg),
      table("by-state", "By duty state", "State", preview.byState));
    breakdownHost.replaceChildren(heading, grid);
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 300);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
