"""Initiative use cases: who sees what, the application and its authors, the lifecycle.

Each use case takes the acting user, checks permission and state, changes the data, audits,
notifies the authors and commits once. Attachments are in attachments.py, the council's
judgement in app/councils/services.py.
"""

from datetime import UTC, date, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, false, func, or_, select, true, union, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from app import audit
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.campaigns import Campaign, ContentArea
from app.models.councils import Council, CouncilMember, CouncilStatus
from app.models.directory import Role, Unit, User
from app.models.initiatives import (
    COMMENT_MAX,
    EDITABLE_STATUSES,
    FIELD_MAX,
    TITLE_MAX,
    Initiative,
    InitiativeAttachment,
    InitiativeAuthor,
    InitiativeEvent,
    InitiativeStatus,
)
from app.notifications.services import link_to, notify
from app.text import clean, clean_paragraphs, fold

S = InitiativeStatus
# The long texts of the application, in the order of the form.
TEXT_FIELDS = (
    "current_situation",
    "solution",
    "steps",
    "novelty",
    "confidential_info",
    "conditions",
    "applicability",
    "benefits_author",
    "benefits_trial",
    "trial_participants",
)
# What an application needs before it can be submitted.
REQUIRED_TO_SUBMIT = (
    "content_area_id",
    "first_applied_on",
    "current_situation",
    "solution",
    "novelty",
    "applicability",
    "benefits_author",
)
# Everyone signed in may read these: the office's good practice, and the vote's candidates.
PUBLIC_STATUSES = (S.ACCEPTED, S.RECOGNIZED)
COUNCIL_STATUSES = (S.ACCEPTED, S.RECOGNIZED, S.NOT_RECOGNIZED)
# Statuses in the order of the lifecycle, for filters and labels.
STATUSES = tuple(status.value for status in InitiativeStatus)


# Who sees what ------------------------------------------------------------------------------


def is_reviewer(user: User) -> bool:
    """The officer runs the review; leaders read everything submitted."""
    return user.has_role(Role.OFFICER, Role.LEADER)


def author_ids(initiative: Initiative) -> set[int]:
    """The authors' user ids: from the authors already loaded (load() does), else a query."""
    if "authors" in initiative.__dict__:
        return {author.user_id for author in initiative.authors}
    return set(
        db.session.scalars(
            select(InitiativeAuthor.user_id).where(InitiativeAuthor.initiative_id == initiative.id)
        )
    )


def is_author(user: User, initiative: Initiative) -> bool:
    return user.id in author_ids(initiative) or initiative.created_by_id == user.id


def is_main_author(user: User, initiative: Initiative) -> bool:
    """The main author, who manages the authors and their shares and may delete the draft."""
    return bool(
        db.session.scalar(
            select(func.count(InitiativeAuthor.id)).where(
                InitiativeAuthor.initiative_id == initiative.id,
                InitiativeAuthor.user_id == user.id,
                InitiativeAuthor.is_main.is_(True),
            )
        )
    )


def heads_unit_of(user: User, initiative: Initiative) -> bool:
    if initiative.unit_id is None:
        return False
    head_id = db.session.scalar(select(Unit.head_id).where(Unit.id == initiative.unit_id))
    return head_id is not None and head_id == user.id


def sits_on_council_of(user: User, initiative: Initiative) -> bool:
    """A member of a council of the initiative's campaign."""
    return bool(
        db.session.scalar(
            select(func.count(CouncilMember.id))
            .join(Council, Council.id == CouncilMember.council_id)
            .where(CouncilMember.user_id == user.id, Council.campaign_id == initiative.campaign_id)
        )
    )


def put_to_the_vote(initiative: Initiative) -> bool:
    """A candidate of a published voting round: its voters follow the card's link to it."""
    from app.models.voting import RoundStatus, VotingCandidate, VotingRound

    return bool(
        db.session.scalar(
            select(func.count(VotingCandidate.id))
            .join(VotingRound, VotingRound.id == VotingCandidate.round_id)
            .where(
                VotingCandidate.initiative_id == initiative.id,
                VotingRound.status == RoundStatus.PUBLISHED,
            )
        )
    )


