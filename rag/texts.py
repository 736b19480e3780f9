"""Every sentence lawqa shows to its users, in one place (user-facing text is Chinese)."""

from __future__ import annotations

NOT_FOUND = "未在资料中找到能回答这个问题的内容。以下是最接近的段落，仅供参考。"
DISCLAIMER = "回答摘自已收录的文件原文，仅供参考，不构成法律意见；具体事项请咨询律师或有关部门。"
EMPTY_QUESTION = "问题不能为空，请输入要查询的问题。"
QUESTION_TOO_LONG = "问题过长（{length} 字），请精简到 {limit} 字以内。"
TOP_K_RANGE = "top_k 必须在 {low} 到 {high} 之间。"
UNKNOWN_DOCUMENT = "未知的文档编号：{doc_ids}"
INDEX_NOT_READY = "索引尚未就绪，请先运行 lawqa index。"
UNKNOWN_COLLECTION = "未知的资料库：{names}（可用：{known}）"

# Honest partial answers: the topic is in the documents, the asked item is not.
PARTIAL_ANSWER = "资料提到了“{sentence}”[{n}]，但没有给出{missing}。"
OTHER_SCOPE = "所问地区或年份的资料中没有找到答案；《{title}》中有相关内容：{sentence}[{n}]"
ASKED_ITEM = {
    "quantity": "的具体数字",
    "period": "的具体期限",
    "date": "的具体时间",
    "person": "的具体人员姓名",
    "entity": "的具体名称",
    "other": "所问的具体内容",
    "list": "所问的具体内容",
    "yes_no": "所问的具体内容",
    "definition": "所问的具体内容",
    "procedure": "所问的具体内容",
}
