"""A realistic demo office: the units of a Văn phòng UBND tỉnh, staff and the fixed accounts."""

import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth.services import hash_password
from app.extensions import db
from app.models.directory import Role, Unit, User
from app.text import fold

ROOT_UNIT = ("VPUBND", "Văn phòng UBND tỉnh Đắk Lắk")
# (code, name, head's position, share of the staff)
UNITS = (
    ("LDVP", "Lãnh đạo Văn phòng", "Chánh Văn phòng", 0),
    ("TH", "Phòng Tổng hợp", "Trưởng phòng", 14),
    ("KT", "Phòng Kinh tế", "Trưởng phòng", 14),
    ("KGVX", "Phòng Khoa giáo - Văn xã", "Trưởng phòng", 12),
    ("NC", "Phòng Nội chính", "Trưởng phòng", 12),
    ("HCQT", "Phòng Hành chính - Quản trị", "Trưởng phòng", 18),
    ("TCD", "Ban Tiếp công dân tỉnh", "Trưởng ban", 8),
    ("HCC", "Trung tâm Phục vụ hành chính công tỉnh", "Giám đốc Trung tâm", 14),
    ("CNTT", "Trung tâm Công nghệ và Cổng thông tin điện tử tỉnh", "Giám đốc Trung tâm", 14),
)
DEPUTY = {
    "Trưởng phòng": "Phó Trưởng phòng",
    "Trưởng ban": "Phó Trưởng ban",
    "Giám đốc Trung tâm": "Phó Giám đốc Trung tâm",
}
POSITIONS = (
    ("Chuyên viên chính", 3),
    ("Chuyên viên", 8),
    ("Cán sự", 1),
    ("Kế toán viên", 1),
    ("Văn thư", 1),
    ("Nhân viên", 1),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    position: str
    unit_code: str
    roles: tuple[Role, ...]
    heads_unit: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Trần Quốc Huy", "Chuyên viên quản trị hệ thống", "CNTT", (Role.ADMIN,)),
    DemoAccount(
        "thidua",
        "Nguyễn Thị Thu Hằng",
        "Chuyên viên phụ trách thi đua - khen thưởng",
        "HCQT",
        (Role.OFFICER,),
    ),
    DemoAccount(
        "truongphong", "Lê Văn Thành", "Trưởng phòng", "TH", (Role.UNIT_HEAD,), heads_unit=True
    ),
    DemoAccount("nhanvien", "Phạm Thị Mai Anh", "Chuyên viên", "TH", ()),
    DemoAccount("lanhdao", "Hoàng Minh Đức", "Phó Chánh Văn phòng", "LDVP", (Role.LEADER,)),
    DemoAccount("truyenthong", "H'Linh Niê", "Biên tập viên", "CNTT", (Role.COMMS,)),
    DemoAccount(
        "ndthien",
        "Ngô Đình Thiện",
        "Chánh Văn phòng",
        "LDVP",
        (Role.LEADER, Role.UNIT_HEAD),
        heads_unit=True,
    ),
)

FAMILY = (
    ("Nguyễn", 30), ("Trần", 12), ("Lê", 10), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Đinh", 2), ("Trương", 2), ("Mai", 1), ("Lương", 1),
)  # fmt: skip
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Ngọc", "Xuân", "Đình")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị Thu", "Thị Ngọc", "Thị Thanh", "Thị Kim", "Thị Hồng", "Ngọc")
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khánh", "Khoa", "Long", "Lộc", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Sơn", "Tài",
    "Thắng", "Thành", "Thiện", "Thịnh", "Trung", "Tuấn", "Việt", "Vinh",
)  # fmt: skip
GIVEN_FEMALE = (
    "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
    "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương",
    "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Yến",
)  # fmt: skip
# Ê Đê names of the Central Highlands: given name first, family name last.
EDE = ("H'Hen Niê", "Y Bhim Mlô", "H'Nơ Byă", "Y Kông Êban", "H'Yâo Knul", "Y Thuấn Ayun")


def weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def random_name(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(EDE)
    family = weighted(rng, FAMILY)
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def office_username(full_name: str, taken: set[str]) -> str:
    """Given name plus the initials of the rest, the usual form of an office account: annv."""
    words = fold(full_name).replace("'", "").split()
    base = words[-1] + "".join(word[0] for word in words[:-1])
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def seed_demo(staff: int = 120, password: str = "ThiDua@2026", seed: int = 2026) -> dict:
    """Create the demo units and people unless the fixed accounts exist; returns counts."""
    if db.session.scalar(select(User.id).where(User.username == "admin")) is not None:
        return {"created": False, "users": 0, "units": 0}
    rng = random.Random(seed)
    password_hash = hash_password(password)  # one hash for everyone: the same password

    units: dict[str, Unit] = {}
    root = db.session.scalar(select(Unit).where(Unit.code == ROOT_UNIT[0]))
    if root is None:
        root = Unit(code=ROOT_UNIT[0], name=ROOT_UNIT[1])
        db.session.add(root)
    for code, name, _head, _share in UNITS:
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        units[code] = unit or Unit(code=code, name=name, parent=root)
        db.session.add(units[code])
    db.session.flush()

    taken = set(db.session.scalars(select(User.username)).all())
    people: list[User] = []

    def add(username, full_name, position, unit, roles=()):
        user = User(
            username=username,
            full_name=full_name,
            position=position,
            unit_id=unit.id,
            email=f"{username}@daklak.gov.vn",
            password_hash=password_hash,
        )
        user.role_links = []
        user.set_roles(roles)
        taken.add(username)
        db.session.add(user)
        people.append(user)
        return user

    heads: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        user = add(
            account.username,
            account.full_name,
            account.position,
            units[account.unit_code],
            account.roles,
        )
        if account.heads_unit:
            heads[account.unit_code] = user

    shares = [(code, share) for code, _name, _head, share in UNITS if share]
    total_share = sum(share for _code, share in shares)
    for code, _name, head_position, share in UNITS:
        unit = units[code]
        if not share:
            continue
        count = max(3, round(staff * share / total_share))
        if code not in heads:
            full_name = random_name(rng)
            heads[code] = add(
                office_username(full_name, taken), full_name, head_position, unit, (Role.UNIT_HEAD,)
            )
        for index in range(count - 1):
            position = DEPUTY[head_position] if index < 2 else weighted(rng, POSITIONS)
            full_name = random_name(rng)
            add(office_username(full_name, taken), full_name, position, unit)
    for code, head in heads.items():
        units[code].head = head
    root.head = heads["LDVP"]
    db.session.flush()
    audit.record(None, "demo.seeded", users=len(people), units=len(units) + 1)
    db.session.commit()
    return {"created": True, "users": len(people), "units": len(units) + 1}


# (title, main author's username, co-author's username and share, content area index, status)
DEMO_INITIATIVES = (
    (
        "Ứng dụng chữ ký số trong phát hành văn bản đi của Văn phòng",
        "nhanvien",
        ("truongphong", 30),
        0,
        "accepted",
    ),
    (
        "Số hóa hồ sơ lưu trữ giai đoạn 2015–2020 bằng máy quét tốc độ cao",
        "truyenthong",
        None,
        0,
        "submitted",
    ),
    (
        "Tiết kiệm điện năng tại trụ sở bằng hẹn giờ tắt điều hòa và chiếu sáng",
        "lanhdao",
        None,
        4,
        "submitted",
    ),
    (
        "Biểu mẫu điện tử tiếp nhận phản ánh, kiến nghị của người dân",
        "truongphong",
        None,
        2,
        "returned",
    ),
    ("Sổ tay hướng dẫn sử dụng phần mềm quản lý văn bản", "nhanvien", None, 2, "draft"),
    (
        "Lịch họp điện tử dùng chung cho Lãnh đạo Văn phòng và các phòng",
        "truongphong",
        None,
        0,
        "accepted",
    ),
    (
        "Tin bài ngắn kèm mã QR giới thiệu thủ tục hành chính trên Cổng thông tin",
        "truyenthong",
        None,
        3,
        "accepted",
    ),
    (
        "Phân loại rác tại nguồn và thay chai nhựa bằng bình nước dùng chung tại trụ sở",
        "lanhdao",
        None,
        4,
        "accepted",
    ),
    (
        "Bảng theo dõi phong trào thi đua trực tuyến thay cho báo cáo giấy hằng tháng",
        "truyenthong",
        ("truongphong", 20),
        1,
        "accepted",
    ),
)


def seed_demo_initiatives(today) -> int:
    """A few initiatives of the demo office at each step of the review, made through the
    services as people would; nothing when any initiative exists."""
    from app.campaigns.services import current_campaign
    from app.initiatives import services
    from app.models.campaigns import ContentArea
    from app.models.initiatives import Initiative

    campaign = current_campaign()
    if campaign is None or db.session.scalar(select(Initiative.id).limit(1)) is not None:
        return 0
    areas = db.session.scalars(
        select(ContentArea.id)
        .where(ContentArea.campaign_id == campaign.id)
        .order_by(ContentArea.position)
    ).all()
    people = {
        user.username: user
        for user in db.session.scalars(
            select(User).where(
                User.username.in_(("thidua", "nhanvien", "truongphong", "truyenthong", "lanhdao"))
            )
        )
    }
    if len(people) < 5 or not areas:
        return 0
    created = 0
    for title, author_name, coauthor, area_index, status in DEMO_INITIATIVES:
        author = people[author_name]
        fields = {
            "title": title,
            "content_area_id": areas[min(area_index, len(areas) - 1)],
            "first_applied_on": today.replace(day=1),
            "current_situation": "Công việc đang làm thủ công, mất nhiều thời gian và giấy tờ.",
            "solution": "Chuyển sang thực hiện trên môi trường số, có quy trình và mẫu thống nhất.",
            "steps": "Khảo sát hiện trạng; xây dựng quy trình; áp dụng thử; đánh giá, nhân rộng.",
            "novelty": "Lần đầu áp dụng tại Văn phòng UBND tỉnh.",
            "applicability": "Áp dụng được cho các phòng, đơn vị thuộc Văn phòng.",
            "benefits_author": "Rút ngắn thời gian xử lý, tiết kiệm chi phí in ấn.",
        }
        initiative = services.create(author, campaign, fields, today)
        if coauthor:
            services.add_author(author, initiative, people[coauthor[0]].id, coauthor[1])
        created += 1
        if status == "draft":
            continue
        services.submit(author, initiative)
        # Each service commits, which unloads the roles: the officer as a request sees them.
        officer = db.session.scalar(
            select(User).where(User.username == "thidua").options(selectinload(User.role_links))
        )
        if status == "accepted":
            services.accept(officer, initiative, "Đủ điều kiện đưa ra Hội đồng sáng kiến.")
        elif status == "returned":
            services.return_for_changes(
                officer, initiative, "Đề nghị bổ sung số liệu hiệu quả sau khi áp dụng thử."
            )
    return created


# (title, summary, body, initiative title or None, person's username or None, unit code or
# None, days ago): stories as the Technology and Portal Centre would write them.
DEMO_STORIES = (
    (
        "Ký số văn bản đi: từ hai ngày xuống còn hai giờ",
        "Từ tháng 3/2026, toàn bộ văn bản đi của Văn phòng UBND tỉnh được ký số và phát hành "
        "trên hệ thống quản lý văn bản. Sáng kiến của chuyên viên Phạm Thị Mai Anh, Phòng Tổng "
        "hợp, đã rút ngắn thời gian phát hành một văn bản từ khoảng hai ngày xuống còn hai giờ.",
        "Trước đây, một văn bản đi phải in, trình ký tay, đóng dấu rồi mới scan gửi lên hệ "
        "thống. Mỗi khâu chờ nhau, có văn bản mất hai ngày mới đến được nơi nhận.\n\n"
        "## Thay đổi từ một quy trình\n\n"
        "Chị Mai Anh đề xuất đưa chữ ký số vào ngay bước trình ký: lãnh đạo ký trên phần mềm, "
        "văn thư đóng dấu số và phát hành trong cùng một lượt. Sau ba tháng áp dụng thử tại "
        "Phòng Tổng hợp, cách làm được nhân rộng ra toàn Văn phòng.\n\n"
        "- Thời gian phát hành trung bình: **khoảng 2 giờ** (trước đây 1–2 ngày);\n"
        "- Giấy in trình ký giảm gần **60%**;\n"
        "- Tra cứu văn bản đã phát hành chỉ mất vài giây.\n\n"
        "> “Điều quan trọng nhất là mọi người cùng thay đổi thói quen, chứ không chỉ là thay "
        "đổi phần mềm”, chị Mai Anh chia sẻ.\n\n"
        "Sáng kiến đã được Phòng Hành chính - Quản trị chấp nhận, đưa ra Hội đồng sáng kiến "
        "của Văn phòng xem xét, công nhận.",
        "Ứng dụng chữ ký số trong phát hành văn bản đi của Văn phòng",
        "nhanvien",
        "TH",
        12,
    ),
    (
        "“Văn phòng xanh” bắt đầu từ chiếc bình nước dùng chung",
        "Thay chai nhựa dùng một lần bằng bình nước dùng chung, đặt thùng phân loại rác ở mỗi "
        "tầng: những việc nhỏ ở trụ sở Văn phòng UBND tỉnh đang góp phần vào nội dung chuyển "
        "đổi xanh của phong trào thi đua.",
        "Mỗi tháng, các cuộc họp tại trụ sở từng dùng hết hàng nghìn chai nước nhựa. Từ quý "
        "II/2026, chai nhựa được thay bằng bình thủy tinh và ly dùng chung; rác được phân loại "
        "ngay tại nguồn thành ba loại: tái chế, hữu cơ và còn lại.\n\n"
        "## Những con số ban đầu\n\n"
        "| Nội dung | Trước | Sau 3 tháng |\n"
        "|---|---|---|\n"
        "| Chai nhựa dùng một lần mỗi tháng | khoảng 2.400 | dưới 200 |\n"
        "| Rác tái chế được thu gom riêng | — | khoảng 150 kg |\n\n"
        "Cách làm đơn giản, chi phí thấp và dễ nhân rộng. Văn phòng khuyến khích các phòng, "
        "đơn vị tiếp tục đề xuất những giải pháp tiết kiệm năng lượng, giảm rác thải nhựa.",
        "Phân loại rác tại nguồn và thay chai nhựa bằng bình nước dùng chung tại trụ sở",
        None,
        "HCQT",
        6,
    ),
    (
        "Tận tụy ở “một cửa”: giải quyết hồ sơ sớm hạn cho người dân",
        "Tại Trung tâm Phục vụ hành chính công tỉnh, tỷ lệ hồ sơ giải quyết trước và đúng hạn "
        "đạt trên 99%. Phía sau con số ấy là sự tận tụy của từng công chức tiếp nhận, trả kết "
        "quả mỗi ngày.",
        "Mỗi buổi sáng, khi người dân đến làm thủ tục, công chức của Trung tâm đã sẵn sàng ở "
        "quầy. Những hồ sơ còn thiếu được hướng dẫn bổ sung một lần, rõ ràng, kèm mẫu điền "
        "sẵn; người dân ở xa được hướng dẫn nộp trực tuyến để không phải đi lại.\n\n"
        "## Lấy sự hài lòng của người dân làm thước đo\n\n"
        "Trung tâm đặt mục tiêu không để hồ sơ nào trễ hạn mà không có văn bản xin lỗi, và "
        "công khai kết quả đánh giá mức độ hài lòng hằng tháng. Nhiều công chức được người dân "
        "gửi lời cảm ơn qua đường dây nóng.\n\n"
        "Đây là một trong những điển hình tiên tiến được Văn phòng UBND tỉnh biểu dương trong "
        "phong trào thi đua năm 2026.",
        None,
        None,
        "HCC",
        2,
    ),
)


def seed_demo_stories() -> int:
    """Three published stories on the showcase, written and published by `truyenthong` through
    the services; nothing when any story exists or the demo office is missing."""
    from datetime import timedelta

    from app.models.initiatives import Initiative
    from app.models.stories import Story
    from app.showcase import services

    if db.session.scalar(select(Story.id).limit(1)) is not None:
        return 0

    def comms() -> User | None:
        # Each service commits, which unloads the roles: load them again as a request would.
        return db.session.scalar(
            select(User)
            .where(User.username == "truyenthong")
            .options(selectinload(User.role_links))
        )

    if comms() is None:
        return 0
    created = 0
    for title, summary, body, initiative_title, username, unit_code, days in DEMO_STORIES:
        story = services.create(comms(), {"title": title, "summary": summary, "body": body})
        initiative_id = db.session.scalar(
            select(Initiative.id).where(Initiative.title == initiative_title)
        )
        person_id = db.session.scalar(select(User.id).where(User.username == username))
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit_code))
        services.set_links(comms(), story, initiative_id, person_id, unit_id)
        services.publish(comms(), story)
        # The demo's stories came out over the past days, not all at this moment.
        story.published_at = story.updated_at = services.now_utc() - timedelta(days=days)
        db.session.commit()
        created += 1
    return created
