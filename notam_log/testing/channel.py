"""Telegram channel web-preview pages and Russian AIS index pages, rebuilt for tests
and the demo.

The page structure is that of ``https://t.me/s/<channel>`` as documented in the shared
payloads (``rosaviatsia/TELEGRAM_WEB.md``): message wrappers with ``data-post``, the
text div ``js-message_text`` with ``<br/>`` line breaks, emoji wrapped as
``<i class="emoji" style="..."><b>✈️</b></i>``, the reply block before the text, the
"edited" mark in the meta span, ``<time datetime>`` in UTC, the "load more" anchor
``data-before``, oldest post first. No real page of favt_info is stored anywhere: the
texts come from the press's word-for-word quotes (``statements.jsonl``).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from notam_log.core.models import Post

#: Posts per page, as t.me shows them.
PAGE_SIZE = 20
CHANNEL_TITLES = {"favt_info": "Говорит Росавиация", "korenyako": "Артем Кореняко"}


def _emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So"


def render_text(text: str) -> str:
    """A post's text as t.me renders it: escaped, ``<br/>`` line breaks, emoji wrapped
    (a variation selector stays with its emoji)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if _emoji(ch):
            glyph = ch
            while i + 1 < len(text) and text[i + 1] in "\ufe0f\u200d":
                glyph += text[i + 1]
                i += 1
            code = glyph.encode("utf-8").hex().upper()
            out.append(
                '<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/'
                f"{code}.png')\"><b>{html.escape(glyph)}</b></i>"
            )
        elif ch == "\n":
            out.append("<br/>")
        else:
            out.append(html.escape(ch))
        i += 1
    return "".join(out)


def render_post(post: Post, *, quoted: Post | None = None, views: str = "12.3K") -> str:
    """One message of a channel page."""
    title = CHANNEL_TITLES.get(post.channel, post.channel)
    reply = ""
    if post.reply_to is not None:
        quote = render_text(quoted.text[:200]) if quoted is not None else ""
        reply = (
            f'<a class="tgme_widget_message_reply" href="https://t.me/{post.channel}/'
            f'{post.reply_to}"><div class="tgme_widget_message_author accent_color">'
            f'<span class="tgme_widget_message_author_name" dir="auto">{html.escape(title)}'
            "</span></div>"
            f'<div class="tgme_widget_message_text js-message_reply_text" dir="auto">{quote}'
            "</div></a>"
        )
    edited = "edited &nbsp;" if post.edited else ""
    stamp = post.at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message"'
        f' data-post="{post.channel}/{post.id}" data-view="eyJjIjotMX0">'
        '<div class="tgme_widget_message_user"><a href="https://t.me/'
        f'{post.channel}"><i class="tgme_widget_message_user_photo bgcolor6"'
        f' data-content="{html.escape(title[:1])}"></i></a></div>'
        '<div class="tgme_widget_message_bubble">'
        '<div class="tgme_widget_message_author accent_color">'
        '<a class="tgme_widget_message_owner_name" href="https://t.me/'
        f'{post.channel}"><span dir="auto">{html.escape(title)}</span></a></div>'
        f"{reply}"
        '<div class="tgme_widget_message_text js-message_text" dir="auto">'
        f"{render_text(post.text)}</div>"
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        '<div class="tgme_widget_message_info short js-message_info">'
        f'<span class="tgme_widget_message_views">{views}</span>'
        f'<span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date"'
        f' href="https://t.me/{post.channel}/{post.id}"><time datetime="{stamp}"'
        f' class="time">{post.at:%H:%M}</time></a></span></div></div>'
        "</div></div></div>\n"
    )


def channel_page(
    channel: str,
    posts: Sequence[Post],
    *,
    before: int | None = None,
    everything: Sequence[Post] = (),
) -> bytes:
    """The page ``/s/<channel>`` (``before``: ``?before=ID``) of a channel holding
    ``posts``: the newest ``PAGE_SIZE`` posts older than ``before``, oldest first, with
    the "load more" anchor when older posts exist."""
    pool = sorted((p for p in posts if before is None or p.id < before), key=lambda p: p.id)
    page = pool[-PAGE_SIZE:]
    by_id = {p.id: p for p in (everything or posts)}
    title = CHANNEL_TITLES.get(channel, channel)
    more = ""
    if len(pool) > len(page) and page:
        more = (
            '<div class="tgme_widget_message_centered js-messages_more_wrap">'
            f'<a href="/s/{channel}?before={page[0].id}" class="tme_messages_more'
            f' js-messages_more" data-before="{page[0].id}"></a></div>'
        )
    prev = f'<link rel="prev" href="/s/{channel}?before={page[0].id}">' if more else ""
    messages = "".join(
        render_post(p, quoted=by_id.get(p.reply_to) if p.reply_to else None) for p in page
    )
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} – Telegram</title>\n"
        f'<meta property="og:title" content="{html.escape(title)}">\n'
        f'<link rel="canonical" href="/s/{channel}">{prev}\n</head>\n<body>\n'
        '<div class="tgme_channel_info"><div class="tgme_channel_info_header">'
        f'<div class="tgme_channel_info_header_title"><span dir="auto">{html.escape(title)}'
        "</span></div></div>"
        f'<div class="tgme_channel_info_header_username"><a href="https://t.me/{channel}">'
        f"@{channel}</a></div></div>\n"
        '<section class="tgme_channel_history js-message_history">\n'
        f"{more}\n{messages}</section>\n</body>\n</html>\n"
    ).encode()


#: What t.me answers (200) for a channel that does not exist: a generic page.
UNKNOWN_CHANNEL_PAGE = (
    b'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
    b"<title>Telegram Messenger</title>\n</head>\n<body>\n"
    b'<div class="tgme_page_wrap"><div class="tgme_head_wrap"><div class="tgme_head">'
    b'<a href="//telegram.org/" class="tgme_head_brand"></a></div></div>'
    b'<div class="tgme_body_wrap"><div class="tgme_page"><div class="tgme_page_title">'
    b'<span dir="auto">Telegram</span></div><div class="tgme_page_description">'
    b"a new era of messaging</div></div></div></div>\n</body>\n</html>\n"
)


def ais_index(names: Sequence[str], listed_at: datetime | None = None) -> bytes:
    """An index page of the Russian AIS series files, windows-1251 as served: one table
    row per file with the site's click-counter ``onclick`` (the file's English and
    Russian versions)."""
    rows = []
    for name in names:
        for variant in (name, name.replace("_eng.", "_rus.")):
            stem = variant.rsplit(".", 1)[0]
            click = (
                "location='//www.caica.ru/stcl/clicks.php?uri=www.caica.ru/ANI_Official/notam/"
                f"notam_series/{variant}&amp;lasttime=1765414380&amp;user=%C3%EE%F1%F2%FC'"
            )
            when = listed_at.strftime("%d-%b-%Y %H:%M") if listed_at else ""
            rows.append(
                f"<tr><td class='table_left_df' title='Файл: {variant}' onclick=\"{click}\">"
                f"</td><td title='{variant}' onclick=\"{click}\"><div class='hrefLine_td1'>"
                f'{stem}</div></td><td class="table" title="HTML Document"><div>HTML'
                f' Document</div></td><td class="table_right"><div>{when}</div></td></tr>'
            )
    page = (
        '<!doctype html>\n<html lang="ru">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">\n'
        "<title>:: НОТАМ серии ::</title>\n</head>\n<body>\n<table>\n"
        + "\n".join(rows)
        + "\n</table>\n</body>\n</html>\n"
    )
    return page.encode("cp1251")
