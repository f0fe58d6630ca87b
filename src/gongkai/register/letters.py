"""Draft letters (告知书) for a request, as DOCX, from templates per outcome and per event.

The drafts fill in what the register knows (applicant, dates, content, deadlines, amounts) and
cite the 条例 articles each decision rests on. Where the basis depends on facts the register
does not hold, the draft leaves a marked blank 【…】 for the clerk instead of guessing.
"""

from __future__ import annotations

import io
from datetime import date

from gongkai.register.clock import Clock
from gongkai.register.rules import OUTCOMES, RegisterError
from gongkai.register.service import RequestView

BLANK = "【请承办人填写】"

# outcome → the decision paragraph (条例 2019 revision)
DECISIONS: dict[str, str] = {
    "granted": "经审查，您申请获取的政府信息属于公开范围。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，现向您提供该政府信息（见附件）。",
    "partially_granted": "经审查，您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。根据《中华人民共和国政府信息公开条例》第三十七条的规定，现向您提供可以公开的部分（见附件），对不予公开的部分说明理由如下："
    + BLANK,
    "withheld_state_secret": "经审查，您申请获取的政府信息属于国家秘密。根据《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_prohibited_by_law": "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息（依据："
    + BLANK
    + "）。根据《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_security_stability": "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。根据《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_third_party_rights": "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的内容。根据《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_internal_affairs": "经审查，您申请获取的政府信息属于行政机关的内部事务信息。根据《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_process_information": "经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息。根据《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_enforcement_file": "经审查，您申请获取的政府信息属于行政执法案卷信息。根据《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项的规定，本机关决定不予公开。",
    "withheld_administrative_query": "经审查，您申请获取的信息属于行政查询事项，应当按照有关规定办理查询（依据："
    + BLANK
    + "）。",
    "unavailable_not_held": "经检索，本机关未制作或者获取您申请公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，告知您该政府信息不存在。",
    "unavailable_needs_creation": "经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析。根据《中华人民共和国政府信息公开条例》第三十八条的规定，本机关可以不予提供。",
    "unavailable_unclear": "本机关已告知您对申请内容作出补正，但补正后申请内容仍不明确，本机关无法确定您所需的政府信息，因此无法提供（《中华人民共和国政府信息公开条例》第三十条）。",
    "rejected_petition": "经审查，您以政府信息公开申请的形式进行信访、投诉、举报等活动。根据《中华人民共和国政府信息公开条例》第三十九条第一款的规定，本机关不作为政府信息公开申请处理，请您通过相应渠道提出。",
    "rejected_duplicate": "本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，本机关不予重复处理。",
    "rejected_publication": "经审查，您要求提供的是政府公报、报刊、书籍等公开出版物。根据《中华人民共和国政府信息公开条例》第三十九条第二款的规定，请您通过获取公开出版物的途径获取。",
    "rejected_excessive": "您申请公开政府信息的数量、频次明显超过合理范围，经本机关要求说明理由，理由不合理。根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关不予处理。",
    "rejected_confirmation": "您的申请是要求本机关确认或者重新出具您已经获取的信息，不属于政府信息公开申请（依据："
    + BLANK
    + "），本机关不作为政府信息公开申请处理。",
    "other_overdue_correction": "本机关于{notice_on}告知您对申请作出补正，补正期限至{correction_until}。您无正当理由逾期未补正，根据《中华人民共和国政府信息公开条例》第三十条的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
    "other_overdue_fee": "本机关于{fee_on}向您发出收费通知，缴费期限至{fee_until}。您逾期未缴纳费用，根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
    "other_reasons": "经审查，" + BLANK,
}
assert set(DECISIONS) == set(OUTCOMES)

REMEDY = (
    "如对本答复不服，可以在收到本答复之日起60日内向{body}申请行政复议，或者在6个月内向{court}提起行政诉讼。"
)

KINDS = {"答复": "answer", "补正": "correction", "延期": "extension", "收费": "fee", "征求意见": "consult"}


def _cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else BLANK


def _first(view: RequestView, kind: str) -> date | None:
    return next((e.on for e in view.events if e.kind == kind), None)


