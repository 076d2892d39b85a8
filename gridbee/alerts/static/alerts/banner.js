/* GridBee urgent-alert banner, on every page a partner opens (base.html includes it for
   partners only). Plain JS, no build step.

   On load it asks GET {nearUrl} for the active alerts this partner was told of and shows
   the newest; it listens to the partner's own live stream ({streamUrl}, Server-Sent Events)
   and, on {"type": "alert"}, asks again, shows the banner with the photo, a short tone
   (WebAudio, no file to fetch) and a vibration, and tells the server the page received it
   (delivered). On {"type": "alert_closed"} the banner gives way to the all-clear and the
   photo leaves the page: nothing of the person is kept (the server serves it no more, with
   no-store, so no cache holds it either). Text from the server goes in with textContent. */
(function () {
  "use strict";

  var el = document.getElementById("alert-banner");
  if (!el || !window.fetch) {
    return;
  }
  var shown = null; // the id of the alert on the banner
  var delivered = {};

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function urlFor(template, id) {
    return template.replace("/0/", "/" + id + "/");
  }

  function receipt(id, kind) {
    return fetch(urlFor(el.dataset.receiptUrl, id), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ kind: kind }),
    }).catch(function () {});
  }

  function tone() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) {
        return;
      }
      var ctx = new Ctx();
      [0, 0.35].forEach(function (start) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        osc.frequency.value = 880;
        gain.gain.value = 0.2;
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.start(ctx.currentTime + start);
        osc.stop(ctx.currentTime + start + 0.25);
      });
    } catch (e) {
      /* no sound on this device: the banner and the vibration remain */
    }
  }

  function clear() {
    while (el.firstChild) {
      el.removeChild(el.firstChild);
    }
  }

  function show(alert, loud) {
    clear();
    shown = alert.id;
    el.dataset.alert = String(alert.id);
    el.dataset.state = "active";
    var link = document.createElement("a");
    link.href = urlFor(el.dataset.pageUrl, alert.id);
    link.className = "alert-banner-link";
    if (alert.photo_urls && alert.photo_urls.length) {
      var img = document.createElement("img");
      img.src = alert.photo_urls[0] + "?size=thumb";
      img.alt = "";
      img.className = "alert-banner-photo";
      link.appendChild(img);
    }
    var text = document.createElement("span");
    var title = document.createElement("strong");
    title.textContent = el.dataset.textTitle + " · " + alert.kind_name;
    text.appendChild(title);
    var line = document.createElement("span");
    line.className = "alert-banner-text";
    line.textContent = (alert.person_name ? alert.person_name + " · " : "") + (alert.description || "");
    text.appendChild(line);
    link.appendChild(text);
    link.addEventListener("click", function () {
      receipt(alert.id, "seen");
    });
    el.appendChild(link);
    el.hidden = false;
    if (!delivered[alert.id]) {
      delivered[alert.id] = true;
      receipt(alert.id, "delivered");
      if (loud) {
        tone();
        if (navigator.vibrate) {
          navigator.vibrate([300, 150, 300]);
        }
      }
    }
  }

  function allClear(id) {
    if (shown !== id) {
      return refresh(false);
    }
    clear();
    shown = null;
    el.dataset.state = "ended";
    el.dataset.alert = String(id);
    var text = document.createElement("span");
    text.textContent = el.dataset.textEnded;
    el.appendChild(text);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-quiet";
    close.textContent = el.dataset.textClose;
    close.addEventListener("click", function () {
      el.hidden = true;
    });
    el.appendChild(close);
    el.hidden = false;
    // The alert page itself drops the person too, if it is the one open.
    var page = document.querySelector('.partner-alert[data-alert="' + id + '"]');
    if (page) {
      page.querySelectorAll("img, .alert-name, .alert-description, form").forEach(function (n) {
        n.remove();
      });
    }
  }

  function refresh(loud) {
    return fetch(el.dataset.nearUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        return r.ok ? r.json() : [];
      })
      .then(function (alerts) {
        if (alerts.length) {
          show(alerts[0], loud);
        } else if (shown !== null) {
          allClear(shown);
        }
      })
      .catch(function () {});
  }

  // Position, only with the partner's consent (the button on the home page), at most every
  // five minutes, while a GridBee page is open.
  var CONSENT = "gridbee-share-position";
  var SENT_AT = "gridbee-position-sent-at";
  function sharePosition(force) {
    var last = Number(localStorage.getItem(SENT_AT) || 0);
    if (localStorage.getItem(CONSENT) !== "yes" || !navigator.geolocation) {
      return;
    }
    if (!force && Date.now() - last < 5 * 60 * 1000) {
      return;
    }
    navigator.geolocation.getCurrentPosition(function (p) {
      localStorage.setItem(SENT_AT, String(Date.now()));
      fetch(el.dataset.positionUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ lat: p.coords.latitude, lon: p.coords.longitude, consent: true }),
      }).catch(function () {});
    });
  }
  var toggle = document.getElementById("share-position");
  function showToggle() {
    var on = localStorage.getItem(CONSENT) === "yes";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? toggle.dataset.on : toggle.dataset.off;
  }
  if (toggle) {
    showToggle();
    toggle.addEventListener("click", function () {
      var on = localStorage.getItem(CONSENT) === "yes";
      localStorage.setItem(CONSENT, on ? "no" : "yes");
      showToggle();
      sharePosition(true);
    });
  }
  sharePosition(false);

  refresh(false);
  if (window.EventSource) {
    var source = new EventSource(el.dataset.streamUrl);
    source.onopen = function () {
      el.dataset.live = "open";
    };
    source.onerror = function () {
      el.dataset.live = "retrying";
    };
    source.onmessage = function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (event.type === "alert") {
        refresh(true);
      } else if (event.type === "alert_closed") {
        allClear(event.id);
      }
    };
    // Events were missed while away and cannot be replayed: ask which alert is on now.
    source.addEventListener("reset", function () {
      refresh(true);
    });
  }
})();
