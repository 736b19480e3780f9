"""Words that carry no meaning for keyword search in questions or passages."""

from __future__ import annotations

STOPWORDS = frozenset(
    """
    的 了 是 在 和 与 及 以及 或 等 对 为 把 被 将 从 向 于 以 之 其 这 那 这个 那个 这些 那些
    也 都 又 还 就 而 并 并且 或者 但 但是 如果 因为 所以 一个 一种 有 没有 有没有 有无 吗 呢 吧 啊
    什么 多少 哪 哪个 哪些 哪里 哪儿 哪天 怎么 怎样 如何 为什么 几 几个 是否 是不是 谁 多久 多长
    请问 一下 我 你 他 她 它 我们 你们 他们 可以 能 能否 会 要 应该 应当 怎么办 情况 相关
    个 件 次 项 名 家 种 年 月 日 中 上 下 里 后 前 时 么
    """.split()
)