def _paragraphs(view: RequestView, kind: str) -> tuple[str, list[str]]:
    ck: Clock | None = view.clock
    intro = (
        f"本机关于{_cn(view.received_on)}收到您提出的政府信息公开申请（登记编号：{view.number}），"
        f"申请获取“{view.content}”。"
    )
    if kind == "answer":
        if view.outcome is None:
            raise RegisterError("申请尚未办结，不能起草答复书；可起草补正、延期、收费或征求意见告知书。")
        text = DECISIONS[view.outcome].format(
            notice_on=_cn(_first(view, "correction_notice")),
            correction_until=_cn(ck.correction_until if ck else None),
            fee_on=_cn(_first(view, "fee_notice")),
            fee_until=_cn(
                next((e.until for e in view.events if e.kind == "fee_notice" and e.until), None)
                or (ck.fee_until if ck else None)
            ),
        )
        return "政府信息公开申请答复书", [intro, text, REMEDY.format(body=BLANK, court=BLANK)]
    if ck is None:
        raise RegisterError(view.clock_error or "答复期限无法计算。")
    if kind == "correction":
        until = ck.correction_until
        return "政府信息公开申请补正告知书", [
            intro,
            "经审查，您的申请内容不明确，本机关无法确定您所需的政府信息。请您对以下事项作出补正：" + BLANK,
            f"请于{_cn(until)}前将补正后的申请提交本机关。根据《中华人民共和国政府信息公开条例》第三十条的规定，"
            "答复期限自本机关收到补正的申请之日起计算；您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该申请。",
        ]
    if kind == "extension":
        ext = next((e for e in view.events if e.kind == "extension"), None)
        if ext is None:
            raise RegisterError("时间线中没有延期答复事件。")
        return "延期答复告知书", [
            intro,
            f"因{BLANK}，本机关不能在规定期限内作出答复。根据《中华人民共和国政府信息公开条例》第三十三条第一款的规定，"
            f"经本机关政府信息公开工作机构负责人同意，答复期限延长{ext.days}个工作日，本机关将于{_cn(ck.due)}前作出答复。",
        ]
    if kind == "fee":
        fee = next((e for e in reversed(view.events) if e.kind == "fee_notice"), None)
        if fee is None:
            raise RegisterError("时间线中没有收费通知事件。")
        amount = f"{fee.amount}元" if fee.amount is not None else BLANK
        pay_by = next((p.limit for p in ck.pauses if p.kind == "fee_notice" and p.start == fee.on), None)
        return "政府信息公开信息处理费收费通知书", [
            intro,
            f"根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，您的申请应缴纳信息处理费{amount}"
            f"（计费方式：{BLANK}）。",
            f"请您在收到本通知次日起20个工作日内（即{_cn(pay_by)}前）缴纳费用，缴纳方式：{BLANK}。"
            "逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。自本通知送出之日至您缴费完成之日，不计算在答复期限内。",
        ]
    if kind == "consult":
        tp = next((p for p in ck.pauses if p.kind == "third_party"), None)
        if tp is None:
            raise RegisterError("时间线中没有征求第三方意见事件。")
        return "政府信息公开第三方意见征询函", [
            f"{BLANK}：",
            f"本机关收到政府信息公开申请（登记编号：{view.number}），申请公开的政府信息可能涉及贵方合法权益。"
            "根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求贵方意见。",
            f"请自收到本函之日起15个工作日内（即{_cn(tp.limit)}前）提出意见。逾期未提出意见的，"
            "由本机关依照条例的规定决定是否公开。",
        ]
    raise RegisterError(f"未知的告知书种类「{kind}」；可用：{'、'.join(KINDS)}。")


def draft_letter(view: RequestView, kind: str | None = None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    k = KINDS.get(kind or "答复", kind or "answer")
    title, paras = _paragraphs(view, k)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋"  # type: ignore[attr-defined]
    style.font.size = Pt(16)  # type: ignore[attr-defined]
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")  # type: ignore[attr-defined]
    h = doc.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = h.add_run(title)
    run.bold = True
    run.font.size = Pt(22)
    if k != "consult":
        doc.add_paragraph(f"{view.applicant}：")
    for p in paras:
        para = doc.add_paragraph(p)
        para.paragraph_format.first_line_indent = Pt(32)
    doc.add_paragraph("")
    sign = doc.add_paragraph(view.agency)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    when = doc.add_paragraph(f"{BLANK}年　月　日")
    when.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
