"""Question analysis and answer checking on small made-up cases (a report of 青禾县, which does not exist)."""

from rag.answer.compose import AnswerPolicy, compose_answer
from rag.answer.evidence import EvidenceScorer
from rag.answer.items import find_items
from rag.answer.question import analyse, asks_office_address, forbids, foreign_country, names_counted_thing
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta, Hit

META = {"qh": DocMeta(title="青禾县司法局2023年工作总结", place="某省某市青禾县", date="2024-01-10")}
POLICY = AnswerPolicy(confidence=0.05, focus=0.4)  # the mechanism under a strict policy


def hits(*texts: str, section: tuple[str, ...] = ("一、工作情况",)) -> list[Hit]:
    found, at = [], 0
    for i, text in enumerate(texts):
        chunk = Chunk(f"qh#{i}", "qh", text, section, at, at + len(text), at, at + len(text))
        found.append(Hit(chunk, 1.0 - i * 0.1, i + 1, 0.95, 5.0))
        at += len(text) + 1
    return found


def answer(question: str, *texts: str, section: tuple[str, ...] = ("一、工作情况",)):  # type: ignore[no-untyped-def]
    scorer = EvidenceScorer(Tokenizer(), lambda term: 1.0)
    return compose_answer(question, hits(*texts, section=section), META, scorer, mode="hybrid", policy=POLICY)


def test_question_kinds_units_and_focus() -> None:
    firms = analyse("青禾县有多少家律师事务所？")
    assert (firms.kind, firms.focus) == ("quantity", "律师事务所") and "家" in firms.units
    assert analyse("不服处罚决定的，多少日内可以申请复议？").kind == "period"
    assert "%" in analyse("青禾县行政复议的纠错率是多少？").units
    assert analyse("青禾县行政复议的纠错率是多少？").focus == "纠错率"
    assert analyse("这个办法什么时候开始施行？").kind == "date"
    assert analyse("青禾县司法局局长是谁？").kind == "person"
    assert analyse("调解委员会包括哪些成员单位？").kind == "list"
    assert analyse("村里能不能自己收取调解费？").kind == "yes_no"
    assert analyse("青禾县在全市排第几名？").units == ("ordinal",)
    town = analyse("青禾县哪个镇率先建成了法治广场？")
    assert (town.kind, town.entity_class) == ("entity", "镇")


def test_items_of_the_asked_kind() -> None:
    sentence = "全年受理复议案件9宗，纠错率3.5%，平均办理期限45天。"
    assert [sentence[a:b] for a, b in find_items(sentence, analyse("纠错率是多少？"))] == ["3.5%"]
    assert [sentence[a:b] for a, b in find_items(sentence, analyse("平均要办多少天？"))] == ["45天"]
    assert [sentence[a:b] for a, b in find_items(sentence, analyse("受理了几宗案件？"))] == ["9宗"]
    assert find_items("2023年制定出台物业管理办法。", analyse("办法哪一年出台的？")) != []


def test_a_total_over_several_kinds_does_not_answer_a_count_of_one_kind() -> None:
    result = answer("青禾县有多少家律师事务所？", "全县共有法律服务机构和个人1350个，覆盖所有乡镇。")
    assert result.abstained and "1350" not in result.text


def test_the_topic_without_the_asked_item_gets_an_honest_partial_answer() -> None:
    result = answer("青禾县有多少家律师事务所？", "全县律师事务所发展迅速，执业律师队伍不断壮大。")
    assert result.abstained and result.text.startswith("资料提到了“全县律师事务所发展迅速")
    assert result.text.endswith("但没有给出律师事务所的具体数字。") and "[1]" in result.text


def test_a_count_on_the_topic_does_not_answer_a_time_limit() -> None:
    result = answer("不服行政复议决定，多少日内可以起诉？", "全年受理行政复议案件9宗，全部依法审结。")
    assert result.abstained


def test_another_figure_about_the_town_does_not_answer() -> None:
    result = answer("青禾县行政复议的纠错率是多少？",
                    "青禾县全年受理行政复议案件9宗，调解成功率达98%的人民调解工作得到肯定。")
    assert result.abstained


