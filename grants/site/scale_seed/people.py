"""The reference data the seed draws from, and its people: the fund office, the provincial
offices, the panel chairs and the reviewers with their profiles."""

from collections import defaultdict
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from grants.accounts.permissions import MFA_ROLES
from grants.models import Discipline, Institution, Province, Role, RoleGrant, User
from grants.models.proposals import ReferenceCounter
from grants.site.demo.people import GIVEN, KEYWORDS, SURNAMES
from grants.site.scale_seed.common import PREFIX
from reviews.models import ReviewerProfile

PROVINCE_OFFICES = {
    "310000": "shanghai",
    "320000": "jiangsu",
    "330000": "zhejiang",
    "340000": "anhui",
}
DEPARTMENT_WEIGHTS = {"A": 6, "B": 8, "C": 9, "D": 6, "E": 16, "F": 22, "G": 5, "H": 12, "T": 6}


class PeopleStage:
    """Loads the reference data (provinces, institutions inside and outside the delta,
    discipline codes) and creates the staff and reviewers: ``officer``, ``provincial``,
    ``reviewers`` and ``by_department`` are what the later stages draw from."""

    def load_reference(self):
        if not Province.objects.exists():
            call_command("import_reference", verbosity=0, stdout=open("/dev/null", "w"))
        self.provinces = {p.code: p for p in Province.objects.all()}
        institutions = list(Institution.objects.select_related("province").order_by("pk"))
        self.funding_codes = sorted(c for c, p in self.provinces.items() if p.is_funding)
        self.delta = defaultdict(list)
        for institution in institutions:
            if institution.province.is_funding:
                self.delta[institution.province_id].append(institution)
        self.outside = [i for i in institutions if not i.province.is_funding]
        self.institutions = institutions
        self.disciplines = {d.code: d for d in Discipline.objects.all()}
        self.departments = sorted(code for code, d in self.disciplines.items() if not d.parent_id)
        self.codes = {
            dept: sorted(c for c in self.disciplines if c.startswith(dept) and len(c) > 1)
            for dept in self.departments
        }
        self.dept_weights = [DEPARTMENT_WEIGHTS.get(dept, 5) for dept in self.departments]
        for year, area, last in ReferenceCounter.objects.values_list("year", "area", "last"):
            self.counters[(year, area)] = last

    # ---- people -------------------------------------------------------------------------------

    def person(
        self, email, institution, *, title=User.Title.PROFESSOR, codes=(), keywords="", at=None
    ):
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        user = self.new(
            User,
            email=email,
            name=name,
            institution_id=institution.pk,
            title=title,
            keywords=keywords,
            password=self.password,
            date_joined=at or self.now - timedelta(days=500),
        )
        self.new(EmailAddress, user_id=user.pk, email=email, verified=True, primary=True)
        for code in codes:
            self.link(User.disciplines.through, user_id=user.pk, discipline_id=code)
        return user

    def grant(self, user, role, province=None):
        """The role, and for a staff role the authenticator app the portal then demands (on
        the demo's published secret, as seed_demo gives its staff)."""
        if role in MFA_ROLES and user.pk not in self.with_totp:
            self.with_totp.add(user.pk)
            self.new(
                Authenticator,
                user_id=user.pk,
                type=Authenticator.Type.TOTP,
                data={"secret": self.totp_secret},
                created_at=self.now - timedelta(days=450),
            )
        self.new(
            RoleGrant,
            user=user,
            role=role,
            province_id=province,
            granted_at=self.now - timedelta(days=450),
        )

    def seed_staff(self):
        anchor = {code: places[0] for code, places in self.delta.items()}
        self.officer = self.person(
            f"{PREFIX}officer@example.org", anchor["310000"], title=User.Title.RESEARCHER
        )
        self.grant(self.officer, Role.FUND_OFFICER)
        self.provincial = {}
        for code, word in PROVINCE_OFFICES.items():
            user = self.person(
                f"{PREFIX}{word}@example.org", anchor[code], title=User.Title.RESEARCHER
            )
            self.grant(user, Role.PROVINCIAL_OFFICER, code)
            self.provincial[code] = user
        self.chairs = []

    def chair(self):
        """A panel chair from outside the delta, one per panel; the first is scale.chair@."""
        number = len(self.chairs)
        email = (
            f"{PREFIX}chair@example.org"
            if number == 0
            else f"{PREFIX}chair{number:02d}@example.org"
        )
        user = self.person(email, self.outside[number % len(self.outside)])
        self.grant(user, Role.PANEL_CHAIR)
        self.chairs.append(user)
        return user

    def seed_reviewers(self):
        """Experts from every province with institutions, the delta over-represented."""
        self.reviewers = []
        delta_places = [i for places in self.delta.values() for i in places]
        for number in range(1, self.n_reviewers + 1):
            place = self.rng.choice(delta_places if self.rng.random() < 0.35 else self.outside)
            dept = self.pick_department()
            codes = [self.rng.choice(self.codes[dept])]
            if self.rng.random() < 0.3:
                codes.append(self.rng.choice(self.codes[self.pick_department()]))
            codes = sorted(set(codes))
            words = self.rng.sample(KEYWORDS.get(dept, KEYWORDS["T"]), 2)
            user = self.person(
                f"{PREFIX}reviewer{number:05d}@example.org",
                place,
                codes=codes,
                keywords=", ".join(words),
            )
            self.grant(user, Role.REVIEWER)
            profile = self.new(
                ReviewerProfile, user=user, max_reviews_per_call=self.rng.randint(12, 20)
            )
            self.reviewers.append(
                {
                    "user": user,
                    "province": place.province_id,
                    "institution": place.pk,
                    "codes": codes,
                    "keywords": words,
                    "departments": {code[0] for code in codes},
                    "capacity": profile.max_reviews_per_call,
                }
            )
        self.by_department = defaultdict(list)
        for index, reviewer in enumerate(self.reviewers):
            for dept in reviewer["departments"]:
                self.by_department[dept].append(index)

    def pick_department(self):
        return self.rng.choices(self.departments, self.dept_weights)[0]
