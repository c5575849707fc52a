"""The survey pages under /surveys/: the list, the officer's builder (details, sections,
questions edited in place with htmx), the preview, publishing, closing and the follow-up copy,
answering page by page, the thank-you page, the results with their text answers and exports.

Only the officer builds; only the officer and the leaders read results; staff answer the
surveys addressed to them and never see anyone's answers. The services check again.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import audit
from app.campaigns.services import current_campaign
from app.documents import XLSX_MIMETYPE, content_disposition
from app.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.directory import Role
from app.models.surveys import QuestionKind, Survey
from app.surveys import answering, results, services
from app.surveys.forms import (
    KIND_LABELS,
    LIKERT_LABELS,
    ButtonForm,
    SectionForm,
    SurveyForm,
    data_of,
    read_question,
    with_blank_rows,
)
from app.voting.forms import AUDIENCE_ALL, AUDIENCE_UNITS, to_wall_clock
from app.web import fragments
from app.web.access import role_required
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render
from app.web.labels import SURVEY_PHASE_LABELS

bp = Blueprint("surveys", __name__)

BUILD = "surveys/build.html"
QUESTION = "surveys/question.html"
ANSWER = "surveys/answer.html"


@bp.app_template_filter("survey_phase")
def survey_phase(value: str) -> str:
    return str(SURVEY_PHASE_LABELS.get(value, value))


@bp.app_template_global()
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def likert_labels() -> list[str]:
    return [str(label) for label in LIKERT_LABELS]


# Lookups with their access checks ---------------------------------------------------------


def get_survey(survey_id: int, allowed, kept_structure: bool = False) -> Survey:
    survey = services.load(survey_id, kept_structure=kept_structure)
    if survey is None:
        abort(404)
    if not allowed(current_user, survey):
        abort(403)
    return survey


def managed(survey_id: int) -> Survey:
    return get_survey(survey_id, lambda user, s: services.is_manager(user))


def readable_results(survey_id: int) -> Survey:
    """A survey whose results the person may read, its structure as kept by the process (the
    results, the comparison and the exports only read it)."""
    return get_survey(
        survey_id,
        lambda user, s: services.can_see_results(user) and not s.is_draft,
        kept_structure=True,
    )


def answerable(survey_id: int) -> Survey:
    """A survey the person may answer, its structure as kept by the process (only read)."""
    return get_survey(
        survey_id,
        lambda user, s: not s.is_draft and services.in_audience(user, s),
        kept_structure=True,
    )


def refused(survey: Survey, error: DomainError, endpoint: str = "surveys.build"):
    flash(error.message, "warning")
    url = url_for(endpoint, survey_id=survey.id)
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


def _unit_choices(form: SurveyForm) -> None:
    from app.directory import unit_tree

    form.unit_ids.choices = [
        SelectChoice(unit.id, "— " * depth + unit.name) for unit, depth in unit_tree()
    ]


# The list ---------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The officer's surveys; for everyone the open surveys addressed to them."""
    from app.surveys import queries

    now = services.now_utc()
    return render(
        "surveys/index.html",
        now=now,
        mine=queries.open_for(current_user, now),
        surveys=queries.all_surveys() if services.can_see_results(current_user) else [],
        counts=queries.response_counts(),
        can_manage=services.is_manager(current_user) and current_campaign() is not None,
    )


