// The contact form's client: posts the visitor's message as JSON to the mailer API with fetch and
// says plainly what happened. Plain browser JavaScript with no dependencies: copy it, with the
// form, into your own static site and set the `mailer-api-url` meta tag to your stage's URL.
//
// The token: by default the page fetches it, when the visitor presses Send, from a small file
// published with the site on the page's own origin (the `mailer-token` meta tag names it,
// `mailer-token.txt` unless changed), so it is never written in this script. With
// `<meta name="mailer-token" content="typed" />` the form is private: its users type the token.
// The token is kept in no variable beyond one send, never logged, stored or put in the URL.
"use strict";

(function () {
  const form = document.getElementById("contact-form");
  const status = document.getElementById("status");
  const button = document.getElementById("send");
  const tokenField = document.getElementById("token-field");
  const tokenInput = document.getElementById("token");
  const apiUrl = document.querySelector('meta[name="mailer-api-url"]').content;
  const tokenMeta = document.querySelector('meta[name="mailer-token"]');
  const tokenSource = tokenMeta ? tokenMeta.content.trim() : "mailer-token.txt";
  const typed = tokenSource === "typed";
  if (typed) {
    tokenField.hidden = false;
    tokenInput.required = true;
  }

  // AWS WAF's bot check, when the stack's botChallenge is on: the page loads AWS WAF's script
  // (its <script> tag) and sends the WAF token it gets in the x-aws-waf-token header.
  const botMeta = document.querySelector('meta[name="mailer-bot-challenge"]');
  const botChallenge = botMeta ? botMeta.content.trim() : "";
  const captchaKeyMeta = document.querySelector('meta[name="mailer-captcha-key"]');
  const captchaBox = document.getElementById("bot-check");
  let captchaSolved = false;

  /** Why the site's published token cannot be used, in words for the visitor. */
  class SetupError extends Error {}
  /** Why AWS WAF's bot check gave no token, in words for the visitor. */
  class BotCheckError extends Error {}

  /** AWS WAF's token for this browser (botChallenge on), or undefined. */
  async function wafToken() {
    if (botChallenge !== "challenge" && botChallenge !== "captcha") return undefined;
    if (botChallenge === "captcha" && !captchaSolved) return solveCaptcha();
    if (!window.AwsWafIntegration) throw new BotCheckError("The bot check did not load.");
    try {
      return await window.AwsWafIntegration.getToken();
    } catch {
      throw new BotCheckError("The bot check did not answer.");
    }
  }

  function solveCaptcha() {
    if (!window.AwsWafCaptcha || !captchaKeyMeta) {
      return Promise.reject(new BotCheckError("The puzzle did not load."));
    }
    show("", "Please solve the puzzle below; your message is sent once it is solved.");
    captchaBox.hidden = false;
    return new Promise(function (resolve, reject) {
      window.AwsWafCaptcha.renderCaptcha(captchaBox, {
        apiKey: captchaKeyMeta.content,
        onSuccess: function (token) {
          captchaSolved = true;
          captchaBox.hidden = true;
          captchaBox.replaceChildren();
          resolve(token);
        },
        onError: function () {
          reject(new BotCheckError("The puzzle could not be completed."));
        },
      });
    });
  }

  // The token file, on this page's own origin only: a page copied to another site must not
  // send its visitors' messages with a token fetched from elsewhere.
  async function publishedToken() {
    const fileUrl = new URL(tokenSource, window.location.href);
    if (fileUrl.origin !== window.location.origin) {
      throw new SetupError("its token file is not on this site's own origin");
    }
    let response;
    try {
      response = await fetch(fileUrl, { cache: "no-store", credentials: "same-origin" });
    } catch {
      throw new SetupError("its token file could not be loaded");
    }
    if (!response.ok) {
      throw new SetupError(`its token file could not be loaded (${response.status})`);
    }
    const token = (await response.text()).trim();
    // The token's alphabet and bounds (contracts/token.ts): printable ASCII, 32 to 512.
    if (!/^[\x21-\x7E]{32,512}$/.test(token)) {
      throw new SetupError("its token file does not hold a token");
    }
    return token;
  }

  function show(kind, text) {
    status.className = kind;
    status.textContent = text;
  }

  // What each answer means to a visitor. `detail` is the API's own message, shown after it.
  function explain(statusCode, detail) {
    if (statusCode === 401) {
      return typed
        ? "The access token was refused (401 Unauthorized). Check the token and try again."
        : "The API refused this site's access token (401 Unauthorized). Your message was not sent; please tell the site's owner.";
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

  // What the API needs from this form: the token, and the JSON body.
  async function send(payload) {
    let token;
    try {
      token = typed ? tokenInput.value.trim() : await publishedToken();
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      return [
        "error",
        `The contact form is not set up: ${error.message}. Your message was not sent; please tell the site's owner.`,
      ];
    }
    const headers = { "Content-Type": "application/json", authtoken: token };
    try {
      const waf = await wafToken();
      if (waf !== undefined) headers["x-aws-waf-token"] = waf;
    } catch (error) {
      if (!(error instanceof BotCheckError)) throw error;
      return [
        "error",
        `${error.message} Your message was not sent; please reload the page and try again.`,
      ];
    }
    let response;
    try {
      response = await fetch(apiUrl, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(payload),
      });
    } catch {
      if (botChallenge !== "") {
        // AWS WAF's own Challenge and CAPTCHA answers carry no CORS headers: fetch rejects them.
        captchaSolved = false;
        return [
          "error",
          "The API could not be reached, or its bot check refused this browser. Check your connection, reload the page and try again.",
        ];
      }
      return ["error", "The API could not be reached. Check your connection and try again."];
    }
    if (response.status === 202) {
      return [
        "success",
        "Thank you! Your message is kept and will be sent shortly (the mail service is busy).",
      ];
    }
    if (response.ok) return ["success", "Thank you! Your message was sent."];
    return ["error", explain(response.status, await readDetail(response))];
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = form.elements.message.value.trim();
    if (message === "") {
      show("error", "Please write a message.");
      form.elements.message.focus();
      return;
    }
    if (typed && tokenInput.value.trim() === "") {
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
      const [kind, text] = await send(payload);
      show(kind, text);
      if (kind === "success") {
        form.elements.message.value = "";
        form.elements.subject.value = "";
      }
    } catch {
      show("error", "Something went wrong; your message was not sent. Please try again.");
    } finally {
      button.disabled = false;
    }
  });
})();
