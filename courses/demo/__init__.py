"""Demo catalog for `manage.py seed_demo` (runs after accounts; idempotent: get-or-create by slug).

Courses are written through the workflow services (create, sections, lessons, questions, submit,
approve / request changes / archive), so published demo courses have an approval request and a
version like real ones.  The denormalised counters (rating, enrolments, completions) are never set
here: they start at 0 and follow the real enrolments (learning demo) and reviews (community demo).
"""

import hashlib
import io
import random
import zlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User

from .. import services
from ..models import (
    Category,
    CertificateTemplate,
    Course,
    CourseContent,
    CourseLanguage,
    Tag,
    Translation,
)
from .quizzes import QUIZZES

# (slug, name, Bootstrap icon, parent slug)
CATEGORIES = [
    ("development", "Development", "code-slash", None),
    ("web-development", "Web Development", "globe2", "development"),
    ("mobile-development", "Mobile Development", "phone", "development"),
    ("data-science", "Data Science", "bar-chart-line", None),
    ("machine-learning", "Machine Learning", "cpu", "data-science"),
    ("data-analysis", "Data Analysis", "table", "data-science"),
    ("business", "Business", "briefcase", None),
    ("project-management", "Project Management", "kanban", "business"),
    ("entrepreneurship", "Entrepreneurship", "rocket-takeoff", "business"),
    ("design", "Design", "palette", None),
    ("ux-design", "UX Design", "vector-pen", "design"),
    ("marketing", "Marketing", "megaphone", None),
    ("it-security", "IT & Security", "shield-lock", None),
    ("languages", "Languages", "translate", None),
    ("personal-development", "Personal Development", "person-arms-up", None),
    ("photography", "Photography", "camera", None),
]

TAGS = [
    "Python", "JavaScript", "Django", "React", "SQL", "Excel", "Machine Learning", "Statistics", "Leadership",
    "Agile", "Figma", "SEO", "Public Speaking", "Cybersecurity", "Spanish", "Photography", "Cloud",
]  # fmt: skip

EXTRA_INSTRUCTORS = [
    ("maria.garcia@courseworx.local", "María", "García"),
    ("kenji.tanaka@courseworx.local", "Kenji", "Tanaka"),
]

# Who teaches: demo keys from accounts.demo, plus the extra instructors above.
I1, I2, I3, I4 = "instructor", "instructor2", "maria.garcia", "kenji.tanaka"
P, D, R, C, A = "published", "draft", "in_review", "changes_requested", "archived"

# Courses listed under a second category too (the row's category stays the primary one).
SECOND_CATEGORIES = {
    "sql-for-data-analysis": "business",
    "excel-for-business-analysts": "business",
    "seo-for-developers": "web-development",
    "leadership-for-new-managers": "business",
    "ui-design-with-figma": "web-development",
}

