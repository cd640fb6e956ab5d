"""Write samples/gwangju-seogu-2024-elderly-basic-plan.hwpx, the HWPX twin of the hand-written .HTML sample.

A minimal OWPML (KS X 6101) writer using only the standard library: the
package is laid out as Hangul 2022 writes it (mimetype stored first,
version.xml, META-INF/container.xml + manifest.xml + container.rdf,
Contents/content.hpf, header.xml, section0.xml, settings.xml,
Preview/PrvText.txt) with the hp/hs/hh/hc namespaces of the corpus files.
Line-layout caches (`hp:linesegarray`) are left out; Hangul lays the text out
again when it opens the file.

Same content as the HTML: its <H2>/<H3> headings use the "개요 2"/"개요 3"
styles, so heading levels agree across the twins (their printed numbers "Ⅰ."
and "1." are in the text, so the paragraphs' own shapes carry no outline
numbering), the <UL> items are bullet paragraphs, and the two
연차별 투자계획 tables keep their rowspan/colspan header cells (flagged
`header="1"`), the "(단위 : 백만원)" line before the first table and the caption
of the second.

Deterministic: fixed member order, timestamps (1980-01-01) and attributes.
Run: python samples/make_hwpx.py [output.hwpx]
"""
from __future__ import annotations

import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

OUTPUT = Path(__file__).with_name("gwangju-seogu-2024-elderly-basic-plan.hwpx")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
TEXT_WIDTH = 42520
"""A4 width 59528 minus 8504 left and right margins, in HWPUNIT (1/7200 inch)."""

NAMESPACES = (
    'xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app" '
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" '
    'xmlns:hp10="http://www.hancom.co.kr/hwpml/2016/paragraph" '
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hc="http://www.hancom.co.kr/hwpml/2011/core" '
    'xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head" '
    'xmlns:hhs="http://www.hancom.co.kr/hwpml/2011/history" '
    'xmlns:hm="http://www.hancom.co.kr/hwpml/2011/master-page" '
    'xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:opf="http://www.idpf.org/2007/opf/" '
    'xmlns:ooxmlchart="http://www.hancom.co.kr/hwpml/2016/ooxmlchart" '
    'xmlns:hwpunitchar="http://www.hancom.co.kr/hwpml/2016/HwpUnitChar" '
    'xmlns:epub="http://www.idpf.org/2007/ops" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"'
)
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'


@dataclass(frozen=True)
class Kind:
    """How one kind of paragraph is written: style, paragraph shape and character shape ids."""

    style: int
    para_pr: int
    char_pr: int


KINDS = {
    "title": Kind(0, 2, 1), "right": Kind(0, 3, 0), "h2": Kind(3, 4, 2), "h3": Kind(4, 5, 3),
    "body": Kind(0, 0, 0), "indent": Kind(0, 6, 0), "bullet": Kind(0, 7, 0), "caption": Kind(5, 2, 0),
    "th": Kind(0, 2, 4), "td": Kind(0, 0, 0),
}


@dataclass(frozen=True)
class TableSpec:
    """A table as HTML-like rows of (text, rowspan, colspan); `header_rows` rows are header cells."""

    widths: tuple[int, ...]
    rows: tuple[tuple[tuple[str, int, int], ...], ...]
    header_rows: int
    caption: str | None = None


