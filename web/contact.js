// The contact form's client: posts the visitor's message as JSON to the mailer API with fetch and
// says plainly what happened. Plain browser JavaScript with no dependencies: copy it, with the
// form, into your own static site and set the `mailer-api-url` meta tag to your stage's URL.
"use strict";

(function () {
  const form = document.getElementById("contact-form");
  const status = document.getElementById("status");
  const button = document.getElementById("send");
  const tokenInput = document.getElementById("token");
  const apiUrl = document.querySelector('meta[name="mailer-api-url"]').content;

  // A link such as /#token=... fills the token field; the fragment never reaches any server,
  // and it is removed from the address bar at once.
  const fromFragment = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (fromFragment) {
    tokenInput.value = fromFragment;
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  function show(kind, text) {
    status.className = kind;
    status.textContent = text;
  }

  // What each answer means to a visitor. `detail` is the API's own message, shown after it.
  function explain(statusCode, detail) {
    if (statusCode === 401) {
      return "The access token was refused (401 Unauthorized). Check the token and try again.";
    }
    if (statusCode === 403 && detail === "Forbidden") {
      // Most likely AWS WAF's per-address limit (its WAF_FILTERED answer says only "Forbidden").
      return "The API refused the request (403 Forbidden). If many messages were sent from your network just now, please wait a few minutes and send again.";
    }
    if (statusCode === 403) {
      return `The API refused the request (403 Forbidden: ${detail}).`;
    }
    if (statusCode === 413) {
      return "The message is too long (413). Please shorten it and send it again.";
    }
    if (statusCode === 429 && detail === "Limit Exceeded") {
      return "The daily limit of messages is reached (429 Limit Exceeded). Please try again tomorrow.";
    }
    if (statusCode === 429) {
      return "Too many messages at once (429 Too Many Requests). Please wait a few seconds and send again.";
    }
    if (statusCode === 504) {
      return "The mail service did not confirm your message (504): it may have been sent. Please do not send it again right away.";
    }
    if (statusCode >= 500) {
      return `The mail service failed (${statusCode}). Your message was not sent; please try again later.`;
    }
    return `The message was not sent (${statusCode}): ${detail}`;
  }

  async function readDetail(response) {
    try {
      const body = await response.json();
      return String(body.error || body.message || response.statusText);
    } catch {
      return response.statusText;
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = form.elements.message.value.trim();
    const token = tokenInput.value.trim();
    if (message === "") {
      show("error", "Please write a message.");
      form.elements.message.focus();
      return;
    }
    if (token === "") {
      show("error", "Please enter the access token.");
      tokenInput.focus();
      return;
    }
    const payload = { message: message };
    // `website` is the honeypot: a person leaves it empty, a bot that fills it is not mailed.
    for (const field of ["name", "email", "subject", "website"]) {
      const value = form.elements[field].value.trim();
      if (value !== "") payload[field] = value;
    }

    button.disabled = true;
    show("", "Sending…");
    try {
      const response = await fetch(apiUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", authtoken: token },
        body: JSON.stringify(payload),
      });
      if (response.status === 202) {
        show(
          "success",
          "Thank you! Your message is kept and will be sent shortly (the mail service is busy).",
        );
        form.elements.message.value = "";
        form.elements.subject.value = "";
      } else if (response.ok) {
        show("success", "Thank you! Your message was sent.");
        form.elements.message.value = "";
        form.elements.subject.value = "";
      } else {
        show("error", explain(response.status, await readDetail(response)));
      }
    } catch {
      show("error", "The API could not be reached. Check your connection and try again.");
    } finally {
      button.disabled = false;
    }
  });
})();
