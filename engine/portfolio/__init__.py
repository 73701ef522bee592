"""Many deals at once: batch screening into a results table, and the impact of a rule-set change.

- ``run_batch(portfolio, ...)`` screens a folder of deal files, or a CSV/XLSX sheet with one deal
  per row (columns in ``engine.portfolio.tabular``), in worker processes.
- ``write_results`` / ``read_results`` store the table as CSV, XLSX or Parquet, errors beside it.
- ``diff_rulesets`` (``engine.portfolio.diff``) says which rules and parameters changed and which
  deals change verdict, grade or SDG score because of them.
"""

from engine.portfolio.batch import BatchResult, result_row, results_table, run_batch
from engine.portfolio.outputs import errors_path, read_errors, read_results, write_results
from engine.portfolio.sources import Item, list_items, load_item

__all__ = [
    "BatchResult", "Item", "errors_path", "list_items", "load_item", "read_errors", "read_results",
    "result_row", "results_table", "run_batch", "write_results",
]