# Building (the officer) ---------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new():
    """A new survey's details; its questions are added next."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    form = SurveyForm()
    _unit_choices(form)
    if form.validate_on_submit():
        try:
            survey = services.create_survey(current_user, campaign, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The survey has been created. Add its questions next."), "success")
            return redirect(url_for("surveys.build", survey_id=survey.id), 303)
    return render(
        "surveys/edit.html",
        form=form,
        survey=None,
        campaign=campaign,
        status=422 if form.is_submitted() else 200,
    )


@bp.post("/from-template")
@role_required(Role.OFFICER)
def from_template():
    """A draft copy of the ready awareness survey drawn from the plan."""
    from datetime import timedelta

    from app.surveys.template import seed_awareness_survey

    campaign = current_campaign()
    if campaign is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    now = services.now_utc()
    survey = seed_awareness_survey(current_user, campaign, now, now + timedelta(days=14))
    flash(_("The awareness survey has been prepared from the plan: check it, then publish it."))
    return redirect(url_for("surveys.build", survey_id=survey.id), 303)


def _build_context(survey: Survey, **extra) -> dict:
    return {
        "survey": survey,
        "questions": services.ordered_questions(survey),
        "locked": services.is_locked(survey),
        "problems": services.publishing_problems(survey) if survey.is_draft else [],
        "phase": survey.phase(services.now_utc()),
        "button": ButtonForm(formdata=None),
        "section_form": SectionForm(formdata=None),
        "kinds": list(QuestionKind),
        **extra,
    }


@bp.get("/<int:survey_id>/build")
@login_required
def build(survey_id: int):
    """The builder: the sections and their questions, each with its actions."""
    survey = managed(survey_id)
    return render(BUILD, block="questions", **_build_context(survey))


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit(survey_id: int):
    survey = managed(survey_id)
    form = SurveyForm(
        data={
            "title": survey.title,
            "introduction": survey.introduction,
            "opens_at": to_wall_clock(survey.opens_at),
            "closes_at": to_wall_clock(survey.closes_at),
            "is_anonymous": survey.is_anonymous,
            "audience": AUDIENCE_ALL if survey.is_open_to_all else AUDIENCE_UNITS,
            "unit_ids": [unit.id for unit in survey.units],
        }
    )
    _unit_choices(form)
    if form.validate_on_submit():
        try:
            services.update_survey(current_user, survey, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(survey, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("surveys.build", survey_id=survey.id), 303)
    return render(
        "surveys/edit.html",
        form=form,
        survey=survey,
        campaign=survey.campaign,
        status=422 if form.is_submitted() else 200,
    )


def _after_change(survey_id: int, anchor: str = ""):
    """A plain POST goes back to the builder; htmx gets the new list of questions."""
    if not is_htmx():
        return redirect(url_for("surveys.build", survey_id=survey_id, _anchor=anchor), 303)
    survey = services.load(survey_id)
    html, status = render(BUILD, block="questions", **_build_context(survey))
    return html, status, {"HX-Retarget": "#questions", "HX-Reswap": "outerHTML"}


@bp.post("/<int:survey_id>/sections")
@login_required
def add_section(survey_id: int):
    survey = managed(survey_id)
    form = SectionForm()
    if not form.validate_on_submit():
        messages = [message for errors in form.errors.values() for message in errors]
        return refused(survey, InvalidTransition(" ".join(messages)))
    try:
        section = services.add_section(current_user, survey, form.data)
    except (InvalidTransition, ValidationFailed) as error:
        return refused(survey, error)
    return _after_change(survey_id, f"section-{section.id}")


@bp.route("/<int:survey_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(survey_id: int, section_id: int):
    survey = managed(survey_id)
    section = next((s for s in survey.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        try:
            services.update_section(current_user, survey, section, form.data)
        except InvalidTransition as error:
            return refused(survey, error)
        return _after_change(survey_id, f"section-{section_id}")
    return render(
        "surveys/section.html",
        survey=survey,
        section=section,
        form=form,
        status=422 if form.is_submitted() else 200,
    )


@bp.post("/<int:survey_id>/sections/<int:section_id>/delete")
@login_required
def delete_section(survey_id: int, section_id: int):
    survey = managed(survey_id)
    section = next((s for s in survey.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    try:
        services.delete_section(current_user, survey, section)
    except InvalidTransition as error:
        return refused(survey, error)
    return _after_change(survey_id)


def _question_context(survey, section_id, question, data, errors, more=0) -> dict:
    earlier = services.ordered_questions(survey)
    if question is not None:
        earlier = earlier[: earlier.index(question)]
    else:
        order = {s.id: s.position for s in survey.sections}
        earlier = [q for q in earlier if order.get(q.section_id, 0) <= order.get(section_id, 0)]
    return {
        "survey": survey,
        "section_id": section_id,
        "question": question,
        "data": data,
        "rows": with_blank_rows(data, more),
        "errors": errors,
        "locked": services.is_locked(survey),
        "condition_sources": [q for q in earlier if q.kind in ("single", "multiple", "dropdown")],
    }


def _save_question(survey, section_id, question):
    """Read the question form: "more" shows more option rows, else save; a rejected form
    answers 422 with the form and each error beside its field."""
    kind = question.kind if question else request.values.get("kind", "")
    if kind not in tuple(QuestionKind):
        abort(400)
    data, errors = read_question(request.form, kind)
    if "more" in request.form:
        context = _question_context(survey, section_id, question, data, {}, more=3)
        return render(QUESTION, block="question_form", **context)
    if not errors:
        try:
            if question is None:
                section = next(s for s in survey.sections if s.id == section_id)
                saved = services.add_question(current_user, survey, section, data)
            else:
                services.update_question(current_user, survey, question, data)
                saved = question
        except ValidationFailed as error:
            errors = error.errors
        except InvalidTransition as error:
            return refused(survey, error)
        else:
            return _after_change(survey.id, f"question-{saved.id}")
    context = _question_context(survey, section_id, question, data, errors)
    return render(QUESTION, block="question_form", status=422, **context)


@bp.route("/<int:survey_id>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(survey_id: int, section_id: int):
    """A new question of the chosen kind at the end of the section."""
    survey = managed(survey_id)
    if not any(s.id == section_id for s in survey.sections):
        abort(404)
    if request.method == "POST":
        return _save_question(survey, section_id, None)
    kind = request.args.get("kind", "")
    if kind not in tuple(QuestionKind):
        abort(400)
    data = services.QuestionData(kind=kind, text="", scale_max=5 if kind == "rating" else None)
    context = _question_context(survey, section_id, None, data, {})
    return render(QUESTION, block="question_form", **context)


def _question(survey: Survey, question_id: int):
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


@bp.route("/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(survey_id: int, question_id: int):
    survey = managed(survey_id)
    question = _question(survey, question_id)
    if request.method == "POST":
        return _save_question(survey, question.section_id, question)
    context = _question_context(survey, question.section_id, question, data_of(question), {})
    return render(QUESTION, block="question_form", **context)


@bp.post("/<int:survey_id>/questions/<int:question_id>/duplicate")
@login_required
def duplicate_question(survey_id: int, question_id: int):
    survey = managed(survey_id)
    try:
        copy = services.duplicate_question(current_user, survey, _question(survey, question_id))
    except InvalidTransition as error:
        return refused(survey, error)
    return _after_change(survey_id, f"question-{copy.id}")


@bp.post("/<int:survey_id>/questions/<int:question_id>/move")
@login_required
def move_question(survey_id: int, question_id: int):
    survey = managed(survey_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    try:
        services.move_question(current_user, survey, _question(survey, question_id), direction)
    except InvalidTransition as error:
        return refused(survey, error)
    return _after_change(survey_id, f"question-{question_id}")


@bp.post("/<int:survey_id>/questions/<int:question_id>/delete")
@login_required
def delete_question(survey_id: int, question_id: int):
    survey = managed(survey_id)
    try:
        services.delete_question(current_user, survey, _question(survey, question_id))
    except InvalidTransition as error:
        return refused(survey, error)
    return _after_change(survey_id)


@bp.get("/<int:survey_id>/preview")
@login_required
def preview(survey_id: int):
    """The survey exactly as staff will see it, page by page; nothing is saved."""
    survey = managed(survey_id)
    all_pages = answering.pages(survey)
    page = min(max(request.args.get("page", 0, type=int), 0), max(len(all_pages) - 1, 0))
    return render(ANSWER, **_answer_context(survey, page, {}, {}, preview=True))


def _lifecycle(survey_id: int, change, message: str, endpoint: str = "surveys.build"):
    survey = managed(survey_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        result = change(current_user, survey)
    except InvalidTransition as error:
        return refused(survey, error)
    flash(message, "success")
    target = result.id if isinstance(result, Survey) else survey.id
    return redirect(url_for(endpoint, survey_id=target), 303)


@bp.post("/<int:survey_id>/publish")
@login_required
def publish(survey_id: int):
    return _lifecycle(survey_id, services.publish, _("The survey has been published."))


@bp.post("/<int:survey_id>/close")
@login_required
def close(survey_id: int):
    return _lifecycle(survey_id, services.close, _("The survey has been closed."))


@bp.post("/<int:survey_id>/duplicate")
@login_required
def duplicate(survey_id: int):
    """A draft copy for a follow-up, linked to this one for the comparison."""
    return _lifecycle(
        survey_id, services.duplicate_survey, _("A copy for the follow-up survey has been made.")
    )


@bp.post("/<int:survey_id>/delete")
@login_required
def delete(survey_id: int):
    survey = managed(survey_id)
    try:
        services.delete_survey(current_user, survey)
    except InvalidTransition as error:
        return refused(survey, error)
    flash(_("The survey has been deleted."), "success")
    return redirect(url_for("surveys.index"), 303)


# Answering --------------------------------------------------------------------------------------

TOKEN_KEY = "survey_drafts"


def _token(survey: Survey) -> str | None:
    return (session.get(TOKEN_KEY) or {}).get(str(survey.id)) if survey.is_anonymous else None


def _keep_token(survey_id: int, anonymous: bool, token: str | None) -> None:
    if anonymous and token:
        tokens = dict(session.get(TOKEN_KEY) or {})
        tokens[str(survey_id)] = token
        session[TOKEN_KEY] = tokens


def _save_page(survey, page, result, now, draft, token):
    """Keep a page's answers in the person's draft: (draft, token), or (None, None) with the
    reason flashed when the survey no longer takes them."""
    survey_id, anonymous = survey.id, survey.is_anonymous  # read before the commit expires them
    try:
        draft, token = answering.save_page(
            survey, current_user, token, page, result, now, draft=draft
        )
    except (InvalidTransition, NotAllowed) as error:
        flash(error.message, "warning")
        return None, None
    _keep_token(survey_id, anonymous, token)
    return draft, token


def _answer_context(survey, page, back, errors, preview=False, answers=None) -> dict:
    """A page of questions as staff see it. A question whose condition is on an earlier page
    and not met is left out; one whose condition is on the same page is shown with a note
    (app.js hides it until the condition is met; the server ignores it otherwise)."""
    all_pages = answering.pages(survey)
    section, questions = all_pages[page] if all_pages else (None, [])
    numbers = {q.id: n for n, q in enumerate(services.ordered_questions(survey), 1)}
    on_page = {q.id for q in questions}
    earlier = answers or {}
    skipped = {
        q.id
        for q in questions
        if q.condition_question_id is not None
        and q.condition_question_id not in on_page
        and not answering.is_shown(q, earlier)
    }
    options = {o.id: o.text for q in survey.questions for o in q.options}
    return {
        "survey": survey,
        "page": page,
        "pages": len(all_pages),
        "section": section,
        "questions": [q for q in questions if q.id not in skipped],
        "numbers": numbers,
        "back": back,
        "errors": errors,
        "preview": preview,
        "on_page": on_page,
        "option_texts": options,
        "likert": likert_labels(),
    }


@bp.route("/<int:survey_id>/answer", methods=["GET", "POST"])
@login_required
def answer(survey_id: int):
    """Answer page by page: Next and Back keep the page's answers (a draft), Submit sends the
    one response."""
    survey = answerable(survey_id)
    now = services.now_utc()
    if answering.has_answered(survey, current_user):
        flash(_("You have already answered this survey. Thank you."), "info")
        return redirect(url_for("surveys.index"), 303)
    if not survey.is_open(now):
        flash(_("The survey is not open for answers."), "warning")
        return redirect(url_for("surveys.index"), 303)
    all_pages = answering.pages(survey)
    if not all_pages:
        abort(404)
    token = _token(survey)
    draft = answering.find_draft(survey, current_user, token)
    stored = dict(draft.answers or {}) if draft else {}
    last = len(all_pages) - 1
    page = min(max(request.values.get("page", 0, type=int), 0), last)
    if request.method == "GET":
        back = answering.answers_back(all_pages[page][1], stored)
        return render(ANSWER, **_answer_context(survey, page, back, {}, answers=stored))
    if not ButtonForm().validate_on_submit():
        abort(400)
    survey_id, anonymous = survey.id, survey.is_anonymous
    action = request.form.get("action", "next")
    questions = all_pages[page][1]
    earlier = {k: v for k, v in stored.items() if k not in {str(q.id) for q in questions}}
    result = answering.read_page(questions, request.form, earlier)
    if result.errors and action != "back":
        context = _answer_context(survey, page, result.shown_back, result.errors, answers=earlier)
        return render(ANSWER, status=422, **context)
    submitting = action == "submit" and page == last
    if not result.errors and not submitting:
        draft, token = _save_page(survey, page, result, now, draft, token)
        if draft is None:
            return redirect(url_for("surveys.index"), 303)
    if submitting:
        # The last page goes with the submission in one transaction, not into the draft first.
        try:
            code = answering.submit(
                survey, current_user, token, now, draft=draft, last_page=(page, result)
            )
        except ValidationFailed as error:
            # An earlier page lacks an answer: this page's are kept in the draft meanwhile.
            draft, token = _save_page(survey, page, result, now, draft, token)
            if draft is None:
                return redirect(url_for("surveys.index"), 303)
            first = int(error.errors.pop("page", ["0"])[0])
            flash(_("Some required questions have no answer yet."), "warning")
            return redirect(url_for("surveys.answer", survey_id=survey_id, page=first), 303)
        except (InvalidTransition, NotAllowed) as error:
            flash(error.message, "warning")
            return redirect(url_for("surveys.index"), 303)
        if anonymous:
            tokens = dict(session.get(TOKEN_KEY) or {})
            tokens.pop(str(survey_id), None)
            session[TOKEN_KEY] = tokens
        session["survey_receipt"] = {"survey": survey_id, "code": code}
        return redirect(url_for("surveys.thanks", survey_id=survey_id), 303)
    if action == "save":
        flash(_("Your answers have been saved: you can come back and finish later."), "success")
        target = page
    else:
        target = page - 1 if action == "back" else page + 1
    target = min(max(target, 0), last)
    return redirect(url_for("surveys.answer", survey_id=survey_id, page=target), 303)


@bp.get("/<int:survey_id>/thanks")
@login_required
def thanks(survey_id: int):
    survey = answerable(survey_id)
    receipt = session.get("survey_receipt") or {}
    code = receipt.get("code") if receipt.get("survey") == survey.id else None
    if code is None and not answering.has_answered(survey, current_user):
        return redirect(url_for("surveys.answer", survey_id=survey.id), 303)
    return render("surveys/thanks.html", survey=survey, code=code)


# Results ------------------------------------------------------------------------------------------


@bp.get("/<int:survey_id>/results")
@login_required
def results_page(survey_id: int):
    """Counts, shares and charts per question, means, the awareness index, response rates."""
    from app.surveys import comparison

    survey = readable_results(survey_id)
    summary = results.summary(survey)
    likert = likert_labels()
    # The cards by question, most of the page, are drawn once for the same figures.
    by_question = fragments.block(
        "surveys/results.html",
        "questions",
        (survey.id, tuple(likert), results.shown(summary.questions)),
        survey=survey,
        summary=summary,
        likert=likert,
    )
    return render(
        "surveys/results.html",
        survey=survey,
        summary=summary,
        by_question=by_question,
        can_compare=bool(comparison.candidates(survey)),
        phase=survey.phase(services.now_utc()),
        min_group=results.MIN_GROUP,
        likert=likert,
        lagging=(
            results.lagging(summary.units) if len(summary.units) > results.UNITS_UNFOLDED else None
        ),
    )


@bp.get("/<int:survey_id>/questions/<int:question_id>/answers")
@login_required
def texts(survey_id: int, question_id: int):
    """A text question's answers, searchable, paged."""
    survey = readable_results(survey_id)
    question = _question(survey, question_id)
    if question.kind not in ("short_text", "long_text"):
        abort(404)
    q = request.args.get("q", "")
    found = results.text_answers(question, q, request.args.get("page", 1, type=int))
    return render(
        "surveys/texts.html", block="answers", survey=survey, question=question, q=q, found=found
    )


