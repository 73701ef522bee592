// Client-side sort of the rows on screen; the server-side ?sort= does the same for exports.
(function () {
  var table = document.getElementById("portfolio"), order = {eligible: 0, conditional: 1, ineligible: 2};
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    if (!th.classList.contains("sortable")) { return; }
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending", type = th.dataset.type;
      var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (r) { return r.cells.length > 1; });
      function key(r) {
        var v = r.cells[col].dataset.v || "";
        if (type === "num") { return v === "" ? -Infinity : parseFloat(v); }
        if (type === "verdict") { return order[v]; }
        return v.toLowerCase();
      }
      rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
      rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    });
  });
})();