def can_view(user: User, initiative: Initiative) -> bool:
    """Authors always; once submitted the officer, leaders and the unit's head; once accepted
    everyone (the council's members also see those it did not recognize, and so does everyone
    when it was put to the vote before the council decided)."""
    if is_author(user, initiative):
        return True
    if initiative.status == S.DRAFT:
        return False
    if is_reviewer(user) or heads_unit_of(user, initiative):
        return True
    if initiative.status in PUBLIC_STATUSES:
        return True
    if initiative.status not in COUNCIL_STATUSES:
        return False
    return sits_on_council_of(user, initiative) or put_to_the_vote(initiative)


def can_see_confidential(user: User, initiative: Initiative) -> bool:
    """The confidential part is for the authors and the reviewers (officer, leaders, council)."""
    if is_author(user, initiative):
        return True
    if initiative.status == S.DRAFT:
        return False
    if is_reviewer(user):
        return True
    return initiative.status in COUNCIL_STATUSES and sits_on_council_of(user, initiative)


def visible_to(user: User):
    """The SQL condition of can_view, for lists."""
    authored = Initiative.id.in_(
        select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.user_id == user.id)
    )
    headed = Initiative.unit_id.in_(select(Unit.id).where(Unit.head_id == user.id))
    council_campaigns = Initiative.campaign_id.in_(
        select(Council.campaign_id)
        .join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id)
    )
    submitted = Initiative.status != S.DRAFT
    return or_(
        authored,
        Initiative.created_by_id == user.id,
        and_(submitted, true() if is_reviewer(user) else false()),
        and_(submitted, headed),
        Initiative.status.in_(PUBLIC_STATUSES),
        and_(Initiative.status.in_(COUNCIL_STATUSES), council_campaigns),
    )


def list_query(
    viewer: User,
    *,
    q: str = "",
    status: str | None = None,
    area_id: int | None = None,
    unit_id: int | None = None,
    year: int | None = None,
    mine: bool = False,
):
    """The initiatives the viewer may see, filtered, newest first, with what a list shows."""
    stmt = _listed().where(_mine(viewer.id) if mine else visible_to(viewer))
    for word in fold(q).split():
        stmt = stmt.where(Initiative.search_text.contains(word, autoescape=True))
    if status in STATUSES:
        stmt = stmt.where(Initiative.status == status)
    if area_id:
        stmt = stmt.where(Initiative.content_area_id == area_id)
    if unit_id:
        stmt = stmt.where(Initiative.unit_id == unit_id)
    if year:
        stmt = stmt.where(Initiative.year == year)
    return stmt.order_by(*_NEWEST_FIRST)


_NEWEST_FIRST = (Initiative.created_at.desc(), Initiative.id.desc())


def _listed():
    """Initiatives with what a list shows of them."""
    return select(Initiative).options(
        joinedload(Initiative.unit),
        joinedload(Initiative.content_area),
        selectinload(Initiative.authors).joinedload(InitiativeAuthor.user),
    )


def _mine(user_id):
    """SQL: the person (an id or a parameter) wrote or registered the initiative. One IN of a
    UNION, not an OR of two conditions: PostgreSQL reads the person's few initiatives by their
    ids, where the OR had it walk every initiative newest first looking for them (3.4 ms of a
    home page at province scale for someone with none, 0.3 ms now)."""
    registered = aliased(Initiative)
    return Initiative.id.in_(
        union(
            select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.user_id == user_id),
            select(registered.id).where(registered.created_by_id == user_id),
        )
    )


def years() -> list[int]:
    """The years that have initiatives, newest first, for the filter."""
    return list(
        db.session.scalars(select(Initiative.year).distinct().order_by(Initiative.year.desc()))
    )


def load(initiative_id: int) -> Initiative | None:
    """An initiative with everything its page shows."""
    return db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.unit),
            joinedload(Initiative.content_area),
            joinedload(Initiative.campaign),
            joinedload(Initiative.endorsed_by),
            selectinload(Initiative.authors)
            .joinedload(InitiativeAuthor.user)
            .joinedload(User.unit),
            selectinload(Initiative.attachments),
            selectinload(Initiative.events),
        )
    )


# The application ---------------------------------------------------------------------------


def _too_long(limit: int) -> list[str]:
    return [_("At most %(max)d characters.", max=limit)]


