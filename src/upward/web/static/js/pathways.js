/* Upward pathway explorer: the pathways as a Cytoscape.js graph. Nodes are sized by the
   region's employment and coloured by quality tier (Okabe & Ito); edges carry the change in
   median pay. Clicking a step (an edge, or the job it leads to) shows its details, as the
   list of steps does, and puts the step in the URL so the view can be shared. */
(function () {
  "use strict";
  var node = document.getElementById("page-data");
  var box = document.getElementById("graph");
  if (!node || !box || typeof cytoscape === "undefined") { return; }
  var graph = JSON.parse(node.textContent).graph;
  if (!graph) { return; }

  var details = document.getElementById("details");
  var steps = Array.prototype.slice.call(details.querySelectorAll("article.step"));
  var links = Array.prototype.slice.call(document.querySelectorAll("a.step-link"));
  var hint = details.querySelector(".hint-text");

  function pct(v) { return v === null || v === undefined ? "" : (v >= 0 ? "+" : "") + Math.round(v * 100) + "%"; }

  var emp = graph.nodes.map(function (n) { return n.employment || 0; });
  var maxEmp = Math.max.apply(null, emp.concat([1]));
  function size(e) { return 24 + 56 * Math.sqrt((e || 0) / maxEmp); }

  var elements = graph.nodes.map(function (n) {
    return { data: { id: n.id, label: n.title, color: n.color, size: size(n.employment), origin: n.origin ? 1 : 0 } };
  }).concat(graph.edges.map(function (e) {
    return { data: { id: e.id, source: e.source, target: e.target, label: pct(e.change) } };
  }));

  var cy = cytoscape({
    container: box,
    elements: elements,
    minZoom: 0.1, maxZoom: 3,  /* low enough that a long pathway fits a phone's screen whole */
    boxSelectionEnabled: false, autoungrabify: true,
    layout: { name: "preset" },
    style: [
      { selector: "node", style: {
          "background-color": "data(color)", "width": "data(size)", "height": "data(size)", "label": "data(label)",
          "font-size": 12, "text-wrap": "wrap", "text-max-width": 150, "text-valign": "bottom", "text-margin-y": 4,
          "color": "#1a1a1a", "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 2,
          "border-width": 1, "border-color": "#333" } },
      { selector: "node[origin = 1]", style: { "border-width": 4, "border-color": "#000" } },
      { selector: "edge", style: {
          "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 2, "line-color": "#666", "target-arrow-color": "#666",
          "label": "data(label)", "font-size": 11, "font-weight": 600, "color": "#1a1a1a",
          "text-background-color": "#fff", "text-background-opacity": 1, "text-background-padding": 2 } },
      { selector: "edge.selected", style: { "line-color": "#E69F00", "target-arrow-color": "#E69F00", "width": 5 } },
      { selector: "node.selected", style: { "border-color": "#E69F00", "border-width": 5 } }
    ]
  });
  /* the job held on the left, each further step a column to the right */
  cy.layout({
    name: "breadthfirst", directed: true, roots: cy.nodes("[origin = 1]"), spacingFactor: 1.25, padding: 30, avoidOverlap: true,
    transform: function (n, pos) { return { x: pos.y * 2.2, y: pos.x }; }
  }).run();
  /* fit the nodes and their names (the layout fits the nodes only, so the last job's name could
     run past the edge of a narrow screen), never magnified past 1 */
  cy.fit(cy.elements(), 12);
  if (cy.zoom() > 1) { cy.zoom(1); cy.center(); }
  var bb = cy.elements().boundingBox({ includeLabels: true });
  var room = Math.min((box.clientWidth - 24) / bb.w, (box.clientHeight - 24) / bb.h);
  if (room < cy.zoom()) { cy.zoom(Math.max(cy.minZoom(), room)); cy.center(); }

  function show(key, push) {
    var found = false;
    steps.forEach(function (s) {
      var on = s.getAttribute("data-step") === key;
      s.hidden = !on;
      found = found || on;
    });
    if (!found) { return; }
    if (hint) { hint.hidden = true; }
    links.forEach(function (a) {
      if (a.getAttribute("data-step") === key) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
    cy.elements().removeClass("selected");
    var edge = cy.getElementById(key);
    if (edge && edge.length) { edge.addClass("selected"); edge.target().addClass("selected"); }
    if (push) {
      var url = new URL(window.location.href);
      url.searchParams.set("step", key);
      url.hash = "details";
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  }

  cy.on("tap", "edge", function (evt) { show(evt.target.id(), true); });
  cy.on("tap", "node", function (evt) {
    var into = evt.target.incomers("edge");
    if (into.length) { show(into[0].id(), true); }
  });
  links.forEach(function (a) {
    a.addEventListener("click", function (evt) {
      evt.preventDefault();
      show(a.getAttribute("data-step"), true);
      details.focus({ preventScroll: false });
    });
  });
  var current = new URL(window.location.href).searchParams.get("step");
  if (current) { show(current, false); }
  window.upwardGraph = cy;  /* for the browser test */
})();
