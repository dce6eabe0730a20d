"""One catalog of the phrases news pages print around an article (networks, share labels,
bylines, date labels, comment headings), read by extraction and by the cleaning rules alike."""

from __future__ import annotations

# Social networks and apps as pages name them, in Arabic and Latin script (one or two words).
NETWORKS = (
    "Facebook", "فيسبوك", "فيس بوك", "Twitter", "تويتر", "X", "إكس", "اكس", "Instagram",
    "انستجرام", "إنستجرام", "انستغرام", "إنستغرام", "انستقرام", "YouTube", "يوتيوب", "TikTok",
    "تيك توك", "تيكتوك", "Telegram", "تليجرام", "تلجرام", "تلغرام", "تيليجرام", "WhatsApp",
    "واتساب", "واتس اب", "واتس آب", "Snapchat", "سناب شات", "LinkedIn", "لينكد إن", "لينكدإن",
    "Google News", "جوجل نيوز", "نبض", "Threads", "ثريدز", "Pinterest", "Reddit", "Messenger",
    "ماسنجر",
)  # fmt: skip

# Share-bar words beside the network names.
SHARE_WORDS = (
    "Email", "Gmail", "إيميل", "Print", "طباعة", "Tweet", "غرد", "شارك", "مشاركة", "المشاركة",
    "انشر", "Share", "Shares", "Partager", "Tweeter",
)  # fmt: skip
SHARE_PHRASES = (
    "E-mail", "البريد الإلكتروني", "بريد إلكتروني", "نسخ الرابط", "تم نسخ الرابط", "انسخ الرابط",
    "رابط مختصر", "الرابط المختصر", "رابط قصير", "الرابط القصير", "Copy link", "Link copied",
    "شارك الخبر", "شارك المقال", "شارك عبر", "شارك على", "شارك الموضوع", "Share this",
    "Share this article", "Share on", "مشاركة الخبر",
)  # fmt: skip

# A byline's label before the writer's name («كتب: …», «بقلم …»), and labels that name a
# writer only with a colon or dash after them («تحرير: …»).
BYLINE_LABELS = ("كتب", "كتبت", "بقلم", "إعداد", "اعداد")
BYLINE_ROLE_LABELS = ("تحرير", "مراجعة", "ترجمة", "تقرير", "متابعة", "حوار")

# Labels printed before a publication or update time.
DATE_LABELS = (
    "نشر في", "نشر", "تم النشر", "تاريخ النشر", "نشر بتاريخ", "بتاريخ", "آخر تحديث", "تحديث",
    "تاريخ التحديث", "محدث", "Published", "Updated", "Last updated", "Posted", "Publié le",
    "Mis à jour",
)  # fmt: skip

# Headings over readers' comments, and the prompts of a comment form.
COMMENT_HEADINGS = (
    "آراء القراء", "اراء القراء", "تعليقات القراء", "تعليقات الزوار", "تعليقات الزوار والقراء",
    "التعليقات", "تعليقات", "أضف تعليقك", "اضف تعليقك", "أضف تعليقا", "اترك تعليقا",
    "اترك تعليقاً", "شارك برأيك", "Comments", "Reader comments", "Leave a comment",
    "Leave a reply",
)  # fmt: skip
COMMENT_PROMPTS = (
    "لا توجد تعليقات", "لا توجد تعليقات حتى الآن", "كن أول من يعلق", "كن أول من يعلق على الخبر",
    "تعليقات الزوار", "تعليقات القراء", "آراء القراء", "أرسل تعليقك",
)  # fmt: skip

# What a comment-policy notice says beside a comment word: the comments are the readers' own,
# moderated, held to manners. Sites print it under their comment forms.
COMMENT_WORDS = ("تعليق", "تعليقات", "التعليقات", "التعليق", "تعليقك", "Comments", "Comment")
COMMENT_POLICY = (
    "تعبر عن رأي أصحابها", "تعبر عن أصحابها", "تعبر عن رأي كاتبها", "تعبر عن وجهة نظر أصحابها",
    "آداب الحوار", "آداب التعليق", "حذف أي تعليق", "are moderated", "community guidelines",
    "do not reflect the views", "house rules",
)  # fmt: skip
# Moderation said of the readers' comments only («تخضع للمراجعة» is said of much else).
MODERATION = ("تخضع للمراجعة", "تخضع للرقابة", "سيتم مراجعة", "قبل نشرها", "قبل النشر")
READER_COMMENTS = (
    "تعليقك", "تعليقاتكم", "جميع التعليقات", "التعليقات المنشورة", "تعليقات القراء",
    "تعليقات الزوار", "your comment",
)  # fmt: skip
# «… لا تعبر عن رأي الموقع»: only the site's own disclaimer, not a sentence about a government.
SITE_WORDS = ("الموقع", "الجريدة", "الصحيفة", "البوابة", "القناة", "الإدارة", "إدارة الموقع")
