"""The demo's people: the fund and provincial officers, the applicants, the panel chair,
the ~40 reviewers and the admin, each signing in with the demo password (and the staff with
the published authenticator secret)."""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from grants.accounts.permissions import MFA_ROLES
from grants.accounts.registration import role_grant, user_register_verified, user_totp_set
from grants.models import Discipline, Institution, Province, Role, User
from grants.site.demo.common import institution
from reviews.models import ReviewerProfile

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "海燕",
    "志强",
    "文博",
    "雨桐",
    "子涵",
    "思远",
    "嘉怡",
]
KEYWORDS = {
    "A": ["partial differential equations", "topology", "quantum field theory", "fluid dynamics"],
    "B": ["catalysis", "organic synthesis", "electrochemistry", "polymer materials"],
    "C": ["genomics", "immunology", "neural circuits", "crop genetics"],
    "D": ["climate modelling", "hydrology", "remote sensing", "seismology"],
    "E": ["composite materials", "power systems", "structural engineering", "battery materials"],
    "F": ["machine learning", "computer vision", "integrated circuits", "wireless communication"],
    "G": ["supply chain", "public policy", "innovation management", "regional economics"],
    "H": ["oncology", "cardiology", "epidemiology", "medical imaging"],
    "T": ["data science", "complex systems", "synthetic biology", "carbon neutrality"],
}

OFFICERS = [
    ("officer@example.org", "陈基金", "复旦大学", Role.FUND_OFFICER, None),
    ("shanghai@example.org", "沈沪", "上海交通大学", Role.PROVINCIAL_OFFICER, "310000"),
    ("jiangsu@example.org", "江苏明", "南京大学", Role.PROVINCIAL_OFFICER, "320000"),
    ("zhejiang@example.org", "赵浙", "浙江大学", Role.PROVINCIAL_OFFICER, "330000"),
    ("anhui@example.org", "安徽华", "中国科学技术大学", Role.PROVINCIAL_OFFICER, "340000"),
]
APPLICANTS = [
    (
        "lead@example.org",
        "李领衔",
        "复旦大学",
        ["F06", "F0601"],
        "machine learning, computer vision",
    ),
    ("partner@example.org", "潘合作", "浙江大学", ["F06"], "machine learning, robotics"),
    ("applicant2@example.org", "王申请", "南京大学", ["E03"], "composite materials, batteries"),
]


def password_hash():
    """The demo password, hashed once: hashing it again for each of ~70 people costs seconds."""
    global _password_hash
    if _password_hash is None:
        _password_hash = make_password(settings.DEMO_PASSWORD)
    return _password_hash


_password_hash = None


def seed_people():
    for email, name, where, role, province_code in OFFICERS:
        user = user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=institution(where),
            title=User.Title.RESEARCHER,
        )
        province = Province.objects.get(code=province_code) if province_code else None
        role_grant(user=user, role=role, province=province)
    for email, name, where, codes, keywords in APPLICANTS:
        user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=institution(where),
            title=User.Title.PROFESSOR,
            keywords=keywords,
            disciplines=Discipline.objects.filter(code__in=codes),
        )
    chair = user_register_verified(
        email="chair@example.org",
        password_hash=password_hash(),
        name="周主席",
        institution=institution("清华大学"),
        title=User.Title.PROFESSOR,
        keywords="machine learning, information theory",
        disciplines=Discipline.objects.filter(code__in=["F06", "F01"]),
    )
    role_grant(user=chair, role=Role.PANEL_CHAIR)
    role_grant(user=chair, role=Role.REVIEWER)
    ReviewerProfile.objects.get_or_create(user=chair)
    seed_reviewers()
    admin = user_register_verified(
        email="admin@example.org",
        password_hash=password_hash(),
        name="系统管理员",
        institution=institution("复旦大学"),
        title=User.Title.OTHER,
    )
    if not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    seed_authenticators()


def seed_authenticators():
    """Staff roles and the admin must sign in with a second factor: every such demo account
    gets an authenticator app on the published DEMO_TOTP_SECRET, so testers and scripts can
    compute the codes."""
    must_have_one = Q(role_grants__role__in=MFA_ROLES) | Q(is_staff=True) | Q(is_superuser=True)
    for user in User.objects.filter(must_have_one).distinct():
        user_totp_set(user=user, secret=settings.DEMO_TOTP_SECRET)


def seed_reviewers(count=40):
    """~40 experts inside and outside the delta; reviewer@example.org is at Wuhan University."""
    rng = random.Random(2026)
    institutions = list(Institution.objects.order_by("name_zh"))
    second_level = list(Discipline.objects.filter(code__regex=r"^[A-Z]\d\d$").order_by("code"))
    people = [
        (
            "reviewer@example.org",
            "武评审",
            institution("武汉大学"),
            ["F06", "F0601", "F02"],
            "machine learning, computer vision, graph neural networks",
        )
    ]
    for number in range(1, count):
        code = rng.choice(second_level)
        keywords = ", ".join(rng.sample(KEYWORDS[code.code[0]], 2))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        people.append(
            (
                f"expert{number:02d}@example.org",
                name,
                rng.choice(institutions),
                [code.code],
                keywords,
            )
        )
    for email, name, where, codes, keywords in people:
        user = user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=where,
            title=User.Title.PROFESSOR,
            keywords=keywords,
            disciplines=Discipline.objects.filter(code__in=codes),
        )
        role_grant(user=user, role=Role.REVIEWER)
        ReviewerProfile.objects.get_or_create(user=user)


def demo_logins():
    rows = [
        (email, "fund officer" if role == Role.FUND_OFFICER else f"provincial officer ({code})")
        for email, _, _, role, code in OFFICERS
    ]
    rows += [
        ("lead@example.org", "lead PI, Fudan University"),
        ("partner@example.org", "partner PI, Zhejiang University"),
        ("applicant2@example.org", "applicant, Nanjing University"),
        ("reviewer@example.org", "reviewer, Wuhan University"),
        ("chair@example.org", "panel chair"),
        ("admin@example.org", "superuser (Django admin at /admin/)"),
    ]
    return rows