def test_a_sentence_that_only_names_a_regulation_does_not_say_when_it_took_effect() -> None:
    result = answer("《青禾县物业管理办法》什么时候开始施行？", "推动制定《青禾县物业管理办法》，规范物业服务。")
    assert result.abstained


def test_an_opening_sentence_does_not_name_a_person() -> None:
    result = answer("青禾县司法局局长是谁？", "2023年，青禾县司法局在县委县政府的坚强领导下，各项工作取得新成效。")
    assert result.abstained


def test_the_answering_item_is_quoted_and_its_span_given() -> None:
    result = answer("青禾县有多少家律师事务所？", "全县有律师事务所12家，执业律师86人。")
    assert not result.abstained and "12家" in result.text
    citation = result.citations[0]
    start, end = citation.spans[0]
    assert citation.hit.chunk.text[start - citation.hit.chunk.start:end - citation.hit.chunk.start] == "12家"


def test_a_heading_is_never_an_answer_sentence() -> None:
    result = answer("青禾县法律援助工作怎么样？", "法律援助工作\n全年办理法律援助案件120件，挽回经济损失300万元。",
                    section=("二、法律援助工作",))
    assert not result.abstained and "法律援助工作\n" not in result.text and "120件" in result.text


def test_citations_run_in_reading_order_without_gaps() -> None:
    result = answer("青禾县有多少家律师事务所和多少名执业律师？",
                    "全年开展普法活动30场。", "全县有律师事务所12家。", "执业律师86人，同比增长5%。")
    assert not result.abstained
    numbers = [int(n) for n in __import__("re").findall(r"\[(\d+)\]", result.text)]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert sorted(c.n for c in result.citations) == list(range(1, len(result.citations) + 1))


def test_a_part_of_a_whole_is_not_answered_by_the_total() -> None:
    assert analyse("青禾县受理的法律援助案件中有几宗是刑事案件？").part == "刑事案件"
    assert analyse("青禾县调委会受理的纠纷里，邻里纠纷有多少宗？").part == "邻里纠纷"
    assert analyse("青禾县法律服务中心有多少名律师？").part == ""  # 中心, not "among"
    total = answer("青禾县受理的法律援助案件中有几宗是刑事案件？", "全年受理法律援助案件35宗，办结32宗。")
    assert total.abstained and "35宗" not in total.text.split("资料提到了")[0]
    part = answer("青禾县受理的法律援助案件中有几宗是刑事案件？", "全年受理法律援助案件35宗，其中刑事案件12宗。")
    assert not part.abstained and "12宗" in part.text


def test_a_count_scaled_by_wan_keeps_its_unit() -> None:
    sentence = "青禾县法治直播间吸引观看达12万人次，发放资料3万份。"
    assert [sentence[a:b] for a, b in find_items(sentence, analyse("直播间有多少人次观看？"))] == ["12万人次"]


def test_a_month_of_this_year_is_a_date() -> None:
    sentence = "今年5月，青禾县被列为全省公共法律服务示范县。"
    asked = analyse("青禾县是哪个月被列为示范县的？")
    assert asked.kind == "date" and [sentence[a:b] for a, b in find_items(sentence, asked)] == ["今年5月"]


def test_a_yes_no_question_about_a_time_limit_is_not_a_period_question() -> None:
    assert analyse("青禾县收到的信息公开申请都在法定期限内办完了吗？").kind == "yes_no"
    assert analyse("信息公开申请的答复期限是多少天？").kind == "period"


def test_a_numbered_heading_closed_by_a_stop_is_not_an_answer() -> None:
    text = "（三）强化阵地建设，充实普法力量。建成青禾普法广场，开展普法活动30场。"
    result = answer("青禾县建了什么普法阵地？", text,
                    section=("一、工作情况", "（三）强化阵地建设，充实普法力量"))
    assert all("强化阵地建设" not in quote for citation in result.citations for quote in citation.quote)


def test_this_year_in_a_report_is_the_year_of_the_report() -> None:
    meta = {"qh": DocMeta(title="青禾县法治建设综述", place="某省某市青禾县", date="2021")}
    question = "截至2021年上半年，青禾县市场主体总量在全市排第几？"
    result = compose_answer(question, hits("截至今年上半年，青禾县市场主体总量排名全市第六。"), meta,
                            EvidenceScorer(Tokenizer(), lambda term: 1.0), mode="hybrid", policy=POLICY)
    assert not result.abstained and "第六" in result.text


