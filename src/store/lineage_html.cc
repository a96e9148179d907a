// The standalone HTML lineage page: the graph as JSON in the page, drawn
// by inline JavaScript into SVG. No network, no external files: it opens
// from disk on a machine without internet. When the script has drawn the
// graph it sets data-status="ready" on #status (an error sets "error"),
// which the browser test waits for.
#include "store/lineage_render.h"

#include <string_view>

namespace fantrace::store {
namespace {

constexpr std::string_view kHead = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fantrace lineage: )html";

constexpr std::string_view kBody = R"html(</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; background: #f7f8fa;
         display: flex; flex-direction: column; height: 100vh; }
  header { padding: 10px 16px; background: #fff; border-bottom: 1px solid #d8dce3; }
  header h1 { font-size: 16px; margin: 0 0 4px; }
  header p { margin: 0; color: #5b6475; font-size: 12px; }
  #status { font-size: 11px; color: #5b6475; }
  main { display: flex; flex: 1; min-height: 0; }
  #graph { flex: 1; cursor: grab; }
  #details { width: 320px; overflow: auto; padding: 12px 16px; background: #fff; border-left: 1px solid #d8dce3;
             font-size: 12px; word-break: break-all; }
  #details h2 { font-size: 13px; margin: 0 0 8px; }
  #details dt { font-weight: 600; margin-top: 6px; }
  #details dd { margin: 0; font-family: ui-monospace, monospace; }
  .node rect { stroke-width: 1.5; rx: 6; }
  .node.file rect { fill: #fff; stroke: #8a94a6; }
  .node.command rect { fill: #e8f0fe; stroke: #3b6fd8; }
  .node.root rect { stroke: #c2410c; stroke-width: 3; }
  .node.selected rect { fill: #fff4d6; }
  .node text { font-size: 12px; pointer-events: none; }
  .node { cursor: pointer; }
  .edge { fill: none; stroke: #9aa3b5; stroke-width: 1.5; }
  .edge.wrote { stroke: #3b6fd8; }
  .edge-label { font-size: 10px; fill: #5b6475; }
</style>
</head>
<body>
<header>
  <h1>Lineage of <code id="root-path"></code></h1>
  <p>Data flows left to right: files read by a command, the command, the files it wrote.
     Drag to pan, scroll to zoom, click a node for its details.</p>
  <div id="status" data-status="loading">loading</div>
</header>
<main>
  <svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="lineage graph"></svg>
  <aside id="details"><h2>Details</h2><p>Click a file or a command.</p></aside>
</main>
<script type="application/json" id="lineage-data">)html";

constexpr std::string_view kScript = R"html(</script>
<script>
(function () {
  'use strict';
  var statusEl = document.getElementById('status');
  window.addEventListener('error', function (e) {
    statusEl.dataset.status = 'error';
    statusEl.textContent = 'error: ' + e.message;
  });
  var data = JSON.parse(document.getElementById('lineage-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var W = 210, H = 46, GX = 56, GY = 22, PAD = 24;
  var svg = document.getElementById('graph');
  var byId = {}, columns = {}, maxDepth = 0;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  // Files keep their end (the name), commands their start (the program).
  function shorten(text, max, keepEnd) {
    if (text.length <= max) return text;
    return keepEnd ? '\u2026' + text.slice(text.length - max + 1) : text.slice(0, max - 1) + '\u2026';
  }

  data.nodes.forEach(function (n) {
    byId[n.id] = n;
    maxDepth = Math.max(maxDepth, n.depth);
    (columns[n.depth] = columns[n.depth] || []).push(n);
  });
  var rows = 0;
  Object.keys(columns).forEach(function (d) {
    columns[d].forEach(function (n, i) {
      n.x = PAD + (maxDepth - n.depth) * (W + GX);
      n.y = PAD + i * (H + GY);
    });
    rows = Math.max(rows, columns[d].length);
  });

  var defs = el('defs', {}, svg);
  var marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5',
                              markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#9aa3b5' }, marker);
  var view = el('g', {}, svg);

  data.edges.forEach(function (e) {
    var a = byId[e.from], b = byId[e.to];
    if (!a || !b) return;
    var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    el('path', { 'class': 'edge ' + e.kind, 'marker-end': 'url(#arrow)',
                 d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2 }, view);
    var label = el('text', { 'class': 'edge-label', x: mx - 11, y: (y1 + y2) / 2 - 4 }, view);
    label.textContent = e.kind;
  });

  var details = document.getElementById('details');
  var selected = null;
  function showDetails(n, g) {
    if (selected) selected.classList.remove('selected');
    selected = g;
    g.classList.add('selected');
    details.textContent = '';
    var h = document.createElement('h2');
    h.textContent = n.kind === 'file' ? 'File' : 'Command';
    details.appendChild(h);
    var dl = document.createElement('dl');
    Object.keys(n.details).forEach(function (k) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      var v = n.details[k];
      dt.textContent = k;
      dd.textContent = Array.isArray(v) ? v.join(' ') : String(v);
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    details.appendChild(dl);
  }

  data.nodes.forEach(function (n) {
    var g = el('g', { 'class': 'node ' + n.kind + (n.id === data.root ? ' root' : ''),
                      'data-id': n.id, transform: 'translate(' + n.x + ',' + n.y + ')' }, view);
    el('title', {}, g).textContent = n.label;
    el('rect', { width: W, height: H }, g);
    var kind = el('text', { x: 10, y: 17, fill: '#5b6475' }, g);
    kind.textContent = n.kind === 'file' ? 'file' : 'command';
    var text = el('text', { x: 10, y: 35, 'class': 'label' }, g);
    text.textContent = shorten(n.label, 30, n.kind === 'file');
    g.addEventListener('click', function (ev) { ev.stopPropagation(); showDetails(n, g); });
  });

  // Pan and zoom by rewriting the viewBox. The first view shows the whole
  // graph unless that would shrink it below 40%; then it shows the part
  // next to the file asked about (the right end) at 40%.
  var gw = PAD * 2 + (maxDepth + 1) * (W + GX) - GX, gh = PAD * 2 + rows * (H + GY);
  var cw = svg.clientWidth || 1000, ch = svg.clientHeight || 600;
  var scale = Math.min(Math.max(gw / cw, gh / ch, 1), 2.5);
  var vb = { x: 0, y: 0, w: cw * scale, h: ch * scale };
  vb.x = gw > vb.w ? gw - vb.w : (gw - vb.w) / 2;
  vb.y = gh > vb.h ? 0 : (gh - vb.h) / 2;
  function applyView() { svg.setAttribute('viewBox', [vb.x, vb.y, vb.w, vb.h].join(' ')); }
  applyView();
  var drag = null;
  svg.addEventListener('pointerdown', function (e) { drag = { x: e.clientX, y: e.clientY }; });
  window.addEventListener('pointerup', function () { drag = null; });
  svg.addEventListener('pointermove', function (e) {
    if (!drag) return;
    var scale = vb.w / svg.clientWidth;
    vb.x -= (e.clientX - drag.x) * scale;
    vb.y -= (e.clientY - drag.y) * scale;
    drag = { x: e.clientX, y: e.clientY };
    applyView();
  });
  svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    var f = e.deltaY > 0 ? 1.1 : 1 / 1.1;
    vb.x += vb.w * (1 - f) / 2; vb.y += vb.h * (1 - f) / 2; vb.w *= f; vb.h *= f;
    applyView();
  }, { passive: false });

  document.getElementById('root-path').textContent = byId[data.root] ? byId[data.root].label : '';
  statusEl.dataset.status = 'ready';
  statusEl.textContent = 'ready: ' + data.nodes.length + ' nodes, ' + data.edges.length + ' edges';
})();
</script>
</body>
</html>
)html";

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON that cannot end the <script> element it sits in: every '<' (only
// ever inside a string) becomes \u003c.
std::string ScriptSafeJson(const nlohmann::json& value) {
  std::string json = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  for (char c : json) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

}  // namespace

std::string RenderLineageHtml(const LineageFile& root) {
  std::string page(kHead);
  page += HtmlEscape(root.file.path);
  page += kBody;
  page += ScriptSafeJson(LineageGraph(root));
  page += kScript;
  return page;
}

}  // namespace fantrace::store