# slug, title, category, tags, level, language, price, instructor, status, featured,
# short description, outcomes, requirements, prerequisite slugs
COURSES = [
    ("python-for-absolute-beginners", "Python for Absolute Beginners", "development", ["Python"], "beginner", "en",
     "0", I1, P, True,
     "Write your first programs in Python: variables, loops, functions and files, one small project at a time.",
     ["Write and run Python scripts on your own computer", "Use variables, lists, dictionaries and loops",
      "Break problems into functions you can test", "Read and write text and CSV files",
      "Build a small command-line to-do app"],
     ["A computer with Windows, macOS or Linux", "No programming experience needed"], []),
    ("django-web-development-bootcamp", "Django Web Development Bootcamp", "web-development", ["Python", "Django"],
     "intermediate", "en", "89.99", I1, P, True,
     "Build and deploy a complete web application with Django 5, PostgreSQL and server-rendered templates.",
     ["Model data with the Django ORM and migrations", "Build pages with views, templates and forms",
      "Add sign-up, login and permissions", "Write tests with pytest-django", "Deploy to a Linux server"],
     ["Comfortable with basic Python", "Some HTML helps but is not required"], ["python-for-absolute-beginners"]),
    ("rest-apis-with-django-rest-framework", "REST APIs with Django REST Framework", "web-development",
     ["Python", "Django"], "advanced", "en", "109.00", I1, P, False,
     "Design clean, documented, secure JSON APIs with DRF, django-filter and OpenAPI.",
     ["Design resource-oriented endpoints", "Write input and output serializers", "Secure APIs with tokens and "
      "object permissions", "Document an API with OpenAPI", "Keep query counts constant"],
     ["You have built a Django site before"], ["django-web-development-bootcamp"]),
    ("modern-javascript-from-scratch", "Modern JavaScript from Scratch", "web-development", ["JavaScript"],
     "beginner", "en", "49.99", I2, P, False,
     "Learn the JavaScript language the modern way: ES modules, async/await, the DOM and fetch.",
     ["Understand values, functions and scope", "Manipulate the DOM and handle events",
      "Work with promises and async/await", "Call JSON APIs with fetch"],
     ["Basic HTML and CSS"], []),
    ("react-the-practical-guide", "React: The Practical Guide", "web-development", ["JavaScript", "React"],
     "intermediate", "en", "94.99", I2, P, True,
     "Build fast, accessible interfaces with React components, hooks and a little state management.",
     ["Compose interfaces from reusable components", "Manage state with hooks and context",
      "Fetch and cache server data", "Test components with Testing Library"],
     ["Modern JavaScript (ES2015+)"], ["modern-javascript-from-scratch"]),
    ("flutter-mobile-apps-for-beginners", "Flutter Mobile Apps for Beginners", "mobile-development", [],
     "beginner", "en", "59.00", I4, P, False,
     "Create your first iOS and Android app from one code base with Flutter and Dart.",
     ["Set up Flutter and an emulator", "Lay out screens with widgets", "Navigate between screens",
      "Store data on the device"],
     ["No mobile experience needed"], []),
    ("sql-for-data-analysis", "SQL for Data Analysis", "data-analysis", ["SQL", "Statistics"], "beginner", "en",
     "0", I3, P, True,
     "Answer real business questions with SQL: filtering, joins, aggregation and window functions.",
     ["Query tables with SELECT, WHERE and ORDER BY", "Combine tables with joins",
      "Summarise data with GROUP BY", "Rank and compare rows with window functions"],
     ["No database experience needed"], []),
    ("excel-for-business-analysts", "Excel for Business Analysts", "data-analysis", ["Excel"], "beginner", "en",
     "29.99", I3, P, False,
     "Clean, analyse and present business data in Excel with formulas, PivotTables and charts.",
     ["Clean messy data quickly", "Use XLOOKUP, SUMIFS and dynamic arrays", "Summarise with PivotTables",
      "Build a one-page dashboard"],
     ["Excel 2019 or Microsoft 365"], []),
    ("statistics-for-data-science", "Statistics for Data Science", "data-science", ["Statistics", "Python"],
     "intermediate", "en", "69.00", I3, P, False,
     "The statistics you actually use: distributions, sampling, confidence intervals and A/B tests.",
     ["Describe data with the right summary", "Reason about sampling and uncertainty",
      "Run and read hypothesis tests", "Design a sound A/B test"],
     ["High-school maths", "Basic Python"], ["python-for-absolute-beginners"]),
    ("machine-learning-a-to-z", "Machine Learning A to Z", "machine-learning", ["Machine Learning", "Python"],
     "intermediate", "en", "119.99", I4, P, True,
     "Train, evaluate and ship machine-learning models with scikit-learn, from regression to ensembles.",
     ["Prepare features and split data properly", "Train regression and classification models",
      "Evaluate with cross-validation", "Tune hyper-parameters", "Explain predictions"],
     ["Python and a little statistics"], ["statistics-for-data-science"]),
    ("deep-learning-with-pytorch", "Deep Learning with PyTorch", "machine-learning", ["Machine Learning", "Python"],
     "advanced", "en", "129.00", I4, P, False,
     "Build neural networks for images and text with PyTorch, and train them efficiently on a GPU.",
     ["Write training loops in PyTorch", "Build convolutional networks for images",
      "Fine-tune pre-trained models", "Track experiments"],
     ["Machine-learning basics", "Comfortable with Python and NumPy"], ["machine-learning-a-to-z"]),
    ("project-management-fundamentals", "Project Management Fundamentals", "project-management",
     ["Agile", "Leadership"], "beginner", "en", "39.99", I2, P, False,
     "Plan, run and close projects on time: scope, schedules, risks and stakeholders.",
     ["Write a clear project charter", "Build a realistic schedule", "Track risks and issues",
      "Report progress to stakeholders"],
     ["None"], []),
    ("agile-and-scrum-in-practice", "Agile and Scrum in Practice", "project-management", ["Agile"],
     "intermediate", "en", "0", I2, P, False,
     "Run effective sprints: backlog refinement, planning, reviews and retrospectives that change things.",
     ["Write and slice user stories", "Facilitate Scrum events", "Measure flow and predictability",
      "Scale agile to several teams"],
     ["Some experience working in a team"], ["project-management-fundamentals"]),
    ("start-your-online-business", "Start Your Online Business", "entrepreneurship", ["SEO"], "beginner", "en",
     "49.00", I3, P, False,
     "Go from idea to first paying customers: validation, a simple website, pricing and marketing.",
     ["Validate an idea before building", "Set up a simple store", "Price your product", "Find first customers"],
     ["An idea you care about"], []),
    ("ux-design-essentials", "UX Design Essentials", "ux-design", ["Figma"], "beginner", "en", "59.99", I2, P,
     True,
     "Research users, sketch flows and prototype in Figma: the complete beginner's UX process.",
     ["Run user interviews", "Map user journeys", "Wireframe and prototype in Figma", "Test designs with users"],
     ["A free Figma account"], []),
    ("ui-design-with-figma", "UI Design with Figma", "design", ["Figma"], "intermediate", "en", "69.99", I2, P,
     False,
     "Design beautiful, consistent interfaces with auto layout, components and design tokens.",
     ["Master auto layout and constraints", "Build a component library", "Use colour and type systems",
      "Hand off designs to developers"],
     ["Figma basics"], ["ux-design-essentials"]),
    ("digital-marketing-masterclass", "Digital Marketing Masterclass", "marketing", ["SEO"], "beginner", "en",
     "84.99", I3, P, False,
     "SEO, content, e-mail and paid ads: a complete, practical plan for growing any business online.",
     ["Plan a marketing funnel", "Rank with on-page SEO", "Write e-mails that get opened", "Measure results"],
     ["No marketing experience needed"], []),
    ("seo-for-developers", "SEO for Developers", "marketing", ["SEO", "JavaScript"], "intermediate", "en", "0",
     I1, P, False,
     "Make fast, crawlable, well-structured sites that search engines understand.",
     ["Structure pages and metadata", "Fix Core Web Vitals", "Add structured data", "Handle JavaScript rendering"],
     ["Build websites regularly"], []),
    ("cybersecurity-fundamentals", "Cybersecurity Fundamentals", "it-security", ["Cybersecurity"], "beginner",
     "en", "0", I4, P, True,
     "Protect yourself and your organisation: threats, passwords, networks, phishing and incident response.",
     ["Recognise common attacks", "Secure accounts with MFA and password managers", "Understand network basics",
      "Respond to an incident"],
     ["None"], []),
    ("ethical-hacking-hands-on", "Ethical Hacking Hands-On", "it-security", ["Cybersecurity"], "advanced", "en",
     "139.00", I4, P, False,
     "Think like an attacker: reconnaissance, web vulnerabilities and privilege escalation in a legal lab.",
     ["Set up a safe practice lab", "Find and exploit OWASP Top 10 flaws", "Escalate privileges",
      "Write a professional report"],
     ["Networking and Linux basics"], ["cybersecurity-fundamentals"]),
    ("aws-cloud-practitioner", "AWS Cloud Practitioner", "it-security", ["Cloud"], "beginner", "en", "44.99",
     I1, P, False,
     "Understand the cloud and pass the AWS Certified Cloud Practitioner exam with confidence.",
     ["Explain core AWS services", "Understand pricing and billing", "Apply the shared responsibility model",
      "Pass the exam"],
     ["None"], []),
    ("spanish-for-beginners", "Español para principiantes", "languages", ["Spanish"], "beginner", "es", "0", I3,
     P, False,
     "Aprende a presentarte, pedir comida y mantener conversaciones sencillas en español.",
     ["Presentarte y hablar de ti", "Pedir en un restaurante", "Usar el presente de los verbos comunes",
      "Entender conversaciones cotidianas"],
     ["Ninguno"], []),
    ("public-speaking-with-confidence", "Public Speaking with Confidence", "personal-development",
     ["Public Speaking", "Leadership"], "beginner", "en", "34.99", I2, P, False,
     "Plan, rehearse and deliver talks that people remember, and stay calm while you do it.",
     ["Structure a talk around one message", "Design simple, readable slides", "Manage nerves",
      "Handle questions"],
     ["None"], []),
    ("leadership-for-new-managers", "Leadership for New Managers", "personal-development", ["Leadership"],
     "intermediate", "en", "79.00", I3, P, False,
     "Make the jump from doing to leading: one-to-ones, feedback, delegation and hiring.",
     ["Run useful one-to-ones", "Give feedback that lands", "Delegate without micromanaging", "Hire well"],
     ["You manage or will soon manage people"], []),
    ("photography-masterclass", "Photography Masterclass", "photography", ["Photography"], "beginner", "en",
     "64.99", I4, P, False,
     "Take control of your camera: exposure, composition, light and editing for stunning photos.",
     ["Shoot in manual mode", "Compose strong images", "Use natural and artificial light",
      "Edit photos in Lightroom"],
     ["Any camera, even a phone"], []),
    # not (or no longer) in the catalog
    ("kubernetes-in-production", "Kubernetes in Production", "it-security", ["Cloud"], "advanced", "en",
     "149.00", I1, D, False,
     "Operate Kubernetes clusters reliably: deployments, autoscaling, observability and security.",
     ["Deploy with rolling updates", "Autoscale workloads", "Monitor with Prometheus"],
     ["Docker experience"], []),
    ("data-visualisation-with-python", "Data Visualisation with Python", "data-analysis",
     ["Python", "Statistics"], "intermediate", "en", "54.99", I3, R, False,
     "Tell clear stories with data using matplotlib, seaborn and Plotly.",
     ["Choose the right chart", "Style charts for clarity", "Build interactive dashboards"],
     ["Basic Python"], []),
    ("typescript-deep-dive", "TypeScript Deep Dive", "web-development", ["JavaScript"], "advanced", "en", "79.99",
     I2, C, False,
     "Master TypeScript's type system: generics, conditional types and safe refactoring at scale.",
     ["Model domains with types", "Write reusable generics", "Migrate a JavaScript code base"],
     ["Solid JavaScript"], []),
    ("french-conversation-intermediate", "Conversation française (intermédiaire)", "languages", [],
     "intermediate", "fr", "39.00", I3, D, False,
     "Parlez avec aisance de la vie quotidienne, du travail et de l'actualité.",
     ["Raconter au passé", "Exprimer une opinion", "Comprendre des médias authentiques"],
     ["Niveau A2"], []),
    ("jquery-essentials-2015", "jQuery Essentials (2015 edition)", "web-development", ["JavaScript"], "beginner",
     "en", "0", I1, A, False,
     "The classic introduction to jQuery selectors, events and AJAX — kept for existing learners.",
     ["Select and change elements", "Handle events", "Load data with AJAX"],
     ["Basic HTML"], []),
]  # fmt: skip


