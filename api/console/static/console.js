// The console's only script: a few lines of vanilla JavaScript, no downloads.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Timeline: clicking (or focusing) an element shows its description below the chart.
  const detail = document.getElementById("timeline-detail");
  document.querySelectorAll("#timeline [tabindex]").forEach((element) => {
    const show = () => { if (detail) detail.textContent = element.querySelector("title")?.textContent || ""; };
    element.addEventListener("click", show);
    element.addEventListener("focus", show);
  });
  // Replays still running: poll their progress from the API (same key, sent as the cookie).
  document.querySelectorAll("tr[data-replay-running]").forEach((row) => {
    const jobId = row.dataset.jobId;
    const tick = async () => {
      const answer = await fetch(`/v1/replays/${jobId}`, { credentials: "same-origin" });
      if (!answer.ok) return;
      const job = await answer.json();
      row.querySelector(".members-done").textContent = `${job.members_done} / ${job.members_total}`;
      // The CLI's format: whole events per second with thousands separators (1,650).
      row.querySelector(".events-per-s").textContent = Math.round(job.events_per_s).toLocaleString("en-US");
      row.querySelector(".eta").textContent = job.eta_s ?? "";
      row.querySelector(".progress div").style.width = `${job.members_total ? (100 * job.members_done) / job.members_total : 100}%`;
      row.querySelector(".job-status").dataset.status = job.status;
      if (job.status === "done") row.querySelector(".job-status").textContent = row.dataset.doneLabel;
      if (job.status !== "done") setTimeout(tick, 1000);
    };
    setTimeout(tick, 1000);
  });
});