def test_a_report_does_not_answer_for_the_city_that_contains_it() -> None:
    meta = {"qh": DocMeta(title="青禾县司法局2023年工作总结", place="广东省青山市青禾县", date="2024-01-10")}
    places = frozenset({"青山", "青禾"})
    scorer = EvidenceScorer(Tokenizer(), lambda term: 1.0)
    text = "全年办理行政复议案件9宗，纠错率3.5%。"
    city = compose_answer("青山市2023年行政复议的纠错率是多少？", hits(text), meta, scorer, mode="hybrid",
                          policy=POLICY, places=places)
    assert city.abstained and city.text.startswith("所问地区或年份的资料中没有找到答案")
    county = compose_answer("青禾县2023年行政复议的纠错率是多少？", hits(text), meta, scorer, mode="hybrid",
                            policy=POLICY, places=places)
    assert not county.abstained and "3.5%" in county.text


def test_more_ways_of_asking_for_an_item() -> None:
    assert analyse("青禾县调解成功率有多高？").units[0] == "%"
    assert analyse("青禾县连续被评为优秀，是哪三个年度？").kind == "date"
    assert analyse("青禾县的普法工作是哪几年获评先进的？").kind == "date"
    assert analyse("青禾县司法局在考核中排在什么位置？").units == ("ordinal",)
    assert analyse("青禾县建成的是什么调度中心？").entity_class == "中心"
    assert analyse("青禾县设在园区的复议庭全称是什么？").entity_class == "庭"
    assert analyse("青禾县组建了几支执法队伍？").unit == "支"


def item_texts(question: str, sentence: str) -> list[str]:
    return [sentence[a:b] for a, b in find_items(sentence, analyse(question))]


def test_names_of_the_asked_class_stop_where_the_name_does() -> None:
    assert item_texts("青禾县哪个镇上线了表决平台？", "在禾丰镇上线表决平台，实现该镇大事网上表决。") == ["禾丰镇"]
    assert item_texts("试点在哪家银行开展？", "同意在青禾农商银行开展公司律师试点。") == ["青禾农商银行"]
    assert "《青禾日报》" in item_texts("这一做法被哪家报纸报道过？", "该做法被《青禾日报》等媒体报道。")
    assert item_texts("是哪三个年度？", "实现2019、2020、2021年度连续3年优秀。") == ["2019、2020、2021年度"]
    assert item_texts("什么时候获奖的？", "今年5月，获“2020-2021智慧政务项目”大奖。") == ["今年5月"]


def test_of_several_numbers_in_one_clause_the_one_counting_the_asked_thing_answers() -> None:
    mixed = "全县整合律师事务所、公证处等8个类别共计960个法律服务机构和个人入驻法治地图。"
    assert "960个" in answer("法治地图上有多少个法律服务机构和个人？", mixed).text
    listed = "已创建全国民主法治示范村3个、省级民主法治示范村14个。"  # the passage starts the source file
    result = answer("青禾县创建了几个省级民主法治示范村？", listed)
    assert [listed[a:b] for a, b in result.citations[0].spans] == ["14个"]
    units = "全县开展纠纷排查820次，调解成功案件共312件。"
    result = answer("青禾县调解成功了多少件纠纷？", units)
    assert [units[a:b] for a, b in result.citations[0].spans] == ["312件"]


def test_a_name_the_question_already_gives_is_not_the_answer() -> None:
    sentence = "青禾镇禾韵法治文化小镇获评省首批“法治文化特色小镇”。"
    result = answer("以禾韵命名的法治文化小镇在哪个镇？", sentence)
    assert [sentence[a:b] for a, b in result.citations[0].spans] == ["青禾镇"]


def test_a_name_answers_for_the_title_the_question_names() -> None:
    sentence = "县委书记、县委依法治县委员会主任赵明，县司法局局长钱进，出席会议。"
    assert item_texts("青禾县司法局局长叫什么名字？", sentence) == ["钱进"]
    assert item_texts("谁出席了会议？", sentence) == ["赵明", "钱进"]


