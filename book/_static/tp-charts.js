// Charts that fit their column: every chart of the book is drawn through window.tpDraw
// (tokenpower/charts/style.py writes the call), which
//  * gives a single chart the width of its column (Vega-Lite's width "container");
//  * draws a chart made of several panels, or one that is still too wide, again with every
//    panel's width (and a map's height) scaled down until the whole drawing fits the column;
//  * puts the legends below the chart on a narrow screen (a phone), two entries a row;
//  * draws again when the window's width changes.
// When the drawing is final the container gets data-tp-fit="done" (the browser tests wait for it);
// if a drawing cannot be made to fit, it scrolls inside its container, which then takes the
// keyboard focus.
(function () {
  var NARROW = 600; // px of column below which legends go under the chart
  var TRIES = 4;

  function clone(o) { return JSON.parse(JSON.stringify(o)); }
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
    // about 8.5 px a character at the title's 15 px, 6 px at the subtitle's 11 px
    t.text = wrap(t.text, Math.max(20, Math.floor(avail / 8.5)));
    if (t.subtitle) t.subtitle = wrap(t.subtitle, Math.max(30, Math.floor(avail / 6)));
    s.title = t;
  }

  function prepare(spec, avail) {
    var s = clone(spec);
    s.config = s.config || {};
    wrapTitle(s, avail);
    if (avail < NARROW) {
      s.config.legend = Object.assign({}, s.config.legend || {}, {
        orient: "bottom", direction: "horizontal", columns: 2,
        labelLimit: Math.max(80, Math.floor(avail / 2) - 40), titleLimit: avail - 20
      });
      s.config.title = Object.assign({}, s.config.title || {}, { limit: avail - 10 });
    }
    if (!composite(s)) {
      s.width = "container";
      s.autosize = { type: "fit-x", contains: "padding" };
    }
    return s;
  }

  function drawnWidth(el) {
    var svg = el.querySelector("svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  function finish(el) {
    var svg = el.querySelector("svg");
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
      return window.vegaEmbed(el, s, { renderer: "svg", actions: false }).then(function (result) {
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
