// Oversight's page start-up (a static file: the Content Security Policy allows no inline script).
// Marks the page as having JavaScript, then starts GOV.UK Frontend's and MOJ Frontend's components,
// and starts them again inside any content htmx swaps in.
import { initAll as initGovuk } from "../vendor/js/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/js/moj-frontend.min.js";

// A browser that runs this module supports ES modules, which is what GOV.UK Frontend checks.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

initGovuk();
initMoj();

document.addEventListener("htmx:load", (event) => {
  const scope = event.target;
  if (scope === document.body || !(scope instanceof Element)) return;
  initGovuk({ scope });
  initMoj({ scope });
});
