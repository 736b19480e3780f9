"""What a question asks for: the kind of item, its unit, and what it is about.

"坦洲镇有多少家律师事务所？" asks for a quantity counted in 家 (institutions), about
律师事务所; "行政复议决定多少日内作出？" asks for a period in days; "谁负责……" for a
person. The answer step uses this to accept only sentences that hold an item of
the asked kind about the asked thing (see `rag.answer.items`), instead of any
sentence that merely shares the topic.

Pure and rule-based: the rules are the question words of Chinese (多少/几 + measure
word, 哪一年, 谁, 哪些, 是否 ...), not anything learned from a question file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.text.normalize import normalise, years

AskKind = Literal["quantity", "date", "period", "person", "entity", "list", "yes_no", "definition", "procedure",
                  "other"]

# Measure words and units, grouped by what they count. A sentence's number answers a quantity
# question when its unit is in the same group as the asked one; 个 is generic and fits any count.
UNIT_GROUPS: dict[str, tuple[str, ...]] = {
    "institution": ("家", "所", "个"),
    "case": ("件", "宗", "起", "个", "宗次", "项", "条"),
    "person": ("人次", "人", "名", "位", "户", "个"),
    "event": ("次", "场", "期", "批", "项", "个", "轮", "堂", "课", "件"),
    "score": ("分",),
    "place": ("个", "处", "座", "村", "镇"),
    "document": ("份", "篇", "条", "部", "本", "册", "个"),
    "percent": ("%", "％", "成", "个百分点"),
    "money": ("亿元", "万元", "千元", "元", "万"),
    "days": ("个工作日", "工作日", "天", "日"),
    "months": ("个月", "月"),
    "years": ("年",),
    "hours": ("小时", "分钟"),
    "area": ("平方米", "亩", "公顷", "平方公里"),
    "equipment": ("台", "套", "辆", "部", "个"),
    "team": ("支", "队", "个"),
    "age": ("周岁", "岁"),
    "grade": ("级",),  # "能评上几级伤残": a grade, which an article without one does not give
    "concentration": ("毫克", "毫升", "克", "%", "％"),
}
_MONEY_WORDS = ("钱", "金额", "资金", "经费", "工钱", "报酬", "赔偿", "费用", "罚款", "投入", "补贴", "工资", "款",
                "损失")
_PROHIBITION = "不得|禁止|严禁|不准|不许"
_FORBIDDING = re.compile(rf"(?:{_PROHIBITION})([^，,；;。]+)")  # what a clause prohibits
# "学校不得对未成年学生实施什么行为", "禁止哪些行为": the question word inside the clause of the prohibition.
_ASKS_FORBIDDEN = re.compile(rf"(?:{_PROHIBITION})([^，,。？?]{{0,20}}?(?:什么|哪些|哪几|哪种)[^，,。？?]*)")
# A fee asked for by name ("交多少诉讼费", "收费标准是多少"): money, though no word above is used. Within
# one clause, so "改成收费停车场，要多少业主同意" still counts owners.
_FEE = re.compile(r"多少[^，,。？?]{0,3}费|费[^，,。？?]{0,4}多少")
_PERCENT_WORDS = ("率", "比例", "占比", "比重", "百分之", "占多少")
_AGE_WORDS = ("岁数", "年纪", "年龄")  # "多大年纪可以献血": an age, in 周岁
# "血液里的酒精含量多少算醉驾": a content, in 毫克 per 毫升 or a share; the fine an article sets is no answer.
_CONCENTRATION_WORDS = ("含量", "浓度")
_CONTENT = re.compile(rf"[\u4e00-\u9fff]{{2}}(?:{'|'.join(_CONCENTRATION_WORDS)})")  # "酒精含量": a refusal's focus
_PERIOD_WORDS = ("多久", "多长时间", "期限", "时限", "几天", "几日", "多少天", "多少日", "几个月", "多少个月",
                 "几年", "多少年")
_ALL_UNITS = sorted({u for group in UNIT_GROUPS.values() for u in group}, key=len, reverse=True)
_UNITS = "|".join(map(re.escape, _ALL_UNITS))
_ASKED_UNITS = "|".join((*_AGE_WORDS, _UNITS))  # what may follow 多少/几 in a question, age words first
_QUANTITY = re.compile(rf"(?:多少|几|多大|多高)({_ASKED_UNITS})?")
_DATE = re.compile(r"哪一年|哪年|哪一天|哪天|何时|什么时候|什么时间|几月|何年|哪个月|起施行|哪一日|生效")
_PERSON = re.compile(r"谁|哪位|姓名|(?:局长|书记|主任|镇长|县长|市长|区长|院长|所长|负责人|主席)(?:是|叫)")
_ENTITY = re.compile(r"哪个|哪一个|哪家|哪项|哪所|哪些|什么名字|叫什么|名称|什么平台|什么机构|什么部门|哪里|哪儿|何处"
                     r"|什么")
_LIST = re.compile(r"哪些|包括|有哪几|哪几")
# 几 after these counts nothing the question asks: "这几天的工钱怎么算" (these days), "打碎了好几块"
# (several), "十几块钱" (ten-odd), "没几天", "前几天跟人打架" (a few days ago; but "提前几天" asks),
# "我们兄弟几个要分房子" (we brothers).
# Read as 数 ("这数天", "十数块"), it is no question word.
_INDEFINITE_JI = re.compile(r"(?<=[这那好十没])几|(?<=(?<!提)前)几|(?<=[们弟妹])几(?=个)")
_YES_NO = re.compile(r"是否|有没有|能不能|可不可以|可以.{0,12}吗|合法吗|算不算|是不是|会不会|要不要|吗[？?。]?$")
_DEFINITION = re.compile(r"什么是|是什么意思|指什么|是指|含义|定义")
_PROCEDURE = re.compile(r"怎么|如何|怎样|流程|程序|步骤|手续")
# A question that ends asking what to do asks for a way, whatever figure its story mentions:
# "他名下有多少存款我查不到，该怎么办？"
_WHAT_TO_DO = re.compile(r"(?:怎么办|咋办|怎么处理|如何处理)[？?。！!]*$")
# Classes of names an entity question may ask for ("哪个镇" -> a name ending in 镇).
_ENTITY_CLASSES = ("街道", "镇", "村", "区", "县", "市", "省", "部门", "单位", "机构", "机关", "平台", "窗口", "中心",
                   "法院", "法庭", "委员会", "小组", "组织", "学堂", "工程", "银行", "公司", "企业", "学校", "医院",
                   "报纸", "媒体", "条例", "改革", "庭")
_CLASS_WORDS = "|".join(_ENTITY_CLASSES)
# The class follows the question word, a few words on ("什么指挥中心" -> 中心), or is the thing whose name
# is asked ("行政复议庭全称是什么" -> 庭).
# "被写进了哪里发布的文件", "由哪个部门印发": the issuer of a document is a body, whatever the question word.
_ISSUER = re.compile(r"(?:哪里|哪儿|哪个|哪一级|哪家|什么)(?:部门|机关|单位|机构)?(?:发布|印发|出台|制定|下发|颁布)")
_ENTITY_CLASS = re.compile(rf"(?:哪个|哪一个|哪家|哪项|哪所|什么)[\u4e00-\u9fff]{{0,4}}?({_CLASS_WORDS})"
                           rf"|({_CLASS_WORDS})(?:的)?(?:全称|名称|名字)?(?:是什么|叫什么)")
_ORDINAL = re.compile(r"第几|什么位置|什么名次")
# A time of day ("晚上几点到几点不能玩游戏"): answered by a clock time ("每日二十二时至次日八时"), not a date.
_CLOCK = re.compile(r"几点")
_CLOCK_WORDS = re.compile(r"(?:凌晨|早上|早晨|上午|中午|下午|晚上|夜里|夜间|半夜|每天|每日)?几点钟?"
                          r"(?:以后|之后|以前|之前|开始|起|到|至)?(?:之间)?")
# Question words that ask for an item, not for yes or no ("能找谁赔吗", "是哪个部门管吗").
_WH_ITEM = re.compile(r"谁|哪|什么|多久|多长")
# "是哪三个年度", "哪两年", "哪几年": the answer is a list of years, not a period counted in 年.
_YEARS = re.compile(r"哪(?:几|[两二三四五六七八九十])个?年")
# Nouns that name the measure, not the thing measured ("多少工钱", "多少人数"): the unit check covers them,
# and the focus is then what the rest of the question says.
_MEASURE_NOUNS = re.compile(r"工钱|钱|金额|数额|数量|数字|人数|天数|时间|期限|比例|份额|岁数|年纪|年龄")
_CHANGE = re.compile(r"(?:降|减|少|增|多|涨|提高|提升|上升|下降|增长|减少|缩短|缩减|压缩|压减|节省|节约)了?(?:多少|几)")
_UNIT_AFTER = re.compile(rf"^(?:{_ASKED_UNITS})")
_WH = re.compile(r"哪(?:几|[两二三四五六七八九十])个?年度?|哪项|哪所|多长时间|多久|多长|多大|多高|多少|几|哪一年|哪年"
                 r"|哪个|哪一个|哪家|哪些|哪几|什么|怎么|如何|怎样|谁|是否|有没有|能不能|吗|呢")
# 年 only after a number ("2023年"): inside a word it stays ("带薪年假", "年龄").
_NOT_FOCUS = re.compile(r"[\W_\d]+|是|有|了|的|在|共|一共|总共|全年|今年|去年|分别|请问|一下|年度|(?<=\d)年")


# "受理的法律援助案件中有几宗是刑事案件", "民间纠纷里，婚姻家庭纠纷有多少宗": a count of one part of a whole.
# 中 as "among", not the first character of 中心, 中山, 中欧 ...
_AMONG = r"(?:当中|之中|里|中(?![心山欧易兴国央级小学介华]))"
_PART_AFTER = re.compile(
    rf"{_AMONG}[，,]?有?(?:多少|几)[^，,？?。]{{0,4}}?是(?P<part>[^，,？?。]{{2,12}}?)的?[？?。]?$")
_PART_BEFORE = re.compile(rf"{_AMONG}(?:[，,](?P<listed>[^，,？?。]{{2,12}}?)(?:有|共有|一共有)?"
                          rf"|(?P<part>[^，,？?。中里]{{2,12}}?)(?:有|共有|一共有))(?:多少|几)")


@dataclass(frozen=True)
class Asked:
    """The analysis of one question."""

    kind: AskKind
    units: tuple[str, ...] = ()  # units an answering number may carry; () = any
    entity_class: str = ""  # "镇" for 哪个镇, "部门" for 哪个部门
    focus: str = ""  # the words around the question word: what is counted or described
    counted: bool = False  # the focus follows the question word (多少家律师事务所): its head noun must match
    years: frozenset[str] = frozenset()
    part: str = ""  # the part of a whole that is counted ("其中刑事案件有几宗" -> 刑事案件): the total does not answer
    unit: str = ""  # the measure word the question itself uses ("多少件" -> 件): a number in it fits best
    # What is prohibited is asked: the words after the prohibition ("学校不得对学生实施什么行为" -> "对学生实施行为").
    # Only a sentence that prohibits something in some of those words answers.
    forbidden: str = ""

    @property
    def wants_item(self) -> bool:
        """Kinds whose answer is a specific item that a sentence must contain."""
        return self.kind in ("quantity", "date", "period", "person") or bool(self.entity_class)


# Countries whose own law a question may ask about ("在美国离婚", "日本法律规定"): the national laws of China
# do not answer it, however alike the article. A question that also names China (美国人在中国打工) asks Chinese law.
_COUNTRIES = re.compile("美国|日本|英国|法国|德国|韩国|朝鲜|俄罗斯|加拿大|澳大利亚|澳洲|新西兰|新加坡|马来西亚|泰国"
                        "|越南|印度|意大利|西班牙|葡萄牙|荷兰|比利时|瑞士|瑞典|挪威|丹麦|芬兰|爱尔兰|巴西|阿根廷"
                        "|墨西哥|菲律宾|印度尼西亚|缅甸|柬埔寨|老挝|巴基斯坦|土耳其|以色列|埃及|南非|迪拜|阿联酋|欧盟")
_CHINA = re.compile("中国|我国|国内|境内|内地|大陆")


def names_counted_thing(question: str, focus: str) -> bool:
    """The question names the counted thing right after its measure word ("几个月拘役", "多少天产假"), in the
    law's own word; "提前多久跟公司说" names an act in lay words, which an article paraphrases."""
    counted = re.compile(rf"(?:多少|几)(?:{_UNITS}){re.escape(focus)}")
    return bool(focus) and counted.search(_read(question)) is not None


