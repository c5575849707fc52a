"""The benchmark's dataset, built in a fresh database: an office (or the province) of units and
staff with their roles, signed commitments, initiatives at every step, an open voting round
with votes already cast, surveys already answered, an open survey, and a survey large enough
for the CSV export.

What people make one at a time (the campaign, the round, the surveys) goes through the app's
own services; what thousands of people did (accounts, votes, responses, signatures) is written
by bulk inserts (COPY on PostgreSQL) in the shapes the services write, so the pages read the
same rows they would in production.

Passwords: everyone's hash is scrypt with a low cost (n=1024), so that preparing hundreds of
signed-in sessions over HTTP takes seconds; the sign-in journey's own accounts keep the app's
real hash (`hash_password`), and that journey measures its real cost.
"""

import json
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from app.auth.services import hash_password
from app.campaigns.services import seed_default_campaign
from app.commitments.seal import digest_of, seal_of
from app.demo import office_username, random_name
from app.extensions import db
from app.models.campaigns import AppliesTo, Campaign, ContentArea, EmulationTitle
from app.models.commitments import Commitment, CommitmentItem, CommitmentVersion
from app.models.directory import Role, Unit, User, UserRole
from app.models.initiatives import Initiative, InitiativeAuthor
from app.models.surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    new_response_id,
)
from app.models.voting import Vote, VotingParticipant
from app.surveys import answering, tallies
from app.surveys import services as surveys
from app.surveys.template import seed_awareness_survey
from app.text import clean, fold, name_sort_key
from app.voting import queries as voting_queries
from app.voting import services as voting
from bench.scale import Scale

K = QuestionKind
PASSWORD = "ThiDua@2026"
CHEAP_METHOD = "scrypt:1024:8:1"

OFFICE_UNITS = (
    "Phòng Tổng hợp",
    "Phòng Kinh tế",
    "Phòng Khoa giáo - Văn xã",
    "Phòng Nội chính",
    "Phòng Hành chính - Quản trị",
    "Phòng Quản trị - Tài vụ",
    "Ban Tiếp công dân tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Trung tâm Công nghệ và Cổng thông tin điện tử tỉnh",
    "Nhà khách UBND tỉnh",
    "Phòng Pháp chế",
)
AGENCIES = (
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp tỉnh",
    "Văn phòng UBND tỉnh",
)
DEPARTMENTS = (
    "Văn phòng",
    "Phòng Tổ chức - Hành chính",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý chuyên ngành",
    "Phòng Pháp chế - Thanh tra",
    "Phòng Chuyển đổi số",
    "Trung tâm Dịch vụ công",
    "Phòng Tổng hợp",
    "Phòng Nghiệp vụ",
    "Trung tâm Thông tin",
)
POSITIONS = ("Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Cán sự", "Văn thư", "Kế toán viên")
TOPICS = (
    "Số hóa hồ sơ lưu trữ",
    "Ký số văn bản đi",
    "Tự động hóa báo cáo định kỳ",
    "Tiết kiệm điện năng tại trụ sở",
    "Lịch họp điện tử dùng chung",
    "Tiếp nhận phản ánh qua biểu mẫu điện tử",
    "Quản lý tài sản bằng mã QR",
    "Phân loại rác tại nguồn",
    "Theo dõi nhiệm vụ trên môi trường số",
    "Tra cứu thủ tục hành chính trực tuyến",
)
PLACES = ("tại Văn phòng", "trong phòng, đơn vị", "tại bộ phận một cửa", "trong cơ quan")
SHORT_TEXTS = (
    "Số hóa hồ sơ",
    "Tự động hóa báo cáo",
    "Tiết kiệm năng lượng",
    "Cải cách hành chính",
    "Ứng dụng trí tuệ nhân tạo",
)
LONG_TEXTS = (
    "Đề nghị tổ chức thêm lớp tập huấn kỹ năng số cho công chức, viên chức.",
    "Cần biểu dương kịp thời các sáng kiến được áp dụng; chia sẻ cách làm hay giữa các phòng.",
    "Trang bị thêm máy quét, phần mềm dùng chung; hướng dẫn cụ thể cách đăng ký sáng kiến.",
)


