// Live chat for signed-in pages: one WebSocket per tab carries new, edited and deleted
// messages, read receipts, typing hints and the unread total. Without it (or without
// JavaScript) the forms post and the pages reload: everything still works.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var thread = chat ? Number(chat.getAttribute("data-thread")) : 0;
  var me = chat ? Number(chat.getAttribute("data-me")) : 0;
  var list = document.getElementById("messages");
  var socket = null;
  var retry = 0;
  var connectedOnce = false;
  // how far the other side has read: a message of ours placed later (its POST answer can come
  // after the receipt) is marked at once
  var readUpTo = chat ? Number(chat.getAttribute("data-read")) || 0 : 0;

  function lastId() {
    return chat ? Number(chat.getAttribute("data-last")) || 0 : 0;
  }

  function setBadge(n) {
    var badge = document.getElementById("unread-badge");
    if (!badge) { return; }
    badge.textContent = String(n);
    badge.hidden = n <= 0;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  // Puts a message's HTML in place: a new one at the end, a changed one where it was.
  function place(id, html) {
    if (!list) { return; }
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    var node = tpl.content.firstElementChild;
    if (!node) { return; }
    if (me && Number(node.getAttribute("data-from")) === me) { node.classList.add("mine"); }
    var ticks = node.querySelector(".ticks");
    if (ticks && id <= readUpTo) { showRead(ticks); }
    var old = document.getElementById("m" + id);
    if (old) {
      // the page's own version carries the author's buttons: keep them unless it was deleted
      var tools = old.querySelector(".message-tools");
      if (tools && !node.classList.contains("deleted")) { node.appendChild(tools); }
      old.replaceWith(node);
      return;
    }
    var follow = nearBottom();
    var empty = document.getElementById("no-messages");
    if (empty) { empty.remove(); }
    list.appendChild(node);
    if (id > lastId()) { chat.setAttribute("data-last", String(id)); }
    if (follow) { node.scrollIntoView({ block: "end" }); }
  }

  function send(obj) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(obj)); }
  }

  // A message seen in the open, visible thread is read.
  function markSeen() {
    if (thread && document.visibilityState === "visible" && lastId() > 0) {
      send({ t: "read", thread: thread, up_to: lastId() });
    }
  }

  // After a (re)connect: what came while the socket was away, by an ordinary request.
  function catchUp() {
    if (!thread) { return; }
    fetch("/chats/" + thread + "?after=" + lastId(), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      data.messages.forEach(function (m) { place(m.id, m.html); });
      markRead(data.read_up_to);
      markSeen();
    }).catch(function () {});
  }

  // the ticks turn "read": their look (data-read) and their spoken name
  function showRead(ticks) {
    ticks.setAttribute("data-read", "1");
    ticks.setAttribute("aria-label", ticks.getAttribute("data-read-label") || "");
  }

  function markRead(upTo) {
    readUpTo = Math.max(readUpTo, upTo || 0);
    if (!list) { return; }
    list.querySelectorAll(".message.mine").forEach(function (el) {
      if (Number(el.getAttribute("data-id")) <= upTo) {
        var ticks = el.querySelector(".ticks");
        if (ticks) { showRead(ticks); }
      }
    });
  }

  var typingTimer = null;
  function showTyping() {
    var el = document.getElementById("typing");
    if (!el) { return; }
    el.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { el.hidden = true; }, 4000);
  }

  var inboxTimer = null;
  function refreshInbox() {
    var inbox = document.getElementById("inbox");
    if (!inbox) { return; }
    clearTimeout(inboxTimer);
    inboxTimer = setTimeout(function () {
      fetch(location.pathname + location.search, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("inbox");
          if (fresh) { inbox.replaceWith(fresh); }
        }).catch(function () {});
    }, 150);
  }

  function onEvent(ev) {
    var e;
    try { e = JSON.parse(ev.data); } catch (err) { return; }
    if (e.t === "hello") {
      me = me || e.user;
      setBadge(e.unread);
    } else if (e.t === "unread") {
      setBadge(e.total);
    } else if (e.t === "msg") {
      if (e.thread === thread) {
        place(e.id, e.html);
        if (e["new"] && e.from !== me) { markSeen(); }
        var typing = document.getElementById("typing");
        if (typing) { typing.hidden = true; }
      }
      refreshInbox();
    } else if (e.t === "read") {
      if (e.thread === thread) { markRead(e.up_to); }
    } else if (e.t === "typing") {
      if (e.thread === thread) { showTyping(); }
    }
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/chats/live";
    try { socket = new WebSocket(url); } catch (err) { return later(); }
    socket.onopen = function () {
      retry = 0;
      if (chat) { chat.removeAttribute("data-offline"); }
      if (connectedOnce) { catchUp(); } else { markSeen(); }
      connectedOnce = true;
    };
    socket.onmessage = onEvent;
    socket.onclose = function () {
      socket = null;
      if (chat) { chat.setAttribute("data-offline", "1"); }
      later();
    };
  }

  // Reconnects with backoff: 1, 2, 4 … 30 s, with jitter so a restarted server is not met by
  // every tab at once.
  function later() {
    var delay = Math.min(30000, 1000 * Math.pow(2, retry)) * (0.5 + Math.random() / 2);
    retry = Math.min(retry + 1, 6);
    setTimeout(connect, delay);
  }

  document.addEventListener("visibilitychange", markSeen);

  if (chat) {
    window.scrollTo(0, document.body.scrollHeight);
    var form = document.getElementById("composer");
    var text = document.getElementById("chat-text");
    var error = document.getElementById("composer-error");
    var lastTyping = 0;
    if (text) {
      text.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastTyping > 3000) { lastTyping = now; send({ t: "typing", thread: thread }); }
      });
      // Enter sends, Shift+Enter starts a new line
      text.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        }
      });
    }
    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var button = document.getElementById("chat-send");
        button.disabled = true;
        error.hidden = true;
        fetch(form.action, {
          method: "POST", body: new FormData(form),
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (r) {
          return r.json().catch(function () { return {}; })
            .then(function (data) { return { ok: r.ok, data: data }; });
        }).then(function (res) {
          // the server's reason (blocked, too long, too fast…) is shown as it is
          if (!res.ok) { var e = new Error(); e.shown = res.data.error; throw e; }
          place(res.data.id, res.data.html);
          form.reset();
          text.focus();
        }).catch(function (err) {
          error.textContent = (err && err.shown) || chat.getAttribute("data-send-failed");
          error.hidden = false;
        }).then(function () { button.disabled = false; });
      });
    }
  }

  if ("WebSocket" in window) { connect(); }
})();