def test_a_period_asked_in_days_is_not_answered_in_minutes() -> None:
    sentence = "推出“5分钟办结窗口”，非现场执法案件平均3个工作日办结。"
    assert item_texts("非现场执法案件平均多少天能办结？", sentence) == ["3个工作日"]


def spans_of(question: str, sentence: str) -> list[str]:
    result = answer(question, sentence)
    return [sentence[a:b] for citation in result.citations for a, b in citation.spans]


def test_like_nouns_in_a_list_share_what_the_list_goes_on_to_say() -> None:
    sentence = "将便民中心12项企业服务事项和9项民生服务事项下沉到禾丰产业园，提供一站式服务。"
    assert spans_of("青禾县把多少项企业服务事项下沉到了禾丰产业园？", sentence) == ["12项"]
    unlike = "组织全县85名村法律顾问和310名“法律明白人”参加调解技能培训。"
    assert spans_of("参加调解培训的“法律明白人”有多少名？", unlike) == ["310名"]


def test_a_number_after_mei_or_inside_a_short_quoted_name_is_not_a_count() -> None:
    sentence = "试点“三项制度”，努力让群众在每一起案件办理中感受到公平正义。"
    assert item_texts("青禾县审核过多少件案件？", sentence) == []


def test_a_number_the_question_gives_is_not_its_answer() -> None:
    sentence = "全县建立涉侨纠纷调解室12个，依法维护侨胞合法权益。"
    assert spans_of("青禾县的12个涉侨纠纷调解室调解了多少个纠纷？", sentence) == []


def test_a_measure_noun_gives_way_to_what_it_measures() -> None:
    assert analyse("法院首次执行的案件，执行到位的比例是多少？").focus == "执行到位"


def test_a_shortened_period_may_be_answered_by_a_share() -> None:
    asked = analyse("青禾县行政许可的办理时限缩短了多少？")
    assert (asked.kind, asked.units) == ("quantity", ())
    assert spans_of("青禾县行政许可的办理时限缩短了多少？", "行政许可事项办理时限缩减40%以上。") == ["40%"]


def test_the_issuer_of_a_document_is_a_body() -> None:
    asked = analyse("这一做法被写进了哪里发布的文件？")
    assert (asked.kind, asked.entity_class) == ("entity", "机关")
    sentence = "青禾县首创调解驿站，被写入省司法厅关于深化人民调解工作的文件。"
    assert spans_of("这一做法被写进了哪里发布的文件？", sentence) == ["省司法厅"]


def items_of(question: str, sentence: str) -> list[str]:
    return [sentence[a:b] for a, b in find_items(sentence, analyse(question))]


def test_a_money_question_is_answered_by_a_multiple_or_a_share() -> None:
    question = "买到过期食品，除了赔损失还能要多少赔偿金？"
    assert items_of(question, "消费者还可以要求支付价款十倍或者损失三倍的赔偿金。") == ["十倍", "三倍"]
    assert items_of("拖着不付，能多要多少赔偿金？", "按应付金额百分之五十以上的标准加付赔偿金。") == ["百分之五十"]
    assert items_of("青禾县法律援助经费是多少？", "法律援助经费较上年增长2倍。") == ["2倍"]


def test_a_fee_asked_for_by_name_is_money() -> None:
    assert "元" in analyse("打离婚官司，去法院起诉要交多少诉讼费？").units
    assert "元" in analyse("这个收费标准是多少才算合规？").units
    # the fee names a car park in another clause; the owners are counted
    assert not analyse("小区有人提议把绿地改成收费停车场，这种事要多少业主同意？").units
    delegated = "当事人进行民事诉讼，应当按照规定交纳案件受理费。"  # the figure is in another rule
    assert items_of("去法院起诉要交多少诉讼费？", delegated) == []