# Where an office is, or how to reach it ("法律援助中心在哪条街", "在哪儿办公", "电话是多少"): no article says.
_OFFICE_ADDRESS = re.compile(r"在哪条街|在哪(?:儿|里)?办公|办公地点|办公地址|地址(?:在哪|是什么|是哪)"
                             r"|电话(?:号码)?(?:是)?多少")


def asks_office_address(question: str) -> bool:
    return _OFFICE_ADDRESS.search(normalise(question)) is not None


def foreign_country(question: str) -> str:
    """The other country whose law the question asks about, or ""."""
    text = normalise(question)
    found = _COUNTRIES.search(text)
    return found.group() if found and not _CHINA.search(text) else ""


def _read(question: str) -> str:
    """The question as its question words are looked for: folded, and 几 that asks nothing read as 数."""
    return _INDEFINITE_JI.sub("数", normalise(question).strip())


def analyse(question: str) -> Asked:
    text = _read(question)
    kind, units = _kind(text)
    focus, counted = (_clock_focus(text), False) if units == ("clock",) else _focus(text)
    content = _CONTENT.search(text) if units == UNIT_GROUPS["concentration"] else None
    focus = content.group(0) if content else focus
    asked_years = frozenset(years(text))
    entity_class = ""
    if kind == "entity":
        match = _ENTITY_CLASS.search(text)
        entity_class = (match.group(1) or match.group(2)) if match else ("机关" if _ISSUER.search(text) else "")
    # A share (占多少) or a rank (排第几) is of the whole by nature; only a count can be of a part.
    part = _part(text) if kind == "quantity" and "%" not in units and units != ("ordinal",) else ""
    quantity = _QUANTITY.search(text) if kind == "quantity" else None
    unit = (quantity.group(1) or "") if quantity else ""
    forbidden = _ASKS_FORBIDDEN.search(text)
    return Asked(kind, units, entity_class, part or focus, counted and not part, asked_years, part, unit,
                 _WH.sub("", forbidden.group(1)) if forbidden else "")