VIDEO_IDS = ["rfscVS0vtbw", "kqtD5dpn9C8", "8DvywoWv6fI", "_uQrJ0TkZlc", "PkZNo7MFNFg", "HXV3zeQKqGY"]

CERTIFICATE_HTML = """<div class="certificate">
  <div class="frame">
    <p class="brand">CourseWorx</p>
    <h1>Certificate of Completion</h1>
    <p class="lead">This certifies that</p>
    <p class="name">{{ student_name }}</p>
    <p class="lead">has successfully completed the course</p>
    <p class="course">{{ course_title }}</p>
    <p class="grade">Final grade: {{ grade }}</p>
    <div class="footer">
      <div class="sign"><span class="line"></span>{{ instructor_name }}<br><small>Instructor</small></div>
      <div class="sign"><span class="line"></span>{{ completed_on }}<br><small>Date of completion</small></div>
    </div>
    <div class="verify"><img class="qr" src="{{ verification_qr }}" alt="">
      <p>Scan or visit {{ verification_url }}<br>to verify · code {{ verification_code }}</p></div>
  </div>
</div>"""
CERTIFICATE_CSS = """@page { size: A4 landscape; margin: 0; }
body { margin: 0; font-family: "DejaVu Serif", Georgia, serif; color: #1f2150; }
.certificate { width: 297mm; height: 210mm; box-sizing: border-box; padding: 12mm;
  background: linear-gradient(135deg, #f7f7ff 0%, #ffffff 55%, #fff6e6 100%); }
.frame { height: 100%; box-sizing: border-box; border: 3px solid #3b3fb6; outline: 1px solid #f5a524;
  outline-offset: -8px; text-align: center; padding: 14mm 20mm; }
.brand { font-family: "DejaVu Sans", Arial, sans-serif; letter-spacing: .3em; text-transform: uppercase;
  color: #3b3fb6; font-weight: bold; margin: 0 0 6mm; }
h1 { font-size: 30pt; margin: 0 0 8mm; letter-spacing: .04em; }
.lead { font-size: 13pt; margin: 2mm 0; color: #444; }
.name { font-size: 28pt; font-style: italic; margin: 4mm 0; border-bottom: 1px solid #f5a524;
  display: inline-block; padding: 0 12mm 2mm; }
.course { font-size: 18pt; font-weight: bold; margin: 3mm 0 2mm; }
.grade { font-size: 11pt; color: #555; }
.footer { display: flex; justify-content: space-around; margin-top: 14mm; font-size: 11pt; }
.sign { width: 70mm; } .sign .line { display: block; border-top: 1px solid #1f2150; margin-bottom: 2mm; }
.verify { margin-top: 7mm; display: flex; justify-content: center; align-items: center; font-size: 8pt;
  color: #777; font-family: "DejaVu Sans", Arial, sans-serif; text-align: left; }
.verify .qr { width: 24mm; height: 24mm; margin-right: 4mm; } .verify p { margin: 0; }"""