def test_what_is_prohibited_is_answered_by_a_prohibition_of_the_asked_thing() -> None:
    question = "青禾县的学校不得对学生实施什么行为？"
    asked = analyse(question).forbidden
    assert asked == "对学生实施行为" and not analyse("学校应当对学生实施什么教育？").forbidden
    assert forbids("学校应当关心学生，不得因家庭、身体等情况歧视学生。", asked)
    assert not forbids("对严重的欺凌行为，学校不得隐瞒，应当及时报告。", asked)  # prohibits, but not that
    first = "青禾县的学校实施素质教育，规范学生行为。"  # the asked words, and no prohibition
    others = ("学校应当安排好学生的作息时间。", "学校应当开展安全教育。")
    result = answer(question, first, *others, "青禾县学校不得对学生实施体罚。")
    # the fourth passage: beyond the first three, which are all another question's answer is taken from
    assert not result.abstained and result.citations[0].quote == ("青禾县学校不得对学生实施体罚。",)
    refused = answer(question, first)
    assert refused.abstained and "没有给出行为的具体名称" in refused.text


def test_a_time_limit_answers_when() -> None:
    sentence = "未订立书面合同的，应当自用工之日起一个月内订立。"
    assert items_of("公司最晚什么时候得签合同？", sentence) == ["一个月内"]
    assert items_of("这个办法什么时候开始施行？", "本办法自2024年3月1日起施行。") == ["2024年3月1日"]


def test_a_role_answers_who_in_a_law() -> None:
    assert items_of("寄回去的运费谁出？", "退回商品的运费由消费者承担。") == ["消费者"]
    assert items_of("得经过谁同意？", "应当取得未成年人的父母或者其他监护人的同意。") == ["父母或者其他监护人"]
    liable = "窨井造成他人损害，管理人不能证明尽到管理职责的，应当承担侵权责任。"
    assert items_of("掉进窨井摔伤了，该找谁赔？", liable) == ["管理人"]
    # The party a law sends a person to: "可以向……要求赔偿", listed roles included.
    listed = "柜台租赁期满后，也可以向展销会的举办者、柜台的出租者要求赔偿。"
    assert items_of("柜台撤了，还能找谁赔？", listed) == ["出租者"]
    assert items_of("这种争议该找谁？", "协商不成的，当事人可以向人民法院提起诉讼。") == ["人民法院"]
    assert items_of("孩子该由谁来管？", "由下列有监护能力的人按顺序担任监护人。") == ["下列有监护能力的人"]
    # A name next to a title still comes first, and a title the question names wants a name.
    assert items_of("青禾县司法局局长是谁？", "局长王青，由县司法局承担日常工作。") == ["王青"]
    assert items_of("青禾县司法局局长是谁？", "由县司法局承担日常工作。") == []


def test_an_age_is_asked_and_answered_in_years_of_age() -> None:
    asked = analyse("多大年纪的人可以去献血？")
    assert asked.units == ("周岁", "岁") and asked.focus == "人可以去献血"
    assert items_of("孩子满几岁就该上小学？", "凡年满六周岁的儿童，其父母应当送其入学。") == ["六周岁"]


def test_a_content_is_asked_in_milligrams_or_a_share_and_a_fine_does_not_answer_it() -> None:
    asked = analyse("喝了酒开车，血液里的酒精含量到多少算醉驾？")
    assert "毫克" in asked.units and "元" not in asked.units and asked.focus == "酒精含量"
    fine = "饮酒后驾驶机动车的，处暂扣六个月机动车驾驶证，并处一千元以上二千元以下罚款。"
    assert items_of("血液里的酒精含量到多少算醉驾？", fine) == []
    limit = "血液中的酒精含量大于或者等于80毫克/100毫升的为醉酒驾车。"
    assert items_of("血液里的酒精含量到多少算醉驾？", limit) == ["80毫克", "100毫升"]


def test_a_grade_is_asked_in_ji_and_an_article_without_one_does_not_answer() -> None:
    asked = analyse("手指头被机器压断了，一般能评上几级伤残？")
    assert asked.units == ("级",) and asked.focus == "伤残"
    assert items_of("能评上几级伤残？", "伤残等级的鉴定办法由国务院有关部门制定。") == []
    grades = "劳动功能障碍分为十个伤残等级，最重的为一级，最轻的为十级。"
    assert items_of("能评上几级伤残？", grades) == ["一级", "十级"]


def test_an_article_that_never_names_the_counted_thing_does_not_answer() -> None:
    assert names_counted_thing("醉酒驾驶会被判几个月拘役？", "拘役")
    assert not names_counted_thing("我不想干了，要提前多久跟公司说？", "跟公司说")


