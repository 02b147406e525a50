/*
 * Ribalta chat widget. A company pastes one line into its pages:
 *   <script src="https://desk.example.com/chat/widget.js" data-ribalta-widget="KEY" async></script>
 * (optionally data-lang="it"). It draws a button and a chat panel in a shadow root (the page's styles do not reach
 * it, nor its styles the page), talks to Ribalta over SignalR (WebSocket, with Server-Sent Events and long polling as
 * fallbacks), and keeps the chat's token in this site's localStorage so a reload finds the conversation again. It also
 * keeps a random visitor id there, sent when a chat starts: new chats are limited per visitor, not per network address
 * (an office or a mobile carrier puts many people behind one).
 * Ribalta accepts the connection only from the sites listed for the widget.
 */
(function () {
  'use strict';

  var script = document.currentScript || document.querySelector('script[data-ribalta-widget]');
  if (!script || window.__ribaltaChat) {
    return;
  }
  window.__ribaltaChat = true;

  var key = script.getAttribute('data-ribalta-widget') || '';
  var base = new URL(script.src, location.href).origin;
  var supported = ['en', 'it', 'es', 'ar'];
  var asked = (script.getAttribute('data-lang') || document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
  var lang = supported.indexOf(asked) >= 0 ? asked : 'en';
  var storeKey = 'ribalta-chat:' + key;
  var visitorKey = 'ribalta-visitor';
  var visitor = null;

  var text = {};
  var connection = null;
  var ui = {};
  var seen = {};
  var state = { started: false, ended: false, email: null, caseId: null };
  var typingSentAt = 0;

  function storedToken() {
    try { return localStorage.getItem(storeKey); } catch (e) { return null; }
  }

  function storeToken(token) {
    try {
      if (token) { localStorage.setItem(storeKey, token); } else { localStorage.removeItem(storeKey); }
    } catch (e) { /* private mode: the chat still works, it just cannot be resumed after a reload */ }
  }

  /** This browser's visitor id: random, kept across visits when storage allows, for this page's life otherwise. */
  function visitorId() {
    if (visitor) {
      return visitor;
    }
    try { visitor = localStorage.getItem(visitorKey); } catch (e) { visitor = null; }
    if (!visitor || !/^[A-Za-z0-9_-]{8,64}$/.test(visitor)) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      visitor = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
      try { localStorage.setItem(visitorKey, visitor); } catch (e) { /* private mode: a new id each page load */ }
    }
    return visitor;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function loadSignalR() {
    if (window.signalR) {
      return Promise.resolve(window.signalR);
    }
    return new Promise(function (resolve, reject) {
      var tag = document.createElement('script');
      tag.src = base + '/chat/signalr.min.js';
      tag.async = true;
      tag.onload = function () { resolve(window.signalR); };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  var css = [
    ':host{all:initial}',
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif}',
    '.launcher{position:fixed;bottom:20px;inset-inline-end:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;background:#1f5f8b;color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}',
    '.launcher:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f0b429;outline-offset:2px}',
    '.panel{position:fixed;bottom:84px;inset-inline-end:20px;z-index:2147483000;width:min(360px,calc(100vw - 24px));height:min(540px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#1b1f23;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden;font-size:14px;line-height:1.45}',
    '.panel[hidden]{display:none}',
    'header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 14px;background:#1f5f8b;color:#fff}',
    'header h2{margin:0;font-size:16px}',
    'header button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}',
    '.body{flex:1;overflow:auto;padding:12px 14px;display:flex;flex-direction:column;gap:8px}',
    '.greeting{margin:0 0 6px;color:#3a4149}',
    'form{display:flex;flex-direction:column;gap:8px}',
    'label{display:flex;flex-direction:column;gap:3px;font-weight:600;font-size:13px}',
    'label small{font-weight:400;color:#5b636b}',
    'input,textarea{font:inherit;padding:8px;border:1px solid #b5bcc4;border-radius:6px;width:100%}',
    'textarea{resize:vertical;min-height:60px}',
    'button.primary{background:#1f5f8b;color:#fff;border:0;border-radius:6px;padding:9px 14px;font:inherit;font-weight:600;cursor:pointer}',
    'button.primary[disabled]{opacity:.6;cursor:default}',
    'button.link{background:none;border:0;color:#1f5f8b;text-decoration:underline;cursor:pointer;font:inherit;padding:0}',
    'ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}',
    'li{max-width:85%;padding:7px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}',
    'li.visitor{align-self:flex-end;background:#dcebf5}',
    'li.agent{align-self:flex-start;background:#f1f3f5}',
    'li .who{display:block;font-size:11px;color:#5b636b;margin-bottom:2px}',
    'li.pending{opacity:.65}',
    'li.failed{outline:1px solid #b42318}',
    '.typing{min-height:18px;color:#5b636b;font-size:12px;font-style:italic}',
    '.error{color:#b42318;font-size:13px;min-height:0}',
    '.composer{border-top:1px solid #e1e4e8;padding:10px 14px;display:flex;flex-direction:column;gap:6px}',
    '.row{display:flex;gap:8px;align-items:flex-end}',
    '.row textarea{min-height:40px;height:40px}',
    '.actions{display:flex;gap:14px;flex-wrap:wrap;font-size:12px}',
    '.notice{background:#f6f8fa;border-radius:8px;padding:10px}',
    '.case{font-size:12px;color:#5b636b}'
  ].join('\n');

  function mount(config) {
    text = config.text;
    var host = el('div', { id: 'ribalta-chat' });
    document.body.appendChild(host);
    var root = host.attachShadow({ mode: 'open' });
    root.appendChild(el('style', { text: css }));

    var launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'ribalta-chat-panel', text: text.open });
    var panel = el('section', { id: 'ribalta-chat-panel', class: 'panel', role: 'dialog', 'aria-label': text.title, lang: config.language, dir: config.direction });
    panel.hidden = true;
    launcher.setAttribute('lang', config.language);
    launcher.setAttribute('dir', config.direction);

    var close = el('button', { type: 'button', 'aria-label': text.close, text: '\u00d7' });
    panel.appendChild(el('header', {}, [el('h2', { text: config.name || text.title }), close]));
    var body = el('div', { class: 'body' });
    panel.appendChild(body);
    var footer = el('div', { class: 'composer' });
    footer.hidden = true;
    panel.appendChild(footer);

    ui = { root: root, launcher: launcher, panel: panel, body: body, footer: footer, config: config };
    root.appendChild(launcher);
    root.appendChild(panel);

    launcher.addEventListener('click', function () { toggle(panel.hidden); });
    close.addEventListener('click', function () { toggle(false); });
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { toggle(false); } });

    if (storedToken()) {
      toggle(true);
    }
  }

  function toggle(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    ui.launcher.textContent = open ? text.close : text.open;
    if (open && !state.started) {
      begin();
    }
    if (!open) {
      ui.launcher.focus();
    }
  }

  function begin() {
    state.started = true;
    var token = storedToken();
    connect().then(function () {
      if (!token) {
        showForm();
        return;
      }
      return connection.invoke('Resume', token).then(function (chat) {
        if (chat) {
          showChat(chat);
        } else {
          // Unknown or expired: a new chat, then.
          storeToken(null);
          showForm();
        }
      }, function () {
        // A passing failure: the chat is still there, so keep its token and offer to try again.
        offerRetry(text.unavailable);
      });
    }, function () {
      offerRetry(text.unavailable);
    });
  }

  /** Something failed on the way: say so, and let the visitor try again from the start (the token is kept). */
  function offerRetry(message) {
    ui.body.textContent = '';
    ui.footer.textContent = '';
    ui.footer.hidden = true;
    var again = el('button', { type: 'button', class: 'primary', text: text.retry });
    ui.body.appendChild(el('p', { class: 'error', role: 'alert', text: message }));
    ui.body.appendChild(again);
    again.addEventListener('click', function () {
      var old = connection;
      connection = null;
      state.started = false;
      (old ? old.stop().catch(function () { /* already stopped */ }) : Promise.resolve()).then(begin);
    });
  }

  function connect() {
    if (connection) {
      return Promise.resolve();
    }
    return loadSignalR().then(function (signalR) {
      connection = new signalR.HubConnectionBuilder()
        .withUrl(base + '/chat/hub?widget=' + encodeURIComponent(key) + '&lang=' + lang, { withCredentials: false })
        .withAutomaticReconnect()
        .configureLogging(signalR.LogLevel.None)
        .build();
      connection.on('message', addLine);
      connection.on('agentTyping', function (typing) {
        if (ui.typing) { ui.typing.textContent = typing ? text.agentTyping : ''; }
      });
      connection.on('ended', function (email) { showEnded(email); });
      connection.onreconnecting(function () { if (ui.typing) { ui.typing.textContent = text.reconnecting; } });
      connection.onreconnected(function () {
        if (ui.typing) { ui.typing.textContent = ''; }
        var token = storedToken();
        if (token) {
          connection.invoke('Resume', token).then(function (chat) {
            if (chat) { chat.messages.forEach(addLine); }
          }, function () { /* the next line sent will say what is wrong */ });
        }
      });
      connection.onclose(function () {
        // Reconnection gave up (a long sleep, no network): nothing is lost, the visitor reconnects when ready.
        if (!state.ended && state.started) {
          offerRetry(text.reconnecting);
        }
      });
      return connection.start();
    });
  }

  function showError(container, message) {
    var line = container.querySelector('.error');
    if (!line) {
      line = el('p', { class: 'error', role: 'alert' });
      container.appendChild(line);
    }
    line.textContent = message || '';
  }

  function refusal(error) {
    // A HubException's sentence arrives after the SignalR prefix; the rest of the text is not for people.
    var message = (error && error.message) || '';
    var marker = 'HubException: ';
    var at = message.indexOf(marker);
    return at >= 0 ? message.slice(at + marker.length) : text.failed;
  }

  function field(labelText, input, hint) {
    var label = el('label', {}, [document.createTextNode(labelText)]);
    if (hint) {
      label.appendChild(el('small', { text: hint }));
    }
    label.appendChild(input);
    return label;
  }

  function showForm() {
    ui.body.textContent = '';
    ui.footer.hidden = true;
    ui.body.appendChild(el('p', { class: 'greeting', text: ui.config.greeting }));
    var name = el('input', { name: 'name', autocomplete: 'name', maxlength: '200', dir: 'auto' });
    var email = el('input', { name: 'email', type: 'email', autocomplete: 'email', maxlength: '254', dir: 'ltr' });
    var message = el('textarea', { name: 'message', required: 'required', maxlength: '4000', dir: 'auto', rows: '3' });
    var start = el('button', { type: 'submit', class: 'primary', text: text.start });
    var form = el('form', { novalidate: 'novalidate' }, [field(text.name, name), field(text.email, email, text.emailHint), field(text.message, message), start]);
    ui.body.appendChild(form);
    message.focus();
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!message.value.trim()) {
        showError(form, text.messageRequired);
        message.focus();
        return;
      }
      start.disabled = true;
      showError(form, '');
      connection.invoke('Start', { name: name.value, email: email.value, message: message.value, pageUrl: location.href, visitorId: visitorId() })
        .then(function (chat) {
          storeToken(chat.token);
          showChat(chat);
        }, function (error) {
          // Refused (too many chats, or bad input): the sentence says why; what the visitor wrote stays in the form.
          start.disabled = false;
          showError(form, refusal(error));
        });
    });
  }

  function showChat(chat) {
    state.caseId = chat.caseId;
    state.email = chat.email;
    ui.body.textContent = '';
    seen = {};
    ui.body.appendChild(el('p', { class: 'case', text: text.caseNumber.replace('{0}', chat.caseId) }));
    ui.list = el('ol', { 'aria-live': 'polite', 'aria-label': text.title });
    ui.body.appendChild(ui.list);
    chat.messages.forEach(addLine);
    if (chat.ended) {
      showEnded(chat.email);
      return;
    }
    buildComposer();
  }

  function buildComposer() {
    ui.footer.textContent = '';
    ui.footer.hidden = false;
    ui.typing = el('div', { class: 'typing', 'aria-live': 'polite' });
    var input = el('textarea', { name: 'reply', 'aria-label': text.message, maxlength: '4000', dir: 'auto', rows: '1' });
    var send = el('button', { type: 'button', class: 'primary', text: text.send });
    var toEmail = el('button', { type: 'button', class: 'link', text: text.continueByEmail });
    var end = el('button', { type: 'button', class: 'link', text: text.end });
    ui.footer.appendChild(ui.typing);
    ui.footer.appendChild(el('div', { class: 'row' }, [input, send]));
    ui.footer.appendChild(el('div', { class: 'actions' }, [toEmail, end]));
    showError(ui.footer, '');
    input.focus();

    function deliver(body, bubble) {
      bubble.className = 'visitor pending';
      bubble.querySelector('.who').textContent = text.you + ' · ' + text.sending;
      var retry = bubble.querySelector('button');
      if (retry) { retry.parentNode.remove(); }
      connection.invoke('Send', body).then(function (line) {
        bubble.remove();
        addLine(line);
        showError(ui.footer, '');
      }, function (error) {
        // Not stored: the bubble says so and can be sent again as it is.
        bubble.className = 'visitor failed';
        bubble.querySelector('.who').textContent = text.you + ' · ' + text.failed;
        var again = el('button', { type: 'button', class: 'link', text: text.retry });
        again.addEventListener('click', function () { deliver(body, bubble); });
        bubble.appendChild(el('div', {}, [again]));
        showError(ui.footer, refusal(error));
      });
    }

    function submit() {
      var body = input.value.trim();
      if (!body) {
        return;
      }
      input.value = '';
      stopTyping();
      var bubble = el('li', { class: 'visitor pending' }, [el('span', { class: 'who' }), document.createTextNode(body)]);
      ui.list.appendChild(bubble);
      scroll();
      deliver(body, bubble);
    }

    var typingIdle = null;
    function stopTyping() {
      clearTimeout(typingIdle);
      if (typingSentAt) {
        typingSentAt = 0;
        connection.invoke('Typing', false).catch(function () { /* a typing hint is not worth an error */ });
      }
    }

    send.addEventListener('click', submit);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    input.addEventListener('input', function () {
      var now = Date.now();
      if (!input.value.trim()) {
        stopTyping();
        return;
      }
      if (now - typingSentAt > 3000) {
        typingSentAt = now;
        connection.invoke('Typing', true).catch(function () { /* a typing hint is not worth an error */ });
      }
      clearTimeout(typingIdle);
      typingIdle = setTimeout(stopTyping, 4000);
    });
    input.addEventListener('blur', stopTyping);
    toEmail.addEventListener('click', showEmailForm);
    end.addEventListener('click', function () {
      connection.invoke('End').then(function () { showEnded(null); }, function (error) { showError(ui.footer, refusal(error)); });
    });
  }

  function showEmailForm() {
    ui.footer.textContent = '';
    var email = el('input', { name: 'continue-email', type: 'email', autocomplete: 'email', maxlength: '254', dir: 'ltr', value: state.email || '' });
    var go = el('button', { type: 'submit', class: 'primary', text: text.continue });
    var cancel = el('button', { type: 'button', class: 'link', text: text.cancel });
    var form = el('form', { novalidate: 'novalidate' }, [field(text.email, email, text.continueHint), el('div', { class: 'actions' }, [go, cancel])]);
    ui.footer.appendChild(form);
    email.focus();
    cancel.addEventListener('click', buildComposer);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      go.disabled = true;
      connection.invoke('ContinueByEmail', email.value).then(function () { showEnded(email.value.trim()); }, function (error) {
        go.disabled = false;
        showError(form, refusal(error));
      });
    });
  }

  function showEnded(email) {
    state.ended = true;
    storeToken(null);
    ui.footer.textContent = '';
    ui.footer.hidden = false;
    var notice = el('p', { class: 'notice', role: 'status', text: email ? text.continuesAt.replace('{0}', email) : text.ended });
    var again = el('button', { type: 'button', class: 'primary', text: text.newChat });
    ui.footer.appendChild(notice);
    ui.footer.appendChild(again);
    again.addEventListener('click', function () {
      var old = connection;
      connection = null;
      state.ended = false;
      state.started = false;
      old.stop().catch(function () { /* already stopped */ }).then(begin);
    });
  }

  function addLine(line) {
    if (!ui.list || seen[line.id]) {
      return;
    }
    seen[line.id] = true;
    var when = new Date(line.at);
    var time = isNaN(when) ? '' : when.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
    var who = line.from === 'visitor' ? text.you : line.name;
    var item = el('li', { class: line.from, 'data-id': String(line.id), dir: 'auto' }, [el('span', { class: 'who', text: who + (time ? ' · ' + time : '') }), document.createTextNode(line.body)]);
    // Keep the order of the case, whatever order lines arrive in.
    var after = Array.prototype.find.call(ui.list.children, function (li) { return Number(li.getAttribute('data-id')) > line.id; });
    ui.list.insertBefore(item, after || null);
    if (line.from === 'agent' && ui.typing) {
      ui.typing.textContent = '';
    }
    scroll();
  }

  function scroll() {
    ui.body.scrollTop = ui.body.scrollHeight;
  }

  fetch(base + '/chat/widgets/' + encodeURIComponent(key) + '/config?lang=' + lang, { credentials: 'omit', mode: 'cors' })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(new Error('HTTP ' + response.status)); })
    .then(function (config) {
      if (document.body) {
        mount(config);
      } else {
        document.addEventListener('DOMContentLoaded', function () { mount(config); });
      }
    })
    .catch(function (error) {
      if (window.console) { console.warn('Ribalta chat is not available on this page:', error.message); }
    });
})();