FRENCH = {
    "python-for-absolute-beginners": (
        "Python pour grands débutants",
        "Écrivez vos premiers programmes en Python : variables, boucles, fonctions et fichiers.",
        ["Premiers pas", "Les bases du langage", "Mettre en pratique"],
    ),
    "sql-for-data-analysis": (
        "SQL pour l'analyse de données",
        "Répondez à de vraies questions métier avec SQL : filtres, jointures, agrégations et fenêtres.",
        ["Premiers pas", "Les requêtes essentielles", "Mettre en pratique"],
    ),
    "cybersecurity-fundamentals": (
        "Les fondamentaux de la cybersécurité",
        "Protégez-vous et votre organisation : menaces, mots de passe, réseaux et hameçonnage.",
        ["Premiers pas", "Les notions clés", "Mettre en pratique"],
    ),
}

PALETTES = [((59, 63, 182), (122, 63, 168)), ((15, 118, 110), (34, 160, 107)), ((180, 70, 31), (224, 132, 43)),
            ((29, 78, 216), (14, 165, 233)), ((157, 23, 77), (219, 39, 119)), ((51, 65, 85), (100, 116, 139)),
            ((109, 40, 217), (168, 85, 247)), ((22, 101, 52), (101, 163, 13))]  # fmt: skip