def test_the_law_of_another_country_is_not_answered_from_chinese_documents() -> None:
    assert foreign_country("在美国离婚，夫妻财产一般怎么分？") == "美国"
    assert foreign_country("美国人在中国打工要签劳动合同吗？") == ""
    result = answer("在美国离婚，夫妻财产一般怎么分？", "离婚时，夫妻共同财产由双方协议处理。")
    assert result.abstained and "没有关于美国的规定" in result.text and result.citations


def test_ji_that_says_a_few_asks_for_no_number() -> None:
    """"这几天" (these days), "好几块" (several), "十几块" (ten-odd) count nothing asked; "提前几天" asks."""
    assert analyse("国庆节照常上班，这几天的工钱应该怎么算？").kind == "procedure"
    assert analyse("孩子把玻璃打碎了好几块，派出所能罚他吗？").kind == "yes_no"
    assert analyse("一盒才十几块钱的牛奶过期了，能要多少赔偿？").units == analyse("能要多少赔偿？").units
    assert analyse("试用期想走，要提前几天跟公司说？").kind == "period"
    assert analyse("我哥前几天跟人打架伤了人，判的时候能不能轻一点？").kind == "yes_no"
    assert analyse("前几年被错关了十几天，要国家赔偿有没有时间限制，是几年？").kind == "period"
    assert analyse("我们兄弟几个要分老房子，该去哪个公证处办？").kind == "entity"
    assert analyse("你们单位有几个人？").kind == "quantity"


def test_a_story_with_a_count_then_a_yes_or_no_question_asks_yes_or_no() -> None:
    """The count tells what happened; the last clause says what is asked."""
    assert analyse("请客摆了几桌酒，饭店不给开发票，这样合法吗？").kind == "yes_no"
    assert analyse("公司有三百名员工，需要成立工会吗？").kind == "yes_no"
    assert analyse("被错关了十几天，要国家赔偿有没有时间限制，是几年？").kind == "period"
    assert analyse("孩子8岁，这种情况能找谁赔吗？").kind == "person"


def test_a_time_of_day_is_answered_by_a_clock_time() -> None:
    asked = analyse("孩子晚上几点以后就不能再玩网络游戏了？")
    assert (asked.kind, asked.units, asked.focus) == ("date", ("clock",), "孩子就不能再玩网络游戏")
    rule = "网络游戏服务提供者不得在每日二十二时至次日八时向未成年人提供网络游戏服务。"
    assert items_of("孩子晚上几点以后就不能再玩网络游戏了？", rule) == ["二十二时至次日八时"]
    assert items_of("装修几点到几点可以干活？", "早上8点到晚上6点可以施工，说话轻一点。") == ["早上8点到晚上6点"]
    assert items_of("装修几点到几点可以干活？", "施工单位应当按照规定限定作业时间。") == []


def test_a_question_that_ends_asking_what_to_do_asks_for_a_way() -> None:
    """The figure in the story is not what is asked: "他名下有多少存款我查不到，该怎么办？"."""
    assert analyse("离婚官司里他名下有多少存款我自己查不到，该怎么办？").kind == "procedure"
    assert analyse("捡到一个钱包，里面有几千块钱，我该怎么处理？").kind == "procedure"
    assert analyse("加班费一小时能拿多少？").kind == "quantity"


def test_nian_inside_a_word_stays_in_the_focus() -> None:
    """"带薪年假" is what is counted; only the 年 of a year ("2023年") is dropped from the focus."""
    leave = "工作满十年的职工每年能休几天带薪年假？"
    assert analyse(leave).focus == "带薪年假" and names_counted_thing(leave, "带薪年假")
    assert analyse("青禾县2023年有多少家律师事务所？").focus == "律师事务所"


def test_where_an_office_is_or_its_phone_is_asked() -> None:
    """No article gives an address; "去哪里起诉" and "排在什么位置" ask something else."""
    assert asks_office_address("我们县的法律援助中心在哪条街，电话是多少？")
    assert asks_office_address("县里的法律援助中心在哪儿办公？周末能去吗？")
    assert not asks_office_address("欠钱不还，我该去哪里的法院起诉？")
    assert not asks_office_address("鹤山司法局在绩效考核里排在什么位置？")
