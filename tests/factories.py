"""Plain functions that make test data in the real database."""

import itertools

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models.directory import Unit, User

DEFAULT_PASSWORD = "Mật-khẩu-thử-1"
_counter = itertools.count(1)
_hashes: dict[str, str] = {}


def password_hash(password: str) -> str:
    """scrypt is slow on purpose; hash each test password once per run."""
    if password not in _hashes:
        _hashes[password] = generate_password_hash(password, method="scrypt")
    return _hashes[password]


def make_unit(name: str | None = None, parent: Unit | None = None, code: str | None = None):
    n = next(_counter)
    unit = Unit(name=name or f"Phòng thử nghiệm {n}", code=code, parent=parent)
    db.session.add(unit)
    db.session.commit()
    return unit


def make_user(
    username: str | None = None,
    full_name: str | None = None,
    roles=(),
    unit: Unit | None = None,
    password: str = DEFAULT_PASSWORD,
    position: str = "Chuyên viên",
    email: str | None = None,
    is_active: bool = True,
    commit: bool = True,
) -> User:
    n = next(_counter)
    user = User(
        username=username or f"user{n}",
        full_name=full_name or f"Nguyễn Văn Thử {n}",
        position=position,
        unit_id=unit.id if unit else None,
        email=email,
        password_hash=password_hash(password),
        is_active=is_active,
    )
    user.role_links = []
    user.set_roles(roles)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def make_campaign():
    from app.campaigns.services import seed_default_campaign

    campaign, _created = seed_default_campaign()
    return campaign
