"""Printing a benchmark's table: the first column left-aligned, the rest right-aligned."""

from __future__ import annotations


def print_table(rows: list[tuple[str, ...]]) -> None:
    """``rows[0]`` is the header; a rule goes under it and a blank line after the table."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(widths[j]) if j == 0 else cell.rjust(widths[j])
                for j, cell in enumerate(row)
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))