@dataclass
class Dataset:
    """The ids and accounts the journeys use."""

    scale: str
    password: str
    campaign_id: int
    round_id: int
    candidate_ids: list[int]
    # {username: candidate ids the person wrote or co-wrote} for the vote journeys.
    authored: dict[str, list[int]]
    results_survey_id: int | None
    export_survey_id: int | None
    export_responses: int
    open_survey_id: int | None
    # Published one step at a time for the submission journey (drafts until then).
    submission_survey_ids: list[int] = field(default_factory=list)
    # Plain staff who have not voted, whose sessions the journeys share out.
    pool: list[str] = field(default_factory=list)
    # Staff with the app's real password hash.
    signin: list[str] = field(default_factory=list)
    # Officers and leaders (results, dashboard, export).
    overseers: list[str] = field(default_factory=list)
    # One officer, to run the services (publish a survey before a step).
    officer: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def now_utc() -> datetime:
    return datetime.now(UTC)


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    columns = list(rows[0])
    if connection.dialect.name == "postgresql":
        # COPY applies no Python-side default: add the columns left out, with their defaults.
        defaults = {
            column.name: _default(column)
            for column in table.columns
            if column.name not in rows[0] and column.default is not None
        }
        columns += list(defaults)
        rows = ({**row, **defaults} for row in rows)
        raw = connection.connection.driver_connection
        names = ", ".join(columns)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_copy_value(row[name]) for name in columns])
        return
    for start in range(0, len(rows), 5000):
        connection.execute(insert(table), rows[start : start + 5000])


def _default(column):
    """A column's Python-side default (a callable's wrapper takes the execution context)."""
    default = column.default
    return default.arg if default.is_scalar else default.arg(None)


def _copy_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def load_user(username: str) -> User:
    """A person as a request sees them: with roles and unit (services read them)."""
    return db.session.scalar(
        select(User).where(User.username == username).options(selectinload(User.role_links))
    )


# Units and people -------------------------------------------------------------------------------