@bp.get("/<int:survey_id>/responses.csv")
@login_required
def export_csv(survey_id: int):
    from app.surveys import exports

    survey = readable_results(survey_id)
    audit.record(current_user, "survey.exported", survey, label=survey.title, format="csv")
    db.session.commit()
    survey = services.load(survey_id)
    names = (f"Khảo sát {survey.id}.csv", f"khao-sat-{survey.id}.csv")
    return Response(
        stream_with_context(exports.iter_csv(survey)),
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(*names)},
    )


@bp.get("/<int:survey_id>/responses.xlsx")
@login_required
def export_xlsx(survey_id: int):
    from app.surveys import exports

    survey = readable_results(survey_id)
    data = exports.responses_xlsx(survey)
    audit.record(current_user, "survey.exported", survey, label=survey.title, format="xlsx")
    db.session.commit()
    names = (f"Khảo sát {survey_id}.xlsx", f"khao-sat-{survey_id}.xlsx")
    return Response(
        data, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": content_disposition(*names)}
    )


@bp.get("/<int:survey_id>/summary.docx")
@login_required
def summary_docx(survey_id: int):
    """The results as a report (DOCX) with the tables of the results page."""
    from app.documents import DOCX_MIMETYPE
    from app.surveys.summary_docx import summary_docx as build
    from app.web.filters import local_today

    survey = readable_results(survey_id)
    data = build(survey, results.summary(survey), local_today())
    audit.record(current_user, "survey.exported", survey, label=survey.title, format="docx")
    db.session.commit()
    names = (f"Báo cáo kết quả khảo sát {survey_id}.docx", f"bao-cao-khao-sat-{survey_id}.docx")
    return Response(
        data, mimetype=DOCX_MIMETYPE, headers={"Content-Disposition": content_disposition(*names)}
    )


@bp.get("/<int:survey_id>/compare")
@login_required
def compare(survey_id: int):
    """This survey beside another (by default the one it follows): the change per question and
    in the awareness index."""
    from app.surveys import comparison

    survey = readable_results(survey_id)
    choices = comparison.candidates(survey)
    other_id = request.args.get("with", type=int) or survey.follows_id
    if other_id is None and choices:
        other_id = choices[0].id
    if other_id not in {choice.id for choice in choices}:
        abort(404)
    other = readable_results(other_id)
    survey = services.load(survey_id)
    before, after = comparison.chronological(other, survey)
    return render(
        "surveys/compare.html",
        before=before,
        after=after,
        comparison=comparison.compare(before, after),
        choices=choices,
        survey=survey,
    )
