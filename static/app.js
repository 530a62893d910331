// hospes pages: progressive enhancement only; every page works without this script.
// No third-party code, no request to another host.
(function () {
  "use strict";
  var $ = function (sel) { return document.querySelector(sel); };

  // An error summary after a failed submission takes the focus, so screen readers announce it.
  var summary = $("#errors");
  if (summary) { summary.focus(); }

  // The landlord's photo of an identity QR: refuse HEIC before uploading, preview the photo.
  var photo = $("#photo");
  if (photo) {
    var preview = $("#photo-preview"), error = $("#photo-error");
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      error.hidden = true; error.textContent = "";
      photo.removeAttribute("aria-invalid");
      if (preview.src) { URL.revokeObjectURL(preview.src); }
      preview.hidden = true; preview.removeAttribute("src");
      if (!file) { return; }
      if (/\.(heic|heif)$/i.test(file.name) || /^image\/hei[cf]/i.test(file.type)) {
        error.textContent = photo.getAttribute("data-heic");
        error.hidden = false;
        photo.setAttribute("aria-invalid", "true");
        photo.value = "";
        return;
      }
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    });
  }

  // Inline validation of the document number with the identity module (same rules as the
  // submission, POST /v1/documents/validate), in the page's language.
  var form = $("#checkin-form");
  if (form && window.fetch) {
    var number = $("#document_number"), country = $("#issuing_country"), kind = $("#document_type");
    var show = function (input, message) {
      var p = document.getElementById(input.id + "-error");
      if (!p) { return; }
      p.textContent = message || "";
      p.hidden = !message;
      if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    };
    var check = function () {
      var value = number.value.trim(), issuer = country.value.trim();
      if (!value || issuer.length < 2 || !kind || ["id_card", "residence_permit"].indexOf(kind.value) < 0) {
        show(number, ""); return;
      }
      fetch(form.getAttribute("data-validate"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ country: issuer, input: value })
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) {
        if (!v || v.valid || !v.error_class) { show(number, ""); return; }
        show(number, form.getAttribute("data-msg-" + v.error_class) || v.message || "");
      }).catch(function () { /* the server checks again on submission */ });
    };
    if (number && country) {
      number.addEventListener("change", check);
      country.addEventListener("change", check);
      if (kind) { kind.addEventListener("change", check); }
    }
  }

  // A check-in's live status: server-sent events, polling where they fail; the page reloads
  // when the status changes (it then shows the outcome and the new seal).
  var live = $("#live[data-events]");
  if (live) {
    var current = live.getAttribute("data-status");
    var changed = function (status) { if (status && status !== current) { window.location.reload(); } };
    var poll = function () {
      window.setInterval(function () {
        fetch(live.getAttribute("data-poll"), { headers: { accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (v) { if (v) { changed(v.status); } })
          .catch(function () {});
      }, 3000);
    };
    if (window.EventSource) {
      var events = new EventSource(live.getAttribute("data-events"));
      events.addEventListener("status", function (e) {
        try { changed(JSON.parse(e.data).status); } catch (_) {}
      });
      events.onerror = function () { events.close(); poll(); };
    } else if (window.fetch) {
      poll();
    }
  }

  // The property's list of check-ins: those still awaiting the registry are polled every 5 s;
  // the list reloads when one of them changes.
  var items = document.querySelectorAll("[data-poll-item]");
  if (items.length && window.fetch) {
    window.setInterval(function () {
      Array.prototype.forEach.call(items, function (item) {
        fetch(item.getAttribute("data-poll-item"), { headers: { accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (v) { if (v && v.status !== item.getAttribute("data-status")) { window.location.reload(); } })
          .catch(function () {});
      });
    }, 5000);
  }

  // The door sign's print button.
  var print = $("#print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