def _application_values(campaign_id: int, data: dict, today: date) -> dict:
    """Clean and check the application's fields; ValidationFailed names each bad field."""
    errors: dict[str, list[str]] = {}
    values: dict = {"title": clean(data.get("title"))}
    if not values["title"]:
        errors["title"] = [_("Enter the name of the initiative.")]
    elif len(values["title"]) > TITLE_MAX:
        errors["title"] = _too_long(TITLE_MAX)
    for name in TEXT_FIELDS:
        values[name] = clean_paragraphs(data.get(name))
        if len(values[name]) > FIELD_MAX:
            errors[name] = _too_long(FIELD_MAX)
    area_id = data.get("content_area_id")
    values["content_area_id"] = None
    if area_id:
        area = db.session.get(ContentArea, area_id)
        if area is None or area.campaign_id != campaign_id:
            errors["content_area_id"] = [_("Choose a content area of the campaign.")]
        else:
            values["content_area_id"] = area.id
    first = data.get("first_applied_on")
    if first is not None and first > today:
        errors["first_applied_on"] = [_("The date of first application cannot be in the future.")]
    values["first_applied_on"] = first
    if errors:
        raise ValidationFailed(errors)
    return values


def _refresh_search(initiative: Initiative) -> None:
    """The folded title, authors' names and unit the list's search looks in."""
    names = db.session.scalars(
        select(User.full_name)
        .join(InitiativeAuthor, InitiativeAuthor.user_id == User.id)
        .where(InitiativeAuthor.initiative_id == initiative.id)
    ).all()
    unit = (
        db.session.scalar(select(Unit.name).where(Unit.id == initiative.unit_id))
        if initiative.unit_id
        else ""
    )
    initiative.search_text = fold(" ".join([initiative.title, *names, unit or ""]))[:1000]


def create(actor: User, campaign: Campaign, data: dict, today: date) -> Initiative:
    """A new draft; the actor is its main author with 100%, their unit its unit."""
    values = _application_values(campaign.id, data, today)
    initiative = Initiative(
        campaign_id=campaign.id,
        unit_id=actor.unit_id,
        created_by_id=actor.id,
        status=S.DRAFT,
        year=today.year,
        **values,
    )
    initiative.authors = [InitiativeAuthor(user_id=actor.id, is_main=True, position=0, share=100)]
    db.session.add(initiative)
    db.session.flush()
    _refresh_search(initiative)
    audit.record(actor, "initiative.created", initiative, label=initiative.title)
    db.session.commit()
    return initiative


def require_editable(actor: User, initiative: Initiative) -> None:
    if not is_author(actor, initiative):
        raise NotAllowed(_("Only the authors can change the application."))
    if initiative.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _("The application can be changed only while it is a draft or has been returned.")
        )


def _require_main_author(actor: User, initiative: Initiative) -> None:
    require_editable(actor, initiative)
    if not is_main_author(actor, initiative):
        raise NotAllowed(_("Only the main author manages the authors and their contributions."))


def update_application(actor: User, initiative: Initiative, data: dict, today: date) -> None:
    """Save the application's fields (a draft, or one returned for changes)."""
    require_editable(actor, initiative)
    values = _application_values(initiative.campaign_id, data, today)
    for name, value in values.items():
        setattr(initiative, name, value)
    _refresh_search(initiative)
    db.session.commit()


def delete_draft(actor: User, initiative: Initiative) -> None:
    """Delete a draft that was never submitted; its files go with it (see attachments)."""
    if not is_main_author(actor, initiative):
        raise NotAllowed(_("Only the main author can delete the draft."))
    if initiative.status != S.DRAFT or initiative.submitted_at is not None:
        raise InvalidTransition(_("Only a draft that was never submitted can be deleted."))
    from app.initiatives.attachments import remove_files

    stored = list(
        db.session.scalars(
            select(InitiativeAttachment.stored_name).where(
                InitiativeAttachment.initiative_id == initiative.id
            )
        )
    )
    audit.record(actor, "initiative.deleted", initiative, label=initiative.title)
    db.session.delete(initiative)
    db.session.commit()
    remove_files(stored)


# Authors -----------------------------------------------------------------------------------


