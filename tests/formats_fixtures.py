"""A folder of real files in every format a desk meets, written with the libraries themselves."""

from __future__ import annotations

from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DOCX_FACT = "青禾镇调解委员会在二〇二六年共调处土地承包纠纷四十七件，全部签订书面协议。"
PDF_FACT = "石桥村法律服务点每周三上午由驻村律师值班接待群众。"
HTML_FACT = "白鹭街道设立的夜间调解室今年接待来访群众三百一十二人次。"
GBK_FACT = "柳江县法律援助中心为农民工追回劳动报酬八十六万元。"
MD_FACT = "某某镇司法所组织开展了十二场法治宣传进村活动。"


def write_docx(path: Path, fact: str = DOCX_FACT) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("青禾镇人民调解工作通报", level=0)
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(fact)
    document.add_heading("典型做法", level=2)
    document.add_paragraph("调解员坚持“一案一档”，每件纠纷均建立台账，回访率达到百分之百。")
    document.save(str(path))
    return path


def write_text_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("noto", fname=str(CJK_FONT))
    pdf.set_font("noto", size=12)
    pdf.add_page()
    lines = ("石桥村法律服务工作简介", "一、值班安排", PDF_FACT, "二、服务内容", "提供法律咨询、代写文书和调解指导。")
    for line in lines:
        pdf.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose only page is an image, as a scanner makes it."""
    from fpdf import FPDF

    image = path.with_suffix(".ppm")
    image.write_bytes(b"P6 64 64 255\n" + bytes([200, 200, 200]) * 64 * 64)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=100)
    pdf.output(str(path))
    image.unlink()
    return path


def write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_docx(folder / "通报.docx")
    write_text_pdf(folder / "简介.pdf")
    write_scanned_pdf(folder / "扫描件.pdf")
    (folder / "夜间调解.html").write_text(
        "<html><head><title>白鹭街道 - 门户网站</title></head><body><nav>首页 新闻 政务 公开 互动</nav>"
        "<article><h1>白鹭街道夜间调解室运行情况</h1><p>为方便上班族，街道开设夜间调解室。</p>"
        f"<h2>一、接待情况</h2><p>{HTML_FACT}其中多数为邻里纠纷。</p></article>"
        "<footer>版权所有 白鹭街道办事处 联系我们</footer></body></html>", encoding="utf-8")
    (folder / "援助.txt").write_bytes(f"柳江县法律援助工作情况\n\n一、追索劳动报酬\n\n{GBK_FACT}\n".encode("gbk"))
    (folder / "简报.md").write_text(f"# 某某镇人民调解工作简报\n\n## 一、法治宣传\n\n{MD_FACT}\n", encoding="utf-8")
    (folder / "空白.txt").write_bytes(b"")
    (folder / "数据.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "表格.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return folder
