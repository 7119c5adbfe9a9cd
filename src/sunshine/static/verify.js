/* Sunshine: check a printed notice against the community's public log, in the owner's browser.
 *
 * The verify page (templates/disclosure/verify.html) names a notice and what its paper
 * states: the log's size N and root (from the QR code). This script checks, and says each
 * result in one plain line in the page's language, the technical detail behind a toggle
 * (the words come translated from the page: a JSON block, #verify-words, as CSP forbids
 * inline script):
 *   (a) the notice's text, as the server sends it, hashes to a leaf that the log's inclusion
 *       proof places under the root printed on the paper, at size N;
 *   (b) that root is the checkpoint the server signed for size N, and its signatures are
 *       those of the keys on the board (Ed25519, where the browser can check it);
 *   (c) the log has not been rewritten: today's log extends the paper's checkpoint, and the
 *       checkpoint this browser saw last time (kept in localStorage per community) - both by
 *       consistency proofs. Then it keeps today's checkpoint for next time.
 * The hashing is RFC 9162's, as src/sunshine/kernel/merkle.py does it:
 *   leaf = SHA-256(0x00 || record), node = SHA-256(0x01 || left || right).
 * No third-party code. SHA-256 comes from WebCrypto, or from the small implementation below
 * where the browser hides WebCrypto (a page served over plain http on an intranet).
 */
