// Liaison sandbox: the little a browser must do that HTML forms cannot.
"use strict";

// A select or picker that Slack sends at once (no Submit): send it when it changes.
// A text box Slack sends (dispatch_action) goes on Enter only, as Slack's on_enter_pressed.
const isText = (field) => field.matches("input[type=text], textarea");
const dispatchOf = (field) => {
  const scope = field.closest(".bk, .element") || field.parentElement;
  return (scope && scope.querySelector("button[data-dispatch]")) || undefined;
};
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (!field || !field.form || isText(field)) return;
  field.form.requestSubmit(dispatchOf(field));
});
document.addEventListener("keydown", (event) => {
  const field = event.target.closest("input[data-autosubmit]");
  if (event.key !== "Enter" || !field || !field.form || !isText(field)) return;
  event.preventDefault();
  field.form.requestSubmit(dispatchOf(field));
});

// Buttons Slack guards with a confirmation dialog.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// One form at a time: a second click while Liaison is answering would act twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "yes";
});

// Someone else acted in another window: show it, unless this person is typing.
const seen = document.body.dataset.changes;
setInterval(async () => {
  if (document.querySelector(".overlay")) return;
  const typing = [...document.querySelectorAll(".composer input[name=text]")].some((i) => i.value);
  if (typing || document.activeElement?.tagName === "SELECT") return;
  try {
    const answer = await fetch("/changes", { cache: "no-store" });
    if (answer.ok && (await answer.text()) !== seen) window.location.reload();
  } catch (error) {
    // The sandbox stopped; nothing to refresh.
  }
}, 2000);
