"""The registry of checks: every rule id the checker can report, in one table.

Rule ids are part of the contract (they appear in the JSON output and in docs/rules.md) and
never change once published. ``docs/rules.md`` lists exactly these ids; a test keeps the two
in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.model.report import At, Finding, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_zh: str
    description_zh: str
    action_zh: str  # what the clerk should do
    identity: int | None = None  # its number in identities.md, if it checks one
    reserved: bool = False  # documented, not implemented yet
    by_reader: bool = False  # found while reading (layout), kept by the checker as it is


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_RULES: tuple[Rule, ...] = (
    Rule(
        "requests.row_total",
        E,
        "申请情况表行合计不符",
        "收到和处理政府信息公开申请情况表的某一行，各类申请人（自然人、商业企业、科研机构、社会公益组织、"
        "法律服务机构、其他）之和不等于该行「总计」。",
        "核对该行各申请人栏的数字和「总计」，改正填错的一项。",
        identity=1,
    ),
    Rule(
        "requests.outcomes_total",
        E,
        "办理结果合计不符",
        "收到和处理政府信息公开申请情况表的某一列，办理结果（一）至（六）各项之和不等于「（七）总计」。",
        "核对该列各项办理结果和「（七）总计」，改正填错的一项；一件申请只计一种办理结果。",
        identity=2,
    ),
    Rule(
        "requests.balance",
        E,
        "申请情况表勾稽关系不符",
        "收到和处理政府信息公开申请情况表的某一列，第一项加第二项之和（本年新收＋上年结转）"
        "不等于第三项加第四项之和（（七）总计＋结转下年度继续办理）。",
        "核对该列本年新收、上年结转、（七）总计、结转下年度继续办理四个数，使第一项加第二项等于第三项加第四项。",
        identity=3,
    ),
    Rule(
        "appeals.row_total",
        E,
        "行政复议、行政诉讼合计不符",
        "行政复议、行政诉讼情况表的某一行，结果维持、结果纠正、其他结果、尚未审结之和不等于「总计」。",
        "核对该行四种结果和「总计」，改正填错的一项。",
        identity=4,
    ),
    Rule(
        "requests.carry_over",
        E,
        "上年结转与上年度报告不符",
        "本年「二、上年结转政府信息公开申请数量」应等于上一年度报告「四、结转下年度继续办理」（各列分别比较）。"
        "需要同一机关相邻两年的报告，由数据库（gongkai ingest）在两年的报告都入库后检查，"
        "记在后一年的报告上。",
        "核对本年上年结转数与上一年度报告的结转下年度数，改正填错的一份（可用 gongkai correct 记录更正）。",
        identity=5,
    ),
    Rule(
        "active_disclosure.in_force_trend",
        W,
        "现行有效件数与上年度不衔接",
        "规章、行政规范性文件的现行有效件数一般应等于上年现行有效件数＋本年制发件数－本年废止件数"
        "（两年都用2021年版格式时检查）。需要同一机关相邻两年的报告，由数据库在两年的报告都入库后检查，"
        "记在后一年的报告上。",
        "核对现行有效件数；如有文件到期失效或修订，可不改动。",
        identity=6,
    ),
    Rule(
        "prose.mismatch",
        W,
        "正文数字与表格不符",
        "正文中写明的数字（如共收到政府信息公开申请N件、行政复议N起、行政诉讼N起、已全部办结）"
        "与统计表中对应的数字不一致。",
        "核对正文和统计表，改正写错的一处。",
        identity=7,
    ),
    Rule(
        "cell.blank",
        W,
        "单元格留空",
        "统计表中的单元格留空、印为“/”“-”“—”等符号，或没有找到数字。",
        "在这些单元格填写数字，没有发生的填0，不要留空或填符号。",
    ),
    Rule(
        "cell.ambiguous",
        W,
        "单元格无法确定读数",
        "单元格印有数字，但有几种读法都说得通（例如相邻两格的数字粘连），无法确定是哪一个。",
        "对照原件核对该单元格，确认正确的数字。",
    ),
    Rule(
        "cell.inferred",
        INFO,
        "单元格由勾稽关系推定",
        "这些单元格没有印出可读的数字，其数值由表内勾稽关系唯一确定（例如总计为0时各分项必为0）。",
        "一般无需处理；如原件中这些单元格确实留空，请补填数字。",
    ),
    Rule(
        "cell.negative",
        E,
        "数量为负数",
        "统计表中的数量或金额不能为负数（2019年版的「本年增/减」除外）。",
        "改正该单元格；减少的数量只能填在「本年增/减」栏。",
    ),
    Rule(
        "cell.not_integer",
        E,
        "数量不是整数",
        "件数、起数等数量应为整数。",
        "改为整数；如把金额填进了数量栏，请移到金额栏。",
    ),
    Rule(
        "cell.amount_precision",
        W,
        "收费金额小数位过多",
        "行政事业性收费金额以万元为单位，最多保留4位小数。",
        "检查单位是否为万元，并四舍五入到4位小数。",
    ),
    Rule(
        "edition.outdated",
        E,
        "使用了旧版格式",
        "2021年及以后的年度报告应使用国办公开办函〔2021〕30号的格式，而本报告使用了2019年版格式"
        "（国办公开办函〔2019〕60号）。",
        "按2021年版格式重新编制统计表。",
    ),
    Rule(
        "edition.too_new",
        W,
        "使用了新版格式",
        "2019、2020年度的报告应使用国办公开办函〔2019〕60号的格式，而本报告使用了2021年版格式。",
        "核对报告年度；如年度无误，按2019年版格式编制统计表。",
    ),
    Rule(
        "table.missing",
        E,
        "缺少统计表",
        "报告中没有找到某一张统计表（表中没有任何可读的单元格）。",
        "补上该统计表；如已有该表，检查它是否以图片形式插入或格式错乱。",
    ),
    Rule(
        "section.missing",
        E,
        "缺少章节",
        "年度报告应包括六个部分，报告中没有找到其中某一部分的标题。",
        "按规定的标题补上该部分；没有内容的写明“无”。",
    ),
    Rule(
        "section.order",
        W,
        "章节顺序不对",
        "六个部分的先后顺序与规定的格式不一致。",
        "按一至六的顺序排列各部分。",
    ),
    Rule(
        "meta.year_missing",
        W,
        "未找到报告年度",
        "没有从标题或正文中确定这是哪一年度的报告。",
        "在标题中写明年度，如“××局2023年政府信息公开工作年度报告”。",
    ),
    Rule(
        "meta.agency_missing",
        W,
        "未找到发布机关",
        "没有从标题或正文中确定发布报告的机关。",
        "在标题中写明机关全称。",
    ),
    Rule(
        "requests.other_handling_merged",
        W,
        "「（六）其他处理」未分项填报",
        "按2021年版格式，「（六）其他处理」应分三项填报（逾期不补正、逾期未缴费、其他），"
        "本报告只填了一行合计（2019年版的写法）。合计为0的列已推定三项均为0，其余各项无法拆分。",
        "按2021年版格式把「（六）其他处理」拆成三项分别填报。",
        by_reader=True,
    ),
    Rule(
        "table.columns_unclear",
        W,
        "表格栏目顺序无法确定，相关行未读取",
        "输入文字中某张统计表的表头显示栏目顺序与规定格式不同（如“总计”栏在前），但表头无法完整辨认，"
        "无法可靠地确定每个数字属于哪一栏，为避免读错，相关行未读取。",
        "核对原件的表头；改用原始 PDF、Word 或网页文件后重试。",
        by_reader=True,
    ),
    Rule(
        "table.repeated",
        W,
        "申请情况表出现了两次，无法确定哪一张是本年度的，未读取",
        "报告中「收到和处理政府信息公开申请情况」表出现了两次（如本年度与上年度对比），"
        "但表题中的年份无法确定哪一张是本报告年度的，为避免读错，该表未读取。",
        "在每张表的表题中写明年份，或只保留本年度的表。",
        by_reader=True,
    ),
    Rule(
        "table.scrambled",
        W,
        "表格文字顺序错乱，未读取或只读取了部分行",
        "输入文字中某张统计表的行标题和数字没有按表格的阅读顺序排列（常见于用某些工具从 PDF 直接提取的文字），"
        "无法可靠地把数字对应到单元格，为避免读错，该表未读取；收到和处理政府信息公开申请情况表中，"
        "行标题单独成行、其后紧跟本行全部数字（每行一个）的行仍然读取，其余的行未读取。",
        "改用原始 PDF、Word 或网页文件，或复制文字时保留版面后重试。",
        by_reader=True,
    ),
    Rule(
        "xlsx.text_in_number",
        E,
        "填报表的数字单元格填了文字",
        "Excel 填报表中应填数字的单元格填的是文字（如汉字数字“十”），无法作为数字读取；"
        "说明中给出工作表和单元格位置。gongkai write 在有此问题时不生成报告（除非加 --force）。",
        "把该单元格改为阿拉伯数字（如 10），没有发生的填 0。",
        by_reader=True,
    ),
    Rule(
        "requests.other_handling_split",
        W,
        "2019年版格式中「（六）其他处理」被分项填报",
        "本报告按2019年版格式填报，但「（六）其他处理」分成了2021年版的三项；已按三项之和读作「（六）其他处理」。",
        "按报告所用版本的格式填报；2021年及以后的报告应整体改用2021年版格式。",
        by_reader=True,
    ),
    Rule(
        "section.heading_variant",
        W,
        "章节标题与规定不一致",
        "某一部分的标题用词或编号与规定的格式不同（如「一、基本情况」「五、存在的问题和改进措施」"
        "「六、其他事项」，或编为「第一部分」「一.」「（一）」）；已按规定的章节读取。",
        "按规定的标题和编号修改，如「一、总体情况」「五、存在的主要问题及改进情况」「六、其他需要报告的事项」。",
        by_reader=True,
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}

SEVERITY_ORDER: dict[Severity, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def finding(rule_id: str, message: str, cells: list[str] | None = None, at: At | None = None) -> Finding:
    """A finding of a registered rule; its severity comes from the registry."""
    rule = RULES[rule_id]
    if rule.reserved:
        raise ValueError(f"rule {rule_id} is reserved and not implemented")
    return Finding(rule=rule.id, severity=rule.severity, cells=list(cells or []), message=message, at=at)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; the order within each severity is kept."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