def forbids(sentence: str, forbidden: str) -> bool:
    """A clause of the sentence prohibits something in words of `forbidden` (two characters in a row):
    "不得因家庭……歧视学生" answers what a school may not do to 学生, "学校不得隐瞒" does not."""
    asked = {forbidden[i:i + 2] for i in range(len(forbidden) - 1)}
    return any(clause[i:i + 2] in asked for clause in _FORBIDDING.findall(sentence) for i in range(len(clause) - 1))


def _part(text: str) -> str:
    match = _PART_AFTER.search(text) or _PART_BEFORE.search(text)
    return _clean_focus(match.groupdict().get("part") or match.groupdict().get("listed") or "") if match else ""


def _kind(text: str) -> tuple[AskKind, tuple[str, ...]]:
    if _DEFINITION.search(text):
        return "definition", ()
    if _WHAT_TO_DO.search(text):
        return "procedure", ()
    if _ends_yes_or_no(text):
        return "yes_no", ()
    if _CLOCK.search(text):
        return "date", ("clock",)
    if _YEARS.search(text):
        return "date", ()
    if _asks_period(text):
        # "办理时限缩短了多少": a change of a period is often a share ("缩减50%以上"), so any unit fits.
        return ("quantity", ()) if _CHANGE.search(text) else ("period", _period_units(text))
    if _ORDINAL.search(text):
        return "quantity", ("ordinal",)
    quantity = _QUANTITY.search(text)
    if quantity and not _LIST.search(text):
        return "quantity", _quantity_units(text, quantity.group(1) or "")
    if _DATE.search(text):
        return "date", ()
    if _PERSON.search(text):
        return "person", ()
    if _LIST.search(text):
        return "list", ()
    if _YES_NO.search(text):
        return "yes_no", ()
    if _PROCEDURE.search(text):
        return "procedure", ()
    if _ENTITY.search(text):
        return "entity", ()
    return "other", ()


