"""Boilerplate cues of Arabic news pages: agency credits, block headers, bylines, widgets, menus.

Language rules live here, apart from the cleaning logic (trafilatura style). Phrases are written in their usual
spelling; matching is done on normalized text (alef/ya/ta-marbuta/hamza/diacritics-insensitive), so one spelling
covers "أقرأ أيضاً", "اقرا ايضا", ... Keep entries generic: what many outlets print, never one page's wording.
"""

from __future__ import annotations

# Photo and news agencies as they appear in credits, Arabic and Latin. Matching ignores dots and spaces
# inside abbreviations, so "أ.ف.ب", "أ ف ب" and "ا.ف.ب" are one entry.
AGENCIES = [
    "رويترز", "أ.ف.ب", "فرانس برس", "وكالة فرانس برس", "أ.ب", "أسوشيتد برس", "أسوشييتد برس", "إ.ب.أ", "د.ب.أ",
    "الأناضول", "وكالة الأناضول", "سبوتنيك", "تاس", "ريا نوفوستي", "شينخوا", "يونهاب", "كيودو", "واس", "سانا",
    "وام", "قنا", "كونا", "بترا", "واع", "ومع", "وفا", "إرنا", "مهر", "فارس", "تسنيم", "الأناضول", "أ.ش.أ",
    "وكالات", "غيتي", "غيتي إيميجز", "جيتي", "صور غيتي", "شترستوك", "أرشيفية", "أرشيف", "صورة أرشيفية",
    "متداولة", "مواقع التواصل", "مواقع التواصل الاجتماعي", "إكس", "تويتر", "فيسبوك", "إنستغرام", "يوتيوب",
    "Reuters", "AFP", "AP", "EPA", "EPA-EFE", "Getty", "Getty Images", "Anadolu", "Xinhua", "Shutterstock",
    "AFP/Getty Images", "dpa", "TASS", "Sputnik", "Yonhap", "KCNA", "Bloomberg", "Pool", "Handout",
]

# Words that may precede an agency inside a credit: "(صورة: رويترز)", "(تصوير: أ.ف.ب)", "(المصدر: وكالات)".
CREDIT_PREFIXES = ["صورة", "الصورة", "تصوير", "المصدر", "مصدر الصورة", "حقوق الصورة", "photo", "source"]

# Headers that open a block of links to other articles.
RELATED_HEADERS = [
    "مقالات ذات صلة", "أخبار ذات صلة", "مواضيع ذات صلة", "موضوعات ذات صلة", "ذات صلة", "مقالات مشابهة",
    "أخبار متعلقة", "مقالات متعلقة", "قد يعجبك أيضا", "قد يهمك أيضا", "قد يهمك", "اخترنا لك", "المزيد من الأخبار",
    "الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا", "أخبار أخرى", "اقرأ المزيد", "شاهد أيضا", "اقرأ في هذا الملف",
    "Related", "Related articles", "Read more", "More stories",
]
READ_ALSO_HEADERS = ["أقرأ أيضا", "اقرأ أيضا", "إقرأ أيضا", "اقرأ كذلك", "طالع أيضا", "شاهد أيضا", "اقرأ ايضا"]

TAG_HEADERS = ["الوسوم", "وسوم", "كلمات مفتاحية", "كلمات دلالية", "الكلمات المفتاحية", "مواضيع", "تاغ", "Tags"]

# Lines that start a byline or a credit line.
BYLINE_STARTS = [
    "بقلم", "كتب", "كتبت", "كتبه", "إعداد", "اعداد", "تحرير", "ترجمة", "تقرير", "مراسل", "مراسلة", "حوار",
    "المصدر", "تصوير", "By",
]

# Share/print/follow widgets and social calls to action.
SOCIAL_PHRASES = [
    "شارك", "مشاركة", "شارك المقال", "شارك الخبر", "تابعونا على", "تابعنا على", "تابعوا", "انضم إلى قناتنا",
    "اشترك في قناتنا", "اضغط هنا", "إضغط هنا", "طباعة", "نسخ الرابط", "أرسل لصديق", "واتساب", "تليجرام", "تلغرام",
    "فيسبوك", "تويتر", "إكس", "لينكدإن", "إنستغرام", "يوتيوب", "تيك توك", "بريد إلكتروني", "Share", "Tweet", "Print",
]
SOCIAL_HOSTS = [
    "twitter.com", "x.com", "facebook.com", "fb.com", "instagram.com", "t.me", "telegram.me", "youtube.com",
    "youtu.be", "tiktok.com", "linkedin.com", "wa.me", "whatsapp.com", "threads.net", "snapchat.com",
]

# Stray markers crawlers leave: a site's short logo text, "TT" (text size toggles), breadcrumb symbols.
STRAY_MARKERS = ["TT", "T T", "A A", "A+ A-", "A-", "A+", "أ أ", "+", "-", "|", "«", "»", "•", "…", "...", "المزيد"]

# Navigation menus, search help, legal notices and subscription forms: words that pile up where page chrome
# runs into the article (often on the same line as the headline).
CHROME_WORDS = [
    "الرئيسية", "الصفحة الرئيسية", "أخبار", "الأخبار", "سياسة", "اقتصاد", "رياضة", "ثقافة", "فن", "فنون", "منوعات",
    "تكنولوجيا", "صحة", "مقالات", "آراء", "رأي", "فيديو", "صور", "ملفات", "عربي", "دولي", "العالم", "محليات",
    "بحث", "ابحث", "البحث", "ابحث في الموقع", "اكتب كلمة البحث", "نتائج البحث", "إغلاق", "القائمة", "من نحن",
    "اتصل بنا", "اتصل", "أعلن معنا", "سياسة الخصوصية", "الخصوصية", "شروط الاستخدام", "الشروط والأحكام",
    "جميع الحقوق محفوظة", "حقوق النشر", "محفوظة", "اشترك", "اشتراك", "الاشتراك", "النشرة البريدية",
    "النشرة الإخبارية", "بريدك الإلكتروني", "البريد الإلكتروني", "أدخل بريدك", "تسجيل الدخول", "تسجيل", "دخول",
    "خروج", "حسابي", "الطقس", "مواقيت الصلاة", "بث مباشر", "عاجل", "ملفات تعريف الارتباط", "الكوكيز", "موافق",
    "أوافق", "قبول", "رفض", "القائمة الرئيسية", "تابعنا", "RSS", "Menu", "Search", "Home", "Login", "Subscribe",
    "Cookies", "Privacy", "©", "Copyright", "اضغط", "إدخال", "انقر", "للبحث", "Enter", "العودة", "عودة", "التالي",
    "السابق", "الكل",
]
# Function words between menu items and in form help; neutral when weighing a run of chrome.
CHROME_NEUTRAL = ["في", "من", "على", "إلى", "ثم", "أو", "و", "عن", "مع", "هنا", "لنا", "كل"]
# Phrases that mark page chrome on their own, wherever they stand.
CHROME_PHRASES = [
    "جميع الحقوق محفوظة", "جميع حقوق النشر محفوظة", "سياسة الخصوصية", "شروط الاستخدام", "الشروط والأحكام",
    "اشترك في النشرة", "اشترك في نشرتنا", "أدخل بريدك الإلكتروني", "ادخل بريدك الالكتروني", "اكتب كلمة البحث",
    "ابحث في الموقع", "تسجيل الدخول", "ملفات تعريف الارتباط", "نستخدم ملفات", "هذا الموقع يستخدم",
    "لا توجد نتائج", "يرجى إدخال", "All rights reserved", "Privacy Policy", "Terms of Use", "Sign in", "Sign up",
]
