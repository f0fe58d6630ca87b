"""The report as a standalone web page: inline CSS, real tables with rowspan and colspan.

The page needs nothing beside itself (no scripts, no external style sheets or fonts) and prints
on A4 with the margins of a 公文. Header and label cells are ``<th>``, numbers ``<td>`` carrying
their cell address in ``data-address``; unknown cells are empty.
"""

from __future__ import annotations

from html import escape

from gongkai.model.report import Report
from gongkai.write.layout import Grid, GridCell, is_sub_heading, parts, preamble, title_of, value_of

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #f4f4f4; }
body {
  margin: 0; padding: 24px 12px; color: #000;
  font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong",
    "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", serif;
  font-size: 16pt; line-height: 1.75;
}
main {
  max-width: 156mm; margin: 0 auto; padding: 20mm 26mm 20mm 28mm; background: #fff;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .15);
}
h1 {
  font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK", "STZhongsong", "华文中宋",
    "SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 22pt; font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 1em;
}
h2 {
  font-family: "SimHei", "黑体", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  font-size: 16pt; font-weight: normal; margin: .6em 0 .3em; text-indent: 2em;
}
p { margin: 0; text-indent: 2em; text-align: justify; }
p.sub { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif; }
table {
  border-collapse: collapse; width: 100%; margin: .5em 0 1em; table-layout: fixed;
  font-size: 10.5pt; line-height: 1.35;
}
th, td { border: 1px solid #000; padding: 3px 4px; vertical-align: middle; }
th { font-weight: normal; text-align: center; }
th.label { text-align: left; }
th.group { text-align: center; }
th.section { background: #dde8f5; }
th.note { font-size: 9pt; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.appeals { font-size: 9pt; }
table.appeals th, table.appeals td { padding: 3px 2px; }
@media print {
  html { background: none; }
  body { padding: 0; }
  main { max-width: none; padding: 0; box-shadow: none; }
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"""

_CLASSES = {"group": "group", "header": "head", "note": "note", "label": "label", "value": "num"}


def _colgroup(grid: Grid) -> str:
    """Column widths in per cent: label columns wide, number columns even."""
    if grid.key == "requests":
        widths = [7.0, 14.0, 24.0] + [55.0 / (grid.n_cols - 3)] * (grid.n_cols - 3)
    elif grid.key == "active_disclosure":
        widths = [34.0] + [66.0 / (grid.n_cols - 1)] * (grid.n_cols - 1)
    else:
        widths = [100.0 / grid.n_cols] * grid.n_cols
    return "<colgroup>" + "".join(f'<col style="width:{w:.2f}%">' for w in widths) + "</colgroup>"


def _cell(c: GridCell, grid: Grid, text: str) -> str:
    attrs = []
    if c.rowspan > 1:
        attrs.append(f'rowspan="{c.rowspan}"')
    if c.colspan > 1:
        attrs.append(f'colspan="{c.colspan}"')
    classes = [_CLASSES[c.kind]]
    if c.kind == "group" and grid.key == "active_disclosure":
        classes.append("section")
    attrs.append(f'class="{" ".join(classes)}"')
    if c.kind == "value":
        attrs.append(f'data-address="{c.address}"')
        return f"<td {' '.join(attrs)}>{escape(text)}</td>"
    if c.kind == "header":
        attrs.append('scope="colgroup"' if c.colspan > 1 else 'scope="col"')
    elif c.kind == "label":
        attrs.append('scope="row"')
    elif c.kind == "group" and c.rowspan > 1:
        attrs.append('scope="rowgroup"')
    return f"<th {' '.join(attrs)}>{escape(text)}</th>"


def table_html(grid: Grid, report: Report) -> str:
    value = value_of(report)
    lines = [f'<table class="{grid.key}">', _colgroup(grid)]
    for r in range(grid.n_rows):
        if r == 0 and grid.header_rows:
            lines.append("<thead>")
        if r == grid.header_rows:
            lines.append("<tbody>")
        cells = "".join(_cell(c, grid, value(c.address) if c.address else c.text) for c in grid.row_cells(r))
        lines.append(f"<tr>{cells}</tr>")
        if grid.header_rows and r == grid.header_rows - 1:
            lines.append("</thead>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def write_html(report: Report) -> str:
    title = title_of(report)
    body: list[str] = [f"<h1>{escape(title)}</h1>"]
    body.extend(f'<p class="preamble">{escape(p)}</p>' for p in preamble(report))
    for part in parts(report):
        body.append(f'<section id="{part.key}">')
        body.append(f"<h2>{escape(part.heading)}</h2>")
        for p in part.paragraphs:
            cls = ' class="sub"' if is_sub_heading(p) else ""
            body.append(f"<p{cls}>{escape(p)}</p>")
        if part.grid is not None:
            body.append(table_html(part.grid, report))
        body.append("</section>")
    meta = []
    if report.meta.agency:
        meta.append(f'<meta name="author" content="{escape(report.meta.agency)}">')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="gongkai">\n'
        + "".join(m + "\n" for m in meta)
        + f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


__all__ = ["write_html"]
