// The committee co-signs from its own device (disclosure/pages/cosign.py).
//   <form data-cosign-register>  makes an Ed25519 key in this browser, keeps it here, and
//                                posts only its public half (field public_key, base64)
//   <form data-cosign-sign>      signs the checkpoint body (data-body, base64) with one of the
//                                member's confirmed keys (data-keys: "name:publicBase64 …")
//                                that this browser holds, and posts key and signature
// The private key is made non-extractable: no script, this one included, can read it out.
// It stays in IndexedDB, under its public key. Messages come from the form's data-* text,
// in the page's language. Web Crypto exists only on HTTPS pages (and on localhost).
(function () {
  "use strict";
  var DB = "sunshine-cosign";
  var STORE = "keys";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var request = action(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    });
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return btoa(text);
  }

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function makeKey() {
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
      return Promise.reject(new Error("unsupported"));
    }
    return window.crypto.subtle
      .generateKey({ name: "Ed25519" }, false, ["sign", "verify"])
      .catch(function () { throw new Error("unsupported"); });
  }

  function say(form, name) {
    var message = form.querySelector(".cosign-message");
    message.textContent = form.getAttribute("data-" + name) || name;
    message.hidden = false;
    form.querySelector("button[type=submit]").disabled = false;
  }

  function failed(form) {
    return function (error) { say(form, error && error.message === "unsupported" ? "unsupported" : "failed"); };
  }

  function register(form) {
    makeKey().then(function (pair) {
      return window.crypto.subtle.exportKey("raw", pair.publicKey).then(function (raw) {
        var publicKey = toBase64(raw);
        return withStore("readwrite", function (store) { return store.put(pair, publicKey); })
          .then(function () {
            form.elements.public_key.value = publicKey;
            form.submit();
          });
      });
    }).catch(failed(form));
  }

  function held(names) {
    // The first of the member's confirmed keys that this browser holds, in order.
    if (!names.length) { return Promise.resolve(null); }
    var first = names[0].split(":");
    return withStore("readonly", function (store) { return store.get(first[1]); }).then(function (pair) {
      return pair ? { name: first[0], pair: pair } : held(names.slice(1));
    });
  }

  function sign(form) {
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle || !window.indexedDB) {
      say(form, "unsupported");
      return;
    }
    var names = (form.getAttribute("data-keys") || "").split(" ").filter(Boolean);
    held(names).then(function (found) {
      if (!found) { say(form, "nokey"); return null; }
      var body = fromBase64(form.getAttribute("data-body"));
      return window.crypto.subtle.sign({ name: "Ed25519" }, found.pair.privateKey, body)
        .then(function (signature) {
          form.elements.key.value = found.name;
          form.elements.signature.value = toBase64(signature);
          form.submit();
        });
    }).catch(failed(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var act = form.hasAttribute("data-cosign-register") ? register
      : form.hasAttribute("data-cosign-sign") ? sign : null;
    if (!act) { return; }
    event.preventDefault();
    form.querySelector("button[type=submit]").disabled = true;
    act(form);
  });
}());
