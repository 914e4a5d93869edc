"""The site's stylesheet and its one small script (sorting and filtering tables only: every
page is complete without it)."""

from __future__ import annotations

from pipeline.site.map import css as map_css

STYLE = """
:root{--text:#1a1a1a;--muted:#4a4a4a;--link:#0b4f8a;--line:#c8c8c8;--bg:#ffffff;
--band:#f3f5f7;--mark:#8a1c1c;--focus:#c05600}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
font-size:100%;line-height:1.5;color:var(--text);background:var(--bg);
-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,main:focus-visible,summary:focus-visible{
  outline:3px solid var(--focus);
  outline-offset:2px;
}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem;top:.5rem}
header.site{background:#17324d;color:#fff;padding:.5rem 1.25rem}
header.site a{color:#fff}
header.site .brand{margin:0;font-weight:700;font-size:1.05rem;line-height:1.3}
nav.crumbs ol{
  list-style:none;
  margin:.15rem 0 0;
  padding:0;
  display:flex;
  flex-wrap:wrap;
  gap:.25rem;
}
nav.crumbs li+li::before{content:"›";margin-right:.25rem}
.mark{
  background:#fdecea;
  border-left:6px solid var(--mark);
  color:#3d0a0a;
  padding:.35rem 1.25rem;
  margin:0;
  font-size:.9rem;
}
.mark summary{cursor:pointer;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.mark strong{color:var(--mark)}
.mark p{margin:.3rem 0 .2rem}
main{max-width:72rem;margin:0 auto;padding:.75rem 1.25rem 2rem}
h1{font-size:1.9rem;line-height:1.2;margin:.4rem 0}
h2{
  font-size:1.35rem;
  margin:2rem 0 .5rem;
  border-bottom:1px solid var(--line);
  padding-bottom:.25rem;
}
h3{font-size:1.1rem;margin:1.25rem 0 .4rem}
.lead{margin:0 0 .6rem;color:var(--muted)}
.meta{color:var(--muted);margin:.25rem 0 1rem}
.answers{
  display:grid;
  grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));
  gap:.6rem;
  margin:.5rem 0;
}
.answer{background:var(--band);border-top:4px solid #17324d;padding:.5rem .8rem;border-radius:4px}
.answer h2{font-size:1rem;margin:0;border:0;padding:0;color:var(--muted)}
.answer p{margin:.15rem 0}
.answer .big{font-size:1.6rem;font-weight:700;line-height:1.2;margin:.1rem 0 .2rem}
.small{font-size:.875rem;color:var(--muted)}
.downloads{margin:.5rem 0;padding:.4rem .8rem;border:1px solid var(--line);border-radius:4px}
.facts{
  display:grid;
  grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));
  gap:.75rem;
  margin:1rem 0;
  padding:0;
}
.facts div{background:var(--band);padding:.6rem .8rem;border-radius:4px}
.facts dt{font-size:.9rem;color:var(--muted)}
.facts dd{margin:0;font-size:1.35rem;font-weight:700}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.95rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{padding:.3rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{text-align:left;background:var(--band)}
th.num{text-align:right}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
/* A table wider than the screen scrolls inside its frame; shadows at the edges show that
   there is more to the side (they scroll away at the ends), and the row's name stays put. */
.table-wrap{
  overflow-x:auto;
  max-width:100%;
  background:
    linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) left/2.5rem 100% no-repeat local,
    linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) right/2.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.25),rgba(0,0,0,0)) left/.9rem 100%
      no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.25),rgba(0,0,0,0)) right/.9rem 100%
      no-repeat scroll;
}
.table-wrap tbody th{position:sticky;left:0;z-index:1}
th button{
  font:inherit;
  font-weight:700;
  background:none;
  border:0;
  padding:0;
  color:var(--link);
  cursor:pointer;
  text-align:inherit;
}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
.filter{margin:.5rem 0}
.filter input{
  font:inherit;
  padding:.3rem .5rem;
  border:1px solid #767676;
  border-radius:3px;
  min-width:min(16rem,100%);
}
.sw{
  display:inline-block;
  width:.9em;
  height:.9em;
  border:1px solid #555;
  vertical-align:-.1em;
  margin-right:.35em;
}
.count{color:var(--muted)}
.pill{display:inline-block;min-width:4.2em;padding:0 .3em;border-radius:3px;text-align:right}
figure{margin:.5rem 0 1rem}
figcaption{color:var(--muted);font-size:.9rem}
svg.chart{width:100%;max-width:600px;height:auto;display:block}
svg.chart text{font-size:13px;fill:#222}
svg.chart text.y{text-anchor:end;dominant-baseline:middle}
svg.chart text.x{text-anchor:middle}
svg.chart .grid{stroke:#d0d0d0;stroke-width:1}
svg.chart .axis{stroke:#555;stroke-width:1}
svg.chart .goal{stroke:#555;stroke-width:1.5;stroke-dasharray:6 4}
svg.chart .trend{stroke:#222;stroke-width:2}
svg.chart .point{fill:#222}
/* On a narrow screen the chart shrinks to about 0.58 of its view box: larger text keeps every
   label at 11 px or more, and every other year label makes room for it. */
@media (max-width:40rem){
  svg.chart text{font-size:20px}
  svg.chart text.minor{display:none}
}
.mapbox{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
svg.map{width:100%;height:auto;background:#fff;display:block}
.mapbox>svg.map{flex:0 1 24rem;width:24rem;max-width:100%}
.mapbox .legend{flex:1 1 18rem}
svg.map path{stroke:#ffffff;stroke-width:.5px;stroke-linejoin:round;
  vector-effect:non-scaling-stroke}
svg.map a:hover path{stroke:#000;stroke-width:2px}
svg.map.large{max-width:60rem;margin:0 auto}
.insets{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem}
.insets figure{margin:0}
.insets svg.map{border:1px solid var(--line)}
.insets svg.inset.large{max-width:40rem}
.legend.wide{display:flex;flex-wrap:wrap;gap:0 2rem}
.legend h3{margin-top:0}
.legend ul{list-style:none;padding:0;margin:0 0 .75rem}
.legend li{margin:.15rem 0}
.mapmodes{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0}
.mapmodes a{
  padding:.3rem .7rem;
  border:1px solid var(--link);
  border-radius:3px;
  text-decoration:none;
}
.legend-share,#visa-andel:target .legend-fulfilment{display:none}
#visa-andel:target .legend-share{display:block}
#visa-andel:not(:target) .mode-fulfilment,#visa-andel:target .mode-share{
  background:var(--link);
  color:#fff;
}
.version{border-left:4px solid #17324d;padding:.1rem 0 .1rem .9rem;margin:1rem 0}
.version.replaced{border-left-color:var(--line);color:var(--muted)}
.version h3{margin:.2rem 0}
.version p{margin:.2rem 0}
.replaced-note strong{color:var(--mark)}
ul.files{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;list-style:none;margin:.3rem 0}
.source{font-size:.85rem;color:var(--muted)}
.note{color:var(--muted);font-size:.92rem}
ul.counties{columns:3 14rem;padding-left:1.2rem}
footer{
  border-top:1px solid var(--line);
  color:var(--muted);
  font-size:.9rem;
  padding:1rem 1.25rem;
  max-width:72rem;
  margin:0 auto;
}
@media (max-width:40rem){
  main{padding:.5rem 1rem 1.5rem}
  h1{font-size:1.6rem}
  .lead{font-size:.9rem}
  .answer .big{font-size:1.45rem}
  .mark{padding:.35rem 1rem}
  header.site{padding:.4rem 1rem}
}
@media print{.skip,.filter,.mapmodes{display:none}}
""".strip() + "\n" + map_css() + "\n"

SCRIPT = r"""
// Sorting and filtering of tables marked data-sortable; without JavaScript the tables are
// complete and in code order.
(function () {
  "use strict";
  var collator = new Intl.Collator("sv");
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { return cell.textContent.trim(); }
    return raw === "" ? null : Number(raw);
  }
  function sortBy(table, index, button) {
    var th = button.parentNode;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      if (x === y) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      var order = (typeof x === "number" && typeof y === "number") ? x - y
        : collator.compare(String(x), String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
    var filter = document.getElementById(table.getAttribute("data-filter"));
    if (!filter) { return; }
    var input = filter.querySelector("input");
    var status = filter.querySelector("[role=status]");
    filter.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.trim().toLocaleLowerCase("sv");
      var shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var match = row.cells[0].textContent.toLocaleLowerCase("sv").indexOf(words) !== -1 ||
          row.cells[1].textContent.toLocaleLowerCase("sv").indexOf(words) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = "Visar " + shown + " av " + rows.length + " kommuner";
    });
  });
}());
""".lstrip()
