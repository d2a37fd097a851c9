"""Compare: Measurements laid out as PyTorch's benchmark tables -- one table per label, a row
per sub_label (or statement) grouped by thread count, a column per description, each cell the
median in the table's unit."""
import collections
import enum
import math

from . import common

__all__ = ["Colorize", "Compare"]

# ANSI styles of colorize(): best, within 10%, 2x and 5x slower than the best.
BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _color(text, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + text + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + text + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + text + TERMINATE * 2
    if value >= best * 2:
        return BAD + text + TERMINATE * 2
    return text


class _Table:
    """One label's table."""

    def __init__(self, results, colorize, trim, highlight):
        self.results, self.colorize, self.trim = results, colorize, trim
        self.highlight = highlight and any(r.has_warnings for r in results)
        self.label = results[0].label
        self.unit, self.scale = common.select_unit(min(r.median for r in results))
        rows = common.ordered_unique((r.num_threads, r.env, r.as_row_name) for r in results)
        rows.sort(key=lambda key: (key[0], key[1]))  # stable: statements keep their order
        self.row_keys = rows
        self.col_keys = common.ordered_unique(r.description for r in results)
        self.cells = [[None] * len(self.col_keys) for _ in rows]
        row_at = {k: i for i, k in enumerate(rows)}
        col_at = {k: j for j, k in enumerate(self.col_keys)}
        for r in results:
            self.cells[row_at[(r.num_threads, r.env, r.as_row_name)]][col_at[r.description]] = r
        self.templates = [self._template([row[j] for row in self.cells if row[j] is not None], highlight)
                          for j in range(len(self.col_keys))]

    def _template(self, column, highlight):
        """The number format of a column: integer digits for its largest median, decimals for
        the least precise one (with trimming) or 1; whether its cells show their spread (the
        column has a high-variance cell and highlight_warnings is on)."""
        digits = [math.ceil(math.log10(m.median / self.scale)) for m in column]
        decimals = min(max(m.significant_figures - d, 0) for d, m in zip(digits, column)) if self.trim else 1
        width = max(digits) + decimals + (1 if decimals else 0)
        return width, decimals, highlight and any(m.has_warnings for m in column)

    def _number(self, j, m):
        width, decimals, highlight = self.templates[j]
        if m is None:  # blank, as wide as a number of this column
            return " " * (len(f"{1.0:>{width}.{decimals}f}") + (7 if highlight else 0))
        value = m.median / self.scale
        if self.trim:
            value = common.trim_sigfig(value, m.significant_figures)
        text = f"{value:>{width}.{decimals}f}"
        if highlight:
            spread = f" (! {m.iqr / m.median * 100:.0f}%)" if m.has_warnings else ""
            text += f"{spread:>7}"
        return text

    def render(self):
        envs = {r.env for r in self.results}
        show_env = len(envs) > 1
        env_width = max(len(e) for e in envs) if show_env else 0
        table = [[""] + ["" if d is None else d for d in self.col_keys]]
        prior_threads, prior_env = None, None
        separators = []
        for (threads, env, name), row in zip(self.row_keys, self.cells):
            if threads != prior_threads:
                prior_threads, prior_env = threads, None
                separators.append(threads)
            else:
                separators.append(None)
            env_text = f"({env})" if show_env and env != prior_env else ""
            prior_env = env
            table.append(["  " + env_text.ljust(env_width + 4) + name]
                         + [self._number(j, m) for j, m in enumerate(row)])
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        header = "  |  ".join(cell.center(w) for cell, w in zip(table[0], widths))
        lines = [header]
        for i, (row, threads) in enumerate(zip(table[1:], separators)):
            if threads is not None:
                lines.append(f"{threads} threads: ".ljust(len(header), "-"))
            cells = [row[0].ljust(widths[0])]
            for j, (text, width) in enumerate(zip(row[1:], widths[1:])):
                text = text.center(width)
                m = self.cells[i][j]
                best = self._best(i, j)
                if self.colorize is not Colorize.NONE and m is not None and best is not None:
                    text = _color(text, m.median, best)
                cells.append(text)
            lines.append("  |  ".join(cells))
        note = ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n"
                if self.highlight else "")
        title = f"[{(' ' + (self.label or '') + ' ').center(len(header) - 2, '-')}]"
        return (f"{title}\n" + "\n".join(lines) + f"\n\nTimes are in {common.unit_to_english(self.unit)}s "
                f"({self.unit}).\n{note}")

    def _best(self, i, j):
        if self.colorize is Colorize.ROWWISE:
            return min(m.median for m in self.cells[i] if m is not None)
        if self.colorize is Colorize.COLUMNWISE:
            threads = self.row_keys[i][0]  # the best of the column within this thread count
            same = [self.cells[k][j] for k, key in enumerate(self.row_keys) if key[0] == threads]
            values = [m.median for m in same if m is not None]
            return min(values) if values else None
        return None


class Compare:
    """Tables of Measurements: one per label, rows by (num_threads, env, sub_label or stmt),
    columns by description; replicates of one TaskSpec are merged. ``print(compare)`` or
    ``compare.print()`` shows them."""

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return "\n".join(self._render())

    def extend_results(self, results):
        """Adds Measurements."""
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        """Shows each cell to its significant figures only."""
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        """Colors cells by how they compare with the best of their column (or row)."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        """Marks high-variance cells with their IQR share."""
        self._highlight_warnings = True

    def print(self):
        print(str(self))

    def _render(self):
        groups = collections.defaultdict(list)
        for r in common.Measurement.merge(self._results):
            groups[r.label].append(r)
        return [_Table(g, self._colorize, self._trim_significant_figures, self._highlight_warnings).render()
                for g in groups.values()]