def _ends_yes_or_no(text: str) -> bool:
    """A story with a count in it, then a question for yes or no: "办了几桌酒，老板说不开发票，他能这样吗？".
    What the last clause asks is the question; an earlier clause only tells what happened. Not _clauses: a
    question mark inside does not end the story, since "要等多少天？这中间还能反悔吗？" asks for both."""
    clauses = [c for c in re.split(r"[，,；;。]", text.rstrip("？?！!。 ")) if c.strip()]
    if len(clauses) < 2:
        return False
    last = clauses[-1]
    return bool(_YES_NO.search(last)) and not (_QUANTITY.search(last) or _DATE.search(last) or _WH_ITEM.search(last))


def _asks_period(text: str) -> bool:
    """"多少日内", "期限是多久"; but "都在法定期限内办完了吗" asks yes or no, not for the period."""
    if re.search(r"(?:多少|几)(?:个)?(?:工作日|天|日|月)内", text):
        return True
    named = [word for word in _PERIOD_WORDS if word in text]
    if not named:
        return False
    return not (_YES_NO.search(text) and not _QUANTITY.search(text) and set(named) <= {"期限", "时限"})


def _quantity_units(text: str, unit: str) -> tuple[str, ...]:
    if _CHANGE.search(text):  # "同比降了多少": a share or an amount, whatever the topic's unit
        return ()
    if unit in ("%", "％") or any(word in text for word in _PERCENT_WORDS):
        return UNIT_GROUPS["percent"]
    if any(word in text for word in _CONCENTRATION_WORDS):
        return UNIT_GROUPS["concentration"]
    if unit in UNIT_GROUPS["money"] or any(word in text for word in _MONEY_WORDS) or _FEE.search(text):
        return UNIT_GROUPS["money"]
    if unit in UNIT_GROUPS["age"] or any(word in text for word in _AGE_WORDS):
        return UNIT_GROUPS["age"]
    if not unit or unit == "个":
        return ()
    groups = [group for group in UNIT_GROUPS.values() if unit in group]
    return tuple(dict.fromkeys(u for group in groups for u in group))


