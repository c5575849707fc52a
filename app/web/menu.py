"""The main menu: each entry shows for the roles that may use it, once its page exists."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models.directory import Role
from app.web import fragments


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object
    roles: tuple[str, ...] = (Role.STAFF,)
    group: object = None
    args: tuple = ()
    # Also shown to someone without the roles when this says so (e.g. a council's members).
    also_for: Callable | None = None


SEATS = "thidua.council_seat"
UNREAD = "thidua.unread"


def remember_visit(visit) -> None:
    """Keep for this request what the signed-in person's loading brought with it (an
    `app.auth.services.Visit`): the menu and the bell then ask nothing more. They show the
    state as the request started, as a page drawn after a change in the same request may."""
    request.environ.setdefault(SEATS, {})[visit.user.id] = visit.sits_on_a_council
    request.environ.setdefault(UNREAD, {})[visit.user.id] = visit.unread


def sits_on_a_council(user) -> bool:
    """Whether the user is a member of a council, asked once per request (or known from the
    user's loading): the menu shows the councils to members, and the home page asks what is
    left to judge only of them."""
    from app.councils import services

    known = request.environ.setdefault(SEATS, {})
    if user.id not in known:
        known[user.id] = services.sits_on_a_council(user)
    return known[user.id]


def unread_notifications(user) -> int:
    """The bell's count: the user's notifications not yet read (known from the user's loading,
    else one query)."""
    from app.notifications.services import unread_count

    known = request.environ.setdefault(UNREAD, {})
    if user.id not in known:
        known[user.id] = unread_count(user.id)
    return known[user.id]


# The officer's and the leaders' tools, in one group so the menu keeps to one line.
MANAGE = _l("Management")

MENU = (
    MenuItem("main.home", _l("My tasks")),
    MenuItem("campaigns.current", _l("The movement")),
    MenuItem("main.directory", _l("Directory")),
    MenuItem("main.my_unit", _l("My unit"), (Role.UNIT_HEAD,)),
    MenuItem("notifications.index", _l("Notifications")),
    MenuItem("commitments.mine", _l("My commitment"), group=_l("Commitments")),
    MenuItem("commitments.unit", _l("My unit's commitment"), (Role.UNIT_HEAD,), _l("Commitments")),
    MenuItem("commitments.members", _l("Confirm members"), (Role.UNIT_HEAD,), _l("Commitments")),
    MenuItem("commitments.units", _l("Confirm units"), (Role.OFFICER,), _l("Commitments")),
    MenuItem(
        "commitments.tracking", _l("Tracking"), (Role.OFFICER, Role.LEADER), _l("Commitments")
    ),
    MenuItem(
        "commitments.assessment_period",
        _l("Assessment period"),
        (Role.OFFICER,),
        _l("Commitments"),
    ),
    MenuItem("initiatives.index", _l("All initiatives"), group=_l("Initiatives")),
    MenuItem("initiatives.mine", _l("My initiatives"), group=_l("Initiatives")),
    MenuItem("initiatives.new", _l("Register an initiative"), group=_l("Initiatives")),
    MenuItem("initiatives.review", _l("Waiting for review"), (Role.OFFICER,), _l("Initiatives")),
    MenuItem(
        "councils.index",
        _l("Initiative council"),
        (Role.OFFICER, Role.LEADER),
        _l("Initiatives"),
        also_for=sits_on_a_council,
    ),
    MenuItem("voting.index", _l("Voting")),
    MenuItem("surveys.index", _l("Surveys")),
    MenuItem("showcase.index", _l("Exemplary models")),
    MenuItem("showcase.manage", _l("Manage stories"), (Role.COMMS,)),
    MenuItem(
        "monitoring.dashboard", _l("Monitoring the movement"), (Role.OFFICER, Role.LEADER), MANAGE
    ),
    MenuItem("reminders.index", _l("Reminders"), (Role.OFFICER,), MANAGE),
    MenuItem("commendations.index", _l("Commendations"), (Role.OFFICER, Role.LEADER), MANAGE),
    MenuItem("reports.index", _l("Reports"), (Role.OFFICER, Role.LEADER), MANAGE),
    MenuItem("campaigns.index", _l("Manage campaigns"), (Role.OFFICER,), MANAGE),
    MenuItem("admin.units", _l("Units"), (Role.ADMIN,), _l("Administration")),
    MenuItem("admin.users", _l("Users"), (Role.ADMIN,), _l("Administration")),
    MenuItem("admin.import_users", _l("Import users"), (Role.ADMIN,), _l("Administration")),
    MenuItem("admin.audit", _l("Audit log"), (Role.ADMIN,), _l("Administration")),
)
# The bell's item, whose count of unread notifications the menu shows.
NOTIFICATIONS = next(n for n, item in enumerate(MENU) if item.endpoint == "notifications.index")


def _shown(user) -> tuple[int, ...]:
    """The numbers of the menu's items the user sees."""
    return tuple(
        number
        for number, item in enumerate(MENU)
        if item.endpoint in current_app.view_functions
        and (user.has_role(*item.roles) or (item.also_for is not None and item.also_for(user)))
    )


def main_menu(user) -> Markup:
    """The menu's list as the page shows it: drawn once for each set of items, page (the one
    marked current) and number of unread notifications, and kept (app/web/fragments.py)."""
    shown = _shown(user)
    unread = unread_notifications(user) if NOTIFICATIONS in shown else 0
    current = request.endpoint
    return fragments.drawn(
        "menu",
        (shown, current, unread),
        lambda: render_template(
            "_main_menu.html", groups=menu_for(shown), current=current, unread=unread
        ),
    )


def menu_for(shown: tuple[int, ...]) -> list[tuple[str | None, list[tuple[str, str, str]]]]:
    """The menu of these items as [(group label or None, [(url, label, endpoint)])], in order.
    Built once per set of items shown and language, its labels translated, and kept by the
    app."""
    key = (shown, request.script_root, str(get_locale()))
    built = current_app.extensions.setdefault("thidua.menus", {})
    if key not in built:
        built[key] = _grouped(MENU[number] for number in shown)
    return built[key]


def _grouped(items) -> list[tuple[str | None, list[tuple[str, str, str]]]]:
    groups: list[tuple[str | None, list]] = []
    for item in items:
        entry = (url_for(item.endpoint), str(item.label), item.endpoint)
        group = None if item.group is None else str(item.group)
        if groups and group is not None and groups[-1][0] == group:
            groups[-1][1].append(entry)
        else:
            groups.append((group, [entry]))
    return groups
