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

from . import services
from .models import (
    Category,
    CertificateTemplate,
    Course,
    CourseContent,
    CourseLanguage,
    Tag,
    Translation,
)

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

# Each course's final quiz, about that course's subject: slug -> (type, question, options, correct answers,
# explanation).  Multiple-choice questions have at least two correct answers (learning's demo fails a quiz by
# ticking only the first); true/false options are filled in by the model.  Courses taught in Spanish or French
# get their quiz in that language (their "true or false" is a single choice in that language).
# fmt: off
S, M, T, X = "single_choice", "multiple_choice", "true_false", "text"
QUIZZES = {
    "python-for-absolute-beginners": [
        (S, "What does len([3, 5, 7]) return?", ["3", "7", "15", "[3, 5, 7]"], ["3"],
         "len() counts the items of a list."),
        (M, "Which of these are built-in Python data types?", ["list", "dict", "tuple", "spreadsheet"],
         ["list", "dict", "tuple"], "Lists, dictionaries and tuples are built into the language."),
        (T, "Python uses indentation to mark where a block of code starts and ends.", [], ["True"],
         "The body of an if, for or def is the indented lines under it."),
        (X, "Which keyword defines a function in Python?", [], ["def"], "def name(arguments): starts a function."),
    ],
    "django-web-development-bootcamp": [
        (S, "Which command creates migration files from your model changes?",
         ["python manage.py makemigrations", "python manage.py migrate", "python manage.py runserver",
          "python manage.py collectstatic"], ["python manage.py makemigrations"],
         "makemigrations writes the migration; migrate applies it to the database."),
        (M, "Which of these are configured in a Django project's settings.py?",
         ["INSTALLED_APPS", "DATABASES", "MIDDLEWARE", "urlpatterns"], ["INSTALLED_APPS", "DATABASES", "MIDDLEWARE"],
         "urlpatterns lives in urls.py."),
        (T, "Django templates escape HTML in variables by default.", [], ["True"],
         "Auto-escaping protects pages against cross-site scripting."),
        (X, "Which template tag protects a POST form against cross-site request forgery?", [],
         ["csrf_token", "{% csrf_token %}"], "Put {% csrf_token %} inside every POST form."),
    ],
    "rest-apis-with-django-rest-framework": [
        (S, "Which HTTP status code means that a resource was created?", ["201", "200", "204", "404"], ["201"],
         "201 Created, usually with the new resource in the body."),
        (M, "Which HTTP methods are idempotent?", ["GET", "PUT", "DELETE", "POST"], ["GET", "PUT", "DELETE"],
         "Repeating them leaves the server in the same state; repeating a POST may create twice."),
        (T, "In Django REST Framework, a serializer can both validate input and format output.", [], ["True"],
         "Keep one input and one output serializer per endpoint for clarity."),
        (X, "What does the R in REST stand for?", [], ["Representational"],
         "REpresentational State Transfer."),
    ],
    "modern-javascript-from-scratch": [
        (S, "Which keyword declares a variable that cannot be reassigned?", ["const", "let", "var", "static"],
         ["const"], "const bindings cannot be reassigned (objects they point to can still change)."),
        (M, "Which of these give you a Promise?", ["Calling fetch()", "Calling an async function", "Array.map()",
                                                   "JSON.parse()"],
         ["Calling fetch()", "Calling an async function"], "map() and JSON.parse() return their result at once."),
        (T, "=== compares two values without converting their types.", [], ["True"],
         "Prefer === to ==, which converts types first."),
        (X, "Which DOM method attaches an event handler to an element?", [],
         ["addEventListener", "addEventListener()"], "element.addEventListener('click', handler)."),
    ],
    "react-the-practical-guide": [
        (S, "Which hook keeps state in a function component?", ["useState", "useEffect", "useMemo", "useId"],
         ["useState"], "useState returns the value and a function to change it."),
        (M, "Which of these make a component render again?", ["Its state changes", "Its props change",
                                                              "Its parent renders again",
                                                              "A plain variable outside React changes"],
         ["Its state changes", "Its props change", "Its parent renders again"],
         "React does not watch ordinary variables."),
        (T, "Items of a list rendered with map() should each have a stable key prop.", [], ["True"],
         "Keys let React match items between renders."),
        (X, "What is the HTML-like syntax used to write React components called?", [], ["JSX"],
         "JSX compiles to plain JavaScript function calls."),
    ],
    "flutter-mobile-apps-for-beginners": [
        (S, "Which language are Flutter apps written in?", ["Dart", "Kotlin", "Swift", "Java"], ["Dart"],
         "Flutter compiles Dart to native code for iOS and Android."),
        (M, "Which of these are Flutter layout widgets?", ["Row", "Column", "Stack", "Intent"],
         ["Row", "Column", "Stack"], "Intent is an Android concept, not a layout widget."),
        (T, "A StatelessWidget changes its own state with setState().", [], ["False"],
         "Only the State object of a StatefulWidget calls setState()."),
        (X, "Which command creates a new Flutter project?", [], ["flutter create", "create"],
         "flutter create my_app."),
    ],
    "sql-for-data-analysis": [
        (S, "Which clause filters groups after aggregation?", ["HAVING", "WHERE", "ORDER BY", "LIMIT"], ["HAVING"],
         "WHERE filters rows before grouping; HAVING filters the groups."),
        (M, "Which of these are aggregate functions?", ["COUNT", "SUM", "AVG", "UPPER"], ["COUNT", "SUM", "AVG"],
         "UPPER works on one value at a time."),
        (T, "An INNER JOIN keeps the rows that have no match in the other table.", [], ["False"],
         "That is what a LEFT (or RIGHT, FULL) OUTER JOIN does."),
        (X, "Which SQL keyword removes duplicate rows from a result?", [], ["DISTINCT"], "SELECT DISTINCT city ..."),
    ],
    "excel-for-business-analysts": [
        (S, "Which feature summarises thousands of rows by category in a few clicks?",
         ["PivotTable", "Conditional formatting", "Freeze panes", "Spell check"], ["PivotTable"],
         "Drag fields into rows, columns and values."),
        (M, "Which of these look up a value in a table?", ["XLOOKUP", "VLOOKUP", "INDEX with MATCH", "CONCAT"],
         ["XLOOKUP", "VLOOKUP", "INDEX with MATCH"], "CONCAT joins text."),
        (T, "In a formula, $A$1 keeps pointing to cell A1 when the formula is copied.", [], ["True"],
         "The dollar signs make the reference absolute."),
        (X, "Which function adds up the values that meet several conditions?", [], ["SUMIFS"],
         "SUMIFS(sum_range, criteria_range1, criteria1, ...)."),
    ],
    "statistics-for-data-science": [
        (S, "Which measure of centre is least affected by outliers?", ["Median", "Mean", "Range"], ["Median"],
         "The median depends only on the middle value(s)."),
        (M, "Which of these describe how spread out data is?",
         ["Standard deviation", "Variance", "Interquartile range", "Mode"],
         ["Standard deviation", "Variance", "Interquartile range"], "The mode is a measure of centre."),
        (T, "Correlation proves causation.", [], ["False"], "Correlated variables may share a cause."),
        (X, "In an A/B test, what is the hypothesis of \u201cno difference\u201d called?", [],
         ["null hypothesis", "the null hypothesis", "null", "H0"], "The test asks whether the data contradict it."),
    ],
    "machine-learning-a-to-z": [
        (S, "Why do you keep a test set apart from the training data?",
         ["To estimate performance on unseen data", "To train faster", "To get more features"],
         ["To estimate performance on unseen data"], "A model scored on its own training data looks too good."),
        (M, "Which of these help you avoid overfitting?",
         ["Cross-validation", "Regularisation", "Training on the test set", "Adding random features"],
         ["Cross-validation", "Regularisation"], ""),
        (T, "Logistic regression is used for classification.", [], ["True"],
         "Despite its name, it predicts the probability of a class."),
        (X, "Which scikit-learn method trains a model on data?", [], ["fit", "fit()", "model.fit"],
         "model.fit(X_train, y_train)."),
    ],
    "deep-learning-with-pytorch": [
        (S, "Which call computes the gradients of the loss in PyTorch?",
         ["loss.backward()", "optimizer.zero_grad()", "model.eval()", "torch.no_grad()"], ["loss.backward()"],
         "backward() fills each parameter's .grad."),
        (M, "Which layers are typical of a convolutional network for images?",
         ["Conv2d", "MaxPool2d", "ReLU", "Embedding"], ["Conv2d", "MaxPool2d", "ReLU"],
         "Embedding layers turn tokens into vectors, for text."),
        (T, "In each training step, gradients are reset with optimizer.zero_grad() before backward().", [],
         ["True"], "Otherwise PyTorch adds the new gradients to the old ones."),
        (X, "What is PyTorch's multi-dimensional array type called?", [], ["Tensor", "torch.Tensor"],
         "Tensors can live on the CPU or a GPU."),
    ],
    "project-management-fundamentals": [
        (S, "What does a project charter mainly establish?",
         ["The project's purpose and authority", "Each task's duration", "The office layout"],
         ["The project's purpose and authority"], "It names the sponsor and the project manager's authority."),
        (M, "What does a risk register record for each risk?",
         ["Its likelihood", "Its impact", "Who owns it", "The team's lunch order"],
         ["Its likelihood", "Its impact", "Who owns it"], ""),
        (T, "Stakeholders should only hear about a project when it is finished.", [], ["False"],
         "Regular, honest reporting avoids surprises."),
        (X, "What does the M stand for in a SMART goal?", [], ["Measurable"],
         "Specific, Measurable, Achievable, Relevant, Time-bound."),
    ],
    "agile-and-scrum-in-practice": [
        (S, "Who orders the product backlog in Scrum?",
         ["The Product Owner", "The Scrum Master", "The developers", "The CEO"], ["The Product Owner"],
         "The Product Owner is accountable for the backlog's order."),
        (M, "Which are Scrum events?", ["Sprint review", "Retrospective", "Daily scrum", "Gantt review"],
         ["Sprint review", "Retrospective", "Daily scrum"], ""),
        (T, "A sprint's length changes from sprint to sprint to fit the work.", [], ["False"],
         "Sprints keep a fixed length, so the team learns its pace."),
        (X, "What is a short description of a feature from the user's point of view called?", [],
         ["user story", "a user story", "story"], "As a <role>, I want <goal>, so that <benefit>."),
    ],
    "start-your-online-business": [
        (S, "What is the cheapest way to validate a business idea?",
         ["Talk to potential customers", "Rent an office", "Hire a developer", "Print business cards"],
         ["Talk to potential customers"], "Learn whether people have the problem before building anything."),
        (M, "Which of these help you find your first customers?",
         ["Your personal network", "Online communities where they gather", "A landing page with a sign-up form",
          "Waiting for them to find you"],
         ["Your personal network", "Online communities where they gather", "A landing page with a sign-up form"],
         ""),
        (T, "Pricing below your costs is a sustainable way to grow.", [], ["False"],
         "Every sale would lose money."),
        (X, "What is the simplest version of a product you can launch to learn from customers called? "
            "(three letters)", [], ["MVP", "minimum viable product"], "A minimum viable product."),
    ],
    "ux-design-essentials": [
        (S, "What should you test a design with first?", ["Real users", "Your manager", "Nobody"], ["Real users"],
         ""),
        (M, "Which methods help you understand your users?",
         ["User interviews", "Usability tests", "Surveys", "Guessing"],
         ["User interviews", "Usability tests", "Surveys"], ""),
        (T, "A user journey map shows the steps a person takes to reach a goal.", [], ["True"],
         "It also shows what they think and feel at each step."),
        (X, "What is a low-fidelity sketch of a screen's layout called?", [], ["wireframe", "a wireframe"],
         "Wireframes come before visual design."),
    ],
    "ui-design-with-figma": [
        (S, "Which Figma feature makes a frame grow and shrink with its content?",
         ["Auto layout", "Prototype", "Comments", "Version history"], ["Auto layout"], ""),
        (M, "Which make a layout easier to read?",
         ["Consistent spacing", "Clear hierarchy", "Ten different fonts", "Low-contrast text"],
         ["Consistent spacing", "Clear hierarchy"], ""),
        (T, "Good contrast between text and background improves accessibility.", [], ["True"], ""),
        (X, "In Figma, what is a reusable element whose copies update when the main one changes called?", [],
         ["component", "a component", "main component"], "Copies of a component are instances."),
    ],
    "digital-marketing-masterclass": [
        (S, "What does a conversion rate measure?",
         ["The share of visitors who take the action you want", "The number of ads shown", "The price per click"],
         ["The share of visitors who take the action you want"], ""),
        (M, "Which are stages of a classic marketing funnel?",
         ["Awareness", "Consideration", "Conversion", "Compilation"], ["Awareness", "Consideration", "Conversion"],
         ""),
        (T, "In many countries, marketing e-mails need the recipients' consent.", [], ["True"],
         "E.g. under the GDPR in the European Union."),
        (X, "What does SEO stand for?", [], ["search engine optimisation", "search engine optimization"], ""),
    ],
    "seo-for-developers": [
        (S, "Which file tells crawlers which paths of a site they may visit?",
         ["robots.txt", "sitemap.xml", "favicon.ico", "manifest.json"], ["robots.txt"],
         "The sitemap lists pages; robots.txt sets the rules."),
        (M, "Which of these are Core Web Vitals?",
         ["Largest Contentful Paint", "Cumulative Layout Shift", "Interaction to Next Paint", "Time to First Tweet"],
         ["Largest Contentful Paint", "Cumulative Layout Shift", "Interaction to Next Paint"], ""),
        (T, "Every page should have a unique, descriptive <title>.", [], ["True"],
         "It is the headline of the search result."),
        (X, "Which rel value asks search engines not to follow a link?", [], ["nofollow", "rel=nofollow"], ""),
    ],
    "cybersecurity-fundamentals": [
        (S, "What protects an account best when its password is stolen?",
         ["Multi-factor authentication", "A longer screen-saver delay", "A new wallpaper"],
         ["Multi-factor authentication"], "The thief also needs your second factor."),
        (M, "Which are signs of a phishing e-mail?",
         ["Urgent pressure to act", "A sender address that does not match the company",
          "A link to an unexpected domain", "Your colleague's usual signature"],
         ["Urgent pressure to act", "A sender address that does not match the company",
          "A link to an unexpected domain"], ""),
        (T, "Reusing one strong password on every site is safe.", [], ["False"],
         "One leak opens every account: use a password manager."),
        (X, "What is malware that encrypts your files and demands payment called?", [], ["ransomware"],
         "Offline backups are the best defence."),
    ],
    "ethical-hacking-hands-on": [
        (S, "What must you have before testing someone else's system?",
         ["Written permission", "A fast computer", "A VPN"], ["Written permission"],
         "Without it, testing is an attack."),
        (M, "Which are OWASP Top 10 categories?",
         ["Injection", "Broken access control", "Security misconfiguration", "Slow page loads"],
         ["Injection", "Broken access control", "Security misconfiguration"], ""),
        (T, "Reconnaissance is the phase where you gather information about the target.", [], ["True"], ""),
        (X, "Which free tool scans a network for hosts and open ports?", [], ["nmap"], "nmap -sV 10.0.0.0/24"),
    ],
    "aws-cloud-practitioner": [
        (S, "Which AWS service stores files as objects in buckets?",
         ["Amazon S3", "Amazon EC2", "AWS Lambda", "Amazon RDS"], ["Amazon S3"], ""),
        (M, "Under the shared responsibility model, what is the customer responsible for?",
         ["Their data", "Who may access their resources", "Their security group rules",
          "The physical security of data centres"],
         ["Their data", "Who may access their resources", "Their security group rules"],
         "AWS secures the data centres and the hardware."),
        (T, "With on-demand pricing you pay only for the compute time you use.", [], ["True"], ""),
        (X, "Which AWS service manages users and their permissions? (abbreviation)", [], ["IAM"],
         "Identity and Access Management."),
    ],
    "spanish-for-beginners": [
        (S, "¿Cómo se dice «thank you» en español?", ["Gracias", "Por favor", "De nada", "Perdón"], ["Gracias"],
         "«De nada» es la respuesta a «gracias»."),
        (M, "¿Cuáles son saludos?", ["Hola", "Buenos días", "Buenas tardes", "La cuenta"],
         ["Hola", "Buenos días", "Buenas tardes"], "«La cuenta» se pide en el restaurante."),
        (S, "¿Verdadero o falso? «Ser» y «estar» se usan exactamente igual.", ["Verdadero", "Falso"], ["Falso"],
         "«Ser» describe lo permanente; «estar», estados y lugares."),
        (X, "Completa: «Me ___ Ana.»", [], ["llamo"], "Me llamo Ana = My name is Ana."),
    ],
    "public-speaking-with-confidence": [
        (S, "What should a talk be built around?",
         ["One clear message", "As many facts as possible", "The slide template"], ["One clear message"], ""),
        (M, "Which of these help you manage nerves before a talk?",
         ["Rehearsing out loud", "Slow breathing", "Arriving early to check the room", "Skipping practice"],
         ["Rehearsing out loud", "Slow breathing", "Arriving early to check the room"], ""),
        (T, "Reading your slides word for word keeps the audience engaged.", [], ["False"],
         "Slides support what you say; they are not your script."),
        (X, "What is the attention-grabbing opening of a talk often called? (one word)", [], ["hook", "a hook"],
         "A question, a story or a surprising fact."),
    ],
    "leadership-for-new-managers": [
        (S, "What is the main purpose of a one-to-one?",
         ["Supporting the team member and removing obstacles", "Checking attendance", "Announcing company news"],
         ["Supporting the team member and removing obstacles"], "It is their meeting more than yours."),
        (M, "What makes feedback land well?",
         ["Being specific about the behaviour", "Giving it soon after", "Explaining the impact",
          "Saving it all for the annual review"],
         ["Being specific about the behaviour", "Giving it soon after", "Explaining the impact"], ""),
        (T, "Delegating means handing over a task and never checking in again.", [], ["False"],
         "Agree on the outcome and on check-ins."),
        (X, "Which feedback model stands for Situation, Behaviour, Impact? (abbreviation)", [], ["SBI"], ""),
    ],
    "photography-masterclass": [
        (S, "Which setting controls how much light passes through the lens?",
         ["Aperture", "White balance", "File format", "Flash sync"], ["Aperture"], "A wider aperture lets more in."),
        (M, "Which three settings make up the exposure triangle?",
         ["Aperture", "Shutter speed", "ISO", "Focal length"], ["Aperture", "Shutter speed", "ISO"], ""),
        (T, "A faster shutter speed helps freeze motion.", [], ["True"], ""),
        (X, "Name the rule that divides a frame into a 3×3 grid for composition.", [],
         ["rule of thirds", "the rule of thirds"], ""),
    ],
    "kubernetes-in-production": [
        (S, "What is the smallest deployable unit in Kubernetes?", ["Pod", "Node", "Cluster", "Namespace"], ["Pod"],
         "A pod holds one or more containers."),
        (M, "Which objects do you use to run and scale a stateless web app?",
         ["Deployment", "Service", "HorizontalPodAutoscaler", "CronJob"],
         ["Deployment", "Service", "HorizontalPodAutoscaler"], "A CronJob runs tasks on a schedule."),
        (T, "A rolling update replaces pods gradually, so the app stays available.", [], ["True"], ""),
        (X, "Which command-line tool talks to a Kubernetes cluster?", [], ["kubectl"], ""),
    ],
    "data-visualisation-with-python": [
        (S, "Which chart shows best how a value changes over time?", ["Line chart", "Pie chart", "Word cloud"],
         ["Line chart"], ""),
        (M, "Which are Python plotting libraries?", ["matplotlib", "seaborn", "Plotly", "requests"],
         ["matplotlib", "seaborn", "Plotly"], "requests makes HTTP calls."),
        (T, "The value axis of a bar chart should usually start at zero.", [], ["True"],
         "Otherwise the bars exaggerate differences."),
        (X, "Which matplotlib function saves a figure to a file?", [], ["savefig", "plt.savefig", "savefig()"],
         "plt.savefig('chart.png', dpi=200)."),
    ],
    "typescript-deep-dive": [
        (S, "Which type should you prefer to any for values whose shape you do not know yet?",
         ["unknown", "never", "void", "object"], ["unknown"], "unknown forces you to narrow before use."),
        (M, "Which of these are built-in utility types?", ["Partial", "Pick", "Record", "Promise"],
         ["Partial", "Pick", "Record"], "Promise is a built-in type, not a utility type."),
        (T, "TypeScript's types are checked at compile time and removed from the JavaScript it emits.", [],
         ["True"], ""),
        (X, "Which operator narrows a value by its JavaScript type, as in ___ x === \"string\"?", [], ["typeof"],
         ""),
    ],
    "french-conversation-intermediate": [
        (S, "Quel temps utilise-t-on pour raconter une action terminée ?",
         ["Le passé composé", "Le futur simple", "Le présent", "Le conditionnel"], ["Le passé composé"], ""),
        (M, "Quelles expressions servent à donner son opinion ?",
         ["À mon avis", "Je pense que", "Selon moi", "À tout à l'heure"],
         ["À mon avis", "Je pense que", "Selon moi"], "« À tout à l'heure » sert à prendre congé."),
        (S, "Vrai ou faux ? « Je suis allé » se conjugue avec l'auxiliaire avoir.", ["Vrai", "Faux"], ["Faux"],
         "Aller se conjugue avec être."),
        (X, "Complétez : « Hier, nous ___ allés au cinéma. »", [], ["sommes"], ""),
    ],
    "jquery-essentials-2015": [
        (S, "Which function runs code once the DOM is ready?",
         ["$(document).ready()", "$.ajax()", "$.each()", "$.extend()"], ["$(document).ready()"], ""),
        (M, "Which are jQuery event methods?", [".on()", ".off()", ".click()", ".css()"],
         [".on()", ".off()", ".click()"], ".css() reads or sets styles."),
        (T, "$('#main') selects the element whose id is main.", [], ["True"], ""),
        (X, "Which jQuery function loads data from the server without reloading the page? ($.___)", [],
         ["ajax", "$.ajax", "$.ajax()"], ""),
    ],
}
# fmt: on

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
    <p class="verify">Verify at {{ verification_url }} · code {{ verification_code }}</p>
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
.verify { margin-top: 8mm; font-size: 8pt; color: #777; font-family: "DejaVu Sans", Arial, sans-serif; }"""

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
        price=Decimal(price),
        currency="USD",
        level=level,
        language=language,
        category=categories[category],
        tags=[tags[t] for t in tag_names],
        prerequisites=prereqs,
        requirements="\n".join(requirements),
        learning_outcomes="\n".join(outcomes),
        thumbnail=thumbnail,
        certificate_template=certificate,
    )
    _build_syllabus(course, instructor, outcomes, rng)
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


def _translations(course: Course) -> None:
    title, short, section_titles = FRENCH[course.slug]
    CourseLanguage.objects.get_or_create(course=course, language="fr")
    rows = [(Translation.Target.COURSE, course.pk, "title", title),
            (Translation.Target.COURSE, course.pk, "short_description", short)]  # fmt: skip
    for section, text in zip(course.sections.order_by("order"), section_titles, strict=False):
        rows.append((Translation.Target.SECTION, section.pk, "title", text))
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
