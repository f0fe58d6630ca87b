"""Six sections of plausible prose for a generated report.

The prose follows the usual structure of the reports (总体情况 with numbered sub-paragraphs,
problems and plans, other matters) and states some table numbers in words the way reports do
(共收到政府信息公开申请N件, 行政复议N起), always consistent with the tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from gongkai.synth.names import Agency

CN_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True)
class Facts:
    agency: Agency
    year: int
    edition: str
    values: dict[str, int | Decimal]

    def v(self, address: str) -> int:
        return int(self.values[address])


_OPENINGS = (
    "{y}年，{s}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
    "和上级关于政务公开工作的部署要求，坚持“以公开为常态、不公开为例外”，扎实推进政府信息公开工作。",
    "{y}年，在上级政务公开主管部门的指导下，{s}紧紧围绕中心工作，不断完善公开制度，拓展公开渠道，"
    "政府信息公开工作取得了新的进展。",
    "{y}年，{s}深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，以群众需求为导向，"
    "持续深化决策、执行、管理、服务、结果公开，保障人民群众的知情权、参与权、表达权和监督权。",
)
_ACTIVE = (
    "{y}年，{s}通过政府门户网站主动公开政府信息{n}条，其中政策文件{d}件、工作动态{w}条。",
    "全年共主动公开各类政府信息{n}条，通过政务新媒体发布信息{w}条，及时公开部门预决算、重点领域信息。",
    "{s}依托政府网站信息公开专栏，全年更新各类信息{n}条，做到应公开尽公开。",
)
_REQUESTS_NONE = (
    "{y}年，{s}未收到政府信息公开申请。",
    "本年度{s}共收到政府信息公开申请0件，无上年结转申请。",
    "全年未收到公民、法人或其他组织提出的政府信息公开申请。",
)
_REQUESTS_SOME = (
    "{y}年，{s}共收到政府信息公开申请{n}件，上年结转{o}件，已全部依法依规答复。",
    "本年度共收到政府信息公开申请{n}件，其中予以公开{g}件，办理{p}件，结转下年度继续办理{f}件。",
    "全年共收到政府信息公开申请{n}件，均在法定期限内予以答复。",
    "{y}年共受理政府信息公开申请{n}件，严格按照法定时限和程序办理，答复规范。",
)
_APPEALS_NONE = (
    "全年未发生因政府信息公开引起的行政复议和行政诉讼。",
    "本年度未发生政府信息公开行政复议、行政诉讼案件。",
)
_APPEALS_SOME = (
    "全年因政府信息公开工作被申请行政复议{r}起，被提起行政诉讼{l}起。",
    "本年度发生政府信息公开行政复议{r}起、行政诉讼{l}起，均已依法应诉处理。",
)
_MANAGEMENT = (
    "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件。",
    "进一步完善政府信息公开目录和公开指南，规范信息发布、审核、更新等工作流程。",
    "健全政府信息管理动态调整机制，对规范性文件进行清理，及时更新公开内容。",
)
_PLATFORM = (
    "充分发挥政府网站第一平台作用，优化栏目设置，提升信息检索、查阅、下载等功能。",
    "加强政务新媒体建设管理，发挥政务微信公众号等平台的作用，扩大政府信息的传播范围。",
    "推进政府网站集约化建设，实现信息同源发布、数据互联共享。",
)
_SUPERVISION = (
    "将政务公开工作纳入年度绩效考核，明确分管领导和工作人员，落实工作责任。",
    "定期开展政务公开业务培训，提高工作人员的业务水平，全年未发生责任追究情况。",
    "主动接受社会监督，畅通意见反馈渠道，对群众反映的问题及时整改。",
)
_PROBLEMS = (
    "公开内容不够全面，部分栏目更新不够及时",
    "政策解读形式较为单一，图解、视频等解读方式运用不多",
    "工作人员业务能力有待进一步提高",
    "依申请公开办理的规范化水平还需提升",
    "政务公开与政务服务融合不够深入",
)
_PLANS = (
    "加强统筹协调，及时更新各栏目内容，确保信息公开全面、准确、及时",
    "丰富政策解读形式，提高解读质量，增强解读的针对性和可读性",
    "加强业务培训，提升工作人员政务公开能力",
    "规范依申请公开工作流程，严格依法依规答复",
    "推进基层政务公开标准化规范化，提升公开实效",
)
_OTHER = (
    "无其他需要报告的事项。",
    "本年度未收取政府信息公开信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，本年度未发出收费通知，未收取信息处理费。",
    "无。",
    "{y}年度政务公开工作要点落实情况良好，人大代表建议和政协提案办理结果已按要求公开。",
)


def _pick(rng: random.Random, options: tuple[str, ...], **kw: object) -> str:
    return rng.choice(options).format(**kw)


def overview(rng: random.Random, f: Facts) -> str:
    s = f.agency.short if rng.random() < 0.6 else f.agency.name
    new = f.v("requests.new_received.total")
    kw = dict(
        y=f.year,
        s=s,
        n=new,
        o=f.v("requests.carried_over.total"),
        g=f.v("requests.granted.total"),
        p=f.v("requests.total_processed.total"),
        f=f.v("requests.carried_forward.total"),
    )
    n_pub = rng.randint(20, 3000)
    parts = [_pick(rng, _OPENINGS, **kw)]
    subs = [
        (
            "主动公开情况",
            _pick(rng, _ACTIVE, y=f.year, s=s, n=n_pub, d=rng.randint(0, 60), w=rng.randint(5, 900)),
        ),
        ("依申请公开情况", _requests_sentence(rng, f, kw)),
        ("政府信息管理情况", rng.choice(_MANAGEMENT)),
        ("平台建设情况", rng.choice(_PLATFORM)),
        ("监督保障情况", rng.choice(_SUPERVISION)),
    ]
    if rng.random() < 0.3:
        subs = subs[:2] + subs[rng.randint(2, 4) : rng.randint(3, 5)]
    for i, (head, body) in enumerate(subs):
        parts.append(f"（{CN_ORDINALS[i]}）{head}")
        parts.append(body)
    return "\n".join(parts)


def _requests_sentence(rng: random.Random, f: Facts, kw: dict[str, object]) -> str:
    if f.v("requests.new_received.total") == 0:
        text = _pick(rng, _REQUESTS_NONE, **kw)
    else:
        text = _pick(rng, _REQUESTS_SOME, **kw)
    rec = f.v("appeals.reconsideration.total")
    lit = f.v("appeals.litigation_direct.total") + f.v("appeals.litigation_after_reconsideration.total")
    if rng.random() < 0.5:
        text += _pick(rng, _APPEALS_SOME, r=rec, l=lit) if rec or lit else rng.choice(_APPEALS_NONE)
    return text


def problems(rng: random.Random, f: Facts) -> str:
    probs = rng.sample(_PROBLEMS, k=rng.randint(1, 3))
    plans = rng.sample(_PLANS, k=rng.randint(2, 3))
    head = f"{f.year}年，{f.agency.short}政务公开工作取得了一定成效，但仍存在一些不足："
    body = "；".join(f"{CN_ORDINALS[i]}是{p}" for i, p in enumerate(probs)) + "。"
    plan = (
        f"{f.year + 1}年，将重点做好以下工作："
        + "；".join(f"{CN_ORDINALS[i]}是{p}" for i, p in enumerate(plans))
        + "。"
    )
    return "\n".join((head + body, plan))


def other_matters(rng: random.Random, f: Facts) -> str:
    return _pick(rng, _OTHER, y=f.year)


def sections_for(rng: random.Random, f: Facts) -> dict[str, str | None]:
    """Prose of the six sections; the three table sections hold no prose of their own."""
    return {
        "overview": overview(rng, f),
        "active_disclosure": "",
        "requests": "",
        "appeals": "",
        "problems": problems(rng, f),
        "other_matters": other_matters(rng, f),
    }
