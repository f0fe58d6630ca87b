"""The vocabulary of the register: channels, applicant types, events, outcomes and appeals,
with their Chinese labels and the articles of the 条例 (2019 revision) they come from.

Outcomes are exactly the result rows of table 3 (2021 edition, ``model.keys``); appeal kinds
and results are the rows and columns of table 4.
"""

from __future__ import annotations

from gongkai.errors import GongkaiError
from gongkai.model.keys import APPEALS, APPLICANT_COLUMNS, OUTCOME_ROWS_2021, REQUESTS_2021

ANSWER_DAYS = 20  # 条例第三十三条第一款
EXTENSION_MAX_DAYS = 20  # 同上
CORRECTION_NOTICE_DAYS = 7  # 条例第三十条
THIRD_PARTY_DAYS = 15  # 条例第三十二条
FEE_PAYMENT_DAYS = 20  # 国办函〔2020〕109号：收到收费通知次日起20个工作日内缴纳


class RegisterError(GongkaiError):
    """A request or event the rules do not allow (message in Chinese)."""


# --- channels and the day of receipt (条例第三十一条) ------------------------------------------

CHANNELS: dict[str, tuple[str, str]] = {
    # channel: (what the given date is, the rule)
    "当面": ("提交日", "当面提交的，以提交之日为收到申请之日（条例第三十一条第（一）项）"),
    "邮寄": ("签收日", "以邮寄方式提交的，以行政机关签收之日为收到申请之日（条例第三十一条第（二）项）"),
    "平信": (
        "确认日",
        "以平常信函等无需签收的邮寄方式提交的，以政府信息公开工作机构与申请人确认之日为收到申请之日（条例第三十一条第（二）项）",
    ),
    "网络": ("确认日", "通过互联网渠道提交的，以双方确认之日为收到申请之日（条例第三十一条第（三）项）"),
    "传真": (
        "确认日",
        "通过政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日（条例第三十一条第（三）项）",
    ),
}
CHANNEL_ALIASES = {
    "现场": "当面",
    "窗口": "当面",
    "信函": "邮寄",
    "挂号信": "邮寄",
    "快递": "邮寄",
    "EMS": "邮寄",
    "普通信函": "平信",
    "在线": "网络",
    "网上": "网络",
    "互联网": "网络",
    "网站": "网络",
    "电子邮件": "网络",
    "邮箱": "网络",
}


def _code_of(t: str, names: dict[str, str]) -> str | None:
    """The code that ``t`` is, or whose Chinese name ``t`` is exactly; None when neither."""
    if t in names:
        return t
    for k, label in names.items():
        if t == label:
            return k
    return None


def channel_of(text: str) -> str:
    t = (text or "").strip()
    if t in CHANNELS:
        return t
    if t in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[t]
    for k in CHANNELS:
        if k in t:
            return k
    raise RegisterError(f"无法识别的申请渠道「{text}」；可用：{'、'.join(CHANNELS)}。")


# --- applicant types (table 3 columns) -------------------------------------------------------

APPLICANT_TYPES: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_organization": "社会公益组织",
    "legal_service_institution": "法律服务机构",
    "other_organization": "其他组织",
}
assert tuple(APPLICANT_TYPES) == APPLICANT_COLUMNS
_APPLICANT_ALIASES = {
    "个人": "natural_person",
    "公民": "natural_person",
    "企业": "commercial_enterprise",
    "公司": "commercial_enterprise",
    "社会组织": "social_organization",
    "律师事务所": "legal_service_institution",
    "律所": "legal_service_institution",
    "其他": "other_organization",
}


def applicant_type_of(text: str) -> str:
    t = (text or "").strip()
    code = _code_of(t, APPLICANT_TYPES)
    if code is not None:
        return code
    if t in _APPLICANT_ALIASES:
        return _APPLICANT_ALIASES[t]
    for k, label in APPLICANT_TYPES.items():
        if label in t:
            return k
    raise RegisterError(f"无法识别的申请人类型「{text}」；可用：{'、'.join(APPLICANT_TYPES.values())}。")


# --- outcomes (table 3 result rows, 2021 edition) ----------------------------------------------


def _outcome_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in REQUESTS_2021.rows:
        if row.key not in OUTCOME_ROWS_2021:
            continue
        group = row.group.replace("三、本年度办理结果", "").strip()
        label = row.label
        if group:
            label = f"{group}{label}"
        out[row.key] = label
    return out