def _cells(*texts: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((t, 1, 1) for t in texts)


_YEARS_HEADER = _cells("계", "2024", "2025", "2026", "2027")

DIRECT = TableSpec(
    widths=(3000, 16520, 4600, 4600, 4600, 4600, 4600), header_rows=2,
    rows=(
        (("연번", 2, 1), ("사업명", 2, 1), ("투자계획", 1, 5)),
        _YEARS_HEADER,
        (("계", 1, 2),) + _cells("10,400", "2,315", "2,570", "2,675", "2,840"),
        _cells("1", "경로당 냉난방비 지원(노인복지과)", "1,740", "420", "430", "440", "450"),
        _cells("2", "어르신 무료 급식 확대(노인복지과)", "2,620", "610", "640", "670", "700"),
        _cells("3", "치매 조기검진 및 쉼터 운영(건강증진과)", "370", "85", "90", "95", "100"),
        _cells("4", "스마트 경로당 구축(노인복지과, 정보통신과)", "500", "-", "150", "150", "200"),
        _cells("5", "노인일자리 전담기관 운영(일자리경제과)", "5,170", "1,200", "1,260", "1,320", "1,390"),
    ))

LINKED = TableSpec(
    widths=(4000, 15520, 4600, 4600, 4600, 4600, 4600), header_rows=2,
    caption="연계사업 투자계획 (단위 : 백만원)",
    rows=(
        (("분야", 2, 1), ("사업명", 2, 1), ("투자계획", 1, 5)),
        _YEARS_HEADER,
        (("계", 1, 2),) + _cells("2,320", "530", "560", "610", "630"),
        (("건강", 2, 1),) + _cells("방문건강관리 확대(건강증진과)", "1,260", "300", "310", "320", "330"),
        _cells("노인 틀니·임플란트 본인부담 지원(건강증진과)", "620", "150", "150", "160", "160"),
        _cells("주거", "고령자 맞춤형 주택 개조(건축과)", "440", "80", "100", "120", "140"),
    ))

CONTENT: tuple[tuple[str, str | TableSpec], ...] = (
    ("title", "2024~2027 서구 노인복지 기본계획"),
    ("right", "2024. 1."),
    ("right", "광주광역시 서구 (노인복지과)"),
    ("h2", "Ⅰ. 추진 배경"),
    ("body", "□ 초고령사회 진입에 대응한 중장기 노인복지 방향 정립"),
    ("indent", "○ 서구 65세 이상 인구 52,310명(전체의 18.1%, '23. 12. 기준)"),
    ("indent", "○ 독거노인 14,920명으로 최근 5년간 연평균 6.2% 증가"),
    ("h2", "Ⅱ. 추진 전략"),
    ("h3", "1. 건강한 노후"),
    ("bullet", "치매 조기검진 및 방문건강관리 확대"),
    ("bullet", "노인 틀니·임플란트 본인부담 지원"),
    ("h3", "2. 안전한 주거와 일상"),
    ("bullet", "경로당 냉난방비 및 무료 급식 확대"),
    ("bullet", "고령자 맞춤형 주택 개조"),
    ("h3", "3. 일하는 어르신"),
    ("body", "가. 노인일자리 전담기관 운영으로 연 2,400개 일자리 제공"),
    ("body", "나. 스마트 경로당 40개소 구축('25~'27)"),
    ("h2", "Ⅲ. 연차별 투자계획"),
    ("h3", "1. 직접사업"),
    ("right", "(단위 : 백만원)"),
    ("table", DIRECT),
    ("h3", "2. 연계사업"),
    ("table", LINKED),
    ("body", "※ 연계사업은 국·시비 보조사업을 포함함"),
)


def paragraph_xml(kind: str, text: str, inner: str = "") -> str:
    """One `hp:p` with a single run: optional inner objects (secPr, table) then the text."""
    k = KINDS[kind]
    return (f'<hp:p id="0" paraPrIDRef="{k.para_pr}" styleIDRef="{k.style}" pageBreak="0" columnBreak="0" '
            f'merged="0"><hp:run charPrIDRef="{k.char_pr}">{inner}<hp:t>{escape(text)}</hp:t></hp:run></hp:p>')


def sublist_xml(paragraphs: str, vert_align: str) -> str:
    """An `hp:subList` (the paragraph list of a cell or caption)."""
    return (f'<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="{vert_align}" '
            'linkListIDRef="0" linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" '
            f'hasNumRef="0">{paragraphs}</hp:subList>')


def anchor_cells(spec: TableSpec) -> list[tuple[int, int, str, int, int]]:
    """(row, col, text, rowspan, colspan) of every anchor cell, placing HTML-like rows on the grid."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(spec.rows):
        c = 0
        for text, row_span, col_span in row:
            while (r, c) in taken:
                c += 1
            taken.update((r + i, c + j) for i in range(row_span) for j in range(col_span))
            out.append((r, c, text, row_span, col_span))
            c += col_span
    return out


def cell_xml(spec: TableSpec, row: int, col: int, text: str, row_span: int, col_span: int,
             row_height: int) -> str:
    """One `hp:tc`: header cells centred on a grey fill (borderFill 4), body cells plain (borderFill 3)."""
    header = row < spec.header_rows
    width = sum(spec.widths[col:col + col_span])
    body = sublist_xml(paragraph_xml("th" if header else "td", text), "CENTER")
    return (f'<hp:tc name="" header="{int(header)}" hasMargin="0" protect="0" editable="0" dirty="0" '
            f'borderFillIDRef="{4 if header else 3}">{body}<hp:cellAddr colAddr="{col}" rowAddr="{row}"/>'
            f'<hp:cellSpan colSpan="{col_span}" rowSpan="{row_span}"/>'
            f'<hp:cellSz width="{width}" height="{row_height * row_span}"/>'
            '<hp:cellMargin left="510" right="510" top="141" bottom="141"/></hp:tc>')


def table_xml(spec: TableSpec, table_id: int) -> str:
    """One `hp:tbl` in the flow of text (treatAsChar), with its caption on top when given."""
    row_height = 1800
    n_rows = len(spec.rows)
    cells = anchor_cells(spec)
    rows = "".join("<hp:tr>" + "".join(cell_xml(spec, *cell, row_height) for cell in cells if cell[0] == r)
                   + "</hp:tr>" for r in range(n_rows))
    caption = (f'<hp:caption side="TOP" fullSz="0" width="8504" gap="850" lastWidth="{TEXT_WIDTH}">'
               f'{sublist_xml(paragraph_xml("caption", spec.caption), "TOP")}</hp:caption>'
               if spec.caption else "")
    return (f'<hp:tbl id="{table_id}" zOrder="{table_id}" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" '
            'textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" pageBreak="CELL" repeatHeader="1" '
            f'rowCnt="{n_rows}" colCnt="{len(spec.widths)}" cellSpacing="0" borderFillIDRef="3" noAdjust="0">'
            f'<hp:sz width="{TEXT_WIDTH}" widthRelTo="ABSOLUTE" height="{row_height * n_rows}" '
            'heightRelTo="ABSOLUTE" protect="0"/><hp:pos treatAsChar="1" affectLSpacing="0" flowWithText="1" '
            'allowOverlap="0" holdAnchorAndSO="0" vertRelTo="PARA" horzRelTo="COLUMN" vertAlign="TOP" '
            'horzAlign="LEFT" vertOffset="0" horzOffset="0"/>'
            '<hp:outMargin left="141" right="141" top="141" bottom="141"/>'
            f'{caption}<hp:inMargin left="510" right="510" top="141" bottom="141"/>{rows}</hp:tbl>')


def section_properties_xml() -> str:
    """The `hp:secPr` and single-column `hp:colPr` that open the first paragraph of a section (A4 portrait)."""
    note = ('<hp:autoNumFormat type="DIGIT" userChar="" prefixChar="" suffixChar=")" supscript="0"/>'
            '<hp:noteLine length="{length}" type="SOLID" width="0.12 mm" color="#000000"/>'
            '<hp:noteSpacing betweenNotes="{between}" belowLine="567" aboveLine="850"/>'
            '<hp:numbering type="CONTINUOUS" newNum="1"/><hp:placement place="{place}" beneathText="0"/>')
    borders = "".join(
        f'<hp:pageBorderFill type="{t}" borderFillIDRef="1" textBorder="PAPER" headerInside="0" '
        'footerInside="0" fillArea="PAPER"><hp:offset left="1417" right="1417" top="1417" bottom="1417"/>'
        '</hp:pageBorderFill>' for t in ("BOTH", "EVEN", "ODD"))
    return (
        '<hp:secPr id="" textDirection="HORIZONTAL" spaceColumns="1134" tabStop="8000" tabStopVal="4000" '
        'tabStopUnit="HWPUNIT" outlineShapeIDRef="1" memoShapeIDRef="0" textVerticalWidthHead="0" '
        'masterPageCnt="0"><hp:grid lineGrid="0" charGrid="0" wonggojiFormat="0"/>'
        '<hp:startNum pageStartsOn="BOTH" page="0" pic="0" tbl="0" equation="0"/>'
        '<hp:visibility hideFirstHeader="0" hideFirstFooter="0" hideFirstMasterPage="0" border="SHOW_ALL" '
        'fill="SHOW_ALL" hideFirstPageNum="0" hideFirstEmptyLine="0" showLineNumber="0"/>'
        '<hp:lineNumberShape restartType="0" countBy="0" distance="0" startNumber="0"/>'
        '<hp:pagePr landscape="WIDELY" width="59528" height="84186" gutterType="LEFT_ONLY">'
        '<hp:margin header="4252" footer="4252" gutter="0" left="8504" right="8504" top="5668" bottom="4252"/>'
        '</hp:pagePr>'
        f'<hp:footNotePr>{note.format(length=-1, between=283, place="EACH_COLUMN")}</hp:footNotePr>'
        f'<hp:endNotePr>{note.format(length=14692344, between=0, place="END_OF_DOCUMENT")}</hp:endNotePr>'
        f'{borders}</hp:secPr><hp:ctrl><hp:colPr id="" type="NEWSPAPER" layout="LEFT" colCount="1" '
        'sameSz="1" sameGap="0"/></hp:ctrl>')


def section_xml(content: tuple[tuple[str, str | TableSpec], ...] = CONTENT) -> str:
    """Contents/section0.xml: every content entry as a paragraph; tables sit in an empty anchor paragraph."""
    parts = []
    table_id = 0
    for index, (kind, value) in enumerate(content):
        inner = section_properties_xml() if index == 0 else ""
        if isinstance(value, TableSpec):
            table_id += 1
            parts.append(paragraph_xml("body", "", inner + table_xml(value, table_id)))
        else:
            parts.append(paragraph_xml(kind, value, inner))
    return f'{XML_DECL}<hs:sec {NAMESPACES}>{"".join(parts)}</hs:sec>'


FONT = ('<hh:font id="{id}" face="{face}" type="TTF" isEmbedded="0"><hh:typeInfo familyType="FCAT_GOTHIC" '
        'weight="6" proportion="4" contrast="0" strokeVariation="1" armStyle="1" letterform="1" midline="1" '
        'xHeight="1"/></hh:font>')
LANGS = ("HANGUL", "LATIN", "HANJA", "JAPANESE", "OTHER", "SYMBOL", "USER")
CHAR_SHAPES = ((1000, 1, False), (1800, 0, True), (1400, 0, True), (1200, 0, True), (1000, 0, True))
"""(height in 1/100 pt, font id, bold): body, title, 개요 2, 개요 3, table header."""
PARA_SHAPES = (
    ("JUSTIFY", "NONE", 0, 0, 0), ("JUSTIFY", "OUTLINE", 0, 0, 1000), ("CENTER", "NONE", 0, 0, 0),
    ("RIGHT", "NONE", 0, 0, 0), ("JUSTIFY", "NONE", 0, 0, 0), ("JUSTIFY", "NONE", 0, 0, 1000),
    ("JUSTIFY", "NONE", 0, 0, 2000), ("JUSTIFY", "BULLET", 1, 0, 2000), ("JUSTIFY", "OUTLINE", 0, 1, 2000),
    ("JUSTIFY", "OUTLINE", 0, 2, 3000),
)
"""(align, heading type, heading idRef, level, left margin): ids 0-9 as used by KINDS and STYLES."""
STYLES = (("바탕글", "Normal", 0), ("본문", "Body", 0), ("개요 1", "Outline 1", 1), ("개요 2", "Outline 2", 8),
          ("개요 3", "Outline 3", 9), ("캡션", "Caption", 2))
"""(name, English name, paragraph shape id); every style uses character shape 0."""
NUMBER_LEVELS = (("DIGIT", "^1."), ("HANGUL_SYLLABLE", "^2."), ("DIGIT", "^3)"), ("HANGUL_SYLLABLE", "^4)"),
                 ("DIGIT", "(^5)"), ("HANGUL_SYLLABLE", "(^6)"), ("CIRCLED_DIGIT", "^7"))
"""Hangul's default outline numbering (numbering id 1)."""


def char_shape_xml(index: int, height: int, font: int, bold: bool) -> str:
    """One `hh:charPr` using font `font` for every language."""
    each = " ".join(f'{lang.lower()}="{{v}}"' for lang in LANGS)
    return (f'<hh:charPr id="{index}" height="{height}" textColor="#000000" shadeColor="none" useFontSpace="0" '
            f'useKerning="0" symMark="NONE" borderFillIDRef="2"><hh:fontRef {each.format(v=font)}/>'
            f'<hh:ratio {each.format(v=100)}/><hh:spacing {each.format(v=0)}/><hh:relSz {each.format(v=100)}/>'
            f'<hh:offset {each.format(v=0)}/>{"<hh:bold/>" if bold else ""}'
            '<hh:underline type="NONE" shape="SOLID" color="#000000"/><hh:strikeout shape="NONE" color="#000000"/>'
            '<hh:outline type="NONE"/><hh:shadow type="NONE" color="#B2B2B2" offsetX="10" offsetY="10"/>'
            '</hh:charPr>')


def para_shape_xml(index: int, align: str, heading: str, ref: int, level: int, left: int) -> str:
    """One `hh:paraPr` with 160% line spacing, written in both the HwpUnitChar case and the default."""
    margin = ('<hh:margin><hc:intent value="0" unit="HWPUNIT"/><hc:left value="{left}" unit="HWPUNIT"/>'
              '<hc:right value="0" unit="HWPUNIT"/><hc:prev value="0" unit="HWPUNIT"/>'
              '<hc:next value="0" unit="HWPUNIT"/></hh:margin>'
              '<hh:lineSpacing type="PERCENT" value="160" unit="HWPUNIT"/>')
    return (f'<hh:paraPr id="{index}" tabPrIDRef="0" condense="0" fontLineHeight="0" snapToGrid="1" '
            f'suppressLineNumbers="0" checked="0"><hh:align horizontal="{align}" vertical="BASELINE"/>'
            f'<hh:heading type="{heading}" idRef="{ref}" level="{level}"/><hh:breakSetting '
            'breakLatinWord="KEEP_WORD" breakNonLatinWord="KEEP_WORD" widowOrphan="0" keepWithNext="0" '
            'keepLines="0" pageBreakBefore="0" lineWrap="BREAK"/><hh:autoSpacing eAsianEng="0" eAsianNum="0"/>'
            '<hp:switch><hp:case hp:required-namespace="http://www.hancom.co.kr/hwpml/2016/HwpUnitChar">'
            f'{margin.format(left=left // 2)}</hp:case><hp:default>{margin.format(left=left)}</hp:default>'
            '</hp:switch><hh:border borderFillIDRef="2" offsetLeft="0" offsetRight="0" offsetTop="0" '
            'offsetBottom="0" connect="0" ignoreMargin="0"/></hh:paraPr>')


def border_fill_xml(index: int, line: str, face: str | None) -> str:
    """One `hh:borderFill`: four `line` borders ("NONE"/"SOLID") and an optional face colour."""
    sides = "".join(f'<hh:{side}Border type="{line}" width="0.12 mm" color="#000000"/>'
                    for side in ("left", "right", "top", "bottom"))
    fill = (f'<hc:fillBrush><hc:winBrush faceColor="{face}" hatchColor="#999999" alpha="0"/></hc:fillBrush>'
            if face else "")
    return (f'<hh:borderFill id="{index}" threeD="0" shadow="0" centerLine="NONE" breakCellSeparateLine="0">'
            '<hh:slash type="NONE" Crooked="0" isCounter="0"/><hh:backSlash type="NONE" Crooked="0" '
            f'isCounter="0"/>{sides}<hh:diagonal type="SOLID" width="0.1 mm" color="#000000"/>{fill}'
            '</hh:borderFill>')


def header_xml() -> str:
    """Contents/header.xml: fonts, border fills, character and paragraph shapes, numbering, bullet, styles."""
    fonts = "".join(f'<hh:fontface lang="{lang}" fontCnt="2">{FONT.format(id=0, face="함초롬돋움")}'
                    f'{FONT.format(id=1, face="함초롬바탕")}</hh:fontface>' for lang in LANGS)
    fills = (border_fill_xml(1, "NONE", None), border_fill_xml(2, "NONE", "none"),
             border_fill_xml(3, "SOLID", None), border_fill_xml(4, "SOLID", "#E5E5E5"))
    chars = "".join(char_shape_xml(i, *shape) for i, shape in enumerate(CHAR_SHAPES))
    paras = "".join(para_shape_xml(i, *shape) for i, shape in enumerate(PARA_SHAPES))
    levels = "".join(
        f'<hh:paraHead start="1" level="{i + 1}" align="LEFT" useInstWidth="1" autoIndent="1" widthAdjust="0" '
        f'textOffsetType="PERCENT" textOffset="50" numFormat="{fmt}" charPrIDRef="4294967295" '
        f'checkable="0">{escape(template)}</hh:paraHead>' for i, (fmt, template) in enumerate(NUMBER_LEVELS))
    styles = "".join(
        f'<hh:style id="{i}" type="PARA" name={quoteattr(name)} engName="{eng}" paraPrIDRef="{para}" '
        f'charPrIDRef="0" nextStyleIDRef="{i}" langID="1042" lockForm="0"/>'
        for i, (name, eng, para) in enumerate(STYLES))
    return (
        f'{XML_DECL}<hh:head {NAMESPACES} version="1.5" secCnt="1">'
        '<hh:beginNum page="1" footnote="1" endnote="1" pic="1" tbl="1" equation="1"/><hh:refList>'
        f'<hh:fontfaces itemCnt="{len(LANGS)}">{fonts}</hh:fontfaces>'
        f'<hh:borderFills itemCnt="{len(fills)}">{"".join(fills)}</hh:borderFills>'
        f'<hh:charProperties itemCnt="{len(CHAR_SHAPES)}">{chars}</hh:charProperties>'
        '<hh:tabProperties itemCnt="1"><hh:tabPr id="0" autoTabLeft="0" autoTabRight="0"/></hh:tabProperties>'
        f'<hh:numberings itemCnt="1"><hh:numbering id="1" start="0">{levels}</hh:numbering></hh:numberings>'
        '<hh:bullets itemCnt="1"><hh:bullet id="1" char="•" useImage="0"><hh:paraHead level="0" align="LEFT" '
        'useInstWidth="0" autoIndent="1" widthAdjust="0" textOffsetType="PERCENT" textOffset="50" '
        'numFormat="DIGIT" charPrIDRef="4294967295" checkable="0"/></hh:bullet></hh:bullets>'
        f'<hh:paraProperties itemCnt="{len(PARA_SHAPES)}">{paras}</hh:paraProperties>'
        f'<hh:styles itemCnt="{len(STYLES)}">{styles}</hh:styles></hh:refList>'
        '<hh:compatibleDocument targetProgram="HWP201X"><hh:layoutCompatibility/></hh:compatibleDocument>'
        '<hh:docOption><hh:linkinfo path="" pageInherit="0" footnoteInherit="0"/></hh:docOption>'
        '<hh:trackchageConfig flags="56"/></hh:head>')


def content_hpf_xml(title: str) -> str:
    """Contents/content.hpf: OPF metadata, manifest and the spine (header, section0)."""
    return (
        f'{XML_DECL}<opf:package {NAMESPACES} version="" unique-identifier="" id=""><opf:metadata>'
        f'<opf:title>{escape(title)}</opf:title><opf:language>ko</opf:language>'
        '<opf:meta name="creator" content="text">planextract samples/make_hwpx.py</opf:meta>'
        '<opf:meta name="CreatedDate" content="text">2024-01-01T00:00:00Z</opf:meta>'
        '<opf:meta name="ModifiedDate" content="text">2024-01-01T00:00:00Z</opf:meta></opf:metadata>'
        '<opf:manifest><opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>'
        '<opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>'
        '<opf:item id="settings" href="settings.xml" media-type="application/xml"/></opf:manifest>'
        '<opf:spine><opf:itemref idref="header" linear="yes"/><opf:itemref idref="section0" linear="yes"/>'
        '</opf:spine></opf:package>')


def preview_text(content: tuple[tuple[str, str | TableSpec], ...] = CONTENT) -> str:
    """Preview/PrvText.txt: the plain text Hangul shows in file browsers (table cells as <text>)."""
    lines = []
    for _, value in content:
        if isinstance(value, TableSpec):
            lines.extend("".join(f"<{text}>" for text, _, _ in row) for row in value.rows)
        else:
            lines.append(value)
    return "\r\n".join(lines) + "\r\n"


def package_members(content: tuple[tuple[str, str | TableSpec], ...] = CONTENT,
                    title: str | None = None) -> list[tuple[str, bytes]]:
    """Every zip member in the order Hangul writes them, mimetype first (`title`: the OPF title, default the
    first content line)."""
    version = (f'{XML_DECL}<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" '
               'tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="1" buildNumber="0" os="1" '
               'xmlVersion="1.5" application="planextract samples/make_hwpx.py" appVersion="0.1.0"/>')
    container = (f'{XML_DECL}<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container" '
                 'xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf"><ocf:rootfiles>'
                 '<ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/>'
                 '<ocf:rootfile full-path="Preview/PrvText.txt" media-type="text/plain"/>'
                 '<ocf:rootfile full-path="META-INF/container.rdf" media-type="application/rdf+xml"/>'
                 '</ocf:rootfiles></ocf:container>')
    manifest = f'{XML_DECL}<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'
    pkg = "http://www.hancom.co.kr/hwpml/2016/meta/pkg#"
    parts = "".join(
        f'<rdf:Description rdf:about=""><ns0:hasPart xmlns:ns0="{pkg}" rdf:resource="Contents/{name}.xml"/>'
        f'</rdf:Description><rdf:Description rdf:about="Contents/{name}.xml"><rdf:type '
        f'rdf:resource="{pkg}{kind}"/></rdf:Description>' for name, kind in (("header", "HeaderFile"),
                                                                           ("section0", "SectionFile")))
    rdf = (f'{XML_DECL}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{parts}'
           f'<rdf:Description rdf:about=""><rdf:type rdf:resource="{pkg}Document"/></rdf:Description></rdf:RDF>')
    settings = (f'{XML_DECL}<ha:HWPApplicationSetting xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app" '
                'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0">'
                '<ha:CaretPosition listIDRef="0" paraIDRef="0" pos="0"/></ha:HWPApplicationSetting>')
    title = title if title is not None else str(content[0][1])
    members = [("mimetype", "application/hwp+zip"), ("version.xml", version),
               ("Contents/header.xml", header_xml()), ("Contents/section0.xml", section_xml(content)),
               ("Preview/PrvText.txt", preview_text(content)), ("settings.xml", settings),
               ("META-INF/container.rdf", rdf), ("Contents/content.hpf", content_hpf_xml(title)),
               ("META-INF/container.xml", container), ("META-INF/manifest.xml", manifest)]
    return [(name, text.encode("utf-8")) for name, text in members]


def write_package(path: Path, content: tuple[tuple[str, str | TableSpec], ...] = CONTENT,
                  title: str | None = None) -> None:
    """Write the HWPX zip: mimetype stored, everything else deflated, fixed dates and attributes."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in package_members(content, title):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compresslevel=9 if name != "mimetype" else None)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    write_package(target)
    print(f"wrote {target}")
