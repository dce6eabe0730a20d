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

# Who a template credits where no writer is named: the newsroom, a desk, the CMS account
# («admin», «مدير الموقع»). Not people: no author.
NEWSROOM_CREDITS = (
    "محرر الموقع", "مدير الموقع", "إدارة الموقع", "ادارة الموقع", "الإدارة", "الادارة", "الموقع",
    "المحرر", "محرر", "فريق التحرير", "هيئة التحرير", "أسرة التحرير", "التحرير", "قسم الأخبار",
    "المحرر الإخباري", "غرفة الأخبار", "أخبار", "الأخبار", "admin", "administrator", "editor",
    "editors", "webmaster", "web desk", "web editor", "online desk", "news desk", "desk", "news",
    "newsroom", "staff", "staff writer", "editorial team", "editorial staff", "author", "guest",
    "user", "agencies", "wires", "وكالات", "الوكالات", "Redaktion", "Nachrichten",
)  # fmt: skip

# Labels printed before a publication or update time.
DATE_LABELS = (
    "نشر في", "نشر", "تم النشر", "تاريخ النشر", "نشر بتاريخ", "بتاريخ", "آخر تحديث", "تحديث",
    "تاريخ التحديث", "محدث", "Published", "Updated", "Last updated", "Posted", "Publié le",
    "Mis à jour", "Stand", "Aktualisiert", "Veröffentlicht",
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

# Invitations to the reader printed around the text: send us your story, tell us, write to us.
# Each is a prompt only in a short line that addresses the reader (see the reader_prompt rule).
READER_PROMPT_OPENERS = (
    "هل لديك قصة", "هل لديك خبر", "هل لديك معلومة", "هل لديك معلومات", "هل لديك صور",
    "هل لديك فيديو", "هل لديك شكوى", "لديك قصة", "لديك خبر", "لديك معلومة", "لديك شكوى",
    "هل شاهدت", "هل كنت شاهدا", "got a story", "have you got a story", "got a tip",
    "have a story", "have a tip", "do you have a story", "got a news tip", "have a news tip",
    "sie haben einen hinweis", "haben sie einen hinweis", "tienes una historia",
)  # fmt: skip
READER_PROMPT_ASKS = (
    "تواصل معنا", "تواصلوا معنا", "راسلنا", "راسلونا", "اكتب لنا", "اكتبوا لنا", "أرسل لنا",
    "أرسلوا لنا", "أرسلها لنا", "أرسلها إلى", "شاركنا", "شاركونا", "أخبرنا", "أخبرونا",
    "get in touch", "email us", "e-mail us", "contact us", "write to us", "tell us", "let us know",
    "send us", "we want to hear from you", "we'd love to hear from you",
    "we would love to hear from you", "schreiben sie uns", "kontaktieren sie uns",
    "escríbenos", "contáctanos", "écrivez-nous", "contactez-nous",
)  # fmt: skip
# Where the closing pointer sends the reader for more of the same («للمزيد من الأخبار تابع
# صفحتنا» is a follow prompt): "For more stories like this, check our news page".
READER_MORE_LIKE_THIS = ("for more stories like this", "for more news like this",
                         "لمزيد من الأخبار المماثلة", "للمزيد من القصص المماثلة")  # fmt: skip

# Affiliate-link disclosures: the page may earn from what the reader buys through its links.
AFFILIATE_NOTES = (
    "we may earn a commission", "we may earn an affiliate commission", "may earn a commission",
    "we may receive a commission", "we may get a commission", "we earn a commission",
    "may earn us a commission", "article contains affiliate links", "post contains affiliate links",
    "using links in our stories", "erhalten wir eine provision", "bekommen wir eine provision",
    "قد نحصل على عمولة", "قد نتلقى عمولة", "قد نحصل على نسبة", "نحصل على عمولة",
)  # fmt: skip

# Paywall notices and appeals for money printed inside the text.
PAYWALL_NOTES = (
    "reserved for subscribers", "for subscribers only", "subscribers only",
    "exclusive to subscribers", "subscribe to continue reading", "subscribe to read more",
    "log in or create an account to continue",
    "réservée aux abonnés", "réservé aux abonnés", "de cet article à lire", "nur für abonnenten",
    "exklusiv für abonnenten", "solo para suscriptores", "para suscriptores", "tu suscripción",
    "للمشتركين فقط", "متاح للمشتركين", "خاص بالمشتركين", "حصري للمشتركين", "اشترك لمواصلة القراءة",
    "اشترك لمتابعة القراءة", "سجل الدخول لمتابعة القراءة", "لمتابعة قراءة المقال",
)  # fmt: skip
SUPPORT_APPEALS = (
    "support our journalism", "support independent journalism", "support quality journalism",
    "support us", "make a donation", "donate now", "unterstützen sie uns", "mit einer spende",
    "braucht deine unterstützung", "braucht ihre unterstützung", "soutenez-nous",
    "soutenez notre journalisme", "apoya nuestro periodismo", "ادعم الصحافة المستقلة",
    "ادعمونا", "ادعم موقعنا", "تبرع الآن", "ساهم في دعم", "ادعم استمرارنا",
)  # fmt: skip

# Embedded third-party content held back until the reader agrees (words beside the consent
# terms of the cookie_consent rule).
EXTERNAL_CONTENT = (
    "externen inhalt", "externe inhalte", "externer inhalt", "drittplattformen",
    "personenbezogene daten", "external content", "third-party content",
    "المحتوى الخارجي", "محتوى خارجي", "محتوى مقدم من", "المواقع الخارجية",
)  # fmt: skip
EXTERNAL_CONSENT = (
    "ich bin damit einverstanden", "sie können", "können sie", "für sie", "mit einem klick",
    "ihre einwilligung", "ihre zustimmung", "we ask for your permission", "your consent",
    "you agree", "نطلب إذنك", "نطلب موافقتك", "بموافقتك", "إذنك",
)  # fmt: skip

# A closing credit line: who reported, wrote, edited or translated the text («(إعداد محمد علي
# للنشرة العربية - تحرير سها جادو)», Reporting by …; Editing by …, Redaktion: …).
CREDIT_ROLES = (
    "إعداد", "اعداد", "تحرير", "ترجمة", "تغطية", "شارك في التغطية", "ساهم في التغطية",
    "شارك في إعداد التقرير", "ساهم في إعداد التقرير", "شارك في الإعداد", "ساهم في الإعداد",
    "reporting by", "additional reporting by", "writing by", "editing by", "compiled by",
    "reporting and writing by", "with reporting by", "with reports from", "with reporting from",
    "with files from",
    "redaktion", "schlussredaktion", "übersetzung", "mitarbeit", "mit material von",
    "información de", "con información de", "reportage de", "édité par",
)  # fmt: skip
# «X contributed to this report», «X reported from Y»: a note on who else reported, closing it.
CREDIT_NOTES = ("contributed to this report", "contributed reporting", "contributed to this story",
                "reported from", "ساهم في هذا التقرير", "ساهمت في هذا التقرير")  # fmt: skip

# Labels over a box of other articles' links, beside the read-also labels of the cleaning rules;
# and the openings of a «more from <section or site>» label.
RELATED_LABELS = (
    "قد يعجبك", "ربما يعجبك أيضا", "مقالات قد تعجبك", "ننصحك بقراءة", "إقرأ المزيد",
    "Editor's picks", "Editors' picks", "Trending", "Trending now", "Popular", "Most popular",
    "Up next", "You may also like", "You might also like", "Recommended for you",
    "Auch interessant", "Mehr zum Thema", "Weitere Artikel", "Das könnte Sie auch interessieren",
    "Lesen Sie auch", "Czytaj więcej", "Czytaj też", "Te puede interesar", "Más noticias",
)  # fmt: skip
RELATED_MORE_FROM = ("more from", "more on", "mehr aus", "mehr von", "mehr zu", "plus de",
                     "más de", "المزيد من", "المزيد عن", "مزيد من")  # fmt: skip

# «نريد أن نسمع منك»: the page asking for its readers' stories, alone as a prompt's opening.
READER_PROMPT_HEAR = ("we want to hear from you", "we'd love to hear from you",
                      "نريد أن نسمع منك", "يهمنا رأيك")  # fmt: skip

# A closing biography: what the writer is or does right after the name, and the trades it names.
BIO_VERBS = (
    "is", "ist", "est", "es", "è", "has", "hat", "covers", "writes", "schreibt", "berichtet",
    "arbeitet", "joined", "was", "war", "هو", "هي", "صحفي", "صحفية", "كاتب", "كاتبة", "مراسل",
    "مراسلة", "يعمل", "تعمل", "محرر", "محررة", "باحث", "باحثة",
)  # fmt: skip
BIO_TRADES = (
    "journalist", "reporter", "correspondent", "editor", "writer", "columnist", "Korrespondent",
    "Reporter", "Redakteur", "Journalist", "صحفي", "صحافي", "مراسل", "محرر", "كاتب",
)  # fmt: skip