(function () {
  "use strict";

  // --- bytes -------------------------------------------------------------------------
  const utf8 = new TextEncoder();

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function fromHex(text) {
    if (!/^([0-9a-f]{2})*$/i.test(text)) throw new Error("not hexadecimal");
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }

  function fromBase64(text) {
    const raw = atob(text);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function same(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  function fingerprint(root) {
    return hex(root.slice(0, 8)).toUpperCase().replace(/(.{4})(?=.)/g, "$1 ");
  }

  // --- SHA-256 -----------------------------------------------------------------------
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const ror = (x, n) => (x >>> n) | (x << (32 - n));

  /** SHA-256 (FIPS 180-4) in plain JavaScript, for browsers without WebCrypto. */
  function sha256Plain(data) {
    const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[data.length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(data.length / 0x20000000));
    view.setUint32(padded.length - 4, (data.length * 8) >>> 0);
    const state = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const w = new Uint32Array(64);
    for (let block = 0; block < padded.length; block += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + 4 * i);
      for (let i = 16; i < 64; i++) {
        const s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
      }
      let [a, b, c, d, e, f, g, h] = state;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
      }
      [a, b, c, d, e, f, g, h].forEach((x, i) => (state[i] += x));
    }
    const out = new Uint8Array(32);
    state.forEach((x, i) => new DataView(out.buffer).setUint32(4 * i, x));
    return out;
  }

  async function sha256(data) {
    if (globalThis.crypto && crypto.subtle) {
      return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    }
    return sha256Plain(data);
  }

  const leafHash = (record) => sha256(concat(Uint8Array.of(0), record));
  const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  // --- RFC 9162 proofs (kernel/merkle.py: root_from_inclusion, check_consistency) ---------
  /** The root that `proof` leads to from `leaf` at `index` in a tree of `size` leaves. */
  async function rootFromInclusion(index, size, leaf, proof) {
    if (!(index >= 0 && index < size)) throw new Error(`leaf ${index} is not in a tree of ${size}`);
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new Error("the inclusion proof is longer than the tree is high");
      if (fn & 1 || fn === sn) {
        r = await nodeHash(p, r);
        while (!(fn & 1) && fn) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn !== 0) throw new Error("the inclusion proof is too short");
    return r;
  }

  /** Throw unless the tree (newSize, newRoot) only adds to the tree (oldSize, oldRoot). */
  async function checkConsistency(oldSize, newSize, proof, oldRoot, newRoot) {
    if (!(oldSize >= 0 && oldSize <= newSize)) {
      throw new Error(`a log of ${newSize} records cannot extend one of ${oldSize}`);
    }
    if (oldSize === 0 || oldSize === newSize) {
      if (proof.length) throw new Error("the consistency proof should be empty");
      if (oldSize === newSize && !same(oldRoot, newRoot)) {
        throw new Error(`two logs of ${newSize} records have different roots`);
      }
      return;
    }
    if (!proof.length) throw new Error("the consistency proof is empty");
    const path = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...proof] : proof.slice();
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (fn & 1) {
      fn >>= 1;
      sn >>= 1;
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) throw new Error("the consistency proof is longer than the tree is high");
      if (fn & 1 || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while (!(fn & 1) && fn) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn !== 0) throw new Error("the consistency proof is too short");
    if (!same(fr, oldRoot)) throw new Error(`the proof does not lead to the earlier root (${oldSize})`);
    if (!same(sr, newRoot)) throw new Error(`the proof does not lead to the later root (${newSize})`);
  }

  // --- signed checkpoints (transparency/rules/records.py: the note format) ----------------------
  function parseNote(text) {
    const end = text.indexOf("\n\n");
    if (end < 0) throw new Error("the checkpoint has no signatures");
    const body = text.slice(0, end + 1);
    const [origin, size, root] = body.split("\n");
    const signatures = text
      .slice(end + 2)
      .split("\n")
      .filter((line) => line.startsWith("\u2014 "))
      .map((line) => {
        const [name, data] = line.slice(2).split(" ");
        const raw = fromBase64(data);
        return { name, keyId: raw.slice(0, 4), signature: raw.slice(4) };
      });
    return { body, origin, size: Number(size), root: fromBase64(root), signatures };
  }

  function parseKey(text) {
    const [name, id] = text.split("+", 2);
    const raw = fromBase64(text.slice(name.length + id.length + 2));
    return { name, id, key: raw.slice(1) };
  }

  /** For each signature: true, false, or null when this browser cannot check Ed25519. */
  async function checkSignatures(note, keys) {
    const found = [];
    for (const signature of note.signatures) {
      const entry = keys.find((k) => k.name === signature.name);
      if (!entry) {
        found.push({ name: signature.name, ok: false, fingerprint: "" });
        continue;
      }
      const { key } = parseKey(entry.public_key);
      let ok = null;
      try {
        const imported = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
        ok = await crypto.subtle.verify({ name: "Ed25519" }, imported, signature.signature, utf8.encode(note.body));
      } catch (error) {
        ok = null; // no WebCrypto, or no Ed25519 in this browser
      }
      found.push({ name: signature.name, ok, fingerprint: entry.fingerprint });
    }
    return found;
  }

  // --- what this browser remembers ------------------------------------------------------
  const storageKey = (code) => `sunshine.checkpoint.${code}`;

  function recall(code) {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey(code)) || "null");
      return saved && Number.isInteger(saved.size) && /^[0-9a-f]{64}$/.test(saved.root) ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function remember(code, size, root) {
    try {
      const at = new Date().toISOString();
      localStorage.setItem(storageKey(code), JSON.stringify({ size, root: hex(root), at }));
      return true;
    } catch (error) {
      return false; // storage refused (a private window): nothing is kept
    }
  }

  // --- the page -------------------------------------------------------------------------
  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        message = (await response.json()).error.message || message;
      } catch (error) {
        /* not JSON: keep the status */
      }
      throw new Error(`${url.split("?")[0]}: ${message}`);
    }
    return response.json();
  }

  // --- words: translated by the page, filled in here ----------------------------------------
  const words = (() => {
    const block = document.getElementById("verify-words");
    try {
      return block ? JSON.parse(block.textContent) : {};
    } catch (error) {
      return {};
    }
  })();

  function say(key, values) {
    const text = words[key] || key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in (values || {}) ? String(values[name]) : whole));
  }

  /** A day (an ISO time, or an old "YYYY-MM-DD HH:MM" in UTC) as the page's language writes it, in China's time. */
  function day(text) {
    const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(text) ? `${text.replace(" ", "T")}Z` : text;
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return text;
    const english = words.locale === "en";
    return when.toLocaleDateString(english ? "en-GB" : "zh-CN", {
      timeZone: "Asia/Shanghai", year: "numeric", month: english ? "short" : "long", day: "numeric",
    });
  }

  function reporter(list) {
    list.textContent = "";
    let failures = 0;
    return {
      /** One line in plain words; `key + "_detail"`, if the page has it, behind a toggle. */
      say(state, key, values) {
        const item = document.createElement("li");
        item.className = state;
        const mark = { ok: "✓", bad: "✗", info: "•" }[state];
        const line = document.createElement("span");
        line.className = "line";
        line.textContent = `${mark} ${say(key, values)}`;
        item.append(line);
        if (words[`${key}_detail`]) {
          const details = document.createElement("details");
          const summary = document.createElement("summary");
          summary.textContent = say("details");
          const detail = document.createElement("p");
          detail.className = "detail";
          detail.textContent = say(`${key}_detail`, values);
          details.append(summary, detail);
          item.append(details);
        }
        list.append(item);
        if (state === "bad") failures += 1;
      },
      get failures() {
        return failures;
      },
    };
  }

  async function checkPaper(page, out, notice) {
    const seq = notice.notice.log_seq;
    const inclusion = await getJSON(`${page.logApi}/proofs/inclusion?seq=${seq}&size=${page.size}`);
    const leaf = await leafHash(utf8.encode(notice.record_text));
    let root = null;
    let reason = "";
    try {
      root = await rootFromInclusion(seq, page.size, leaf, inclusion.proof.map(fromBase64));
    } catch (error) {
      reason = error.message;
    }
    const record = JSON.parse(notice.record_text);
    if (record.period !== page.period || record.version !== page.version) {
      out.say("bad", "other_notice", { period: record.period, version: record.version });
    } else if (root && same(root, page.root)) {
      out.say("ok", "paper_ok", { seq, size: page.size });
    } else {
      const got = root ? fingerprint(root) : reason;
      out.say("bad", "paper_bad", { got, paper: fingerprint(page.root) });
    }
  }

  async function checkCheckpoint(page, out, notice, status) {
    const bundle = await getJSON(page.bundleApi);
    const note = parseNote(bundle.checkpoint);
    const held = notice.checkpoint;
    if (note.size === page.size && same(note.root, page.root) && held.root_hash_hex === hex(page.root)) {
      out.say("ok", "checkpoint_ok", { size: page.size, fingerprint: fingerprint(page.root) });
    } else {
      out.say("bad", "checkpoint_bad", {
        size: note.size, fingerprint: fingerprint(note.root), paper_size: page.size, paper: fingerprint(page.root),
      });
    }
    for (const s of await checkSignatures(note, status.keys)) {
      if (s.ok === true) {
        out.say("ok", "signature_ok", { name: s.name, fingerprint: s.fingerprint });
      } else if (s.ok === false) {
        out.say("bad", "signature_bad", { name: s.name });
      } else {
        out.say("info", "signature_skipped", { name: s.name });
      }
    }
  }

  async function consistent(page, from, to) {
    const proof = await getJSON(`${page.logApi}/proofs/consistency?from=${from.size}&to=${to.size}`);
    await checkConsistency(from.size, to.size, proof.proof.map(fromBase64), from.root, to.root);
  }

  async function checkHistory(page, out, status) {
    const today = status.checkpoint
      ? parseNote(status.checkpoint)
      : { size: status.tree_size, root: fromBase64(status.root_hash) };
    try {
      await consistent(page, { size: page.size, root: page.root }, today);
      out.say("ok", "history_ok", { size: today.size, paper_size: page.size });
    } catch (error) {
      out.say("bad", "history_bad", { error: error.message });
      return;
    }
    const saved = recall(page.code);
    if (!saved) {
      const kept = remember(page.code, today.size, today.root);
      out.say("info", kept ? "first_check" : "no_storage", { size: today.size, fingerprint: fingerprint(today.root) });
      return;
    }
    try {
      await consistent(page, { size: saved.size, root: fromHex(saved.root) }, today);
    } catch (error) {
      out.say("bad", "rewritten", { day: day(saved.at), size: saved.size, error: error.message });
      return;
    }
    remember(page.code, today.size, today.root);
    out.say("ok", "since_ok", { day: day(saved.at), size: saved.size, now: today.size });
  }

  async function run(section) {
    const data = section.dataset;
    const page = {
      code: data.code,
      period: data.period,
      version: Number(data.version),
      size: Number(data.size),
      root: fromHex(data.root),
      typed: data.fingerprint || "",
      noticeApi: data.noticeApi,
      bundleApi: data.bundleApi,
      logApi: data.logApi,
    };
    const out = reporter(section.querySelector("#verify-results"));
    try {
      if (page.typed) {
        if (hex(page.root).toUpperCase().startsWith(page.typed)) {
          out.say("ok", "typed_ok");
        } else {
          out.say("bad", "typed_bad");
        }
      }
      const [notice, status] = await Promise.all([getJSON(page.noticeApi), getJSON(page.logApi)]);
      await checkPaper(page, out, notice);
      await checkCheckpoint(page, out, notice, status);
      await checkHistory(page, out, status);
    } catch (error) {
      out.say("bad", "unfinished", { error: error.message });
    }
    const summary = section.querySelector("#verify-summary");
    const good = out.failures === 0;
    summary.className = good ? "summary ok" : "summary bad";
    summary.textContent = say(good ? "summary_ok" : "summary_bad");
    summary.hidden = false;
    section.dataset.result = good ? "ok" : "failed";
  }

  const api = { sha256Plain, sha256, rootFromInclusion, checkConsistency, hex, fromHex };
  window.SunshineVerify = api;
  const section = document.getElementById("verify");
  if (section) api.done = run(section);
})();