def _period_units(text: str) -> tuple[str, ...]:
    if re.search(r"(?:多少|几)(?:个)?(?:工作日|天|日)", text):  # "多少天能办结": days, never 5分钟
        return UNIT_GROUPS["days"] + UNIT_GROUPS["months"]
    if "月" in text:
        return UNIT_GROUPS["months"] + UNIT_GROUPS["days"] + UNIT_GROUPS["years"]
    if ("年" in text and "几年" in text) or "多少年" in text:
        return UNIT_GROUPS["years"] + UNIT_GROUPS["months"]
    return UNIT_GROUPS["days"] + UNIT_GROUPS["months"] + UNIT_GROUPS["years"] + UNIT_GROUPS["hours"]


def _focus(text: str) -> tuple[str, bool]:
    """What the asked item is about: the words after the question word, else those just before it.

    "坦洲镇有多少家律师事务所" -> 律师事务所 (the thing counted); "鹤山行政复议案件的纠错率是多少"
    -> 纠错率 (the words after the last 的 before the question word). Of several clauses, the last
    one that asks decides.
    """
    clauses = _clauses(text)
    asking = [i for i, c in enumerate(clauses) if _WH.search(c)] or list(range(len(clauses)))
    position = asking[-1] if asking else 0
    clause = clauses[position] if clauses else text
    wh = _WH.search(clause)
    if wh is None:
        return _clean_focus(clause), False
    after = _MEASURE_NOUNS.sub("", _clean_focus(_UNIT_AFTER.sub("", clause[wh.end():])))
    if len(after) >= 2:
        return after, True
    # "执行到位的比例是多少": the measure noun (比例) says how, not what, so the words before it are the focus.
    before = _MEASURE_NOUNS.sub("", _clean_focus(clause[: wh.start()]))
    tail = _MEASURE_NOUNS.sub("", _clean_focus(clause[: wh.start()].split("的")[-1]))
    if len(before) < 2 and position > 0:  # "……优秀，是哪三个年度？": what is asked about is the clause before
        return _clean_focus(clauses[position - 1]), False
    return (tail if len(tail) >= 2 else before), False


def _clock_focus(text: str) -> str:
    """What a time of day is asked for: the clause of 几点 without its time words ("游戏公司晚上几点到几点不能
    让小孩玩" -> 游戏公司不能让小孩玩), so a refusal reads "没有给出游戏公司不能让小孩玩的具体时间"."""
    clause = next((c for c in _clauses(text) if _CLOCK.search(c)), text)
    return _clean_focus(_CLOCK_WORDS.sub("", clause))


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，,；;。？?！!]", text) if c.strip()]


def _clean_focus(text: str) -> str:
    return _NOT_FOCUS.sub("", _WH.sub("", text))