def _authors(initiative: Initiative) -> list[InitiativeAuthor]:
    return list(
        db.session.scalars(
            select(InitiativeAuthor)
            .where(InitiativeAuthor.initiative_id == initiative.id)
            .order_by(InitiativeAuthor.position, InitiativeAuthor.id)
        )
    )


def add_author(actor: User, initiative: Initiative, user_id: int | None, share: int | None):
    """Add a co-author; their share is taken from the main author's."""
    _require_main_author(actor, initiative)
    authors = _authors(initiative)
    main = next(author for author in authors if author.is_main)
    person = db.session.get(User, user_id) if user_id else None
    errors: dict[str, list[str]] = {}
    if person is None or not person.is_active:
        errors["user_id"] = [_("Choose a person from the directory.")]
    elif any(author.user_id == person.id for author in authors):
        errors["user_id"] = [_("%(name)s is already an author.", name=person.full_name)]
    if share is None or share < 1:
        errors["share"] = [_("Enter a contribution between %(min)d and %(max)d%%.", min=1, max=99)]
    elif share >= main.share:
        errors["share"] = [
            _(
                "The main author has %(left)d%% left to share; enter less than that.",
                left=main.share,
            )
        ]
    if errors:
        raise ValidationFailed(errors)
    main.share -= share
    author = InitiativeAuthor(
        initiative_id=initiative.id,
        user_id=person.id,
        is_main=False,
        position=max(a.position for a in authors) + 1,
        share=share,
    )
    db.session.add(author)
    db.session.flush()
    _refresh_search(initiative)
    audit.record(actor, "initiative.author_added", initiative, label=person.full_name)
    db.session.commit()
    return author


def remove_author(actor: User, initiative: Initiative, author_id: int) -> None:
    """Remove a co-author; their share goes back to the main author."""
    _require_main_author(actor, initiative)
    authors = _authors(initiative)
    author = next((a for a in authors if a.id == author_id), None)
    if author is None:
        raise ValidationFailed({"authors": [_("This person is not an author.")]})
    if author.is_main:
        raise ValidationFailed({"authors": [_("The main author cannot be removed.")]})
    main = next(a for a in authors if a.is_main)
    main.share += author.share
    name = db.session.scalar(select(User.full_name).where(User.id == author.user_id))
    db.session.delete(author)
    db.session.flush()
    _refresh_search(initiative)
    audit.record(actor, "initiative.author_removed", initiative, label=name)
    db.session.commit()


def share_errors(shares: dict[int, int | None]) -> dict[str, list[str]]:
    """Each share a whole number from 1 to 100, together exactly 100."""
    errors: dict[str, list[str]] = {}
    for author_id, share in shares.items():
        if share is None or not 1 <= share <= 100:
            errors[f"share_{author_id}"] = [_("Enter a whole number from 1 to 100.")]
    if not errors and sum(shares.values()) != 100:
        errors["shares"] = [
            _(
                "The contributions add up to %(total)d%%; together they must make 100%%.",
                total=sum(shares.values()),
            )
        ]
    return errors


def update_shares(actor: User, initiative: Initiative, shares: dict[int, int | None]) -> None:
    """Set every author's contribution at once (they must add up to 100)."""
    _require_main_author(actor, initiative)
    authors = {author.id: author for author in _authors(initiative)}
    if set(shares) != set(authors):
        raise ValidationFailed({"shares": [_("The list of authors has changed; reload it.")]})
    errors = share_errors(shares)
    if errors:
        raise ValidationFailed(errors)
    for author_id, share in shares.items():
        authors[author_id].share = share
    db.session.commit()


# The lifecycle -----------------------------------------------------------------------------


def submission_errors(initiative: Initiative) -> dict[str, list[str]]:
    """What is missing before the application can be submitted, by field."""
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_TO_SUBMIT:
        if not getattr(initiative, name):
            errors[name] = [_("Required before submitting.")]
    authors = _authors(initiative)
    shares = {author.id: author.share for author in authors}
    errors.update(share_errors(shares))
    return errors