def make_units(scale: Scale, rng: random.Random) -> list[int]:
    """The root and its units (a tree two levels deep at province scale); returns the ids of the
    units that hold staff, the root first."""
    root_name = "UBND tỉnh Đắk Lắk" if scale.units > 50 else "Văn phòng UBND tỉnh Đắk Lắk"
    root = Unit(name=root_name, code="ROOT")
    db.session.add(root)
    db.session.flush()
    names: list[tuple[str, int | None]] = []
    if scale.units <= 1 + len(OFFICE_UNITS):
        names = [(name, None) for name in OFFICE_UNITS[: scale.units - 1]]
        parents = {None: root.id}
    else:
        agencies = max(2, (scale.units - 1) // 10)
        parents = {}
        for n in range(agencies):
            base = AGENCIES[n % len(AGENCIES)]
            unit = Unit(
                name=base if n < len(AGENCIES) else f"{base} (khu vực {n // len(AGENCIES) + 1})",
                code=f"A{n:03d}",
                parent_id=root.id,
            )
            db.session.add(unit)
            db.session.flush()
            parents[n] = unit.id
        left = scale.units - 1 - agencies
        names = [(DEPARTMENTS[n % len(DEPARTMENTS)], n % agencies) for n in range(left)]
    for n, (name, parent) in enumerate(names):
        db.session.add(Unit(name=name, code=f"U{n:04d}", parent_id=parents[parent]))
    db.session.flush()
    return list(db.session.scalars(select(Unit.id).order_by(Unit.id)))


def make_people(scale: Scale, unit_ids: list[int], rng: random.Random, password: str) -> dict:
    """Staff spread over the units, each unit with a head; officers, leaders and an admin;
    returns their usernames by purpose."""
    cheap = generate_password_hash(password, method=CHEAP_METHOD)
    real = hash_password(password)
    taken: set[str] = set()
    rows, roles = [], []
    moment = now_utc()
    root_id, units = unit_ids[0], unit_ids[1:] or unit_ids

    def person(unit_id: int, position: str, hashed: str, *granted: Role) -> str:
        full_name = random_name(rng)
        username = office_username(full_name, taken)
        rows.append(
            {
                "username": username,
                "full_name": clean(full_name),
                "position": position,
                "unit_id": unit_id,
                "email": f"{username}@daklak.gov.vn",
                "password_hash": hashed,
                "is_active": True,
                "must_change_password": False,
                "session_token": secrets.token_urlsafe(32),
                "name_sort": name_sort_key(clean(full_name)),
                "search_text": fold(f"{full_name} {username} {username}@daklak.gov.vn")[:600],
                "created_at": moment,
            }
        )
        roles.extend((username, role.value) for role in granted)
        return username

    leaders = [
        person(root_id, "Phó Chánh Văn phòng", cheap, Role.LEADER)
        for _ in range(max(3, scale.staff // 1000))
    ]
    officers = [
        person(units[n % len(units)], "Chuyên viên theo dõi thi đua", cheap, Role.OFFICER)
        for n in range(max(2, scale.staff // 250))
    ]
    person(units[-1], "Chuyên viên quản trị hệ thống", cheap, Role.ADMIN)
    heads = {unit_id: person(unit_id, "Trưởng phòng", cheap, Role.UNIT_HEAD) for unit_id in units}
    signin = [person(units[n % len(units)], "Chuyên viên", real) for n in range(scale.signin_users)]
    remaining = scale.staff - len(rows)
    staff = [person(units[n % len(units)], rng.choice(POSITIONS), cheap) for n in range(remaining)]
    bulk_insert(User.__table__, rows)
    ids = dict(db.session.execute(select(User.username, User.id)).all())
    bulk_insert(UserRole.__table__, [{"user_id": ids[name], "role": role} for name, role in roles])
    for unit_id, username in heads.items():
        db.session.execute(update(Unit).where(Unit.id == unit_id).values(head_id=ids[username]))
    db.session.execute(update(Unit).where(Unit.id == root_id).values(head_id=ids[leaders[0]]))
    return {
        "ids": ids,
        "leaders": leaders,
        "officers": officers,
        "signin": signin,
        "staff": staff,
        "unit_of": {row["username"]: row["unit_id"] for row in rows},
    }


# Commitments ---------------------------------------------------------------------------------


def _commitments(campaign_id: int, people: dict, rng: random.Random) -> int:
    """About 60% of the staff signed their commitment over the last 45 days (sealed as the
    service seals it), half of them confirmed by their head."""
    title = db.session.scalar(
        select(EmulationTitle).where(
            EmulationTitle.campaign_id == campaign_id,
            EmulationTitle.applies_to == AppliesTo.INDIVIDUAL,
        )
    )
    areas = list(
        db.session.scalars(select(ContentArea.id).where(ContentArea.campaign_id == campaign_id))
    )
    secret = current_app.config["SECRET_KEY"]
    ids = people["ids"]
    signers = [name for name in people["staff"] if rng.random() < 0.6]
    moment = now_utc()
    commitment_rows = [
        {
            "campaign_id": campaign_id,
            "kind": "individual",
            "user_id": ids[name],
            "unit_id": None,
            "status": "confirmed" if rng.random() < 0.5 else "signed",
            "current_number": 1,
            "created_at": moment,
            "updated_at": moment,
        }
        for name in signers
    ]
    bulk_insert(Commitment.__table__, commitment_rows)
    by_user = dict(
        db.session.execute(
            select(Commitment.user_id, Commitment.id).where(Commitment.campaign_id == campaign_id)
        ).all()
    )
    versions, contents = [], []
    for row in commitment_rows:
        signed_at = moment - timedelta(minutes=rng.randint(60, 45 * 24 * 60))
        items = [
            CommitmentItem(
                content_area_id=rng.choice(areas),
                position=n,
                text=f"{rng.choice(TOPICS)} {rng.choice(PLACES)}",
                target="Hoàn thành trong năm",
                due_on=None,
            )
            for n in range(1, rng.randint(2, 3))
        ]
        commitment = Commitment(
            id=by_user[row["user_id"]],
            campaign_id=campaign_id,
            kind="individual",
            user_id=row["user_id"],
        )
        version = CommitmentVersion(
            number=1, title_name=title.name if title else "", is_criterion_acknowledged=True
        )
        version.items, version.answers = items, []
        contents.append((row, items))
        versions.append(
            {
                "commitment_id": commitment.id,
                "number": 1,
                "status": row["status"],
                "title_id": title.id if title else None,
                "title_name": version.title_name,
                "is_criterion_acknowledged": True,
                "created_at": signed_at,
                "updated_at": signed_at,
                "signed_at": signed_at,
                "signer_id": row["user_id"],
                "signer_name": "",
                "signer_position": "Chuyên viên",
                "digest": digest_of(commitment, version),
                "seal": "0" * 64,
                "reviewed_at": signed_at if row["status"] == "confirmed" else None,
                "reviewer_name": "",
                "review_comment": "",
            }
        )
    bulk_insert(CommitmentVersion.__table__, versions)
    version_ids = dict(
        db.session.execute(
            select(CommitmentVersion.commitment_id, CommitmentVersion.id).where(
                CommitmentVersion.number == 1
            )
        ).all()
    )
    item_rows, seals = [], []
    for version, (_row, items) in zip(versions, contents, strict=True):
        version_id = version_ids[version["commitment_id"]]
        seals.append(
            {
                "b_id": version_id,
                "b_seal": seal_of(
                    secret,
                    version_id,
                    version["digest"],
                    version["signer_id"],
                    version["signed_at"],
                ),
            }
        )
        item_rows += [
            {
                "version_id": version_id,
                "content_area_id": item.content_area_id,
                "position": item.position,
                "text": item.text,
                "target": item.target,
                "due_on": None,
            }
            for item in items
        ]
    bulk_insert(CommitmentItem.__table__, item_rows)
    table = CommitmentVersion.__table__
    db.session.connection().execute(
        table.update().where(table.c.id == bindparam("b_id")).values(seal=bindparam("b_seal")),
        seals,
    )
    return len(commitment_rows)


# Initiatives -----------------------------------------------------------------------------------

STATUS_SHARES = (
    ("draft", 15),
    ("submitted", 20),
    ("returned", 8),
    ("rejected", 5),
    ("accepted", 40),
    ("recognized", 12),
)


def make_initiatives(scale: Scale, campaign_id: int, people: dict, rng: random.Random) -> list[int]:
    """Initiatives at every step, one or two authors each; returns the ids of the accepted or
    recognized ones."""
    ids, unit_of = people["ids"], people["unit_of"]
    authors_pool = people["staff"][scale.session_pool :] or people["staff"]
    areas = list(
        db.session.scalars(select(ContentArea.id).where(ContentArea.campaign_id == campaign_id))
    )
    statuses, weights = zip(*STATUS_SHARES, strict=True)
    moment = now_utc()
    rows, writers = [], []
    for n in range(scale.initiatives):
        status = rng.choices(statuses, weights)[0]
        title = f"{rng.choice(TOPICS)} {rng.choice(PLACES)} (số {n + 1})"
        main = rng.choice(authors_pool)
        second = rng.choice(authors_pool) if rng.random() < 0.3 else None
        second = None if second == main else second
        writers.append((main, second))
        rows.append(
            {
                "campaign_id": campaign_id,
                "unit_id": unit_of[main],
                "content_area_id": rng.choice(areas),
                "created_by_id": ids[main],
                "status": status,
                "year": moment.year,
                "title": title,
                "current_situation": "Công việc đang làm thủ công, mất nhiều thời gian.",
                "solution": (
                    "Chuyển sang thực hiện trên môi trường số với quy trình, biểu mẫu thống nhất; "
                    "dữ liệu được lưu trữ tập trung và tra cứu nhanh."
                ),
                "steps": "Khảo sát; xây dựng quy trình; áp dụng thử; nhân rộng.",
                "novelty": "Lần đầu áp dụng tại cơ quan.",
                "applicability": "Áp dụng được cho các phòng, đơn vị.",
                "benefits_author": "Rút ngắn thời gian xử lý, tiết kiệm chi phí.",
                "search_text": fold(title),
                "created_at": moment - timedelta(days=rng.randint(5, 90)),
                "updated_at": moment,
                "submitted_at": None if status == "draft" else moment - timedelta(days=3),
                "decided_at": moment if status in ("accepted", "recognized", "rejected") else None,
            }
        )
    bulk_insert(Initiative.__table__, rows)
    made = list(db.session.scalars(select(Initiative.id).order_by(Initiative.id)))
    author_rows = []
    for initiative_id, (main, second) in zip(made, writers, strict=True):
        author_rows.append(
            {
                "initiative_id": initiative_id,
                "user_id": ids[main],
                "is_main": True,
                "position": 0,
                "share": 70 if second else 100,
            }
        )
        if second:
            author_rows.append(
                {
                    "initiative_id": initiative_id,
                    "user_id": ids[second],
                    "is_main": False,
                    "position": 1,
                    "share": 30,
                }
            )
    bulk_insert(InitiativeAuthor.__table__, author_rows)
    return [
        initiative_id
        for initiative_id, row in zip(made, rows, strict=True)
        if row["status"] in ("accepted", "recognized")
    ]


# The voting round ----------------------------------------------------------------------------


def _round(
    scale: Scale, campaign, officer: str, public: list[int], people: dict, rng: random.Random
):
    """An open round (3 votes each, results live) with `scale.candidates` candidates, made
    through the officer's services; about half the staff outside the session pool have voted."""
    now = now_utc()
    data = {
        "title": "Bình chọn sáng kiến tiêu biểu năm 2026",
        "description": "Mỗi người chọn tối đa 3 sáng kiến hữu ích nhất.",
        "opens_at": now - timedelta(days=2),
        "closes_at": now + timedelta(days=5),
        "max_votes": 3,
        "min_votes": None,
        "results_mode": "live",
        "is_open_to_all": True,
        "unit_ids": [],
    }
    round_ = voting.create_round(load_user(officer), campaign, data)
    round_id = round_.id
    chosen = rng.sample(public, min(scale.candidates, len(public)))
    voting.add_candidates(load_user(officer), voting_queries.load(round_id), chosen)
    voting.publish_round(load_user(officer), voting_queries.load(round_id), now)
    round_ = voting_queries.load(round_id)
    candidates = [c.id for c in round_.candidates]
    by_initiative = {c.initiative_id: c.id for c in round_.candidates}
    authored: dict[int, set[int]] = {}
    for initiative_id, user_id in db.session.execute(
        select(InitiativeAuthor.initiative_id, InitiativeAuthor.user_id).where(
            InitiativeAuthor.initiative_id.in_(chosen)
        )
    ):
        authored.setdefault(user_id, set()).add(by_initiative[initiative_id])
    ids = people["ids"]
    votes, participants = [], []
    for name in people["staff"][scale.session_pool :]:
        if rng.random() >= 0.5:
            continue
        user_id = ids[name]
        allowed = [c for c in candidates if c not in authored.get(user_id, ())]
        picked = rng.sample(allowed, rng.randint(1, min(3, len(allowed))))
        key = voting.ballot_key(round_id, user_id)
        votes += [
            {"round_id": round_id, "ballot": key, "slot": slot, "candidate_id": candidate}
            for slot, candidate in enumerate(picked, 1)
        ]
        participants.append({"round_id": round_id, "user_id": user_id, "vote_count": len(picked)})
    bulk_insert(Vote.__table__, votes)
    bulk_insert(VotingParticipant.__table__, participants)
    return round_id, candidates, authored, len(votes)


# Surveys -------------------------------------------------------------------------------------


def template_survey(officer: str, campaign, opens_at: datetime, closes_at: datetime, **changes):
    """The plan's awareness survey (the app's own template), published; `changes` (title,
    is_anonymous) applied before publishing."""
    survey = seed_awareness_survey(load_user(officer), campaign, opens_at, closes_at)
    survey_id = survey.id
    if changes:
        db.session.execute(update(Survey).where(Survey.id == survey_id).values(**changes))
        db.session.commit()
    return survey_id


def publish_survey(officer: str, survey_id: int) -> None:
    surveys.publish(load_user(officer), surveys.load(survey_id))


def close_survey(officer: str, survey_id: int) -> None:
    surveys.close(load_user(officer), surveys.load(survey_id))


def random_answers(questions: list[SurveyQuestion], rng: random.Random) -> dict:
    """{question id (str): value} in the shape the answering pages store, for the questions
    shown given the earlier answers; knowledge questions right about two times in three."""
    answers: dict = {}
    for question in questions:
        if not answering.is_shown(question, answers):
            continue
        value = _value(question, rng)
        if value is not None:
            answers[str(question.id)] = value
    return answers


def _value(question: SurveyQuestion, rng: random.Random):
    kind = question.kind
    options = [o.id for o in question.options]
    correct = [o.id for o in question.options if o.is_correct]
    if kind in (K.SINGLE, K.DROPDOWN):
        if correct and rng.random() < 0.66:
            return correct[0]
        return rng.choice(options)
    if kind == K.MULTIPLE:
        if correct and rng.random() < 0.5:
            return sorted(correct)
        high = min(question.max_choices or len(options), len(options))
        low = max(question.min_choices or 1, 1)
        return sorted(rng.sample(options, rng.randint(low, max(low, high))))
    if kind == K.LIKERT:
        return {str(o): rng.choice((2, 3, 4, 4, 5, 5)) for o in options}
    if kind == K.RATING:
        return rng.randint(0 if question.scale_max == 10 else 1, question.scale_max or 5)
    if kind == K.YES_NO:
        return "yes" if rng.random() < 0.8 else "no"
    if kind == K.SHORT_TEXT:
        return rng.choice(SHORT_TEXTS) if (question.is_required or rng.random() < 0.7) else None
    if kind == K.LONG_TEXT:
        return rng.choice(LONG_TEXTS) if (question.is_required or rng.random() < 0.3) else None
    if kind == K.NUMBER:
        low = question.number_min if question.number_min is not None else 0
        high = question.number_max if question.number_max is not None else 10
        return float(rng.randint(int(low), int(min(high, low + 10))))
    if kind == K.DATE:
        return date(2026, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    return None


def answer_rows(question: SurveyQuestion, value, response_id: str) -> list[dict]:
    """The survey_answers rows of one answer, as the submission writes them."""
    base = {
        "response_id": response_id,
        "question_id": question.id,
        "item": 0,
        "option_id": None,
        "number_value": None,
        "text_value": None,
        "date_value": None,
        "is_correct": None,
    }
    kind = question.kind
    if kind in (K.SINGLE, K.DROPDOWN):
        rows = [{**base, "item": value, "option_id": value}]
    elif kind == K.MULTIPLE:
        rows = [{**base, "item": v, "option_id": v} for v in value]
    elif kind == K.LIKERT:
        rows = [
            {**base, "item": int(k), "option_id": int(k), "number_value": float(v)}
            for k, v in value.items()
        ]
    elif kind in (K.RATING, K.NUMBER):
        rows = [{**base, "number_value": float(value)}]
    elif kind == K.DATE:
        rows = [{**base, "date_value": date.fromisoformat(value)}]
    else:
        rows = [{**base, "text_value": value}]
    if question.is_knowledge and rows:
        rows[0]["is_correct"] = answering.is_correct(question, value)
    return rows


def add_responses(
    survey_id: int, count: int, respondents: list[int], days: Iterable[date], rng: random.Random
) -> int:
    """`count` submitted responses with their answers and scores; the first `len(respondents)`
    are these people's (a participation each; their user id on the response when the survey is
    named). Returns the number of answer rows written."""
    survey = surveys.load(survey_id)
    questions = surveys.ordered_questions(survey)
    days = list(days)
    responses, answers, participations = [], [], []
    for n in range(count):
        values = random_answers(questions, rng)
        response_id = new_response_id()
        knowledge = [q for q in questions if q.is_knowledge and answering.is_shown(q, values)]
        right = sum(
            1
            for q in knowledge
            if str(q.id) in values and answering.is_correct(q, values[str(q.id)])
        )
        day = rng.choice(days)
        user_id = respondents[n] if n < len(respondents) else None
        responses.append(
            {
                "id": response_id,
                "survey_id": survey_id,
                "user_id": None if survey.is_anonymous else user_id,
                "submitted_on": day,
                "knowledge_correct": right if knowledge else None,
                "knowledge_total": len(knowledge) if knowledge else None,
            }
        )
        if user_id is not None:
            participations.append({"survey_id": survey_id, "user_id": user_id, "answered_on": day})
        for question in questions:
            if str(question.id) in values:
                answers += answer_rows(question, values[str(question.id)], response_id)
        if len(answers) > 100_000:
            bulk_insert(SurveyResponse.__table__, responses)
            bulk_insert(SurveyAnswer.__table__, answers)
            responses, answers = [], []
    bulk_insert(SurveyResponse.__table__, responses)
    bulk_insert(SurveyAnswer.__table__, answers)
    bulk_insert(SurveyParticipation.__table__, participations)
    tallies.rebuild([survey_id])
    db.session.commit()
    return db.session.scalar(
        select(func.count())
        .select_from(SurveyAnswer)
        .join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey_id)
    )


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _surveys(scale: Scale, campaign, officer: str, people: dict, rng: random.Random) -> dict:
    """Surveys answered in the past (closed, every other one named), the open survey of the
    survey page, and the large anonymous survey the CSV export downloads."""
    now = now_utc()
    today = now.date()
    ids = people["ids"]
    everyone = [ids[name] for name in people["staff"]]
    answered = []
    for n in range(scale.surveys):
        opens = now - timedelta(days=60 + 20 * n)
        survey_id = template_survey(
            officer,
            campaign,
            opens,
            now + timedelta(days=1),
            title=f"Khảo sát nhận thức về Phong trào thi đua, đợt {scale.surveys - n}",
            is_anonymous=n % 2 == 1,
        )
        publish_survey(officer, survey_id)
        respondents = rng.sample(everyone, min(scale.responses, len(everyone)))
        window = _days(opens.date(), (opens + timedelta(days=14)).date())
        add_responses(survey_id, scale.responses, respondents, window, rng)
        close_survey(officer, survey_id)
        answered.append(survey_id)
    export_id = None
    answer_rows_total = 0
    if scale.export_responses:
        export_id = template_survey(
            officer,
            campaign,
            now - timedelta(days=40),
            now + timedelta(days=1),
            title="Khảo sát nhận thức toàn tỉnh về chuyển đổi số",
        )
        publish_survey(officer, export_id)
        respondents = everyone[: min(len(everyone), scale.export_responses)]
        window = _days(today - timedelta(days=40), today - timedelta(days=2))
        answer_rows_total = add_responses(
            export_id, scale.export_responses, respondents, window, rng
        )
        close_survey(officer, export_id)
    open_id = template_survey(
        officer,
        campaign,
        now - timedelta(days=1),
        now + timedelta(days=10),
        title="Khảo sát nhận thức về Phong trào thi đua, lần 2",
    )
    publish_survey(officer, open_id)
    db.session.execute(
        update(Survey).where(Survey.status == SurveyStatus.CLOSED).values(closes_at=now)
    )
    db.session.commit()
    return {
        "answered": answered,
        "export": export_id,
        "open": open_id,
        "export_answer_rows": answer_rows_total,
    }


def submission_surveys(officer: str, campaign_id: int, count: int) -> list[int]:
    """Draft copies of the template for the submission journey (published step by step)."""
    campaign = db.session.get(Campaign, campaign_id)
    now = now_utc()
    return [
        template_survey(
            officer,
            campaign,
            now - timedelta(hours=1),
            now + timedelta(days=3),
            title=f"Khảo sát nhận thức nhanh số {n + 1}",
        )
        for n in range(count)
    ]


# The whole dataset ---------------------------------------------------------------------------


def build(scale: Scale, password: str = PASSWORD, seed: int = 2026) -> Dataset:
    """Build the dataset in the (empty, migrated) database of the app context."""
    rng = random.Random(seed)
    campaign, _created = seed_default_campaign()
    campaign_id = campaign.id
    unit_ids = make_units(scale, rng)
    people = make_people(scale, unit_ids, rng, password)
    db.session.commit()
    commitments = _commitments(campaign_id, people, rng)
    db.session.commit()
    public = make_initiatives(scale, campaign_id, people, rng)
    db.session.commit()
    officer = people["officers"][0]
    campaign = db.session.get(Campaign, campaign_id)
    round_id, candidates, authored, votes = _round(scale, campaign, officer, public, people, rng)
    db.session.commit()
    made = _surveys(scale, db.session.get(Campaign, campaign_id), officer, people, rng)
    ids = people["ids"]
    pool = people["staff"][: scale.session_pool]
    names = {user_id: name for name, user_id in ids.items()}
    return Dataset(
        scale=scale.name,
        password=password,
        campaign_id=campaign_id,
        round_id=round_id,
        candidate_ids=candidates,
        authored={names[user_id]: sorted(c) for user_id, c in authored.items()},
        results_survey_id=(
            made["export"] if scale.name == "province" else next(iter(made["answered"]), None)
        ),
        export_survey_id=made["export"],
        export_responses=scale.export_responses,
        open_survey_id=made["open"],
        pool=pool,
        signin=people["signin"],
        overseers=people["officers"] + people["leaders"],
        officer=officer,
        counts={
            "units": len(unit_ids),
            "users": len(ids),
            "commitments": commitments,
            "initiatives": scale.initiatives,
            "candidates": len(candidates),
            "votes": votes,
            "surveys": len(made["answered"]) + (1 if made["export"] else 0) + 1,
            "responses": db.session.scalar(select(func.count()).select_from(SurveyResponse)),
            "answers": db.session.scalar(select(func.count()).select_from(SurveyAnswer)),
        },
    )
