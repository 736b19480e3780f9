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

# Input that cannot be encoded (a lone UTF-16 surrogate, undecodable command-line bytes).
BROKEN_CHARACTERS = "输入中含有无法识别的字符（可能是复制时损坏的表情符号或乱码），请删除后重试。"

# The index on disk: damage, disk full, old formats. {name} is the collection, never a server path.
INDEX_MISSING = "资料库“{name}”还没有索引，请先运行 lawqa index 建立索引。"
INDEX_DAMAGED = "资料库“{name}”的索引已损坏（{problem}），请运行 lawqa index 重建。"
INDEX_FILE_MISSING = "缺少文件 {file}"
INDEX_FILE_SIZE = "文件 {file} 大小为 {actual} 字节，清单记录为 {expected} 字节"
INDEX_FILE_CHECKSUM = "文件 {file} 的校验和与清单不符"
INDEX_COUNT = "{file} 有 {actual} 条，清单记录为 {expected} 条"
INDEX_BAD_LINE = "{file} 第 {line} 行无法解析"
INDEX_UNREADABLE = "文件 {file} 无法读取"
INDEX_OLD_FORMAT = "资料库“{name}”的索引格式为 {found}，本版本读取 {wanted}，请运行 lawqa index 重建。"
INDEX_WRITE_FAILED = "写入资料库“{name}”的索引失败：{reason}。原有索引保持不变，临时文件已清理。"
DISK_FULL = "磁盘空间不足"
INDEX_LOAD_FAILED = "索引无法加载（文件可能已损坏），请运行 lawqa index 重建；详情见服务日志。"

# The command line.
NO_QUESTION = "没有给出问题。用法：lawqa ask \"问题\""
INTERRUPTED = "已中断"
INDEX_CURRENT = "索引已是最新：{path}"
SKIPPED_FILE = "已跳过 {message}"
INDEXED = "已索引 {documents} 篇文档、{passages} 个段落（{encoder}），写入 {path}，用时 {seconds:.1f} 秒"
PROGRESS_READING = "读取文件"
PROGRESS_EMBEDDING = "计算向量"
UNIT_FILES = "个文件"
UNIT_PASSAGES = "段"
