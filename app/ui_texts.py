"""User-facing text of the HTTP API and the browser chat (the core's text is in rag.texts)."""

from __future__ import annotations

from rag.types import SearchMode

APP_TITLE = "法律智多星"
SUBTITLE = "法治资料智能问答 · 答案摘自原文，每句标明出处"
QUESTION_LABEL = "您的问题"
QUESTION_PLACEHOLDER = "请输入问题，答完可接着追问"
WELCOME = "您好！我是法律智多星。请就已收录的法治资料提问，我会摘录原文作答，并标明每句话的出处。"
ASK = "提问"
CLEAR = "清空对话"
EXAMPLES_LABEL = "试试这些问题："
SETTINGS = "检索设置"
TOP_K_LABEL = "出处条数"
MODE_LABEL = "检索方式"
COLLECTIONS_LABEL = "资料库"
AS_OF_LABEL = "法律版本日期"
AS_OF_PLACEHOLDER = "例如 2019-06-01 或 2019；留空：现行有效版本"
AS_OF_INFO = "按这一天有效的法律版本回答（工作报告不受影响）；也可以直接问“2019年时……怎么规定？”"
# Display names of the usual collections; any other collection shows its own name.
COLLECTION_NAMES = {"seeds": "工作报告", "county": "县级资料", "laws": "国家法律", "optional": "司法解释与行政法规"}
# Gradio's own English button labels (tooltips, screen-reader names) and what the page shows instead.
GRADIO_LABELS = {"Copy message": "复制回答", "Copied message": "已复制", "Copy": "复制", "Copied!": "已复制",
                 "Clear": "清空", "Scroll down": "滚动到底部", "Scroll to bottom": "滚动到底部"}
GRADIO_PREFIXES = {"user's message: ": "提问：", "bot's message: ": "回答："}  # screen-reader names of bubbles
MODE_NAMES: dict[SearchMode, str] = {"hybrid": "综合（推荐）", "dense": "语义", "lexical": "关键词"}
CHAT_LABEL = "问答"
SOURCES_TITLE = "出处"
SOURCES_NEAREST = "最接近的段落（仅供参考）"
SOURCES_EMPTY = "提问后，这里会列出回答引用的原文段落。"
NO_PASSAGES = "没有检索到任何段落。"
OPEN_DOCUMENT = "查看全文"
QUOTED = "引用"
UNDERSTOOD_AS = "（按“{question}”检索）"
SEE_SOURCES = "引用出处："
BODY_TEXT = "正文"
DOCUMENT_PAGE_BACK = "返回问答"
CITED_PASSAGE = "引用段落"
DOCUMENT_MISSING_TITLE = "未找到该文档"
DOCUMENT_UNAVAILABLE = "暂时无法查看文档"
INDEX_NOT_LOADED = "索引尚未加载。"

# What the default service answers, so a citizen sees both kinds: two lay questions the national laws
# answer (劳动法第二十一条, 消费者权益保护法第二十五条) and two about the seed documents (tests/data/dev.jsonl).
EXAMPLES = (
    "劳动合同的试用期最长可以约定多久？",
    "网购七天无理由退货，寄回去的运费谁出？",
    "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？",
    "在2022年度法治中山建设考核里，坦洲镇在全市镇街中排第几名？",
)

# HTTP API errors; `detail` in the response body carries one of these.
BAD_JSON = "请求体不是有效的 JSON，请检查引号、逗号和括号是否成对。"
BODY_UNPARSEABLE = "无法解析请求体：须为 UTF-8 编码、嵌套不过深的 JSON。"
NOT_FOUND = "未找到请求的地址。"
METHOD_NOT_ALLOWED = "该地址不支持此请求方法。"
HTTP_ERROR = "请求未能完成（HTTP {status}）。"
BAD_REQUEST = "请求参数有误：{errors}"
FIELD_MISSING = "缺少字段 {field}"
FIELD_EXTRA = "不支持的字段 {field}"
FIELD_INT = "{field} 必须是整数"
FIELD_STR = "{field} 必须是字符串"
FIELD_LIST = "{field} 必须是字符串列表"
FIELD_MODE = "{field} 只能是 hybrid、dense、lexical 之一"
FIELD_MIN = "{field} 不能小于 {limit}"
FIELD_MAX = "{field} 不能大于 {limit}"
FIELD_OTHER = "{field} 的值无效"
BODY_NOT_OBJECT = "请求体必须是 JSON 对象（Content-Type: application/json）"
UNKNOWN_EVENT = "页面请求了不存在的操作，请刷新页面后重试。"
BAD_EVENT_DATA = "页面发来的数据无法处理，请刷新页面后重试。"
UPLOAD_FORBIDDEN = "上传需要管理员令牌（LAWQA_ADMIN_TOKEN）。"
UPLOAD_TOO_LARGE = "上传的文件过大（上限 {megabytes} MB）。"
DOCUMENT_NOT_FOUND = "未找到文档：{doc_id}"
SPAN_INCOMPLETE = "start 和 end 须同时给出。"
SPAN_INVALID = "区间 {start}-{end} 无效：须满足 0 ≤ start < end。"
SPAN_NOT_IN_DOCUMENT = "区间 {start}-{end} 不在文档 {doc_id} 的任何段落内。"

# The page at / while the chat is still starting (app/late_chat.py); the API already answers.
CHAT_STARTING_TITLE = "法律智多星正在启动"
CHAT_STARTING = "问答界面正在启动，请稍候，页面会自动刷新。接口（/api、/docs）已可使用。"
CHAT_FAILED = "问答界面未能启动，请查看服务日志；接口（/api、/docs）仍可使用。"
