// Charts that fit their column: every chart of the book is drawn through window.tpDraw
// (tokenpower/charts/style.py writes the call), which
//  * gives a single chart the width of its column (Vega-Lite's width "container");
//  * draws a chart made of several panels, or one that is still too wide, again with every
//    panel's width (and a map's height) scaled down until the whole drawing fits the column;
//  * puts the legends below the chart on a narrow screen (a phone), one entry a line;
//  * draws again when the window's width changes.
//  * keeps the positions of an explorable's sliders in the page's address (?name=value, one pair
//    a slider), so a link to the page opens with the sliders where they were when it was copied.
// When the drawing is final the container gets data-tp-fit="done" (the browser tests wait for it);
// a drawing that cannot be made to fit (fixed axis titles, long labels) is scaled down as a whole.
(function () {
  var NARROW = 600; // px of column below which legends go under the chart
  var TRIES = 4;

  function clone(o) { return JSON.parse(JSON.stringify(o)); }

  // maps name the land they draw as tp-geo:<file>, the copy in _static/geo beside this script
  var GEO = (document.currentScript && document.currentScript.src || "").replace(/[^/]*$/, "") + "geo/";
  function resolveGeo(o) {
    if (!o || typeof o !== "object") return;
    if (typeof o.url === "string" && o.url.indexOf("tp-geo:") === 0) o.url = GEO + o.url.slice(7);
    Object.keys(o).forEach(function (k) { resolveGeo(o[k]); });
  }
  function composite(s) { return !!(s.concat || s.hconcat || s.vconcat || s.facet || s.repeat); }
  function isMap(s) {
    if (!s || typeof s !== "object") return false;
    if (s.projection) return true;
    var mark = s.mark && (s.mark.type || s.mark);
    return mark === "geoshape" || (s.layer || []).some(isMap);
  }

  // every panel's width (a map's height too, to keep its shape) multiplied by f
  function shrink(s, f, map) {
    if (!s || typeof s !== "object") return;
    if (Array.isArray(s)) { s.forEach(function (x) { shrink(x, f, map); }); return; }
    var ismap = map || isMap(s);
    if (typeof s.width === "number") {
      s.width = Math.max(60, Math.floor(s.width * f));
      if (ismap && typeof s.height === "number") s.height = Math.max(60, Math.floor(s.height * f));
    } else if (s.width && typeof s.width.step === "number") {
      s.width.step = Math.max(3, s.width.step * f);
    }
    if (s.projection && typeof s.projection.scale === "number") s.projection.scale *= f;
    ["concat", "hconcat", "vconcat", "layer"].forEach(function (k) { if (s[k]) shrink(s[k], f, ismap); });
    if (s.spec) shrink(s.spec, f, ismap);
  }

  // a title's or subtitle's lines broken at spaces so that none is wider than the column
  function wrap(lines, maxChars) {
    var out = [];
    (Array.isArray(lines) ? lines : [lines]).forEach(function (line) {
      var words = String(line).split(" "), cur = "";
      words.forEach(function (w) {
        if (cur && (cur + " " + w).length > maxChars) { out.push(cur); cur = w; }
        else { cur = cur ? cur + " " + w : w; }
      });
      if (cur) out.push(cur);
    });
    return out.length === 1 ? out[0] : out;
  }

  function wrapTitle(s, avail) {
    if (!s.title) return;
    var t = typeof s.title === "object" && !Array.isArray(s.title) ? s.title : { text: s.title };
    // about 9.5 px a character at the title's 15 px, 6 px at the subtitle's 11 px
    t.text = wrap(t.text, Math.max(20, Math.floor(avail / 9.5)));
    if (t.subtitle) t.subtitle = wrap(t.subtitle, Math.max(30, Math.floor(avail / 6)));
    s.title = t;
  }

  // Sliders and other inputs bound to a chart's parameters: [{name, bind, param}] of the spec
  function boundParams(s, out) {
    out = out || [];
    if (!s || typeof s !== "object") return out;
    if (Array.isArray(s)) { s.forEach(function (x) { boundParams(x, out); }); return out; }
    (Array.isArray(s.params) ? s.params : []).forEach(function (p) {
      if (p && typeof p.name === "string" && p.bind && p.bind.input && !p.select &&
          !out.some(function (q) { return q.name === p.name; })) out.push(p);
    });
    Object.keys(s).forEach(function (k) { if (k !== "params" && k !== "datasets" && k !== "data") boundParams(s[k], out); });
    return out;
  }

  // a value read from the address, made valid for its input (a number in a slider's range, on its
  // step); undefined when it cannot be
  function fromAddress(p, text) {
    var b = p.bind;
    if (b.input === "range" || typeof p.value === "number") {
      var v = parseFloat(text);
      if (!isFinite(v)) return undefined;
      var lo = typeof b.min === "number" ? b.min : -Infinity, hi = typeof b.max === "number" ? b.max : Infinity;
      v = Math.min(hi, Math.max(lo, v));
      if (typeof b.step === "number" && b.step > 0 && isFinite(lo)) v = lo + Math.round((v - lo) / b.step) * b.step;
      return Number(v.toPrecision(12));
    }
    if (b.input === "checkbox") return text === "true";
    if (Array.isArray(b.options)) {
      return b.options.map(String).indexOf(text) >= 0 ? b.options[b.options.map(String).indexOf(text)] : undefined;
    }
    return text;
  }

  function restoreFromAddress(s) {
    var q = new URLSearchParams(window.location.search);
    boundParams(s).forEach(function (p) {
      if (!q.has(p.name)) return;
      var v = fromAddress(p, q.get(p.name));
      if (v !== undefined) p.value = v;
    });
  }

  function keepInAddress(result, s) {
    boundParams(s).forEach(function (p) {
      try {
        result.view.addSignalListener(p.name, function (name, value) {
          var q = new URLSearchParams(window.location.search);
          q.set(name, typeof value === "number" ? String(Number(value.toPrecision(12))) : String(value));
          window.history.replaceState(window.history.state, "", window.location.pathname + "?" + q.toString() + window.location.hash);
        });
      } catch (e) { /* a parameter the compiled view does not expose as a signal */ }
    });
  }

  function prepare(spec, avail) {
    var s = clone(spec);
    resolveGeo(s);
    restoreFromAddress(s);
    s.config = s.config || {};
    wrapTitle(s, avail);
    if (avail < NARROW) {
      s.config.legend = Object.assign({}, s.config.legend || {}, {
        orient: "bottom", direction: "vertical", columns: 1,
        labelLimit: avail - 40, titleLimit: avail - 20
      });
      // an axis title longer than a phone's plot ends in an ellipsis instead of running off the drawing
      s.config.axisX = Object.assign({}, s.config.axisX || {}, { titleLimit: avail - 70 });
      s.config.title = Object.assign({}, s.config.title || {}, { limit: avail - 10 });
    }
    if (!composite(s)) {
      s.width = "container";
      s.autosize = { type: "fit-x", contains: "padding" };
    }
    return s;
  }

  // several legends below a chart stand one above the other, not side by side (wider than a phone)
  function stackLegends(vg) {
    vg.config = vg.config || {};
    vg.config.legend = Object.assign({}, vg.config.legend || {}, {
      layout: { bottom: { anchor: "start", direction: "vertical", margin: 8 } }
    });
    return vg;
  }

  function drawnWidth(el) {
    var svg = el.querySelector("svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  function finish(el) {
    var svg = el.querySelector("svg");
    // still wider than the column (fixed axis titles, long labels): the drawing is scaled down as a whole
    if (svg && svg.getBoundingClientRect().width > el.clientWidth + 1) {
      var w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
      if (w && h) {
        svg.setAttribute("viewBox", "0 0 " + w + " " + h);
        svg.style.width = "100%";
        svg.style.height = "auto";
        svg.style.maxWidth = w + "px";
      }
    }
    // the container is the image and carries the text alternative; the drawing's marks are not
    // separate, unlabelled images to assistive technology
    if (svg) svg.setAttribute("aria-hidden", "true");
    if (el.scrollWidth > el.clientWidth + 1) { el.tabIndex = 0; } else { el.removeAttribute("tabindex"); }
    el.style.visibility = "";
    el.setAttribute("data-tp-fit", "done");
  }

  function draw(el, spec) {
    var avail = Math.floor(el.clientWidth) || 600;
    el.tpWidth = avail;
    el.removeAttribute("data-tp-fit");
    var s = prepare(spec, avail);
    var tries = 0;
    function embed() {
      if (el.tpResult) { el.tpResult.finalize(); el.tpResult = null; }
      return window.vegaEmbed(el, s, { renderer: "svg", actions: false, patch: stackLegends }).then(function (result) {
        el.tpResult = result;
        var w = drawnWidth(el);
        if (w > avail + 1 && tries++ < TRIES) {
          if (!composite(s) && s.width === "container") {
            // a single panel whose legend or labels are too wide: fall back to fixed widths
            s.width = Math.max(60, avail - (w - avail) - 20);
            delete s.autosize;
          } else {
            shrink(s, Math.max(0.2, (avail - 4) / w * 0.97), false);
            if (s.config.view && typeof s.config.view.continuousWidth === "number") {
              s.config.view.continuousWidth = Math.max(60, Math.floor(s.config.view.continuousWidth * (avail - 4) / w * 0.97));
            }
          }
          el.style.visibility = "hidden";
          return embed();
        }
        keepInAddress(result, s);
        finish(el);
      });
    }
    return embed().catch(function (e) { console.error(e); el.style.visibility = ""; });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      document.querySelectorAll(".tp-chart").forEach(function (el) {
        if (el.tpSpec && Math.abs(Math.floor(el.clientWidth) - el.tpWidth) > 10) draw(el, el.tpSpec);
      });
    }, 200);
  });

  window.tpDraw = function (el, spec) { el.tpSpec = spec; return draw(el, spec); };
})();