OUTCOMES: dict[str, str] = _outcome_labels()
# short names for lists and for typing on the command line
OUTCOME_SHORT: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld_state_secret": "不予公开-国家秘密",
    "withheld_prohibited_by_law": "不予公开-法律法规禁止",
    "withheld_security_stability": "不予公开-三安全一稳定",
    "withheld_third_party_rights": "不予公开-第三方合法权益",
    "withheld_internal_affairs": "不予公开-内部事务",
    "withheld_process_information": "不予公开-过程性信息",
    "withheld_enforcement_file": "不予公开-行政执法案卷",
    "withheld_administrative_query": "不予公开-行政查询事项",
    "unavailable_not_held": "无法提供-不掌握",
    "unavailable_needs_creation": "无法提供-需另行制作",
    "unavailable_unclear": "无法提供-补正后仍不明确",
    "rejected_petition": "不予处理-信访举报投诉",
    "rejected_duplicate": "不予处理-重复申请",
    "rejected_publication": "不予处理-公开出版物",
    "rejected_excessive": "不予处理-大量反复申请",
    "rejected_confirmation": "不予处理-确认或重新出具",
    "other_overdue_correction": "其他处理-逾期不补正",
    "other_overdue_fee": "其他处理-逾期不缴费",
    "other_reasons": "其他处理-其他",
}
assert tuple(OUTCOME_SHORT) == OUTCOME_ROWS_2021 == tuple(OUTCOMES)


def outcome_of(text: str) -> str:
    t = (text or "").strip()
    if t in OUTCOMES:
        return t
    for table in (OUTCOME_SHORT, OUTCOMES):
        for k, label in table.items():
            if t == label:
                return k
    hits = [k for k, label in OUTCOME_SHORT.items() if t and t in label]
    if len(hits) == 1:
        return hits[0]
    raise RegisterError(
        f"无法识别的办理结果「{text}」；应为依申请公开情况表的办理结果之一，如：{'、'.join(OUTCOME_SHORT.values())}。"
    )


# --- events -----------------------------------------------------------------------------------

EVENTS: dict[str, str] = {
    "correction_notice": "补正通知",
    "correction_received": "收到补正",
    "third_party": "征求第三方意见",
    "third_party_answer": "第三方答复",
    "agency_consult": "征求其他机关意见",
    "agency_answer": "其他机关答复",
    "fee_notice": "收费通知",
    "fee_paid": "缴费",
    "extension": "延期答复",
    "answer": "答复办结",
    "note": "备注",
}


def event_kind_of(text: str) -> str:
    code = _code_of((text or "").strip(), EVENTS)
    if code is not None:
        return code
    raise RegisterError(f"无法识别的事件「{text}」；可用：{'、'.join(EVENTS.values())}。")


# --- appeals (table 4) --------------------------------------------------------------------------

APPEAL_KINDS: dict[str, str] = {
    r.key: (f"{r.group}（{r.label}）" if r.group else r.label) for r in APPEALS.rows
}
APPEAL_RESULTS: dict[str, str] = {
    "upheld": "维持",
    "corrected": "纠正",
    "other": "其他",
    "pending": "尚未审结",
}


def appeal_kind_of(text: str) -> str:
    t = (text or "").strip()
    code = _code_of(t, APPEAL_KINDS)
    if code is not None:
        return code
    aliases = {
        "复议": "reconsideration",
        "行政复议": "reconsideration",
        "直接起诉": "litigation_direct",
        "诉讼": "litigation_direct",
        "行政诉讼": "litigation_direct",
        "复议后起诉": "litigation_after_reconsideration",
    }
    if t in aliases:
        return aliases[t]
    raise RegisterError(f"无法识别的复议诉讼类型「{text}」；可用：行政复议、直接起诉、复议后起诉。")


def appeal_result_of(text: str) -> str:
    t = (text or "").strip()
    if t in APPEAL_RESULTS:
        return t
    for k, label in APPEAL_RESULTS.items():
        if t in (label, f"结果{label}", f"{label}结果"):
            return k
    raise RegisterError(f"无法识别的复议诉讼结果「{text}」；可用：维持、纠正、其他、尚未审结。")