def transition(
    actor: User,
    initiative: Initiative,
    from_statuses: tuple[str, ...],
    to_status: str,
    action: str,
    comment: str = "",
    **values,
) -> None:
    """Move the status with a conditional update, so two reviewers acting at once cannot both
    succeed, and record the step for the authors; the caller writes the audit entry."""
    before = initiative.status
    changed = db.session.execute(
        update(Initiative)
        .where(Initiative.id == initiative.id, Initiative.status.in_(from_statuses))
        .values(status=to_status, updated_at=datetime.now(UTC), **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(
            _("The initiative is no longer in a state that allows this; it may just have changed.")
        )
    initiative.status = to_status
    for name, value in values.items():
        setattr(initiative, name, value)
    _record_step(actor, initiative, action, before, to_status, comment)


def _record_step(actor: User, initiative: Initiative, action: str, before, after, comment):
    """A step of the initiative's history, as its authors read it."""
    db.session.add(
        InitiativeEvent(
            initiative_id=initiative.id,
            actor_id=actor.id,
            actor_name=actor.full_name,
            action=action,
            from_status=before,
            to_status=after,
            comment=comment,
        )
    )


def notify_authors(initiative: Initiative, kind: str, params: dict, except_id: int | None = None):
    """Tell every author (but the one who acted) what happened to the initiative."""
    link = link_to("initiatives.show", initiative_id=initiative.id)
    for user_id in sorted(author_ids(initiative) - {except_id}):
        notify(user_id, kind, {"title": initiative.title, **params}, link)


def submit(actor: User, initiative: Initiative) -> None:
    """Send a complete application (draft or returned) to the Administration Office."""
    require_editable(actor, initiative)
    errors = submission_errors(initiative)
    if errors:
        raise ValidationFailed(errors)
    transition(
        actor,
        initiative,
        EDITABLE_STATUSES,
        S.SUBMITTED,
        "submitted",
        submitted_at=datetime.now(UTC),
    )
    audit.record(actor, "initiative.submitted", initiative, label=initiative.title)
    notify_authors(initiative, "initiative.submitted", {"name": actor.full_name}, actor.id)
    db.session.commit()


def _require_officer(actor: User, initiative: Initiative) -> None:
    if not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer reviews initiatives."))
    if is_author(actor, initiative):
        raise NotAllowed(_("You cannot review an initiative you wrote or co-authored."))


def _comment(value: str | None, required_message: str | None) -> str:
    text = clean_paragraphs(value)
    if required_message and not text:
        raise ValidationFailed({"comment": [required_message]})
    if len(text) > COMMENT_MAX:
        raise ValidationFailed({"comment": _too_long(COMMENT_MAX)})
    return text


def return_for_changes(actor: User, initiative: Initiative, comment: str | None) -> None:
    """Return a submitted application to its authors with what to change."""
    _require_officer(actor, initiative)
    comment = _comment(comment, _("Write what the authors should change."))
    transition(actor, initiative, (S.SUBMITTED,), S.RETURNED, "returned", comment)
    audit.record(actor, "initiative.returned", initiative, label=initiative.title)
    notify_authors(initiative, "initiative.returned", {"comment": comment}, actor.id)
    db.session.commit()


def reject(actor: User, initiative: Initiative, comment: str | None) -> None:
    """Refuse a submitted application, with the reason."""
    _require_officer(actor, initiative)
    comment = _comment(comment, _("Write the reason for rejecting it."))
    transition(
        actor,
        initiative,
        (S.SUBMITTED,),
        S.REJECTED,
        "rejected",
        comment,
        decided_at=datetime.now(UTC),
    )
    audit.record(actor, "initiative.rejected", initiative, label=initiative.title)
    notify_authors(initiative, "initiative.rejected", {"comment": comment}, actor.id)
    db.session.commit()


def hold_campaign(campaign_id: int) -> None:
    """Hold the campaign's row until the transaction ends (PostgreSQL; on SQLite the first
    write holds the whole database): a council's opening and an initiative's acceptance, each
    reading what the other writes, take turns. FOR NO KEY UPDATE: rows added meanwhile that
    name the campaign (a commitment, an initiative) do not wait for it."""
    held = select(Campaign.id).where(Campaign.id == campaign_id)
    db.session.execute(held.with_for_update(key_share=True))


def open_council_id(campaign_id: int) -> int | None:
    """The campaign's council now in session, which judges what is accepted meanwhile."""
    return db.session.scalar(
        select(Council.id)
        .where(Council.campaign_id == campaign_id, Council.status == CouncilStatus.IN_SESSION)
        .order_by(Council.id.desc())
    )


def accept(actor: User, initiative: Initiative, comment: str | None = "") -> None:
    """Accept a submitted application for the council's evaluation."""
    _require_officer(actor, initiative)
    comment = _comment(comment, None)
    hold_campaign(initiative.campaign_id)
    transition(actor, initiative, (S.SUBMITTED,), S.ACCEPTED, "accepted", comment)
    # Asked once accepted, the campaign held: a council opening now is either seen in
    # session here or, opening after this commits, finds the initiative accepted.
    initiative.council_id = open_council_id(initiative.campaign_id)
    audit.record(actor, "initiative.accepted", initiative, label=initiative.title)
    notify_authors(initiative, "initiative.accepted", {}, actor.id)
    db.session.commit()


def can_review(actor: User, initiative: Initiative) -> bool:
    """The officer decides a submitted application, unless they wrote it."""
    return (
        initiative.status == S.SUBMITTED
        and actor.has_role(Role.OFFICER)
        and not is_author(actor, initiative)
    )


def can_endorse(actor: User, initiative: Initiative) -> bool:
    """The head of the unit puts it forward once, unless they wrote it."""
    return (
        initiative.status in (S.SUBMITTED, S.ACCEPTED)
        and initiative.endorsed_at is None
        and heads_unit_of(actor, initiative)
        and not is_author(actor, initiative)
    )


def endorse(actor: User, initiative: Initiative, note: str | None) -> None:
    """The unit's head puts the unit's initiative forward (đề xuất), with an optional note."""
    if not heads_unit_of(actor, initiative):
        raise NotAllowed(_("Only the head of the initiative's unit can put it forward."))
    if is_author(actor, initiative):
        raise NotAllowed(_("You cannot put forward an initiative you wrote or co-authored."))
    if not can_endorse(actor, initiative):
        raise InvalidTransition(_("This initiative cannot be put forward now."))
    values = {
        "endorsement_note": _comment(note, None),
        "endorsed_at": datetime.now(UTC),
        "endorsed_by_id": actor.id,
    }
    # Conditional, like transition(): a second tab with a stale page cannot put it forward twice.
    changed = db.session.execute(
        update(Initiative)
        .where(
            Initiative.id == initiative.id,
            Initiative.endorsed_at.is_(None),
            Initiative.status.in_((S.SUBMITTED, S.ACCEPTED)),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_("This initiative cannot be put forward now."))
    for name, value in values.items():
        setattr(initiative, name, value)
    _record_step(
        actor,
        initiative,
        "endorsed",
        initiative.status,
        initiative.status,
        initiative.endorsement_note,
    )
    audit.record(actor, "initiative.endorsed", initiative, label=initiative.title)
    notify_authors(initiative, "initiative.endorsed", {"name": actor.full_name}, actor.id)
    db.session.commit()


def waiting_for_review(campaign_id: int | None = None) -> int:
    """How many applications wait for the officer."""
    stmt = select(func.count(Initiative.id)).where(Initiative.status == S.SUBMITTED)
    if campaign_id is not None:
        stmt = stmt.where(Initiative.campaign_id == campaign_id)
    return db.session.scalar(stmt)


@cache
def _my_recent_query():
    """Built once: the home page asks it of everyone."""
    return (
        _listed()
        .where(_mine(bindparam("user_id")))
        .order_by(*_NEWEST_FIRST)
        .limit(bindparam("limit"))
    )


def my_recent(user: User, limit: int = 5) -> list[Initiative]:
    """The user's latest initiatives, for Việc của tôi."""
    values = {"user_id": user.id, "limit": limit}
    return list(db.session.scalars(_my_recent_query(), values).unique())


def endorsable_count(user: User) -> int:
    """Submitted initiatives of the units the user heads that the unit has not put forward."""
    return db.session.scalar(
        select(func.count(Initiative.id)).where(
            Initiative.status.in_((S.SUBMITTED, S.ACCEPTED)),
            Initiative.endorsed_at.is_(None),
            Initiative.unit_id.in_(select(Unit.id).where(Unit.head_id == user.id)),
        )
    )
