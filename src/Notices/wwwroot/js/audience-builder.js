// Live counts for the audience builder (/notices/{id}/audience). The page works without this script: its
// "Update count" button posts the form and the server answers the same count. Here, each change to a field
// asks the preview API for the count of the rules as typed and updates the polite live region.
(function () {
  "use strict";

  const form = document.getElementById("audience-form");
  const output = document.getElementById("live-count-text");
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

  function list(element) {
    const separator = element.dataset.audienceList === "lines" ? /\r?\n/ : /,/;
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
        } else if (response.status === 400) {
          const problem = await response.json();
          const messages = Object.values(problem.errors || {}).flat();
          text = "Check the rules: " + (messages.length > 0 ? messages.join(" ") : "something is not valid.");
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

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 300);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