# -- generated files ------------------------------------------------------------------------------
def _gradient_png(size: tuple[int, int], colors, text: str, subtitle: str = "") -> bytes:
    width, height = size
    start, end = colors
    # A diagonal gradient: interpolate a small image, then scale it up (fast).
    small = Image.new("RGB", (16, 9))
    for x in range(16):
        for y in range(9):
            t = (x / 15 + y / 8) / 2
            small.putpixel((x, y), tuple(int(a + (b - a) * t) for a, b in zip(start, end, strict=True)))
    img = small.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    # Soft decorative circles.
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    odraw = ImageDraw.Draw(overlay)
    odraw.ellipse((width * 0.62, -height * 0.3, width * 1.25, height * 0.75), fill=(255, 255, 255, 28))
    odraw.ellipse((-width * 0.2, height * 0.55, width * 0.35, height * 1.4), fill=(255, 255, 255, 20))
    img = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=int(height * 0.32))
    draw.text((width / 2, height * 0.45), text, font=font, fill=(255, 255, 255), anchor="mm")
    if subtitle:
        small_font = ImageFont.load_default(size=int(height * 0.07))
        draw.text((width / 2, height * 0.78), subtitle, font=small_font, fill=(255, 255, 255), anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _initials(title: str) -> str:
    words = [w for w in title.replace("-", " ").split() if w[:1].isalnum() and w.lower() not in ("for", "the", "with")]
    return "".join(w[0] for w in words[:2]).upper()


def _pdf(title: str, lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (Helvetica text), built by hand."""

    def esc(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 22 Tf", "72 760 Td", f"({esc(title)}) Tj", "/F1 12 Tf", "0 -36 Td"]
    for line in lines:
        ops += [f"({esc(line)}) Tj", "0 -18 Td"]
    ops.append("ET")
    stream = zlib.compress("\n".join(ops).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


# -- seeding --------------------------------------------------------------------------------------
def _categories(log) -> dict[str, Category]:
    found = {}
    for order, (slug, name, icon, parent) in enumerate(CATEGORIES):
        category, created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "parent": found.get(parent), "order": order}
        )
        found[slug] = category
        if created:
            log(f"  category {name}")
    return found


def _tags() -> dict[str, Tag]:
    return {name: Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in TAGS}


def _instructors(ctx: dict) -> dict[str, User]:
    users = dict(ctx.get("users", {}))
    for email, first, last in EXTRA_INSTRUCTORS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=first, last_name=last, role=User.Role.INSTRUCTOR)
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        users[email.split("@")[0]] = user
    return users


def _certificate_template(owner) -> CertificateTemplate:
    template, _ = CertificateTemplate.objects.get_or_create(
        name="CourseWorx classic",
        defaults={
            "owner": owner,
            "html": CERTIFICATE_HTML,
            "css": CERTIFICATE_CSS,
            "orientation": "landscape",
            "signature_name": "The CourseWorx team",
            "signature_title": "Academic board",
            "is_default": True,
        },
    )
    return template


def _description(title: str, short: str, outcomes: list[str], requirements: list[str], language: str) -> str:
    if language != "en":
        return f"{short}\n\n" + "\n".join(f"- {o}" for o in outcomes)
    return (
        f"{short}\n\n"
        f"**{title}** is a hands-on course: every section mixes short videos, readable notes and exercises, "
        "and ends with a quiz so you can check what you learned.\n\n"
        "### What we cover\n\n" + "\n".join(f"- {o}" for o in outcomes) + "\n\n"
        "### Who this course is for\n\n"
        f"Anyone who wants to {outcomes[0][0].lower() + outcomes[0][1:]}. "
        + ("No prior experience is needed." if requirements in (["None"], []) else f"You need: {requirements[0]}.")
        + "\n\n### How the course works\n\n"
        "Watch the lessons at your own pace, download the notes, and finish the final quiz to earn your "
        "certificate of completion."
    )


# A few courses are priced in other currencies (multi-currency demo: a euro price and a zero-decimal yen one).
DEMO_CURRENCY_PRICES = {"ux-design-essentials": ("EUR", "54.90"), "ui-design-with-figma": ("JPY", "9800")}
# Explicit prices in other currencies (visitors showing prices in one of them see and pay that price); KWD
# has 3 decimals.
DEMO_EXPLICIT_PRICES = {
    "modern-javascript-from-scratch": [("EUR", "45.00"), ("KWD", "15.250"), ("JPY", "7400")],
    "react-the-practical-guide": [("EUR", "87.00"), ("GBP", "74.00"), ("KWD", "28.950")],
    "ux-design-essentials": [("USD", "59.00")],
}


def _build_course(row, *, users, categories, tags, certificate, reviewer, rng) -> Course:
    (slug, title, category, tag_names, level, language, price, who, status, featured, short, outcomes, requirements,
     prerequisites) = row  # fmt: skip
    instructor = users[who]
    palette = PALETTES[int(hashlib.md5(slug.encode(), usedforsecurity=False).hexdigest(), 16) % len(PALETTES)]
    thumbnail = ContentFile(_gradient_png((640, 360), palette, _initials(title)), name=f"{slug}.png")
    prereqs = list(Course.objects.filter(slug__in=prerequisites))
    course = services.course_create(
        instructor=instructor,
        slug=slug,
        title=title,
        short_description=short,
        description=_description(title, short, outcomes, requirements, language),
        price=Decimal(DEMO_CURRENCY_PRICES.get(slug, ("USD", price))[1]),
        currency=DEMO_CURRENCY_PRICES.get(slug, ("USD", price))[0],
        level=level,
        language=language,
        category=categories[category],
        categories=[categories[c] for c in (category, SECOND_CATEGORIES.get(slug)) if c],
        tags=[tags[t] for t in tag_names],
        prerequisites=prereqs,
        requirements="\n".join(requirements),
        learning_outcomes="\n".join(outcomes),
        thumbnail=thumbnail,
        certificate_template=certificate,
    )
    _build_syllabus(course, instructor, outcomes, rng)
    if slug in DEMO_EXPLICIT_PRICES:
        services.course_prices_set(
            course=course,
            user=instructor,
            prices=[{"currency": code, "amount": Decimal(amount)} for code, amount in DEMO_EXPLICIT_PRICES[slug]],
        )
    if status in (P, A, R, C):
        services.course_submit(course=course, user=instructor, note="Ready for review.")
    if status in (P, A):
        services.course_approve(course=course, reviewer=reviewer, note="Clear structure and good materials.")
    if status == C:
        services.course_request_changes(
            course=course, reviewer=reviewer, note="Please add captions to the videos and a longer final quiz."
        )
    if status == A:
        services.course_archive(course=course, user=instructor)
    # The counters (rating, enrolments, completions) are left at 0: real reviews and enrolments, seeded by
    # the learning and community demos through their services, maintain them.
    days_ago = rng.randint(3, 400)
    Course.objects.filter(pk=course.pk).update(
        is_featured=featured,
        **({"published_at": timezone.now() - timedelta(days=days_ago)} if status in (P, A) else {}),
    )
    return course


def _build_syllabus(course: Course, user, outcomes: list[str], rng) -> None:
    K = CourseContent.Kind
    questions = QUIZZES[course.slug]  # each course's own quiz, about its own subject
    n_sections = (2, 3, 3, 4, 4)[sum(map(ord, course.slug)) % 5]
    topics = outcomes + outcomes  # enough lesson names

    intro = services.section_create(course=course, user=user, title="Getting started",
                                    description="Meet the course and set up what you need.")  # fmt: skip
    services.content_create(
        section=intro, user=user, title="Welcome to the course", kind=K.VIDEO, is_preview=True,
        video_url=f"https://www.youtube.com/watch?v={rng.choice(VIDEO_IDS)}", duration_seconds=rng.randint(120, 300),
    )  # fmt: skip
    services.content_create(
        section=intro, user=user, title="How this course works", kind=K.ARTICLE, is_preview=True,
        duration_seconds=240,
        article_body=(
            f"# How this course works\n\nWelcome to **{course.title}**! Each section has:\n\n"
            "1. short **videos** that show the ideas in action,\n2. **notes** you can download and keep,\n"
            "3. a **quiz** to check your understanding.\n\n> Tip: practise along with the videos — "
            "you learn much faster by doing.\n\n## What you will be able to do\n\n"
            + "\n".join(f"- {o}" for o in outcomes)
        ),
    )  # fmt: skip

    middle = ["Core concepts", "Going further", "Real-world practice"]
    for i in range(n_sections - 2):
        section = services.section_create(course=course, user=user, title=middle[i % len(middle)])
        for j in range(2 + (i % 2)):
            services.content_create(
                section=section, user=user, title=topics[i * 2 + j], kind=K.VIDEO,
                video_url=f"https://www.youtube.com/watch?v={rng.choice(VIDEO_IDS)}",
                duration_seconds=rng.randint(600, 2700),
            )  # fmt: skip
        services.content_create(
            section=section, user=user, title="Cheat sheet (PDF)", kind=K.DOCUMENT, duration_seconds=300,
            file=ContentFile(_pdf(f"{course.title}: cheat sheet", outcomes), name="cheat-sheet.pdf"),
        )  # fmt: skip
        if i == 0:
            services.content_create(
                section=section, user=user, title="Overview diagram", kind=K.IMAGE, duration_seconds=120,
                alt_text=f"A diagram summarising the main ideas of {course.title}.",
                file=ContentFile(
                    _gradient_png((800, 450), PALETTES[3], _initials(course.title), "Overview"), name="overview.png"
                ),
            )  # fmt: skip

    final = services.section_create(course=course, user=user, title="Wrap-up and assessment")
    services.content_create(
        section=final, user=user, title="Summary and next steps", kind=K.ARTICLE, duration_seconds=300,
        article_body=f"## Well done!\n\nYou have covered the essentials of *{course.title}*.\n\n"
        "Keep practising a little every day, and revisit the cheat sheet when you need it.",
    )  # fmt: skip
    if n_sections == 2:  # short courses still get a document and an image
        services.content_create(
            section=final, user=user, title="Course notes (PDF)", kind=K.DOCUMENT, duration_seconds=300,
            file=ContentFile(_pdf(f"{course.title}: notes", outcomes), name="course-notes.pdf"),
        )  # fmt: skip
        services.content_create(
            section=final, user=user, title="Key ideas at a glance", kind=K.IMAGE, duration_seconds=120,
            alt_text=f"An illustration of the key ideas of {course.title}.",
            file=ContentFile(_gradient_png((800, 450), PALETTES[6], _initials(course.title), "Key ideas"),
                             name="key-ideas.png"),
        )  # fmt: skip
    quiz = services.content_create(
        section=final, user=user, title="Final quiz", kind=K.QUIZ, points=10, pass_mark=70, max_attempts=3,
        time_limit_minutes=15,  # its length everywhere (CourseContent.length_seconds)
    )  # fmt: skip
    for qtype, text, options, answers, explanation in questions:
        services.question_create(
            content=quiz, user=user, question=text, question_type=qtype, options=list(options),
            correct_answers=list(answers), explanation=explanation, points=2 if qtype == "text" else 1,
        )  # fmt: skip
    services.content_create(section=final, user=user, title="Your certificate", kind=K.CERTIFICATE, is_required=False)


# The one course translated in full (every field the translation pages offer), lesson titles by original.
FULL_FRENCH_SLUG = "python-for-absolute-beginners"
FRENCH_DESCRIPTION = (
    "Écrivez vos premiers programmes en Python : variables, boucles, fonctions et fichiers, un petit projet à la "
    "fois.\n\n**Python pour grands débutants** est un cours pratique : chaque section mêle courtes vidéos, notes "
    "lisibles et exercices, et se termine par un quiz pour vérifier ce que vous avez appris.\n\n"
    "### Au programme\n\n- Écrire et lancer des scripts Python sur votre ordinateur\n"
    "- Utiliser variables, listes, dictionnaires et boucles\n- Découper un problème en fonctions testables\n"
    "- Lire et écrire des fichiers texte et CSV\n- Construire une petite application de tâches en ligne de commande"
)
FRENCH_LESSONS = {
    "Welcome to the course": "Bienvenue dans le cours",
    "How this course works": "Comment fonctionne ce cours",
    "Write and run Python scripts on your own computer": "Écrire et lancer des scripts Python sur votre ordinateur",
    "Use variables, lists, dictionaries and loops": "Utiliser variables, listes, dictionnaires et boucles",
    "Break problems into functions you can test": "Découper un problème en fonctions testables",
    "Read and write text and CSV files": "Lire et écrire des fichiers texte et CSV",
    "Build a small command-line to-do app": "Construire une petite application de tâches",
    "Cheat sheet (PDF)": "Aide-mémoire (PDF)",
    "Overview diagram": "Schéma d'ensemble",
    "Summary and next steps": "Résumé et prochaines étapes",
    "Course notes (PDF)": "Notes de cours (PDF)",
    "Key ideas at a glance": "Les idées clés en un coup d'œil",
    "Final quiz": "Quiz final",
    "Your certificate": "Votre certificat",
}
FRENCH_ARTICLES = {
    "How this course works": (
        "# Comment fonctionne ce cours\n\nBienvenue dans **Python pour grands débutants** ! Chaque section "
        "comporte :\n\n1. de courtes **vidéos** qui montrent les idées en action,\n2. des **notes** à "
        "télécharger et à garder,\n3. un **quiz** pour vérifier votre compréhension.\n\n> Astuce : pratiquez en "
        "même temps que les vidéos — on apprend bien plus vite en faisant."
    ),
    "Summary and next steps": (
        "## Bravo !\n\nVous avez couvert l'essentiel de *Python pour grands débutants*.\n\n"
        "Pratiquez un peu chaque jour et relisez l'aide-mémoire quand vous en avez besoin."
    ),
}


def _translations(course: Course) -> None:
    title, short, section_titles = FRENCH[course.slug]
    CourseLanguage.objects.get_or_create(course=course, language="fr")
    T = Translation.Target
    rows = [(T.COURSE, course.pk, "title", title), (T.COURSE, course.pk, "short_description", short)]
    for section, text in zip(course.sections.order_by("order"), section_titles, strict=False):
        rows.append((T.SECTION, section.pk, "title", text))
    if course.slug == FULL_FRENCH_SLUG:
        rows.append((T.COURSE, course.pk, "description", FRENCH_DESCRIPTION))
        for section in course.sections.all():
            if section.description:
                rows.append((T.SECTION, section.pk, "description", "Découvrez le cours et installez le nécessaire."))
        for lesson in course.contents.all():
            if lesson.title in FRENCH_LESSONS:
                rows.append((T.CONTENT, lesson.pk, "title", FRENCH_LESSONS[lesson.title]))
            if lesson.title in FRENCH_ARTICLES and lesson.kind == CourseContent.Kind.ARTICLE:
                rows.append((T.CONTENT, lesson.pk, "article_body", FRENCH_ARTICLES[lesson.title]))
    for target, target_id, field, text in rows:
        Translation.objects.get_or_create(
            language="fr", target=target, target_id=target_id, field=field, defaults={"course": course, "text": text}
        )


def seed(ctx: dict, log) -> None:
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
    users = _instructors(ctx)
    reviewer = users["reviewer"]
    categories = _categories(log)
    tags = _tags()
    certificate = _certificate_template(users.get("admin"))
    created = 0
    for row in COURSES:
        slug = row[0]
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            course = _build_course(
                row, users=users, categories=categories, tags=tags, certificate=certificate, reviewer=reviewer, rng=rng
            )
            created += 1
        if slug in FRENCH:
            _translations(course)
    ctx["courses"] = {c.slug: c for c in Course.objects.filter(slug__in=[r[0] for r in COURSES])}
    ctx["certificate_template"] = certificate
    log(f"  {created} courses created ({len(COURSES)} in the demo catalog)")
