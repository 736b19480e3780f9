"""Items of an asked kind inside a sentence: a number with a fitting unit, a date, a name.

`find_items` returns the spans (offsets into the sentence) of every item that
could answer; `clause_of` gives the clause around a span, which is where the
thing asked about must be named for the item to be about it ("律师事务所" in
"全县律师事务所12家" but not in "法律服务机构和个人共1350个").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.answer.question import UNIT_GROUPS, Asked

Span = tuple[int, int]

_NUMBER = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千万亿]+)"
_ANY_UNIT = sorted({u for group in UNIT_GROUPS.values() for u in group}, key=len, reverse=True)
# 万/亿 scale the number ("113万人次" counts people, "466万元" money); a bare "5万" still reads 万 as the unit.
_QUANTITY = re.compile(rf"{_NUMBER}(?:多|余)?(?:[万亿](?:多|余)?)?\s*(?P<unit>{'|'.join(map(re.escape, _ANY_UNIT))})")
_PERCENT_WORDS = re.compile(rf"百分之{_NUMBER}|{_NUMBER}成")
# The law sets an amount as a multiple or a share of another ("价款十倍的赔偿金", "应付金额百分之五十以上"):
# for a question about money such a sentence says how much.
_MULTIPLE = re.compile(rf"{_NUMBER}倍")
# A time limit answers "when" ("应当自用工之日起一个月内订立"): the day is fixed by the event, not the calendar.
_DEADLINE = re.compile(rf"{_NUMBER}(?:个)?(?:工作日|日|天|月|年|小时)(?:之内|以内|内)")
_DATE = re.compile(
    r"(?:19|20)\d{2}(?:、(?:19|20)\d{2})+年度?"  # a list of years: "2018、2019、2020年度"
    r"|(?:(?:19|20)\d{2}|[一二〇零]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?"
    r"|(?:19|20)\d{2}年(?:度|底|初|上半年|下半年)?|(?:19|20)\d{2}[-./]\d{1,2}(?:[-./]\d{1,2})?(?!\d)"
    r"|\d{1,2}月\d{1,2}日|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|(?:今年|去年|同年|当年|次年)(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?")
# A time of day, or a span of them: "每日二十二时至次日八时", "晚上十点", "6时30分".
_HOUR = (r"(?:凌晨|早上|早晨|上午|中午|下午|晚上|夜间|次日)?(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})(?:时|点)"
         r"(?:(?:\d{1,2}|[零〇一二三四五六七八九十]{1,3})分|半)?")
_CLOCK = re.compile(rf"(?<![轻重多少快慢好高低大小近远有])(?:{_HOUR})(?:(?:至|到|—|-|~)(?:{_HOUR}))?")
# A personal name begins with a surname: "书记对广东" after a title is not a name, "书记李明" is.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
             "区欧阮甘容伍麦霍关温古")
_TITLES = "书记|局长|主任|镇长|县长|市长|区长|部长|厅长|院长|庭长|所长|会长|主席|同志"
_ASKABLE_TITLES = tuple(t for t in _TITLES.split("|") if t != "同志")
# A given name of one character where 同志 or a stop follows it ("主任赵明，"), else of two.
_NAME = rf"[{_SURNAMES}](?:[\u4e00-\u9fff](?=同志|先生|女士|[，,、。；;：:（(\s]|$)|[\u4e00-\u9fff]{{1,2}})"
_PERSON = re.compile(rf"(?P<title>{_TITLES})(?:由|是|为)?(?P<name>{_NAME})"
                     rf"|(?P<named>[{_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=(?P<after>同志|局长|书记|主任))")
_QUOTED = re.compile(r"[“「《\"][^”」》\"]{2,30}[”」》\"]")
_CLAUSE_END = "，,；;。！？!?：:"
_BODY_SUFFIXES = ("局", "部", "委", "办", "院", "中心", "所", "会", "庭", "站", "室", "队", "处", "厅", "司", "组")
# What a name of an asked class ends with, where that is not simply the class word ("哪家报纸" -> 《法制日报》).
_CLASS_SUFFIXES = {"报纸": ("报",), "媒体": ("报", "台", "网"), "企业": ("公司", "厂", "企业"),
                   "学校": ("学校", "学", "校")}
_NAME_RUN = re.compile(r"[\u4e00-\u9fff“”《》A-Za-z0-9]{1,24}$")
# Words a name does not run across: "在龙口镇" names 龙口镇; "该镇" and "各镇" name no place.
_NAME_BOUNDARY = re.compile(r".*(?:的|在|于|是|被|把|将|向|对|由|了|到|从|至|及|与|和|等|为|——"
                            r"|写入|写进|纳入|列入|载入|选入)")
_NOT_A_PLACE = tuple("该本此各全每其")
# 报道, 行政, 部门, 办理, 司法 ... are words, not the end of a name.
_WORD_GOES_ON = {"报": "道告名送批表", "行": "动为政使业", "部": "门分署", "办": "理法公事结", "会": "议同",
                 "所": "有以属得在", "处": "罚理置分", "局": "面势部", "站": "点位", "组": "织建成合", "委": "员托",
                 "司": "法机"}


def in_asked_unit(text: str, asked: Asked) -> bool:
    """A number in the very measure word the question uses ("多少件" -> 559件); 个 fits any count, so it does not."""
    return asked.unit not in ("", "个") and text.endswith(asked.unit)


def find_items(sentence: str, asked: Asked) -> list[Span]:
    finder = _FINDERS.get(asked.kind)
    return finder(sentence, asked) if finder else []


_ORDINAL = re.compile(rf"第{_NUMBER}(?:名|位)?")
_SHORT_NAME = 10  # a quotation this short is a name or slogan ("“三项制度”"), not a sentence that may count


def _quantities(sentence: str, asked: Asked) -> list[Span]:
    if asked.units == ("ordinal",):
        return [m.span() for m in _ORDINAL.finditer(sentence)]
    spans = [m.span() for m in _QUANTITY.finditer(sentence) if not asked.units or m.group("unit") in asked.units]
    money = asked.units == UNIT_GROUPS["money"]
    if not asked.units or "%" in asked.units or money:
        spans += [m.span() for m in _PERCENT_WORDS.finditer(sentence)]
    if money:
        spans += [m.span() for m in _MULTIPLE.finditer(sentence)]
    # "2023年" is a year, not a quantity counted in 年; a period asks for durations, not dates. Nor is a
    # number after 每 a count ("每一起案件"), or one inside a quoted name ("“三项制度”", "“1+7+N”").
    not_counts = [m.span() for m in _DATE.finditer(sentence)] + [
        m.span() for m in _QUOTED.finditer(sentence) if len(m.group()) <= _SHORT_NAME]
    return sorted(s for s in spans if not any(d[0] <= s[0] < d[1] for d in not_counts)
                  and not sentence[:s[0]].endswith("每"))


def _dates(sentence: str, asked: Asked) -> list[Span]:
    if asked.units == ("clock",):
        return [m.span() for m in _CLOCK.finditer(sentence)]
    return sorted([m.span() for m in _DATE.finditer(sentence)] + [m.span() for m in _DEADLINE.finditer(sentence)])


_NOT_A_NAME = tuple("市县区镇省委局院部厅办会")  # "市委书记" puts a body, not a name, before the title


# Laws name the party by its role, not by name: "运费由消费者承担", "应当取得其父母或者其他监护人的同意",
# "管理人……应当承担侵权责任", "可以向柜台的出租者要求赔偿". Such a role answers "谁出运费", "得经过谁同意",
# "该找谁赔".
_ROLE = r"[\u4e00-\u9fff、]{0,14}?(?:人|者|方|单位|机关|部门|机构|父母|母亲|父亲|法院|组织|政府|委员会)"
_ROLE_DOES = "承担|负责|支付|赔偿|抚养|同意|决定|监护|行使|处理|办理|提供|补偿|负担|确定|担任"
# What a person asks of the role a law sends them to: "向销售者要求赔偿", "向人民法院提起诉讼".
_ASKED_OF = "要求|请求|申请|提起|提出|投诉|追偿|索赔"
_ROLES = re.compile(rf"由(?P<by>{_ROLE})(?:直接|依法|共同|负责|按顺序|按照顺序)?(?:{_ROLE_DOES})"
                    rf"|(?:取得|征得|经)(?:其)?(?P<consent>{_ROLE})(?:的)?(?:书面)?同意"
                    rf"|(?P<liable>{_ROLE})(?:[^，,。；;]{{0,20}}的，)?(?:应当|依法|可以)?(?:承担|负)(?:侵权|赔偿|民事|连带)?(?:赔偿)?责任"
                    rf"|向(?P<asked>{_ROLE})(?:依法)?(?:{_ASKED_OF})")


def _roles(sentence: str) -> list[Span]:
    found = []
    for m in _ROLES.finditer(sentence):
        group = next(g for g in ("by", "consent", "liable", "asked") if m.group(g))
        start, end = m.span(group)
        cut = _NAME_BOUNDARY.match(sentence[start:end])  # "已满两周岁的子女……由人民法院" -> 人民法院
        # ... but a role of one character is no role: "有监护能力的人" stays whole.
        found.append((start + (cut.end() if cut and cut.end() < end - start - 1 else 0), end))
    return found


def _people(sentence: str, asked: Asked) -> list[Span]:
    """Names next to a title, else roles the sentence gives a duty or a right; when the question names the title
    (局长叫什么), next to that title only: "……委员会主任陈岸明" does not name the 司法局局长."""
    asked_titles = {t for t in _ASKABLE_TITLES if t in asked.focus}
    found = []
    for m in _PERSON.finditer(sentence):
        title = m.group("title") or m.group("after")
        if m.group().endswith(_NOT_A_NAME) or (asked_titles and title not in asked_titles):
            continue
        found.append(m.span("name") if m.group("name") else m.span("named"))
    return found or ([] if asked_titles else _roles(sentence))


def _entities(sentence: str, asked: Asked) -> list[Span]:
    """Names of the asked class (哪个镇 -> "龙口镇"), else quoted names.

    A name of the class is the run of characters before the class word, cut at the last word
    a name does not span ("在龙口镇上线" -> 龙口镇); quoted names are kept only when they are of
    the class, since a quoted slogan beside a named place is not the place.
    """
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]
    noun = asked.entity_class
    if not noun:
        return quoted
    if noun in ("部门", "单位", "机构", "机关"):
        suffixes: tuple[str, ...] = _BODY_SUFFIXES
    else:
        suffixes = _CLASS_SUFFIXES.get(noun, (noun,))
    found = [s for s in quoted if sentence[s[0]:s[1]].strip("“”《》\"「」").endswith(suffixes)]
    for suffix in suffixes:
        for match in re.finditer(re.escape(suffix), sentence):
            following = sentence[match.end():match.end() + 1]
            if following and following in _WORD_GOES_ON.get(suffix, ""):
                continue
            start = _name_start(sentence, match.start())
            core = sentence[start:match.start()]
            if core.strip("“”《》") and not core.endswith(_NOT_A_PLACE):
                found.append((start, match.end()))
    return sorted(set(found)) or quoted


def _name_start(sentence: str, end: int) -> int:
    run = _NAME_RUN.search(sentence[:end])
    if run is None:
        return end
    cut = _NAME_BOUNDARY.match(run.group())
    start = run.start() + (cut.end() if cut else 0)
    # A name does not begin inside a quotation it does not close ("……首批“法治文化特色小镇").
    opened = [i for i, ch in enumerate(sentence[start:end], start) if ch in "“《"]
    closed = sum(ch in "”》" for ch in sentence[start:end])
    if len(opened) > closed:
        start = opened[closed] + 1
    return start


_FINDERS: dict[str, Callable[[str, Asked], list[Span]]] = {
    "quantity": _quantities,
    "period": _quantities,
    "date": _dates,
    "person": _people,
    "entity": _entities,
}


CONTEXT_CHARS = 16
_LIST_MARKS = "、和及与"


def item_context(sentence: str, item: Span, items: Sequence[Span]) -> str:
    """What the item counts or names: the words right after it, up to the next item or clause mark
    ("12个类别共计2848个法律服务机构和个人" -> 类别共计 for 12个), or, where the clause ends there or a list
    goes on, the words right before it ("受理纠纷570宗,调结465宗" -> 调结 for 465宗)."""
    clause_start, clause_end = clause_of(sentence, item)
    following = min((s[0] for s in items if s[0] >= item[1]), default=clause_end)
    between = sentence[item[1]:min(following, clause_end)]
    after = between[:CONTEXT_CHARS]
    if after.strip() and not after.startswith(tuple(_LIST_MARKS)):
        own = re.split(f"[{_LIST_MARKS}]", after)[0]  # "21项企业服务事项和16项……": each counts its own
        if following < clause_end and between.endswith(tuple(_LIST_MARKS)) and len(between) <= CONTEXT_CHARS:
            next_item = next(s for s in items if s[0] == following)
            return own + _shared_tail(own, item_context(sentence, next_item, items))
        return own
    preceding = max((s[1] for s in items if s[1] <= item[0]), default=clause_start)
    return sentence[max(preceding, clause_start):item[0]][-CONTEXT_CHARS:]


def _shared_tail(own: str, listed_next: str) -> str:
    """What a list of like nouns goes on to say, which each item shares: in "21项企业服务事项和16项民生服务事项
    延伸至园区" the nouns end alike (服务事项), and what follows the last one (延伸至园区) is said of both."""
    for cut in range(len(own) - 1):  # the longest common ending of two or more characters first
        at = listed_next.find(own[cut:])
        if at >= 0:
            return " " + listed_next[at + len(own) - cut:]
    return ""


def clause_of(sentence: str, span: Span) -> Span:
    """The clause (between commas, semicolons and stops) that holds the span, widened to the span."""
    start = max((sentence.rfind(mark, 0, span[0]) for mark in _CLAUSE_END), default=-1) + 1
    ends = [i for mark in _CLAUSE_END if (i := sentence.find(mark, span[1])) >= 0]
    return start, min(ends, default=len(sentence))
